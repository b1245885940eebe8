package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
)

// importPage is the member import wizard: upload, the file as understood
// with its columns' fields, a dry run listing every row's problems, the
// import with its progress and the undo of the batch
// (web/static/crm_import.js over the CRM's import wizard API). Only those
// who may edit the registry open it.
func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	if s.adminUser(w, r, access.EditRegistry) == nil {
		return
	}
	s.scriptPage(w, r, "import", "title.import", "members")
}
