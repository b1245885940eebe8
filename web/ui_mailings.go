package web

import (
	"encoding/json"
	"html/template"
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/i18n"
)

// mailingsPage is the secretaries' campaign page: list, editor with
// recipient count and preview, live results. The script works through
// the mailing JSON API (package mailing), which applies scope and roles.
func (s *Server) mailingsPage(w http.ResponseWriter, r *http.Request) {
	p := s.pageUser(w, r)
	if p == nil {
		return
	}
	v := s.newView(r, "nav.mailings", "mailings")
	strs := map[string]string{}
	for _, k := range i18n.Keys(v.Lang) {
		if strings.HasPrefix(k, "mailing.") {
			strs[strings.TrimPrefix(k, "mailing.")] = i18n.T(v.Lang, k)
		}
	}
	b, _ := json.Marshal(strs)
	// Open and click counting is the administrator's switch (mailing.SetTracking).
	v.Data = map[string]any{"Strings": template.JS(b), "TrackingSwitch": p.Scope.Role == access.Administrator}
	s.render(w, r, http.StatusOK, "mailings", v)
}
