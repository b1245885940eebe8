package workflow

import "github.com/profhub/profhub/internal/storage/db"

// MemberLinks are the documents' references to member cards (an appeal's
// or a member's letter), for the CRM's merge and import undo (registered
// by the hub).
var MemberLinks = db.RefColumn{Table: "wf_documents", Column: "member_id"}
