package web

import (
	"encoding/json"

	"html/template"
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/security/access"

	"github.com/profhub/profhub/web/i18n"
)

// inboxPage is the operators' console: a shell the script fills from the
// inbox API and keeps live over the WebSocket.
func (s *Server) inboxPage(w http.ResponseWriter, r *http.Request) {
	s.consolePage(w, r, "inbox")
}

// supervisorPage shows every line the caller supervises, live.
func (s *Server) supervisorPage(w http.ResponseWriter, r *http.Request) {
	s.consolePage(w, r, "supervisor")
}

// statsPage shows the inbox statistics with charts and exports.
func (s *Server) statsPage(w http.ResponseWriter, r *http.Request) {
	s.consolePage(w, r, "stats")
}

// quickAnswersPage manages personal and line quick answers.
func (s *Server) quickAnswersPage(w http.ResponseWriter, r *http.Request) {
	s.consolePage(w, r, "quick")
}

// callsPage is the telephony call log: filters, recordings, call back,
// XLSX export (the telephony connector's API).
func (s *Server) callsPage(w http.ResponseWriter, r *http.Request) {
	s.consolePage(w, r, "calls")
}

// linesPage edits lines and their channels (administrators).
func (s *Server) linesPage(w http.ResponseWriter, r *http.Request) {
	p := s.adminUser(w, r, access.ManageInbox)
	if p == nil {
		return
	}
	s.consolePage(w, r, "lines")
}

func (s *Server) consolePage(w http.ResponseWriter, r *http.Request, page string) {
	s.scriptPage(w, r, page, "nav.inbox", "inbox")
}

// scriptPage renders a page that a script fills from the JSON API, with
// the console's strings.
func (s *Server) scriptPage(w http.ResponseWriter, r *http.Request, page, title, nav string) {
	if s.pageUser(w, r) == nil {
		return
	}
	v := s.newView(r, title, nav)
	// The script's strings, as a JSON data block (not executed, so the CSP
	// allows it): every "console.*" key of the catalogue.
	strs := map[string]string{}
	for _, k := range i18n.Keys(v.Lang) {
		if strings.HasPrefix(k, "console.") || strings.HasPrefix(k, "role.") || strings.HasPrefix(k, "kind.") {
			strs[strings.TrimPrefix(k, "console.")] = i18n.T(v.Lang, k)
		}
	}
	b, _ := json.Marshal(strs)
	v.Data = map[string]any{"Strings": template.JS(b)}
	s.render(w, r, http.StatusOK, page, v)
}
