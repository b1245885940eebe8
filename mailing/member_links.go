package mailing

import "github.com/profhub/profhub/internal/storage/db"

// MemberLinks are the mailing ledger's references to member cards, for the
// CRM's merge and import undo (registered by the hub).
var MemberLinks = db.RefColumn{Table: "mailing_recipients", Column: "member_id"}
