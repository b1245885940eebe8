package telephony

import "github.com/profhub/profhub/internal/storage/db"

// MemberLinks are the calls' references to member cards, for the CRM's
// merge and import undo (registered by the hub).
var MemberLinks = db.RefColumn{Table: "tel_calls", Column: "member_id"}
