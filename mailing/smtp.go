package mailing

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// smtpConn is one SMTP session of an account, kept open across messages.
type smtpConn struct {
	acc SMTPAccount
	cl  *smtp.Client
}

const smtpTimeout = 30 * time.Second

func (c *smtpConn) open(ctx context.Context) error {
	d := net.Dialer{Timeout: 10 * time.Second}
	addr := net.JoinHostPort(c.acc.Host, strconv.Itoa(c.acc.Port))
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	tlsCfg := &tls.Config{ServerName: c.acc.Host, MinVersion: tls.VersionTLS12}
	var cl *smtp.Client
	switch c.acc.TLS {
	case "none":
		cl = smtp.NewClient(conn)
	case "tls":
		cl = smtp.NewClient(tls.Client(conn, tlsCfg))
	default:
		if cl, err = smtp.NewClientStartTLS(conn, tlsCfg); err != nil {
			conn.Close()
			return err
		}
	}
	cl.CommandTimeout, cl.SubmissionTimeout = smtpTimeout, smtpTimeout
	if c.acc.Username != "" {
		if err := cl.Auth(sasl.NewPlainClient("", c.acc.Username, c.acc.Password)); err != nil {
			cl.Close()
			return err
		}
	}
	c.cl = cl
	return nil
}

func (c *smtpConn) close() {
	if c.cl != nil {
		_ = c.cl.Quit()
		_ = c.cl.Close()
		c.cl = nil
	}
}

// send delivers one message on the open session, opening it first if
// needed. A refusal of this message (an SMTP reply) leaves the session
// usable; anything else drops it.
func (c *smtpConn) send(ctx context.Context, from, to string, raw []byte) error {
	if c.cl == nil {
		if err := c.open(ctx); err != nil {
			return err
		}
	}
	err := c.transaction(from, to, raw)
	if err == nil {
		return nil
	}
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code != 421 && c.cl.Reset() == nil {
		return err
	}
	_ = c.cl.Close()
	c.cl = nil
	return err
}

func (c *smtpConn) transaction(from, to string, raw []byte) error {
	if err := c.cl.Mail(from, nil); err != nil {
		return err
	}
	if err := c.cl.Rcpt(to, nil); err != nil {
		return err
	}
	w, err := c.cl.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(raw); err != nil {
		_ = w.Close()
		return err
	}
	return w.Close()
}

// sendFailure sorts an SMTP failure: refused for good (5xx), refused for
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

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}
