package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
)

// inboxPages are the operators' console and the pages beside it; each is a
// shell its script fills from the inbox API and keeps live over the
// WebSocket.
type inboxPages struct{ ui *pages }

// inbox is the operators' console.
func (h inboxPages) inbox(w http.ResponseWriter, r *http.Request) {
	h.console(w, r, "inbox")
}

// supervisor shows every line the caller supervises, live.
func (h inboxPages) supervisor(w http.ResponseWriter, r *http.Request) {
	h.console(w, r, "supervisor")
}

// stats is the reports page for everyone who answers: their own figures,
// or their lines' for line supervisors (the API scopes them).
func (h inboxPages) stats(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "reports", "console.stats", "inbox")
}

// reports is the reports page of the menu, for supervisors and
// administrators: every line of their subtree.
func (h inboxPages) reports(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "reports", "nav.reports", "reports")
}

// quickAnswers manages personal and line quick answers.
func (h inboxPages) quickAnswers(w http.ResponseWriter, r *http.Request) {
	h.console(w, r, "quick")
}

// calls is the telephony call log: filters, recordings, call back, XLSX
// export (the telephony connector's API).
func (h inboxPages) calls(w http.ResponseWriter, r *http.Request) {
	h.console(w, r, "calls")
}

// lines edits lines and their channels (administrators).
func (h inboxPages) lines(w http.ResponseWriter, r *http.Request) {
	p := h.ui.admin(w, r, access.ManageInbox)
	if p == nil {
		return
	}
	h.console(w, r, "lines")
}

// automation edits the rules, labels and macros (administrators).
func (h inboxPages) automation(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.ManageInbox) == nil {
		return
	}
	h.console(w, r, "automation")
}

func (h inboxPages) console(w http.ResponseWriter, r *http.Request, page string) {
	h.ui.script(w, r, page, "nav.inbox", "inbox")
}
