package auth_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/org"
)

// grantOnly is the directory with its look-up by id forbidden: a request's
// credentials must come with their user in one query, not a second.
type grantOnly struct {
	*org.Store
	t *testing.T
}

func (g grantOnly) AuthByID(ctx context.Context, id string) (auth.Credentials, error) {
	g.t.Errorf("AuthByID(%s): a second round trip for the user", id)
	return g.Store.AuthByID(ctx, id)
}

// credCase is a credential made by prepare for a fresh user, and whether it
// must be accepted.
type credCase struct {
	name    string
	prepare func(t *testing.T, u org.User) string
	ok      bool
	check   func(t *testing.T, u org.User, p *auth.Principal)
}

// Bearer and Session read their grant and its user in one query, and
// every refusal stays a refusal like an unknown credential, while a
// database that cannot answer is an error, never "signed out".
func TestCredentialsAndTheirUserInOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		svc := auth.NewService(auth.Deps{DB: d, KV: kvtest.Open(t), Users: grantOnly{f.users, t}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			Params: auth.CheapPasswordParams, SessionTTL: time.Hour})
		if err := f.svc.SetTOTPRequiredRoles(ctx, f.sys, []access.Role{access.Chairman}); err != nil {
			t.Fatal(err)
		}
		exec := func(t *testing.T, q string, args ...any) {
			t.Helper()
			if _, err := d.ExecContext(ctx, q, args...); err != nil {
				t.Fatal(err)
			}
		}
		disable := func(t *testing.T, u org.User) { exec(t, `UPDATE users SET disabled = $2 WHERE id = $1`, u.ID, true) }
		token := func(t *testing.T, u org.User, ttl time.Duration) (string, auth.APIToken) {
			t.Helper()
			secret, tok, err := svc.CreateToken(ctx, f.sys, u.ID, "1C", ttl)
			if err != nil {
				t.Fatal(err)
			}
			return secret, tok
		}
		login := func(t *testing.T, u org.User) string {
			t.Helper()
			res, err := svc.Login(ctx, u.Login, "correct horse", "10.0.0.1", "ua")
			if err != nil {
				t.Fatal(err)
			}
			return res.Token
		}
		sessionRows := func(t *testing.T, u org.User) (n int) {
			t.Helper()
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE user_id = $1`, u.ID).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		bearer := []credCase{
			{name: "live", ok: true, prepare: func(t *testing.T, u org.User) string { s, _ := token(t, u, 0); return s }},
			{name: "not yet expired", ok: true, prepare: func(t *testing.T, u org.User) string { s, _ := token(t, u, time.Hour); return s }},
			{name: "unknown", prepare: func(t *testing.T, u org.User) string { s, _ := token(t, u, 0); return s[:len(s)-1] + "x" }},
			{name: "revoked", prepare: func(t *testing.T, u org.User) string {
				s, tok := token(t, u, 0)
				if err := svc.RevokeToken(ctx, f.sys, tok.ID); err != nil {
					t.Fatal(err)
				}
				return s
			}},
			{name: "expired", prepare: func(t *testing.T, u org.User) string {
				s, tok := token(t, u, time.Hour)
				exec(t, `UPDATE api_tokens SET expires_at = $2 WHERE id = $1`, tok.ID, db.Now()-1)
				return s
			}},
			{name: "user disabled", prepare: func(t *testing.T, u org.User) string {
				s, _ := token(t, u, 0)
				disable(t, u) // behind SetDisabled's back, which also revokes
				return s
			}},
		}
		session := []credCase{
			{name: "live", ok: true, prepare: login, check: func(t *testing.T, _ org.User, p *auth.Principal) {
				if p.CSRFToken == "" || p.SessionHash == "" || p.MFAPending || p.ViaToken {
					t.Errorf("principal %+v", p)
				}
			}},
			{name: "second factor due", ok: true, prepare: login, check: func(t *testing.T, _ org.User, p *auth.Principal) {
				if !p.MFAPending {
					t.Error("a chairman's session without a code is not pending")
				}
			}},
			{name: "idle a while slides", ok: true, prepare: func(t *testing.T, u org.User) string {
				tok := login(t, u)
				exec(t, `UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE user_id = $1`, u.ID, db.Now()-2*time.Minute.Milliseconds(), db.Now()+1000)
				return tok
			}, check: func(t *testing.T, u org.User, _ *auth.Principal) {
				var expires int64
				if err := d.QueryRowContext(ctx, `SELECT expires_at FROM sessions WHERE user_id = $1`, u.ID).Scan(&expires); err != nil {
					t.Fatal(err)
				}
				if expires < db.Now()+time.Hour.Milliseconds()-time.Minute.Milliseconds() {
					t.Errorf("expiry did not slide: %d", expires-db.Now())
				}
			}},
			{name: "unknown", prepare: func(t *testing.T, u org.User) string { return login(t, u) + "x" }},
			{name: "expired", prepare: func(t *testing.T, u org.User) string {
				tok := login(t, u)
				exec(t, `UPDATE sessions SET expires_at = $2 WHERE user_id = $1`, u.ID, db.Now()-1)
				return tok
			}, check: func(t *testing.T, u org.User, _ *auth.Principal) {
				if n := sessionRows(t, u); n != 0 {
					t.Errorf("expired session kept: %d rows", n)
				}
			}},
			{name: "user disabled", prepare: func(t *testing.T, u org.User) string {
				tok := login(t, u)
				disable(t, u) // behind SetDisabled's back, which also ends sessions
				return tok
			}},
		}

		n := 0
		run := func(t *testing.T, kind string, cases []credCase, resolve func(ctx context.Context, cred, ip string) (*auth.Principal, error)) {
			for _, c := range cases {
				t.Run(kind+"/"+c.name, func(t *testing.T) {
					n++
					role := access.Operator
					if c.name == "second factor due" {
						role = access.Chairman
					}
					u := f.addUser(t, fmt.Sprintf("user%d", n), role, "correct horse")
					p, err := resolve(ctx, c.prepare(t, u), "10.0.0.7")
					switch {
					case c.ok && (err != nil || p.User.ID != u.ID || p.Scope.UnitPath != f.unit.Path || p.Scope.From != "10.0.0.7"):
						t.Fatalf("refused or wrong: %+v %v", p, err)
					case !c.ok && !errors.Is(err, auth.ErrNoSession):
						t.Fatalf("got %+v %v, want ErrNoSession", p, err)
					}
					if c.check != nil {
						c.check(t, u, p)
					}
				})
			}
		}
		run(t, "bearer", bearer, svc.Bearer)
		run(t, "session", session, svc.Session)

		// The database goes away: both say "try again", not "signed out".
		u := f.addUser(t, "outage", access.Operator, "correct horse")
		secret, _ := token(t, u, 0)
		cookie := login(t, u)
		d.Close()
		if p, err := svc.Bearer(ctx, secret, ""); err == nil || errors.Is(err, auth.ErrNoSession) {
			t.Errorf("bearer during an outage: %+v %v", p, err)
		}
		if p, err := svc.Session(ctx, cookie, ""); err == nil || errors.Is(err, auth.ErrNoSession) {
			t.Errorf("session during an outage: %+v %v", p, err)
		}
	})
}
