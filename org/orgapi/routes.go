// Package orgapi serves the staff directory's JSON API (docs/API.md):
// units, users and their avatars, over org's store and avatars. It sits
// beside org rather than in it because its handlers take auth's signed-in
// principal, and auth itself reads users from org.
package orgapi

import (
	"net/http"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/org"
)

// Deps is what the directory's handlers need.
type Deps struct {
	Store     *org.Store
	Avatars   *org.Avatars
	Passwords Passwords
}

// Passwords hashes a new user's password (auth.Service owns hashing).
type Passwords interface {
	HashPassword(pw string) (string, error)
}

// Routes adds the directory API to mux. The handlers are small types, one
// per part of the directory, in the *_routes.go files.
func Routes(mux *http.ServeMux, d Deps) {
	a := httpapi.Authed
	un := unitHandlers{units: d.Store}
	us := userHandlers{users: d.Store, passwords: d.Passwords}
	av := avatarHandlers{users: d.Store, avatars: d.Avatars}
	mux.HandleFunc("GET /api/v1/units", a(un.httpListUnits))
	mux.HandleFunc("POST /api/v1/units", a(un.httpCreateUnit))
	mux.HandleFunc("GET /api/v1/units/{id}", a(un.httpGetUnit))
	mux.HandleFunc("PATCH /api/v1/units/{id}", a(un.httpUpdateUnit))
	mux.HandleFunc("GET /api/v1/users", a(us.httpListUsers))
	mux.HandleFunc("POST /api/v1/users", a(us.httpCreateUser))
	mux.HandleFunc("GET /api/v1/users/{id}", a(us.httpGetUser))
	mux.HandleFunc("PATCH /api/v1/users/{id}", a(us.httpUpdateUser))
	mux.HandleFunc("POST /api/v1/users/{id}/disable", a(us.httpSetDisabled(true)))
	mux.HandleFunc("POST /api/v1/users/{id}/enable", a(us.httpSetDisabled(false)))
	mux.HandleFunc("GET /api/v1/users/{id}/avatar", a(av.httpAvatar))
	mux.HandleFunc("PUT /api/v1/users/{id}/avatar", a(av.httpPutAvatar))
	mux.HandleFunc("DELETE /api/v1/users/{id}/avatar", a(av.httpDeleteAvatar))
}

// nonNil makes empty lists encode as [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
