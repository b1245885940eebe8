package web

import (
	"net/http"

	"github.com/profhub/profhub/internal/security/access"
)

// staffPages are the staff's own pages: absences and, for the
// administrator, the production calendar; their scripts fill them over
// the absences' and the calendar's APIs.
type staffPages struct{ ui *pages }

// absences is the chart of the unit's absences by month, one's own
// requests and, for heads, the requests awaiting them
// (web/static/absences.js).
func (h staffPages) absences(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "absences", "nav.absences", "absences")
}

// worktime is the unit's time sheet by month: hours by day, absences by
// letter, the norm, the head's corrections and the XLSX
// (web/static/worktime.js). It is a tab of the absences' area.
func (h staffPages) worktime(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "worktime", "nav.worktime", "absences")
}

// tasks are the caller's tasks: the lists, a task's card and the form
// that sets one (web/static/tasks.js over the tasks' API).
func (h staffPages) tasks(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "tasks", "nav.tasks", "tasks")
}

// chat is the staff's chats: the list with unread counts, the open
// chat's messages and the composer (web/static/chat.js, over the chat
// API and its socket).
func (h staffPages) chat(w http.ResponseWriter, r *http.Request) {
	h.ui.script(w, r, "chat", "nav.chat", "chat")
}

// calendar is the production calendar's years with their totals, the
// upload of a year's file and the return to the shipped one
// (web/static/workcal.js). Only those who manage settings open it.
func (h staffPages) calendar(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.ManageSettings) == nil {
		return
	}
	h.ui.script(w, r, "workcal", "title.workcal", "settings")
}

// privacy is the personal data duties' page: the access log, the consent
// register with the consent texts and, for who manages settings, the
// retention periods (web/static/privacy.js over /api/v1/privacy). Those
// who read the audit log open it.
func (h staffPages) privacy(w http.ResponseWriter, r *http.Request) {
	if h.ui.admin(w, r, access.ReadAudit) == nil {
		return
	}
	h.ui.script(w, r, "privacy", "title.privacy", "settings")
}
