// Package imaptest serves an in-memory IMAP mailbox on loopback for tests
// of the mail channel: go-imap's own server (imapserver with the
// imapmemserver backend), driven by the hub's real IMAP client, so the
// protocol is the library's and not a hand-written imitation. Tests only.
package imaptest

import (
	"bytes"
	"net"
	"testing"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Password is the mailbox password of every Mailbox.
const Password = "mailbox-password"

// Mailbox is one user's mailbox with an empty INBOX, served until the
// test ends.
type Mailbox struct {
	Addr string // host:port of the IMAP server (plain text, LOGIN allowed)
	User *imapmemserver.User
}

// Options choose what the server announces.
type Options struct {
	// Idle announces IDLE, so the mail channel watches the mailbox rather
	// than polling it.
	Idle bool
}

// Start serves a mailbox for login (with Password).
func Start(t testing.TB, login string, o Options) *Mailbox {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(login, Password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	caps := imap.CapSet{imap.CapIMAP4rev1: {}}
	if o.Idle {
		caps[imap.CapIdle] = struct{}{}
	}
	srv := imapserver.New(&imapserver.Options{InsecureAuth: true, Caps: caps,
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		}})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return &Mailbox{Addr: l.Addr().String(), User: u}
}

// Deliver puts a letter into the INBOX, as a mail server's delivery does.
func (m *Mailbox) Deliver(t testing.TB, raw string) {
	t.Helper()
	if _, err := m.User.Append("INBOX", bytes.NewReader([]byte(raw)), &imap.AppendOptions{}); err != nil {
		t.Fatal(err)
	}
}
