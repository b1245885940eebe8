package web

import (
	"net/http"
	"strings"
)

// documentsPages are the document workflow's pages.
type documentsPages struct{ ui *pages }

// documents is the document workflow: a shell that documents.js fills from
// the workflow API (tasks, journal, registration, document cards, control
// report, process diagrams, notifications).
func (h documentsPages) documents(w http.ResponseWriter, r *http.Request) {
	if h.ui.area(w, r, "documents") == nil {
		return
	}
	v := h.ui.view(r, "nav.documents", "documents")
	v.Data = map[string]any{"Strings": scriptStrings(v.Lang, func(k string) (string, bool) {
		switch {
		case strings.HasPrefix(k, "docs."):
			return strings.TrimPrefix(k, "docs."), true
		case strings.HasPrefix(k, "role."):
			return strings.ReplaceAll(k, ".", "_"), true
		case strings.HasPrefix(k, "console.task_"): // the tasks block (task_block.js)
			return strings.TrimPrefix(k, "console."), true
		}
		return "", false
	})}
	h.ui.render(w, r, http.StatusOK, "documents", v)
}
