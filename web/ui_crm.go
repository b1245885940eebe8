package web

import "net/http"

// membersPage is the member registry: the standard filters, search, saved
// filters and export, with a member's card and timeline beside the list
// (web/static/crm.js over the CRM API).
func (s *Server) membersPage(w http.ResponseWriter, r *http.Request) {
	s.scriptPage(w, r, "members", "nav.members", "members")
}

// appealsPage lists appeals (open, overdue, the caller's, all) and edits
// their status and resolution.
func (s *Server) appealsPage(w http.ResponseWriter, r *http.Request) {
	s.scriptPage(w, r, "appeals", "nav.appeals", "appeals")
}
