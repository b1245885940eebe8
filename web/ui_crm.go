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

// organisationPage is the card of one unit of the tree: its description,
// the member count of its subtree and a link to those members; the script
// reads the unit's id from the address (web/static/crm_org.js).
func (s *Server) organisationPage(w http.ResponseWriter, r *http.Request) {
	s.scriptPage(w, r, "organisation", "title.organisation", "members")
}

// listsPage keeps the universal lists: records, adding and editing them,
// XLSX export and import (web/static/crm_lists.js).
func (s *Server) listsPage(w http.ResponseWriter, r *http.Request) {
	s.scriptPage(w, r, "lists", "nav.lists", "lists")
}
