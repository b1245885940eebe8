package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// libpqParams are the URL parameters pg_dump and psql understand; the
// others in PROFHUB_DATABASE_URL are pgx's (search_path among them) and
// would make libpq refuse the URL.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true, "passfile": true,
	"channel_binding": true, "connect_timeout": true, "client_encoding": true, "options": true,
	"application_name": true, "fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true, "sslmode": true,
	"sslcert": true, "sslkey": true, "sslpassword": true, "sslrootcert": true, "sslcrl": true, "sslcrldir": true,
	"sslsni": true, "requirepeer": true, "ssl_min_protocol_version": true, "ssl_max_protocol_version": true,
	"gssencmode": true, "krbsrvname": true, "gsslib": true, "service": true, "target_session_attrs": true,
	"load_balance_hosts": true,
}

// pgTarget is a database URL made fit for the PostgreSQL client programs:
// the password moves to PGPASSWORD (not to be seen in ps), search_path
// becomes the schema to dump.
type pgTarget struct {
	url, password, schema string
}

func parsePG(databaseURL string) (pgTarget, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return pgTarget{}, errors.New("PROFHUB_DATABASE_URL must be a postgres:// URL for backup and restore")
	}
	var t pgTarget
	if pw, ok := u.User.Password(); ok {
		t.password = pw
		u.User = url.User(u.User.Username())
	}
	q := u.Query()
	if sp := q.Get("search_path"); sp != "" {
		if strings.ContainsAny(sp, ", \"") {
			return pgTarget{}, fmt.Errorf("search_path %q: backup handles a single plain schema only", sp)
		}
		t.schema = sp
	}
	for k := range q {
		if !libpqParams[k] {
			q.Del(k)
		}
	}
	u.RawQuery = q.Encode()
	t.url = u.String()
	return t, nil
}

// pgProgram finds pg_dump or psql: in PATH, else in Debian's versioned
// directories (the newest first), where postgresql-client installs them.
func pgProgram(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	if len(dirs) > 0 {
		return dirs[0], nil
	}
	return "", fmt.Errorf("%s not found: install the PostgreSQL client programs of the server's major version or newer "+
		"(Debian/Ubuntu: apt-get install postgresql-client) and put them in PATH", name)
}

func (t pgTarget) command(ctx context.Context, name string, args ...string) (*exec.Cmd, *bytes.Buffer, error) {
	prog, err := pgProgram(name)
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, prog, args...)
	cmd.Env = os.Environ()
	if t.password != "" {
		cmd.Env = append(cmd.Env, "PGPASSWORD="+t.password)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr, nil
}

// dump writes a plain SQL dump, one consistent snapshot (pg_dump runs in
// one repeatable-read transaction), without owners or grants so it loads
// into a database of another role.
func (t pgTarget) dump(ctx context.Context, w io.Writer) error {
	args := []string{"--format=plain", "--no-owner", "--no-privileges", "--encoding=UTF8"}
	if t.schema != "" {
		args = append(args, "--schema="+t.schema)
	}
	cmd, stderr, err := t.command(ctx, "pg_dump", append(args, "--dbname="+t.url)...)
	if err != nil {
		return err
	}
	cmd.Stdout = w
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("pg_dump failed: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// load runs the dump file in one transaction, stopping at the first
// error, so a failed restore leaves the database as empty as it was. The
// dump creates its schema, so an empty one of that name is dropped first
// (DROP without CASCADE: it fails on anything in it).
func (t pgTarget) load(ctx context.Context, file string) error {
	args := []string{"--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1", "--output=/dev/null", "--dbname=" + t.url}
	if t.schema != "" {
		args = append(args, "--command=DROP SCHEMA IF EXISTS "+quoteIdent(t.schema))
	}
	cmd, stderr, err := t.command(ctx, "psql", append(args, "--file="+file)...)
	if err != nil {
		return err
	}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("psql failed to load the dump: %v: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
