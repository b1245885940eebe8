package orgapi

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// avatarHandlers answer a user's avatar over the API: PUT the image as the
// body, DELETE to remove it, GET where it is served. The profile page
// changes one's own through the same org.Avatars.
type avatarHandlers struct {
	users   *org.Store
	avatars *org.Avatars
}

func (h avatarHandlers) httpPutAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.avatars.Save(r.Context(), p.Scope, r.PathValue("id"), r.Body); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	h.httpAvatar(w, r, p)
}

func (h avatarHandlers) httpDeleteAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if err := h.avatars.Remove(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// httpAvatar answers where the user's avatar is served ("" if they have
// none), to callers who may see the user.
func (h avatarHandlers) httpAvatar(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	if _, err := h.users.GetUser(r.Context(), p.Scope, r.PathValue("id")); err != nil {
		httpapi.Error(w, r, err)
		return
	}
	url, err := h.avatars.URL(r.Context(), r.PathValue("id"))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	httpapi.WriteJSON(w, http.StatusOK, map[string]string{"avatar_url": url})
}
