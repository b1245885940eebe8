package dbtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// pgBin is where Debian's PostgreSQL 15 keeps its server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// PrivatePostgres is a PostgreSQL server of one test's own, on a free
// loopback port and in a temporary directory, for tests that stop and
// start the database. The shared server must never be stopped: other
// tests run on it.
type PrivatePostgres struct {
	URL  string
	dir  string
	port int
	t    testing.TB
}

// StartPrivatePostgres initialises and starts a server, and stops and
// removes it when the test ends. It skips the test when the PostgreSQL
// server programs are not installed. initdb refuses to run as root, so
// under root the server runs as the postgres OS user.
func StartPrivatePostgres(t testing.TB) *PrivatePostgres {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		t.Skipf("dbtest: PostgreSQL server programs not found in %s (apt-get install postgresql-15): %v", pgBin, err)
	}
	dir, err := os.MkdirTemp("", "profhub-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &PrivatePostgres{dir: dir, port: freePort(t), t: t}
	t.Cleanup(func() {
		_ = p.run("pg_ctl", "-D", p.data(), "-m", "immediate", "-w", "stop")
		_ = os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("dbtest: running as root and there is no postgres user to run the server: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.run("initdb", "-D", p.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync",
		"--locale=C.UTF-8"); err != nil {
		t.Fatalf("dbtest: initdb: %v", err)
	}
	p.Start()
	p.URL = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
	return p
}

func (p *PrivatePostgres) data() string { return filepath.Join(p.dir, "data") }

// Start starts the server and waits until it takes connections.
func (p *PrivatePostgres) Start() {
	p.t.Helper()
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60", p.port, p.dir)
	if err := p.run("pg_ctl", "-D", p.data(), "-o", opts, "-l", filepath.Join(p.dir, "log"), "-w", "start"); err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "log"))
		p.t.Fatalf("dbtest: start postgres: %v\n%s", err, log)
	}
}

// Stop shuts the server down the way an administrator's "systemctl stop"
// does (fast mode: sessions are terminated) and waits until it is gone.
func (p *PrivatePostgres) Stop() {
	p.t.Helper()
	if err := p.run("pg_ctl", "-D", p.data(), "-m", "fast", "-w", "stop"); err != nil {
		p.t.Fatalf("dbtest: stop postgres: %v", err)
	}
}

// Exec runs SQL through psql as the superuser (to make the database
// read-only, for example).
func (p *PrivatePostgres) Exec(sql string) error {
	return p.run("psql", "-h", p.dir, "-p", strconv.Itoa(p.port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1",
		"-qc", sql)
}

// run runs one of the server programs, as postgres when we are root.
func (p *PrivatePostgres) run(prog string, args ...string) error {
	path := filepath.Join(pgBin, prog)
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		quoted := []string{shellQuote(path)}
		for _, a := range args {
			quoted = append(quoted, shellQuote(a))
		}
		cmd = exec.Command("su", "postgres", "-s", "/bin/sh", "-c", strings.Join(quoted, " "))
	} else {
		cmd = exec.Command(path, args...)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", prog, err, out)
	}
	return nil
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func freePort(t testing.TB) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}
