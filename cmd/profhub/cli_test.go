package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// testSecretKey seals channel secrets in tests (else the CLI would make a
// key in the user's configuration directory).
const testSecretKey = "cli test secret key, not for production"

// testEnv is the environment of a CLI run on private storage.
func testEnv(t *testing.T) []string {
	env := []string{"PROFHUB_DATA_DIR=" + t.TempDir(), "PROFHUB_SECRET_KEY=" + testSecretKey}
	if dbtest.PostgresURL() != "" {
		dsn, _ := dbtest.NewPostgresSchema(t)
		env = append(env, "PROFHUB_DATABASE_URL="+dsn)
	}
	return env
}

func runCLI(t *testing.T, env []string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, env, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestScriptedSetup(t *testing.T) {
	env := testEnv(t)
	steps := []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation"}, "created unit"},
		{[]string{"unit", "add", "--name", "Обком образования", "--kind", "committee"}, "created unit"},
		{[]string{"unit", "add", "--name", "ППО школы № 1", "--kind", "primary", "--parent", "Обком образования"}, "created unit"},
		{[]string{"user", "add", "--login", "ivanova", "--name", "Иванова Анна Петровна", "--role", "operator", "--unit", "ППО школы № 1"}, "one-time password: "},
		{[]string{"user", "add", "--login", "chair", "--name", "Петров Пётр", "--role", "chairman", "--password", "long password"}, "created user chair"},
		{[]string{"unit", "list"}, "    ППО школы № 1"},
		{[]string{"user", "list"}, "ivanova"},
		{[]string{"user", "set", "ivanova", "--role", "secretary", "--unit", "Обком образования", "--lang", "en"}, "ivanova: Иванова Анна Петровна, secretary, Обком образования, en"},
		{[]string{"user", "disable", "ivanova"}, "disabled ivanova"},
		{[]string{"user", "passwd", "chair", "--password", "another long one"}, "password of chair changed"},
		{[]string{"token", "create", "--login", "chair", "--name", "1C"}, "phk_"},
		{[]string{"token", "list", "--login", "chair"}, "1C"},
		{[]string{"settings", "totp-roles", "chairman,administrator"}, "[administrator chairman]"},
		{[]string{"settings", "totp-roles", "none"}, "[]"},
		{[]string{"migrate", "--status"}, "applied  00001_foundation.go"},
		{[]string{"version"}, "dev"},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, env, s.args...)
		if code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("profhub %s: exit %d, out %q, err %q; want %q", strings.Join(s.args, " "), code, out, errOut, s.want)
		}
	}
	_, out, _ := runCLI(t, env, "user", "list")
	if strings.Contains(out, "ivanova") {
		t.Error("disabled user listed without --all")
	}
	_, out, _ = runCLI(t, env, "user", "list", "--all")
	if !regexp.MustCompile(`ivanova .*disabled`).MatchString(out) {
		t.Errorf("user list --all: %s", out)
	}
}

func TestCLIErrorsAreClear(t *testing.T) {
	env := testEnv(t)
	tests := []struct {
		env  []string
		args []string
		want string // in stderr
		code int
	}{
		{nil, []string{"frobnicate"}, "unknown command", 2},
		{[]string{"PROFHUB_LOG_FORMAT=xml"}, []string{"config"}, "PROFHUB_LOG_FORMAT", 1},
		{[]string{"PROFHUB_DATABSE_URL=x"}, []string{"config"}, "unknown environment variable PROFHUB_DATABSE_URL", 1},
		{nil, []string{"user"}, "missing action", 1},
		{nil, []string{"user", "add", "--login", "x y", "--name", "X", "--password", "long password"}, "login", 1},
		{nil, []string{"user", "add", "--login", "weak", "--name", "X", "--password", "short"}, "password", 1},
		{nil, []string{"user", "disable", "nobody"}, `no user "nobody"`, 1},
		{nil, []string{"unit", "add", "--name", "X", "--parent", "Нет такого"}, `no unit "Нет такого"`, 1},
		{nil, []string{"settings", "totp-roles", "king"}, "unknown role", 1},
		{[]string{"PROFHUB_DATABASE_URL=postgres://postgres@127.0.0.1:1/test?connect_timeout=2"}, []string{"migrate"}, "cannot reach postgres database", 1},
		{[]string{"PROFHUB_REDIS_URL=redis://127.0.0.1:1/0"}, []string{"serve", "--listen", "127.0.0.1:0"}, "cannot reach Redis", 1},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, append(append([]string{}, env...), tc.env...), tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("profhub %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, errOut, tc.code, tc.want)
		}
	}
}

func TestConfigDumpMasksSecrets(t *testing.T) {
	env := []string{"PROFHUB_DATABASE_URL=postgres://profhub:hunter2@db/profhub", "PROFHUB_SECRET_KEY=topsecret"}
	code, out, _ := runCLI(t, env, "config")
	if code != 0 || strings.Contains(out, "hunter2") || strings.Contains(out, "topsecret") || !strings.Contains(out, "PROFHUB_LISTEN=:8080") {
		t.Fatalf("config dump (exit %d):\n%s", code, out)
	}
}

func TestDemoFillsOnce(t *testing.T) {
	env := testEnv(t)
	code, out, errOut := runCLI(t, env, "demo")
	if code != 0 || !strings.Contains(out, "demo federation created") {
		t.Fatalf("demo: %d %q %q", code, out, errOut)
	}
	// The demo makes its administrator, whose password is shown once.
	if m := regexp.MustCompile(`administrator "admin" created with the password "([^"]{12,})"`).FindStringSubmatch(out); m == nil {
		t.Errorf("demo did not print the administrator's password once:\n%s", out)
	}
	if code, out, _ := runCLI(t, env, "demo"); code != 0 || !strings.Contains(out, "already present") || strings.Contains(out, "password \"") {
		t.Fatalf("second demo: %d %q", code, out)
	}
	_, out, _ = runCLI(t, env, "user", "list")
	for _, login := range []string{"admin", "chairman", "secretary", "operator1", "operator2", "executor"} {
		if !strings.Contains(out, login) {
			t.Errorf("demo lacks user %s", login)
		}
	}
	checkDemoInbox(t, env)
	other := testEnv(t)
	runCLI(t, other, "unit", "add", "--name", "Настоящая федерация", "--kind", "federation")
	runCLI(t, other, "unit", "add", "--name", "Настоящий обком", "--kind", "committee")
	if code, _, errOut := runCLI(t, other, "demo"); code == 0 || !strings.Contains(errOut, "already has data") {
		t.Fatalf("demo on a real installation: %d %q", code, errOut)
	}
	// With PROFHUB_ADMIN_PASSWORD the administrator takes it and the
	// output shows no password.
	withPW := append(testEnv(t), "PROFHUB_ADMIN_PASSWORD=demo-admin-secret")
	if code, out, errOut := runCLI(t, withPW, "demo"); code != 0 || !strings.Contains(out, "created with PROFHUB_ADMIN_PASSWORD") ||
		strings.Contains(out, "demo-admin-secret") {
		t.Fatalf("demo with PROFHUB_ADMIN_PASSWORD: %d %q %q", code, out, errOut)
	}
}

// Disabling a user revokes their API tokens for good: enabling them again
// does not bring the tokens back.
func TestUserDisableRevokesTokens(t *testing.T) {
	env := testEnv(t)
	steps := []struct {
		args []string
		want string // in stdout
	}{
		{[]string{"unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation"}, "created unit"},
		{[]string{"user", "add", "--login", "integrator", "--name", "Интеграция 1С", "--role", "operator", "--password", "long password"}, "created user integrator"},
		{[]string{"token", "create", "--login", "integrator", "--name", "1C"}, "phk_"},
		{[]string{"token", "list", "--login", "integrator"}, "1C"},
		{[]string{"user", "disable", "integrator"}, "API tokens were revoked"},
		{[]string{"user", "enable", "integrator"}, "enabled integrator"},
	}
	for _, s := range steps {
		if code, out, errOut := runCLI(t, env, s.args...); code != 0 || !strings.Contains(out, s.want) {
			t.Fatalf("profhub %s: exit %d, out %q, err %q; want %q", strings.Join(s.args, " "), code, out, errOut, s.want)
		}
	}
	if _, out, _ := runCLI(t, env, "token", "list", "--login", "integrator"); strings.Contains(out, "1C") {
		t.Fatalf("token back after disable and enable:\n%s", out)
	}
}
