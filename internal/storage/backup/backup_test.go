package backup

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParsePGKeepsOnlyWhatLibpqTakes(t *testing.T) {
	pg, err := parsePG("postgres://profhub:s3cret@db.internal:5432/profhub?sslmode=require&search_path=hub&pool_max_conns=10&connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pg.url, "s3cret") || pg.password != "s3cret" {
		t.Errorf("the password must go to PGPASSWORD, not the command line: %+v", pg)
	}
	if pg.schema != "hub" || strings.Contains(pg.url, "search_path") || strings.Contains(pg.url, "pool_max_conns") {
		t.Errorf("pgx-only parameters left in %q (schema %q)", pg.url, pg.schema)
	}
	if !strings.Contains(pg.url, "sslmode=require") || !strings.Contains(pg.url, "connect_timeout=5") {
		t.Errorf("libpq parameters lost: %q", pg.url)
	}
	if _, err := parsePG("postgres://h/db?search_path=a,b"); err == nil {
		t.Error("a search_path of several schemas was accepted")
	}
}

// A crafted manifest cannot make a restore write outside the blob store.
func TestManifestRefusesPathsOutsideTheInstallation(t *testing.T) {
	for _, p := range []string{"blobs/../../etc/passwd", "/etc/passwd", "blobs/", "blobs/tmp/x", "other/file", "blobs/./a", "database/profhub.sql"} {
		m := Manifest{Format: Format, Version: FormatVersion, Database: "sqlite",
			Files: []File{{Path: sqliteName}, {Path: p}}}
		b, _ := json.Marshal(m)
		if _, err := parseManifest(b); err == nil || !strings.Contains(err.Error(), "not a file a profhub backup holds") {
			t.Errorf("%q: %v", p, err)
		}
	}
	ok := Manifest{Format: Format, Version: FormatVersion, Database: "sqlite",
		Files: []File{{Path: sqliteName}, {Path: "blobs/56/da/01a24309-0ee3-7b94-99f0-5d6a4e7ada56"}}}
	b, _ := json.Marshal(ok)
	if _, err := parseManifest(b); err != nil {
		t.Error(err)
	}
	newer := ok
	newer.Version = FormatVersion + 1
	b, _ = json.Marshal(newer)
	if _, err := parseManifest(b); err == nil || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("a newer format: %v", err)
	}
}
