package main

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// smallInstallation is a unit and two blobs, on SQLite.
func smallInstallation(t *testing.T) (env []string, dataDir string) {
	env, dataDir, _ = backupEnv(t, false)
	if code, _, errOut := runCLI(t, env, "unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation"); code != 0 {
		t.Fatal(errOut)
	}
	blobs, err := blob.NewDir(filepath.Join(dataDir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"протокол заседания", "запись звонка"} {
		if _, err := blobs.Put(context.Background(), strings.NewReader(s), 1<<20); err != nil {
			t.Fatal(err)
		}
	}
	return env, dataDir
}

// assertEmpty: a refused restore wrote nothing.
func assertEmpty(t *testing.T, dataDir string) {
	t.Helper()
	_ = filepath.WalkDir(dataDir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			t.Errorf("a refused restore wrote %s", p)
		}
		return nil
	})
}

func firstBlob(t *testing.T, dir string) string {
	var found string
	_ = filepath.WalkDir(filepath.Join(dir, "blobs"), func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() && found == "" {
			found = p
		}
		return nil
	})
	if found == "" {
		t.Fatal("no blob in the backup")
	}
	return found
}

func TestRestoreRefusesDamagedBackups(t *testing.T) {
	env, _ := smallInstallation(t)
	good := filepath.Join(t.TempDir(), "good")
	if code, out, errOut := runCLI(t, env, "backup", "--to", good); code != 0 {
		t.Fatalf("backup: %q %q", out, errOut)
	}
	archive := filepath.Join(t.TempDir(), "good.tar.gz")
	if code, out, errOut := runCLI(t, env, "backup", "--to", archive); code != 0 {
		t.Fatalf("backup: %q %q", out, errOut)
	}
	copyOf := func(t *testing.T) string {
		dst := filepath.Join(t.TempDir(), "copy")
		if out, err := exec.Command("cp", "-a", good, dst).CombinedOutput(); err != nil {
			t.Fatalf("cp: %v %s", err, out)
		}
		return dst
	}
	rel := func(root, p string) string { r, _ := filepath.Rel(root, p); return filepath.ToSlash(r) }
	tests := []struct {
		name    string
		damage  func(t *testing.T) (from, want string)
		wantErr string
	}{
		{"corrupted blob", func(t *testing.T) (string, string) {
			dir := copyOf(t)
			p := firstBlob(t, dir)
			b, _ := os.ReadFile(p)
			b[0] ^= 0xff
			_ = os.WriteFile(p, b, 0o640)
			return dir, "checksum of " + rel(dir, p) + " fails"
		}, ""},
		{"corrupted database", func(t *testing.T) (string, string) {
			dir := copyOf(t)
			f, _ := os.OpenFile(filepath.Join(dir, "database", "profhub.db"), os.O_WRONLY, 0)
			_, _ = f.WriteAt([]byte("garbage"), 4096)
			f.Close()
			return dir, "checksum of database/profhub.db fails"
		}, ""},
		{"blob missing", func(t *testing.T) (string, string) {
			dir := copyOf(t)
			p := firstBlob(t, dir)
			_ = os.Remove(p)
			return dir, rel(dir, p) + " is in the manifest but missing"
		}, ""},
		{"manifest missing", func(t *testing.T) (string, string) {
			dir := copyOf(t)
			_ = os.Remove(filepath.Join(dir, "manifest.json"))
			return dir, "manifest.json is missing"
		}, ""},
		{"archive cut short", func(t *testing.T) (string, string) {
			b, _ := os.ReadFile(archive)
			p := filepath.Join(t.TempDir(), "cut.tar.gz")
			_ = os.WriteFile(p, b[:len(b)/2], 0o640)
			return p, "damaged or incomplete"
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			from, want := tc.damage(t)
			target, dataDir, _ := backupEnv(t, false)
			code, _, errOut := runCLI(t, target, "restore", from)
			if code == 0 || !strings.Contains(errOut, want) {
				t.Fatalf("restore of a backup with %s: exit %d, %q; want %q", tc.name, code, errOut, want)
			}
			assertEmpty(t, dataDir)
		})
	}
	// The undamaged archive restores.
	target, _, _ := backupEnv(t, false)
	if code, out, errOut := runCLI(t, target, "restore", archive); code != 0 {
		t.Fatalf("restore of the good archive: %q %q", out, errOut)
	}
}

func TestRestoreRefusesNonEmptyInstallation(t *testing.T) {
	env, dataDir := smallInstallation(t)
	from := filepath.Join(t.TempDir(), "b")
	if code, out, errOut := runCLI(t, env, "backup", "--to", from); code != 0 {
		t.Fatalf("backup: %q %q", out, errOut)
	}
	before, files := fingerprint(t, env)
	code, _, errOut := runCLI(t, env, "restore", from)
	if code == 0 || !strings.Contains(errOut, "restore refused: the target database already has") {
		t.Fatalf("restore over data: %d %q", code, errOut)
	}
	after, files2 := fingerprint(t, env)
	if len(before) != len(after) || len(files) != len(files2) {
		t.Error("a refused restore changed the installation")
	}
	// Blobs alone make an installation non-empty too.
	target, targetDir, _ := backupEnv(t, false)
	_ = os.MkdirAll(filepath.Join(targetDir, "blobs", "ab"), 0o750)
	_ = os.WriteFile(filepath.Join(targetDir, "blobs", "ab", "x"), []byte("x"), 0o640)
	if code, _, errOut := runCLI(t, target, "restore", from); code == 0 || !strings.Contains(errOut, "is not empty (1 files)") {
		t.Fatalf("restore over blobs: %d %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(targetDir, "profhub.db")); err == nil {
		t.Error("a refused restore wrote the database")
	}
	_ = dataDir
}

// On PostgreSQL with a search_path schema (as the tests' installations
// are), pg_dump takes that schema; a restore goes only into an empty
// database under the same schema name.
func TestRestoreRefusesOnPostgres(t *testing.T) {
	env := testEnv(t)
	if envValue(env, "PROFHUB_DATABASE_URL") == "" {
		t.Skip("PROFHUB_TEST_DATABASE_URL not set")
	}
	if code, _, errOut := runCLI(t, env, "unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation"); code != 0 {
		t.Fatal(errOut)
	}
	from := filepath.Join(t.TempDir(), "b")
	if code, out, errOut := runCLI(t, env, "backup", "--to", from); code != 0 || !strings.Contains(out, "postgres database") {
		t.Fatalf("backup: %q %q", out, errOut)
	}
	if code, _, errOut := runCLI(t, env, "restore", from); code == 0 || !strings.Contains(errOut, "restore refused: the target database already has") {
		t.Fatalf("restore over data: %d %q", code, errOut)
	}
	other := testEnv(t)
	if code, _, errOut := runCLI(t, other, "restore", from); code == 0 || !strings.Contains(errOut, "the backup holds schema") {
		t.Fatalf("restore into another schema: %d %q", code, errOut)
	}
	sqliteTarget, dataDir, _ := backupEnv(t, false)
	if code, _, errOut := runCLI(t, sqliteTarget, "restore", from); code == 0 || !strings.Contains(errOut, "holds a postgres database and this installation uses sqlite") {
		t.Fatalf("restore into SQLite: %d %q", code, errOut)
	}
	assertEmpty(t, dataDir)
	// The schema is lost (and with it the units), then restored under its name.
	schema := regexp.MustCompile(`search_path=([a-z0-9_]+)`).FindStringSubmatch(envValue(env, "PROFHUB_DATABASE_URL"))[1]
	admin, err := sql.Open("pgx", dbtest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE; CREATE SCHEMA " + schema); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := runCLI(t, env, "restore", from); code != 0 {
		t.Fatalf("restore into the emptied schema: %q %q", out, errOut)
	}
	if _, out, _ := runCLI(t, env, "unit", "list"); !strings.Contains(out, "Федерация профсоюзов области") {
		t.Errorf("unit list after restore: %q", out)
	}
}
