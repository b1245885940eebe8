package web

import (
	"net/http"
	"strings"
)

// calendarPages is the staff calendar's page.
type calendarPages struct{ ui *pages }

// calendar shows month, week and day views and a list (the phone's view);
// the script works through the calendar JSON API (package calendar),
// which applies who may read and write each calendar.
func (h calendarPages) calendar(w http.ResponseWriter, r *http.Request) {
	if p := h.ui.area(w, r, "calendar"); p == nil {
		return
	}
	v := h.ui.view(r, "nav.calendar", "calendar")
	v.Data = map[string]any{"Strings": scriptStrings(v.Lang, func(k string) (string, bool) {
		if strings.HasPrefix(k, "calendar.") {
			return strings.TrimPrefix(k, "calendar."), true
		}
		return "", false
	})}
	h.ui.render(w, r, http.StatusOK, "calendar", v)
}
