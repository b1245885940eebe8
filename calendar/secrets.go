package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
)

// Kinds of secrets: an app password signs a CalDAV client in; a feed
// token opens the read-only iCalendar feed.
const (
	AppPassword = "app_password"
	FeedToken   = "feed"
)

// maxSecrets is how many app passwords one person may hold.
const maxSecrets = 20

// Secret is an app password or feed token as its owner's list shows it;
// the secret itself is shown once, when made.
type Secret struct {
	ID      string    `json:"id"`
	Kind    string    `json:"kind"`
	Name    string    `json:"name"`
	Created time.Time `json:"created_at"`
	Used    time.Time `json:"used_at,omitzero"`
}

// Secrets keeps app passwords and feed tokens, hashed: they are random
// and long, so a plain SHA-256 is enough (no password stretching needed).
type Secrets struct {
	db    *db.DB
	staff Staff
}

// NewSecrets builds the keeper.
func NewSecrets(d *db.DB, staff Staff) *Secrets { return &Secrets{db: d, staff: staff} }

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))))
	return hex.EncodeToString(h[:])
}

// newSecret is 100 random bits as 20 letters in groups of four, easy to
// type on a phone.
func newSecret() string {
	b := make([]byte, 13)
	_, _ = rand.Read(b)
	s := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:20]
	return s[:4] + "-" + s[4:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:]
}

// Create makes a secret for the user and returns it with the plain value,
// shown this once. A new feed token replaces the old one.
func (k *Secrets) Create(ctx context.Context, userID, kind, name string) (Secret, string, error) {
	name = clean(name, 80, false)
	if kind != AppPassword && kind != FeedToken {
		return Secret{}, "", valid.Errorf("kind", "calendar_secret_kind", "unknown kind of secret")
	}
	if kind == AppPassword && name == "" {
		return Secret{}, "", valid.Errorf("name", "required", "name the device, e.g. «Телефон»")
	}
	plain := newSecret()
	if kind == FeedToken {
		plain = strings.ReplaceAll(newSecret()+newSecret(), "-", "")
	}
	s := Secret{ID: uuid.Must(uuid.NewV7()).String(), Kind: kind, Name: name, Created: time.Now().UTC()}
	err := k.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM calendar_secrets WHERE user_id = $1 AND kind = $2`, userID, kind).Scan(&n); err != nil {
			return err
		}
		if kind == FeedToken {
			if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_secrets WHERE user_id = $1 AND kind = $2`, userID, kind); err != nil {
				return err
			}
		} else if n >= maxSecrets {
			return valid.Errorf("name", "calendar_secret_many", "at most %d app passwords; revoke one first", maxSecrets)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_secrets (id, user_id, kind, name, hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			s.ID, userID, kind, name, hashSecret(plain), s.Created.UnixMilli())
		return err
	})
	if err != nil {
		return Secret{}, "", err
	}
	return s, plain, nil
}

// List returns the user's secrets, newest first.
func (k *Secrets) List(ctx context.Context, userID string) ([]Secret, error) {
	rows, err := k.db.QueryContext(ctx, `SELECT id, kind, name, created_at, used_at FROM calendar_secrets WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("calendar: secrets: %w", err)
	}
	defer rows.Close()
	out := []Secret{}
	for rows.Next() {
		var s Secret
		var created, used int64
		if err := rows.Scan(&s.ID, &s.Kind, &s.Name, &created, &used); err != nil {
			return nil, err
		}
		s.Created = db.Time(created).UTC()
		if used > 0 {
			s.Used = db.Time(used).UTC()
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Revoke deletes one of the user's secrets: the device or feed stops at once.
func (k *Secrets) Revoke(ctx context.Context, userID, id string) error {
	res, err := k.db.ExecContext(ctx, `DELETE FROM calendar_secrets WHERE id = $1 AND user_id = $2`, id, userID)
	if err != nil {
		return fmt.Errorf("calendar: revoke: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("calendar secret: %w", db.ErrNotFound)
	}
	return nil
}

// lookup finds the owner of a secret of a kind.
func (k *Secrets) lookup(ctx context.Context, kind, plain string) (string, error) {
	var id, user string
	err := k.db.QueryRowContext(ctx, `SELECT id, user_id FROM calendar_secrets WHERE hash = $1 AND kind = $2`, hashSecret(plain), kind).Scan(&id, &user)
	if errors.Is(err, sql.ErrNoRows) {
		return "", auth.ErrBadCredentials
	}
	if err != nil {
		return "", err
	}
	_, _ = k.db.ExecContext(ctx, `UPDATE calendar_secrets SET used_at = $1 WHERE id = $2`, db.Now(), id)
	return user, nil
}

// SignIn checks a CalDAV client's login and app password and returns the
// user; a disabled user or a wrong pair is refused alike.
func (k *Secrets) SignIn(ctx context.Context, login, password string) (auth.User, error) {
	owner, err := k.lookup(ctx, AppPassword, password)
	if err != nil {
		return auth.User{}, err
	}
	u, err := k.staff.ByID(ctx, owner)
	if err != nil || u.Disabled || subtle.ConstantTimeCompare([]byte(strings.ToLower(login)), []byte(u.Login)) != 1 {
		return auth.User{}, auth.ErrBadCredentials
	}
	return u, nil
}

// FeedOwner returns the user whose feed the token opens.
func (k *Secrets) FeedOwner(ctx context.Context, token string) (auth.User, error) {
	owner, err := k.lookup(ctx, FeedToken, token)
	if err != nil {
		return auth.User{}, err
	}
	u, err := k.staff.ByID(ctx, owner)
	if err != nil || u.Disabled {
		return auth.User{}, auth.ErrBadCredentials
	}
	return u, nil
}
