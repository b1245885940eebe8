// Package dovecottest runs a private Dovecot for tests that want the real
// IMAP server the federation's mailboxes live on: its own config, passwd
// file and maildir in a temporary directory, IMAP on a loopback port,
// stopped when the test ends. Without Dovecot installed, Installed is
// false and a test falls back to imaptest's in-memory server. (The mail
// connector's own tests keep their copy, connectors/mail/dovecot_test.go,
// which also stops and restarts the server mid-test.) Tests only.
package dovecottest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"
)

// Server is one Dovecot with one mailbox, User with Pass.
type Server struct {
	Addr, Host, Port string
	User, Pass       string
	dir              string
	cmd              *exec.Cmd
}

// binary is where Dovecot is installed, "" when it is not.
func binary() string {
	if p, err := exec.LookPath("dovecot"); err == nil {
		return p
	}
	for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// Installed reports whether Dovecot can be started here.
func Installed() bool { return binary() != "" }

// Start runs Dovecot with a mailbox for login and waits until it
// accepts connections; the test is skipped when Dovecot is not installed.
func Start(t testing.TB, login string) *Server {
	t.Helper()
	bin := binary()
	if bin == "" {
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd)")
	}
	// Not t.TempDir: its parent is private, and Dovecot's auth and login
	// processes run as other users, who must read the passwd file.
	dir, err := os.MkdirTemp("", "profhub-dovecot-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	_ = os.Chmod(dir, 0o755)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	uid, gid, loginUser := "nobody", "nogroup", ""
	if os.Getuid() != 0 {
		u, _ := user.Current()
		uid, gid = u.Username, u.Gid
		if g, err := user.LookupGroupId(u.Gid); err == nil {
			gid = g.Name
		}
		loginUser = fmt.Sprintf("default_login_user = %s\ndefault_internal_user = %s\n", u.Username, u.Username)
	}
	for _, d := range []string{"run", "state", "home"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o777); err != nil {
			t.Fatal(err)
		}
		_ = os.Chmod(filepath.Join(dir, d), 0o777)
	}
	s := &Server{Host: "127.0.0.1", Port: fmt.Sprint(port), User: login, Pass: "mailbox-password", dir: dir}
	s.Addr = net.JoinHostPort(s.Host, s.Port)
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(s.User+":{PLAIN}"+s.Pass+"::::::\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	conf := fmt.Sprintf(`base_dir = %[1]s/run
state_dir = %[1]s/state
log_path = %[1]s/dovecot.log
info_log_path = %[1]s/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
%[4]spassdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%%u %[1]s/passwd
}
userdb {
  driver = static
  args = uid=%[2]s gid=%[3]s home=%[1]s/home/%%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = %[5]d
  }
  inet_listener imaps {
    port = 0
  }
}
service anvil {
  chroot =
}
service imap-login {
  chroot =
}
`, dir, uid, gid, loginUser, port)
	cf := filepath.Join(dir, "dovecot.conf")
	if err := os.WriteFile(cf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", cf, "-F")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s.cmd = cmd
	t.Cleanup(s.stop)
	for deadline := time.Now().Add(30 * time.Second); ; {
		c, err := net.DialTimeout("tcp", s.Addr, time.Second)
		if err == nil {
			c.Close()
			return s
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "dovecot.log"))
			t.Fatalf("dovecot did not start: %s\n%s\n%s", err, out.String(), log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the master and the imap processes it started (its group).
func (s *Server) stop() {
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
}

// Deliver puts a raw letter into INBOX over IMAP APPEND, as a mail
// server's delivery would.
func (s *Server) Deliver(t testing.TB, raw string) {
	t.Helper()
	c, err := imapclient.DialInsecure(s.Addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(s.User, s.Pass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append("INBOX", int64(len(raw)), nil)
	if _, err := cmd.Write([]byte(raw)); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
}
