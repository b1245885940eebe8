package mail_test

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

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// dovecot is a private Dovecot instance: its own config, passwd file and
// maildirs in a temporary directory, IMAP on a loopback port.
type dovecot struct {
	addr, host, port string
	user, pass       string
	bin, conf, dir   string
	cmd              *exec.Cmd
}

// start runs the server and waits until it accepts connections.
func (d *dovecot) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(d.bin, "-c", d.conf, "-F")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	d.cmd = cmd
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", d.addr, time.Second)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(d.dir, "dovecot.log"))
			t.Fatalf("dovecot did not start: %s\n%s\n%s", err, out.String(), log)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server (and with it every connection to it).
func (d *dovecot) stop() {
	if d.cmd == nil {
		return
	}
	// The master and its imap processes: the group the test started.
	_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = d.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-d.cmd.Process.Pid, syscall.SIGKILL)
		<-done
	}
	d.cmd = nil
}

func startDovecot(t *testing.T) *dovecot {
	t.Helper()
	bin, err := exec.LookPath("dovecot")
	if err != nil {
		for _, p := range []string{"/usr/sbin/dovecot", "/usr/local/sbin/dovecot"} {
			if _, err2 := os.Stat(p); err2 == nil {
				bin, err = p, nil
			}
		}
	}
	if err != nil {
		t.Skip("dovecot is not installed (apt-get install dovecot-imapd); skipping the IMAP tests")
	}
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
	d := &dovecot{host: "127.0.0.1", port: fmt.Sprint(port), user: "hotline@union.example", pass: "mailbox-password"}
	d.addr = net.JoinHostPort(d.host, d.port)
	if err := os.WriteFile(filepath.Join(dir, "passwd"), []byte(d.user+":{PLAIN}"+d.pass+"::::::\n"), 0o644); err != nil {
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
	d.bin, d.conf, d.dir = bin, cf, dir
	d.start(t)
	t.Cleanup(d.stop)
	return d
}

// appendLetter puts a raw letter into a folder of the mailbox, as a mail
// server delivering it would.
func (d *dovecot) appendLetter(t *testing.T, folder, raw string) {
	t.Helper()
	c, err := imapclient.DialInsecure(d.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.user, d.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	cmd := c.Append(folder, int64(len(raw)), nil)
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

// seen reports how many letters of INBOX carry \Seen.
func (d *dovecot) seen(t *testing.T) int {
	t.Helper()
	c, err := imapclient.DialInsecure(d.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.user, d.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	res, err := c.Status("INBOX", &imap.StatusOptions{NumMessages: true, NumUnseen: true}).Wait()
	if err != nil {
		t.Fatal(err)
	}
	return int(*res.NumMessages - *res.NumUnseen)
}

// count reports how many letters a folder holds (0 when it is missing).
func (d *dovecot) count(t *testing.T, folder string) int {
	t.Helper()
	c, err := imapclient.DialInsecure(d.addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Login(d.user, d.pass).Wait(); err != nil {
		t.Fatal(err)
	}
	res, err := c.Status(folder, &imap.StatusOptions{NumMessages: true}).Wait()
	if err != nil {
		return 0
	}
	return int(*res.NumMessages)
}
