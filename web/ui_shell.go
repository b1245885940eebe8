package web

import (
	"net/http"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// shellPages are the home page and the settings menu, which only link to
// the other pages.
type shellPages struct{ ui *pages }

func (h shellPages) home(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		h.ui.fail(w, r, db.ErrNotFound)
		return
	}
	p := h.ui.user(w, r)
	if p == nil {
		return
	}
	// The page's script (home.js) fills the person's work from /api/v1/home.
	v := h.ui.view(r, "title.home", "")
	v.Data = map[string]any{"Strings": scriptStrings(v.Lang, func(k string) (string, bool) {
		return k, strings.HasPrefix(k, "home.") || strings.HasPrefix(k, "role.")
	}),
		// The site chat's demo page, for those who set channels up and
		// those who answer them.
		"WidgetDemo": p.Scope.Role == access.Administrator || p.Scope.Role == access.Operator}
	h.ui.render(w, r, http.StatusOK, "home", v)
}

func (h shellPages) settings(w http.ResponseWriter, r *http.Request) {
	if h.ui.user(w, r) == nil {
		return
	}
	h.ui.render(w, r, http.StatusOK, "settings", h.ui.view(r, "nav.settings", "settings"))
}
