package auth_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
)

func rawTOTPSecret(t *testing.T, d *db.DB, userID string) string {
	t.Helper()
	var v string
	if err := d.QueryRow(`SELECT totp_secret FROM users WHERE id = $1`, userID).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// pendingLogin signs in with the password and returns the session still
// waiting for its code.
func pendingLogin(t *testing.T, f fixture, login string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.Login(ctx, login, "correct horse", "", "")
	if err != nil || !res.MFAPending {
		t.Fatalf("login of %s: %+v %v", login, res, err)
	}
	p, err := f.svc.Session(ctx, res.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestTOTPSecretSealedAtRest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		u := f.addUser(t, "chair", access.Chairman, "correct horse")
		res, _ := f.svc.Login(ctx, "chair", "correct horse", "", "")
		p, _ := f.svc.Session(ctx, res.Token, "")
		key, err := f.svc.BeginTOTP(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		raw := rawTOTPSecret(t, d, u.ID)
		if !secretbox.IsSealed(raw) || strings.Contains(raw, key.Secret()) {
			t.Fatalf("enrolling secret stored as %q", raw)
		}
		if err := f.svc.ConfirmTOTP(ctx, p, codeAt(t, key.Secret(), time.Now())); err != nil {
			t.Fatal(err)
		}
		raw = rawTOTPSecret(t, d, u.ID)
		if opened, err := testBox(t, "auth test secret key").Open(raw); err != nil || opened != key.Secret() {
			t.Fatalf("secret in force stored as %q (opens to %q, %v)", raw, opened, err)
		}
		p = pendingLogin(t, f, "chair")
		if err := f.svc.VerifyTOTP(ctx, p, codeAt(t, key.Secret(), time.Now().Add(30*time.Second)), ""); err != nil {
			t.Fatalf("sealed secret does not verify: %v", err)
		}

		// Another key cannot open it: the sign-in fails loudly, not as a wrong code.
		other := auth.NewService(auth.Deps{DB: d, KV: kvtest.Open(t), Users: f.users, Log: slog.New(slog.DiscardHandler),
			Params: auth.CheapPasswordParams, SessionTTL: time.Hour, Box: testBox(t, "a different secret key")})
		if err := other.VerifyTOTP(ctx, &auth.Principal{User: u, MFAPending: true}, "123456", ""); !errors.Is(err, secretbox.ErrUndecryptable) {
			t.Fatalf("secret opened with the wrong key: %v", err)
		}
	})
}

// Secrets stored in plain text by earlier versions keep working and get
// sealed: on first use, or by the start-up pass.
func TestPlainTOTPSecretsStillWorkAndGetSealed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		plain := map[string]string{}
		ids := map[string]string{}
		for _, login := range []string{"first.use", "at.start", "enrolling"} {
			u := f.addUser(t, login, access.Deputy, "correct horse")
			k, err := totp.Generate(totp.GenerateOpts{Issuer: "profhub", AccountName: login})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.Exec(`UPDATE users SET totp_secret = $2, totp_enabled = $3 WHERE id = $1`, u.ID, k.Secret(), login != "enrolling"); err != nil {
				t.Fatal(err)
			}
			plain[login], ids[login] = k.Secret(), u.ID
		}

		// First use: the code verifies and the secret is sealed on the way.
		p := pendingLogin(t, f, "first.use")
		if err := f.svc.VerifyTOTP(ctx, p, codeAt(t, plain["first.use"], time.Now()), ""); err != nil {
			t.Fatalf("plain secret refused: %v", err)
		}
		if raw := rawTOTPSecret(t, d, ids["first.use"]); !secretbox.IsSealed(raw) {
			t.Fatalf("plain secret not sealed on first use: %q", raw)
		}

		// Start-up pass: seals the rest, once.
		n, err := f.svc.SealTOTPSecrets(ctx)
		if err != nil || n != 2 {
			t.Fatalf("SealTOTPSecrets = %d, %v; want 2", n, err)
		}
		if n, err := f.svc.SealTOTPSecrets(ctx); err != nil || n != 0 {
			t.Fatalf("second pass = %d, %v; want 0", n, err)
		}
		for _, login := range []string{"at.start", "enrolling"} {
			if raw := rawTOTPSecret(t, d, ids[login]); !secretbox.IsSealed(raw) || strings.Contains(raw, plain[login]) {
				t.Fatalf("%s: secret after the start-up pass: %q", login, raw)
			}
		}
		p = pendingLogin(t, f, "at.start")
		if err := f.svc.VerifyTOTP(ctx, p, codeAt(t, plain["at.start"], time.Now()), ""); err != nil {
			t.Fatalf("secret sealed at start does not verify: %v", err)
		}
		// An enrolment begun before the upgrade can still be confirmed.
		res, err := f.svc.Login(ctx, "enrolling", "correct horse", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if p, err = f.svc.Session(ctx, res.Token, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.ConfirmTOTP(ctx, p, codeAt(t, plain["enrolling"], time.Now())); err != nil {
			t.Fatalf("enrolment begun in plain text: %v", err)
		}
	})
}
