package web

import (
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
)

// feedPages is the staff feed's page.
type feedPages struct{ ui *pages }

// feed shows the posts for the reader merged with the document and
// appeal events they may see, the composer to those who publish, and the
// confirmations of important posts to their authors; the script works
// through the feed API (package feed), which applies the audience.
func (h feedPages) feed(w http.ResponseWriter, r *http.Request) {
	p := h.ui.area(w, r, "feed")
	if p == nil {
		return
	}
	v := h.ui.view(r, "nav.feed", "feed")
	v.Data = map[string]any{"CanPost": p.Scope.Can(access.PostFeed), "Strings": scriptStrings(v.Lang, func(k string) (string, bool) {
		if strings.HasPrefix(k, "feed.") {
			return strings.TrimPrefix(k, "feed."), true
		}
		return "", false
	})}
	h.ui.render(w, r, http.StatusOK, "feed", v)
}
