// Package backup writes and restores a consistent snapshot of one
// installation: the database (SQLite's VACUUM INTO, or pg_dump for
// PostgreSQL), the blob store and a manifest with each file's size and
// SHA-256. A restore checks every checksum before it writes anything, and
// only into an empty installation.
package backup

import (
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"time"
)

// Format names the layout; FormatVersion changes when it does.
const (
	Format        = "profhub-backup"
	FormatVersion = 1
	manifestName  = "manifest.json"
	sqliteName    = "database/profhub.db"
	postgresName  = "database/profhub.sql"
	blobPrefix    = "blobs/"
)

// Manifest describes a backup; it is written last, so a backup cut short
// has none and is never taken for a whole one.
type Manifest struct {
	Format        string    `json:"format"`
	Version       int       `json:"version"`
	Profhub       string    `json:"profhub"`        // build that wrote it
	SchemaVersion int64     `json:"schema_version"` // last applied migration
	CreatedAt     time.Time `json:"created_at"`
	Database      string    `json:"database"`            // "sqlite" or "postgres"
	PGSchema      string    `json:"pg_schema,omitempty"` // the search_path schema dumped, if any
	Files         []File    `json:"files"`
}

// File is one file of a backup, by its slash path inside it.
type File struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func parseManifest(b []byte) (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return m, fmt.Errorf("%s is damaged: %w", manifestName, err)
	}
	if m.Format != Format {
		return m, fmt.Errorf("%s does not describe a profhub backup", manifestName)
	}
	if m.Version != FormatVersion {
		return m, fmt.Errorf("backup format version %d is not supported by this build (it reads version %d)", m.Version, FormatVersion)
	}
	if m.Database != "sqlite" && m.Database != "postgres" {
		return m, fmt.Errorf("%s names an unknown database kind %q", manifestName, m.Database)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		if !validName(f.Path, m.Database) {
			return m, fmt.Errorf("%s lists %q, which is not a file a profhub backup holds", manifestName, f.Path)
		}
		if seen[f.Path] {
			return m, fmt.Errorf("%s lists %q twice", manifestName, f.Path)
		}
		seen[f.Path] = true
	}
	if !seen[dbName(m.Database)] {
		return m, fmt.Errorf("%s lists no database file", manifestName)
	}
	return m, nil
}

func dbName(kind string) string {
	if kind == "postgres" {
		return postgresName
	}
	return sqliteName
}

// validName accepts the database file and clean paths under blobs/ only,
// so a crafted backup cannot write outside the installation.
func validName(p, kind string) bool {
	if p == dbName(kind) {
		return true
	}
	rest, ok := strings.CutPrefix(p, blobPrefix)
	return ok && rest != "" && path.Clean(p) == p && !strings.Contains(p, "..") && !strings.HasPrefix(rest, "tmp/")
}
