package inbox

import "github.com/profhub/profhub/internal/storage/db"

// MemberLinks are the inbox's references to member cards (a contact's
// member_id), which the CRM moves when it merges two cards and consults
// before an import undo deletes one; the hub registers them with the CRM.
var MemberLinks = db.RefColumn{Table: "inbox_contacts", Column: "member_id", Stamp: "updated_at"}
