package org

import (
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// User is a member of staff who signs in to the hub. The type is auth's,
// so that a signed-in Principal holds it without auth importing the
// directory.
type User = auth.User

// NewUser is what creating a user needs. PasswordHash comes from the auth
// package, which owns password hashing.
type NewUser struct {
	Login        string
	FullName     string
	Email        string
	Role         access.Role
	UnitID       string
	Lang         string
	PasswordHash string
}

// UserChanges edits a user; nil fields stay as they are.
type UserChanges struct {
	FullName *string
	Email    *string
	Role     *access.Role
	UnitID   *string
	Lang     *string
	TimeZone *string // "" returns to the installation's zone
}

// Languages the UI speaks.
var Languages = []string{"ru", "en"}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._@-]{1,63}$`)

// NormalizeLogin lower-cases and checks a login name.
func NormalizeLogin(login string) (string, error) {
	l := strings.ToLower(strings.TrimSpace(login))
	if !loginPattern.MatchString(l) {
		return "", valid.Errorf("login", "login_format", "login must be 2 to 64 latin letters, digits or . _ @ -, starting with a letter or digit")
	}
	return l, nil
}

func validEmail(e string) (string, error) {
	e = strings.TrimSpace(e)
	if e == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e {
		return "", valid.Errorf("email", "email_format", "e-mail %q is not a valid address", e)
	}
	return e, nil
}

func validLang(l string) (string, error) {
	switch l {
	case "":
		return "ru", nil
	case "ru", "en":
		return l, nil
	}
	return "", valid.Errorf("lang", "lang", "language must be ru or en")
}

// validTimeZone accepts an IANA zone name, or "" for the installation's.
func validTimeZone(z string) (string, error) {
	z = strings.TrimSpace(z)
	if z == "" {
		return "", nil
	}
	if _, err := config.LoadZone(z); err != nil {
		return "", valid.Errorf("time_zone", "time_zone", "unknown time zone %q", z)
	}
	return z, nil
}

func userNotFound(id string) error { return fmt.Errorf("org: user %s: %w", id, db.ErrNotFound) }
