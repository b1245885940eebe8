// Package mailingtest is a local SMTP sink for the mailing tests and the
// benchmark: it accepts everything, counts distinct Message-IDs and
// recipients compactly (hashes, so 254,000 recipients cost a few MB), and
// can misbehave on purpose: drop connections every N messages, or refuse
// service as an outage would.
package mailingtest

import (
	"bufio"
	"bytes"
	"errors"
	"hash/maphash"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/emersion/go-smtp"
)

// Sink is a running SMTP server on loopback.
type Sink struct {
	Addr string
	srv  *smtp.Server
	ln   net.Listener

	// DropEvery closes the connection at the next command after every
	// N-th accepted message (0: never).
	DropEvery int64
	// KeepRaw keeps each recipient's last message, for tests that read it.
	KeepRaw bool

	down     atomic.Bool
	accepted atomic.Int64
	seed     maphash.Seed

	mu         sync.Mutex
	recipients map[uint64]rcpt
	ids        map[uint64]uint32
	raw        map[string][]byte
	mismatched int // duplicates whose Message-ID differs from the first copy's
}

type rcpt struct {
	count uint32
	msgid uint64
}

// Start listens on 127.0.0.1 (port 0: any free one).
func Start(addr string) (*Sink, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Sink{Addr: ln.Addr().String(), ln: ln, seed: maphash.MakeSeed(),
		recipients: map[uint64]rcpt{}, ids: map[uint64]uint32{}, raw: map[string][]byte{}}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		if s.down.Load() {
			return nil, &smtp.SMTPError{Code: 421, Message: "service not available"}
		}
		return &session{s: s, c: c}, nil
	}))
	s.srv.Domain = "sink.test"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxRecipients = 10
	go func() { _ = s.srv.Serve(coalescingListener{ln}) }()
	return s, nil
}

// Close stops the server.
func (s *Sink) Close() { _ = s.srv.Close() }

// SetDown makes the server refuse every session and command (421) until
// SetDown(false).
func (s *Sink) SetDown(down bool) { s.down.Store(down) }

// Accepted is the number of messages taken, copies included.
func (s *Sink) Accepted() int64 { return s.accepted.Load() }

// Counts are what the sink saw.
type Counts struct {
	Messages   int64 // accepted, copies included
	Recipients int   // distinct
	MessageIDs int   // distinct
	Duplicates int   // copies beyond the first, per recipient
	Mismatched int   // copies whose Message-ID differs from the recipient's first
}

// Counts returns the totals so far.
func (s *Sink) Counts() Counts {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := Counts{Messages: s.accepted.Load(), Recipients: len(s.recipients), MessageIDs: len(s.ids), Mismatched: s.mismatched}
	for _, r := range s.recipients {
		c.Duplicates += int(r.count) - 1
	}
	return c
}

// Got reports how many copies address received.
func (s *Sink) Got(address string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return int(s.recipients[maphash.String(s.seed, strings.ToLower(address))].count)
}

// Raw is the last message address received (KeepRaw only).
func (s *Sink) Raw(address string) []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.raw[strings.ToLower(address)]
}

type session struct {
	s    *Sink
	c    *smtp.Conn
	to   []string
	drop bool
	br   *bufio.Reader
}

func (ss *session) Reset()        { ss.to = ss.to[:0] }
func (ss *session) Logout() error { return nil }

func (ss *session) Mail(string, *smtp.MailOptions) error {
	if ss.s.down.Load() {
		return &smtp.SMTPError{Code: 421, Message: "service not available"}
	}
	if ss.drop {
		ss.c.Close()
		return errors.New("dropped")
	}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, strings.ToLower(to))
	return nil
}

func (ss *session) Data(r io.Reader) error {
	// Only the header is parsed; the body is read through a reused
	// buffer and dropped, unless a test asked for it. Reading each
	// 13 KB letter whole made the sink, not the hub under test, the
	// bench process's largest cost (allocation and clearing).
	var raw []byte
	if ss.s.KeepRaw {
		var err error
		if raw, err = io.ReadAll(r); err != nil {
			return err
		}
		r = bytes.NewReader(raw)
	}
	if ss.br == nil {
		ss.br = bufio.NewReaderSize(r, 4096)
	} else {
		ss.br.Reset(r)
	}
	hdr, err := textproto.NewReader(ss.br).ReadMIMEHeader()
	if _, cerr := io.Copy(io.Discard, ss.br); cerr != nil {
		return cerr
	}
	if err != nil && len(hdr) == 0 {
		return &smtp.SMTPError{Code: 554, Message: "unreadable header"}
	}
	id := maphash.String(ss.s.seed, hdr.Get("Message-Id"))
	s := ss.s
	n := s.accepted.Add(1)
	s.mu.Lock()
	s.ids[id]++
	for _, to := range ss.to {
		k := maphash.String(s.seed, to)
		r := s.recipients[k]
		if r.count > 0 && r.msgid != id {
			s.mismatched++
		}
		if r.count == 0 {
			r.msgid = id
		}
		r.count++
		s.recipients[k] = r
		if s.KeepRaw {
			s.raw[to] = raw
		}
	}
	s.mu.Unlock()
	if s.DropEvery > 0 && n%s.DropEvery == 0 {
		ss.drop = true
	}
	return nil
}
