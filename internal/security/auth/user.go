package auth

import (
	"context"
	"time"

	"github.com/profhub/profhub/internal/names"
	"github.com/profhub/profhub/internal/security/access"
)

// User is a member of staff who signs in to the hub. The staff directory
// (org) keeps users and names this type org.User; it is defined here so
// that a Principal can hold it without signing in, which is plumbing,
// importing the directory, which is a domain.
type User struct {
	ID          string      `json:"id"`
	Login       string      `json:"login"`
	FullName    string      `json:"full_name"`
	Email       string      `json:"email,omitempty"`
	Role        access.Role `json:"role"`
	UnitID      string      `json:"unit_id"`
	UnitName    string      `json:"unit_name"`
	UnitPath    string      `json:"-"`
	Lang        string      `json:"lang"`
	TimeZone    string      `json:"time_zone,omitempty"` // IANA name; "" is the installation's
	Disabled    bool        `json:"disabled"`
	TOTPEnabled bool        `json:"totp_enabled"`
	CreatedAt   time.Time   `json:"created_at"`
	UpdatedAt   time.Time   `json:"updated_at"`
}

// Scope is what the user may see, for a request coming from addr. Its
// UserName is how histories, comments and the audit log name the user:
// the short full name ("Иванова М. П."), for logins are for the users page
// only; the login when no name is known.
func (u User) Scope(addr string) access.Scope {
	return access.Scope{UserID: u.ID, UserName: u.DisplayName(), Role: u.Role, UnitID: u.UnitID, UnitPath: u.UnitPath, From: addr}
}

// DisplayName is the user as lists and histories show them.
func (u User) DisplayName() string {
	if n := names.Short(u.FullName); n != "" {
		return n
	}
	return u.Login
}

// Credentials is a user with the secrets that signing in checks. Only
// this package asks for them, before any scope exists (org.AuthRecord).
type Credentials struct {
	User
	PasswordHash string
	TOTPSecret   string
}

// Users is the staff directory as signing in needs it; org's store
// satisfies it. Look-ups of an unknown user return an error wrapping
// db.ErrNotFound. The writes take the caller's scope and leave an audit
// entry, as the directory's other writes do.
type Users interface {
	// AuthByLogin and AuthByID find a user with their secrets, disabled
	// ones included (the caller refuses them).
	AuthByLogin(ctx context.Context, login string) (Credentials, error)
	AuthByID(ctx context.Context, id string) (Credentials, error)
	// UserByGrant finds the grant of g whose key column equals key
	// together with its user, in one query, and scans g's columns into
	// into. Disabled users are included (the caller refuses them); no
	// such grant, or none with a user, is an error wrapping
	// db.ErrNotFound.
	UserByGrant(ctx context.Context, g Grant, key string, into ...any) (User, error)
	// GetUser returns a user sc may see.
	GetUser(ctx context.Context, sc access.Scope, id string) (User, error)
	// SetPasswordHash stores a new hash and ends every session of the user
	// but keepSessionHash.
	SetPasswordHash(ctx context.Context, sc access.Scope, id, hash, keepSessionHash string) error
	// SetTOTP stores a TOTP secret (sealed) and whether it is in force.
	SetTOTP(ctx context.Context, sc access.Scope, id, secret string, enabled bool) error
	// UseTOTPStep records a used time step; false when it (or a later
	// one) was used before.
	UseTOTPStep(ctx context.Context, id string, step int64) (bool, error)
	// TOTPSecrets returns every stored TOTP secret by user id.
	TOTPSecrets(ctx context.Context) (map[string]string, error)
	// ReplaceTOTPSecret swaps a stored secret for its sealed form, only if
	// it is still old.
	ReplaceTOTPSecret(ctx context.Context, id, old, replacement string) (bool, error)
}

// Grant is a table of this package's whose rows give a user access (a
// session, an API token), for UserByGrant. Resolving a request's
// credentials took two queries, the grant and then its user, before any
// handler ran; the directory joins its own user columns to the grant so
// that it takes one, and neither package writes the other's tables.
// Every field is constant SQL text, never input; the grant's columns and
// condition name it by the alias g.
type Grant struct {
	Table   string // e.g. "api_tokens"; must have a user_id column
	Key     string // the unique column the key is matched against
	Columns string // the grant's columns returned, e.g. "g.id, g.expires_at"
	Where   string // a further condition on the grant, or ""
}
