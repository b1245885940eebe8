package web

import (
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
)

// mailingsPages are the secretaries' campaign pages.
type mailingsPages struct{ ui *pages }

// mailings is the campaign page: list, editor with recipient count and
// preview, live results. The script works through the mailing JSON API
// (package mailing), which applies scope and roles.
func (h mailingsPages) mailings(w http.ResponseWriter, r *http.Request) {
	p := h.ui.area(w, r, "mailings")
	if p == nil {
		return
	}
	v := h.ui.view(r, "nav.mailings", "mailings")
	strs := scriptStrings(v.Lang, func(k string) (string, bool) {
		if strings.HasPrefix(k, "mailing.") {
			return strings.TrimPrefix(k, "mailing."), true
		}
		return "", false
	})
	// Open and click counting is the administrator's switch (mailing.SetTracking).
	v.Data = map[string]any{"Strings": strs, "TrackingSwitch": p.Scope.Role == access.Administrator}
	h.ui.render(w, r, http.StatusOK, "mailings", v)
}
