package mailing

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpConn is one SMTP session of an account, kept open across messages.
//
// It speaks the protocol itself rather than through go-smtp's client:
// campaigns are the one place where the per-message cost decides the
// throughput, and go-smtp's client neither pipelines (RFC 2920: MAIL,
// RCPT and DATA in one write, so one round trip instead of three) nor
// dot-stuffs other than byte by byte. Refusals still come back as
// go-smtp's *smtp.SMTPError, and the tests run it against go-smtp's server.
type smtpConn struct {
	acc        SMTPAccount
	conn       net.Conn
	r          *textproto.Reader
	w          *bufio.Writer
	pipelining bool
	chunking   bool // RFC 3030 BDAT: the message goes as counted bytes, no dot-stuffing
}

const smtpTimeout = 30 * time.Second

func (c *smtpConn) open(ctx context.Context) (err error) {
	d := net.Dialer{Timeout: 10 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(c.acc.Host, strconv.Itoa(c.acc.Port)))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			conn.Close()
			c.conn = nil
		}
	}()
	tlsCfg := &tls.Config{ServerName: c.acc.Host, MinVersion: tls.VersionTLS12}
	if c.acc.TLS == "tls" {
		conn = tls.Client(conn, tlsCfg)
	}
	c.attach(conn)
	_ = conn.SetDeadline(time.Now().Add(smtpTimeout))
	if _, err := c.reply(220); err != nil {
		return err
	}
	ext, err := c.ehlo()
	if err != nil {
		return err
	}
	if c.acc.TLS == "starttls" {
		if _, ok := ext["STARTTLS"]; !ok {
			return &smtp.SMTPError{Code: 530, Message: "the server does not offer STARTTLS"}
		}
		if err := c.cmd(220, "STARTTLS"); err != nil {
			return err
		}
		tc := tls.Client(conn, tlsCfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return err
		}
		conn = tc
		c.attach(conn)
		if ext, err = c.ehlo(); err != nil {
			return err
		}
	}
	_, c.pipelining = ext["PIPELINING"]
	_, c.chunking = ext["CHUNKING"]
	if c.acc.Username != "" {
		auth := base64.StdEncoding.EncodeToString([]byte("\x00" + c.acc.Username + "\x00" + c.acc.Password))
		if err := c.cmd(235, "AUTH PLAIN "+auth); err != nil {
			return err
		}
	}
	return nil
}

func (c *smtpConn) attach(conn net.Conn) {
	c.conn = conn
	c.r = textproto.NewReader(bufio.NewReaderSize(conn, 4096))
	c.w = bufio.NewWriterSize(conn, 32<<10)
}

func (c *smtpConn) ehlo() (map[string]string, error) {
	if _, err := c.w.WriteString("EHLO profhub\r\n"); err != nil {
		return nil, err
	}
	if err := c.w.Flush(); err != nil {
		return nil, err
	}
	msg, err := c.reply(250)
	if err != nil {
		return nil, err
	}
	ext := map[string]string{}
	for _, line := range strings.Split(msg, "\n")[1:] {
		k, v, _ := strings.Cut(line, " ")
		ext[strings.ToUpper(k)] = v
	}
	return ext, nil
}

// cmd sends one command and reads its reply.
func (c *smtpConn) cmd(code int, line string) error {
	if _, err := c.w.WriteString(line + "\r\n"); err != nil {
		return err
	}
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, err := c.reply(code)
	return err
}

// reply reads one reply; a code other than want is an *smtp.SMTPError.
func (c *smtpConn) reply(want int) (string, error) {
	code, msg, err := c.r.ReadResponse(want)
	if err == nil {
		return msg, nil
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return msg, &smtp.SMTPError{Code: code, Message: te.Msg}
	}
	return msg, err
}

func (c *smtpConn) close() {
	if c.conn != nil {
		_ = c.conn.SetDeadline(time.Now().Add(time.Second))
		_, _ = c.w.WriteString("QUIT\r\n")
		_ = c.w.Flush()
		_ = c.conn.Close()
		c.conn = nil
	}
}

// send delivers one message on the open session, opening it first if
// needed. A refusal of this message (an SMTP reply other than 421) leaves
// the session usable; anything else drops it.
func (c *smtpConn) send(ctx context.Context, from, to string, raw []byte) error {
	if c.conn == nil {
		if err := c.open(ctx); err != nil {
			return err
		}
	}
	// A send once begun is not cut short when the job stops (a pause):
	// the server may have taken the message, and an interrupted send
	// cannot be recorded, so it would be sent again. The deadline bounds it.
	_ = c.conn.SetDeadline(time.Now().Add(smtpTimeout))
	err := c.transaction(from, to, raw)
	if err == nil {
		return nil
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code != 421 && c.cmd(250, "RSET") == nil {
		return err
	}
	_ = c.conn.Close()
	c.conn = nil
	return err
}

// transaction is MAIL, RCPT and DATA, pipelined when the server allows,
// then the dot-stuffed message.
func (c *smtpConn) transaction(from, to string, raw []byte) error {
	if strings.ContainsAny(from+to, "\r\n<>") {
		return &smtp.SMTPError{Code: 501, Message: "bad address"}
	}
	if c.pipelining && c.chunking {
		return c.bdat(from, to, raw)
	}
	steps := []struct {
		line string
		code int
	}{{"MAIL FROM:<" + from + ">", 250}, {"RCPT TO:<" + to + ">", 250}, {"DATA", 354}}
	var firstErr error
	for i, st := range steps {
		c.w.WriteString(st.line)
		c.w.WriteString("\r\n")
		if !c.pipelining || i == len(steps)-1 {
			if err := c.w.Flush(); err != nil {
				return err
			}
			// Read the replies of everything written so far.
			from := 0
			if !c.pipelining {
				from = i
			}
			for k, s := range steps[from : i+1] {
				_, err := c.reply(s.code)
				if err == nil && from+k == len(steps)-1 && firstErr != nil {
					// DATA was accepted although an earlier command failed:
					// end the empty message so the session stays in step.
					c.w.WriteString(".\r\n")
					if err := c.w.Flush(); err != nil {
						return err
					}
					_, _ = c.reply(250)
				}
				if err != nil {
					var se *smtp.SMTPError
					if !errors.As(err, &se) {
						return err
					}
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			if firstErr != nil && !c.pipelining {
				return firstErr
			}
		}
	}
	if firstErr != nil {
		return firstErr // DATA was refused too (no valid recipient)
	}
	writeDotStuffed(c.w, raw)
	if err := c.w.Flush(); err != nil {
		return err
	}
	_, err := c.reply(250)
	return err
}

// bdat sends MAIL, RCPT and the whole message as one BDAT LAST chunk in a
// single write, and reads the three replies: one round trip per message.
func (c *smtpConn) bdat(from, to string, raw []byte) error {
	c.w.WriteString("MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nBDAT " + strconv.Itoa(len(raw)) + " LAST\r\n")
	c.w.Write(raw)
	if err := c.w.Flush(); err != nil {
		return err
	}
	var firstErr error
	for range 3 {
		if _, err := c.reply(250); err != nil {
			var se *smtp.SMTPError
			if !errors.As(err, &se) {
				return err
			}
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return firstErr
}

// writeDotStuffed writes raw (CRLF lines) as DATA content: a line that
// starts with "." gets a second one, and the terminating "." follows.
func writeDotStuffed(w *bufio.Writer, raw []byte) {
	if len(raw) > 0 && raw[0] == '.' {
		w.WriteByte('.')
	}
	for {
		i := bytes.Index(raw, []byte("\n."))
		if i < 0 {
			break
		}
		w.Write(raw[:i+1])
		w.WriteByte('.')
		raw = raw[i+1:]
	}
	w.Write(raw)
	if !bytes.HasSuffix(raw, []byte("\r\n")) {
		w.WriteString("\r\n")
	}
	w.WriteString(".\r\n")
}

// sendFailure sorts a send failure: refused for good (5xx), refused for
// now (4xx other than 421), or the server is unreachable or misbehaving
// (retry the same message, count towards the outage budget).
func sendFailure(err error) (permanent, temporary bool, reason string) {
	var smsErr *SMSError
	if errors.As(err, &smsErr) {
		return smsErr.Permanent, !smsErr.Permanent, smsErr.Reason
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		reason = fmt.Sprintf("%d %s", se.Code, se.Message)
		switch {
		case se.Code >= 500:
			return true, false, reason
		case se.Code != 421:
			return false, true, reason
		}
	}
	return false, false, err.Error()
}

// pacer spaces an account's sends to its rate (0: no limit); it is shared
// by the account's connections.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

func newPacer(perSec int) *pacer {
	p := &pacer{}
	if perSec > 0 {
		p.interval = time.Second / time.Duration(perSec)
	}
	return p
}

func (p *pacer) wait(ctx context.Context) error {
	if p.interval == 0 {
		return nil
	}
	p.mu.Lock()
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	at := p.next
	p.next = p.next.Add(p.interval)
	p.mu.Unlock()
	if d := time.Until(at); d > 0 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
	}
	return nil
}
