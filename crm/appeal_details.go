package crm

import "github.com/profhub/profhub/internal/storage/db"

// AppealDetails keeps what an appeal card shows below its fields: comments
// (appeal_comment.go), files (appeal_file.go) and history
// (appeal_history.go). Each is read and written through the appeal, so
// whoever may not see the appeal sees none of them.
type AppealDetails struct {
	db      *db.DB
	appeals *Appeals
	files   fileStore
}
