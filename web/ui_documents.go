package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/profhub/profhub/web/i18n"
)

// documentsPage is the document workflow: a shell that documents.js fills
// from the workflow API (tasks, journal, registration, document cards,
// control report, process diagrams, notifications).
func (s *Server) documentsPage(w http.ResponseWriter, r *http.Request) {
	if s.pageUser(w, r) == nil {
		return
	}
	v := s.newView(r, "nav.documents", "documents")
	strs := map[string]string{}
	for _, k := range i18n.Keys(v.Lang) {
		switch {
		case strings.HasPrefix(k, "docs."):
			strs[strings.TrimPrefix(k, "docs.")] = i18n.T(v.Lang, k)
		case strings.HasPrefix(k, "role."):
			strs[strings.ReplaceAll(k, ".", "_")] = i18n.T(v.Lang, k)
		}
	}
	b, _ := json.Marshal(strs)
	v.Data = map[string]any{"Strings": template.JS(b)}
	s.render(w, r, http.StatusOK, "documents", v)
}
