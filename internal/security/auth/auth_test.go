package auth_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/org"
)

type fixture struct {
	svc   *auth.Service
	users *org.Store
	sys   access.Scope
	unit  org.Unit
}

func newFixture(t *testing.T, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	users := org.NewStore(d)
	sys := access.System("test")
	root, err := users.CreateUnit(ctx, sys, "", org.Federation, "Федерация")
	if err != nil {
		t.Fatal(err)
	}
	sys.UnitID = root.ID
	svc := auth.NewService(auth.Deps{DB: d, KV: kvtest.Open(t), Users: users, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Params: auth.CheapPasswordParams, SessionTTL: time.Hour, Box: testBox(t, "auth test secret key")})
	return fixture{svc: svc, users: users, sys: sys, unit: root}
}

func (f fixture) addUser(t *testing.T, login string, role access.Role, pw string) org.User {
	t.Helper()
	hash, err := f.svc.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	u, err := f.users.CreateUser(context.Background(), f.sys, org.NewUser{Login: login, FullName: "Сотрудник " + login, Role: role, UnitID: f.unit.ID, PasswordHash: hash})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHashing(t *testing.T) {
	h, err := auth.HashPassword("верный пароль", auth.CheapPasswordParams)
	if err != nil {
		t.Fatal(err)
	}
	if !auth.VerifyPassword("верный пароль", h) {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"неверный", "", "верный пароль "} {
		if auth.VerifyPassword(bad, h) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, junk := range []string{"", "$argon2id$", "$2a$10$abc", h[:len(h)-4]} {
		if auth.VerifyPassword("верный пароль", junk) {
			t.Errorf("malformed hash %q accepted", junk)
		}
	}
	if err := auth.CheckPasswordStrength("short"); err == nil {
		t.Error("short password accepted")
	}
}

func TestLoginSessionAndDisable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u := f.addUser(t, "operator1", access.Operator, "correct horse")

		if _, err := f.svc.Login(ctx, "operator1", "wrong password", "10.0.0.1", "ua"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("wrong password: %v", err)
		}
		if _, err := f.svc.Login(ctx, "nobody", "whatever1", "10.0.0.1", "ua"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("unknown login: %v", err)
		}
		res, err := f.svc.Login(ctx, "OPERATOR1", "correct horse", "10.0.0.1", "ua")
		if err != nil || res.MFAPending {
			t.Fatalf("login: %+v %v", res, err)
		}
		res2, err := f.svc.Login(ctx, "operator1", "correct horse", "10.0.0.2", "ua")
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.Session(ctx, res.Token, "10.0.0.1")
		if err != nil || p.User.ID != u.ID || p.Scope.UnitPath != f.unit.Path || p.CSRFToken == "" {
			t.Fatalf("session: %+v %v", p, err)
		}
		if _, err := f.svc.Session(ctx, res.Token+"x", ""); !errors.Is(err, auth.ErrNoSession) {
			t.Fatalf("forged token: %v", err)
		}

		if err := f.users.SetDisabled(ctx, f.sys, u.ID, true); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{res.Token, res2.Token} {
			if _, err := f.svc.Session(ctx, tok, ""); !errors.Is(err, auth.ErrNoSession) {
				t.Fatalf("session survived disabling: %v", err)
			}
		}
		if _, err := f.svc.Login(ctx, "operator1", "correct horse", "10.0.0.1", "ua"); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("disabled user signed in: %v", err)
		}
	})
}

func TestLoginThrottle(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, dbtest.OpenSQLite(t))
	f.addUser(t, "chair", access.Chairman, "correct horse")
	for i := range 5 {
		if _, err := f.svc.Login(ctx, "chair", "guess"+string(rune('0'+i)), "10.0.0.9", ""); !errors.Is(err, auth.ErrBadCredentials) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	_, err := f.svc.Login(ctx, "chair", "correct horse", "10.0.0.9", "")
	var te *auth.ThrottledError
	if !errors.As(err, &te) || te.RetryAfter <= 0 {
		t.Fatalf("sixth attempt with the right password: %v (want throttled)", err)
	}
}

func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u := f.addUser(t, "integrator", access.Operator, "correct horse")
		secret, tok, err := f.svc.CreateToken(ctx, f.sys, u.ID, "1C", 0)
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.Bearer(ctx, secret, "")
		if err != nil || p.User.ID != u.ID || !p.ViaToken {
			t.Fatalf("bearer: %+v %v", p, err)
		}
		for _, bad := range []string{"", "phk_nope", secret[:len(secret)-1]} {
			if _, err := f.svc.Bearer(ctx, bad, ""); err == nil {
				t.Errorf("bad token %q accepted", bad)
			}
		}
		if err := f.svc.RevokeToken(ctx, f.sys, tok.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Bearer(ctx, secret, ""); err == nil {
			t.Fatal("revoked token accepted")
		}
		// An operator cannot mint tokens for someone else.
		other := f.addUser(t, "other", access.Operator, "correct horse")
		if _, _, err := f.svc.CreateToken(ctx, other.Scope(""), u.ID, "x", 0); !errors.Is(err, access.ErrForbidden) {
			t.Fatalf("token for another user: %v", err)
		}
	})
}

func TestTOTPEnrolmentAndPolicy(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, dbtest.Open(t))
	f.addUser(t, "chairman", access.Chairman, "correct horse")
	if err := f.svc.SetTOTPRequiredRoles(ctx, f.sys, []access.Role{access.Chairman, access.Administrator}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Login(ctx, "chairman", "correct horse", "", "")
	if err != nil || !res.MFAPending {
		t.Fatalf("policy did not demand a second factor: %+v %v", res, err)
	}
	p, _ := f.svc.Session(ctx, res.Token, "")
	key, err := f.svc.BeginTOTP(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ConfirmTOTP(ctx, p, "000000"); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("wrong enrolment code: %v", err)
	}
	code := codeAt(t, key.Secret(), time.Now())
	if err := f.svc.ConfirmTOTP(ctx, p, code); err != nil {
		t.Fatal(err)
	}
	if p, _ := f.svc.Session(ctx, res.Token, ""); p.MFAPending {
		t.Fatal("session still pending after enrolment")
	}
	// Next sign-in: the same code cannot be replayed; the next one works.
	res, _ = f.svc.Login(ctx, "chairman", "correct horse", "", "")
	p, _ = f.svc.Session(ctx, res.Token, "")
	if err := f.svc.VerifyTOTP(ctx, p, code, ""); !errors.Is(err, auth.ErrBadCode) {
		t.Fatalf("replayed code: %v", err)
	}
	next := codeAt(t, key.Secret(), time.Now().Add(30*time.Second))
	if err := f.svc.VerifyTOTP(ctx, p, next, ""); err != nil {
		t.Fatalf("next code: %v", err)
	}
	if err := f.svc.DisableTOTP(ctx, p.Scope, p.User.ID); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("chairman switched off a mandatory second factor: %v", err)
	}
}

func codeAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCodeCustom(secret, at, totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testBox(t *testing.T, key string) *secretbox.Box {
	t.Helper()
	b, err := secretbox.New(key)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Disabling a user revokes their tokens for good; enabling them again does
// not bring the tokens back, whoever did it (UI, API and CLI all call
// org.SetDisabled).
func TestDisableRevokesTokensForGood(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u := f.addUser(t, "integrator", access.Operator, "correct horse")
		other := f.addUser(t, "bystander", access.Operator, "correct horse")
		old, _, err := f.svc.CreateToken(ctx, f.sys, u.ID, "1C", 0)
		if err != nil {
			t.Fatal(err)
		}
		kept, _, err := f.svc.CreateToken(ctx, f.sys, other.ID, "1C", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, disabled := range []bool{true, false} {
			if err := f.users.SetDisabled(ctx, f.sys, u.ID, disabled); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Bearer(ctx, old, ""); !errors.Is(err, auth.ErrNoSession) {
				t.Fatalf("old token after disabled=%v: %v", disabled, err)
			}
		}
		if list, err := f.svc.ListTokens(ctx, f.sys, u.ID); err != nil || len(list) != 0 {
			t.Fatalf("tokens listed after disable and enable: %+v %v", list, err)
		}
		if _, err := f.svc.Bearer(ctx, kept, ""); err != nil {
			t.Fatalf("another user's token revoked: %v", err)
		}
		// A token made after re-enabling works.
		fresh, _, err := f.svc.CreateToken(ctx, f.sys, u.ID, "1C again", 0)
		if err != nil {
			t.Fatal(err)
		}
		if p, err := f.svc.Bearer(ctx, fresh, ""); err != nil || p.User.ID != u.ID {
			t.Fatalf("new token after re-enabling: %v", err)
		}
	})
}

// A request notes its token's use; the flush writes it, never moves a
// later use back, and keeps what it failed to write for the next flush.
func TestTokenUseIsWrittenByTheFlush(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u := f.addUser(t, "integrator", access.Operator, "correct horse")
		secret, tok, err := f.svc.CreateToken(ctx, f.sys, u.ID, "1C", 0)
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() int64 {
			t.Helper()
			var ms int64
			if err := d.QueryRowContext(ctx, `SELECT last_used_at FROM api_tokens WHERE id = $1`, tok.ID).Scan(&ms); err != nil {
				t.Fatal(err)
			}
			return ms
		}
		setLastUsed := func(ms int64) {
			t.Helper()
			if _, err := d.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, tok.ID, ms); err != nil {
				t.Fatal(err)
			}
		}
		use := func() int64 {
			t.Helper()
			before := db.Now()
			if _, err := f.svc.Bearer(ctx, secret, ""); err != nil {
				t.Fatal(err)
			}
			return before
		}

		// The request writes nothing; the flush writes the use.
		before := use()
		if got := lastUsed(); got != 0 {
			t.Fatalf("last use written by the request: %d", got)
		}
		if err := f.svc.FlushTokenUses(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got < before || got > db.Now() {
			t.Fatalf("last use after the flush = %d, want between %d and now", got, before)
		}
		toks, err := f.svc.ListTokens(ctx, f.sys, u.ID)
		if err != nil || len(toks) != 1 || toks[0].LastUsedAt.UnixMilli() != lastUsed() {
			t.Fatalf("listed: %+v %v", toks, err)
		}

		// Another node wrote a later use meanwhile: it stands.
		setLastUsed(1)
		use()
		later := db.Now() + time.Hour.Milliseconds()
		setLastUsed(later)
		if err := f.svc.FlushTokenUses(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got != later {
			t.Fatalf("the flush moved a later use back: %d, want %d", got, later)
		}

		// A flush the database refuses keeps the use for the next one.
		setLastUsed(1)
		before = use()
		undo := dbtest.RefuseWrites(t, d, "api_tokens")
		if err := f.svc.FlushTokenUses(ctx); err == nil {
			t.Fatal("a refused flush reported success")
		}
		undo()
		if got := lastUsed(); got != 1 {
			t.Fatalf("a refused flush wrote %d", got)
		}
		if err := f.svc.FlushTokenUses(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got < before {
			t.Fatalf("the use a refused flush kept was not written: %d, want ≥ %d", got, before)
		}

		// Nothing pending: the flush writes nothing.
		setLastUsed(1)
		if err := f.svc.FlushTokenUses(ctx); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got != 1 {
			t.Fatalf("an empty flush wrote %d", got)
		}
	})
}
