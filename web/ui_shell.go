package web

import (
	"net/http"

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
	if h.ui.user(w, r) == nil {
		return
	}
	h.ui.render(w, r, http.StatusOK, "home", h.ui.view(r, "title.home", ""))
}

func (h shellPages) settings(w http.ResponseWriter, r *http.Request) {
	if h.ui.user(w, r) == nil {
		return
	}
	h.ui.render(w, r, http.StatusOK, "settings", h.ui.view(r, "nav.settings", "settings"))
}
