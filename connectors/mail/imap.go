package mail

import (
	"context"
	"crypto/tls"
	"net"
	"time"

	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/profhub/profhub/inbox"
)

// dialIMAP connects to the channel's IMAP server the way its imap_tls
// setting says and logs in. The handler, when given, receives unilateral
// data (new mail during IDLE).
func (c *Connector) dialIMAP(ctx context.Context, ch inbox.Channel, h ...*imapclient.UnilateralDataHandler) (*imapclient.Client, error) {
	pw, err := password(ch)
	if err != nil {
		return nil, err
	}
	opts := &imapclient.Options{TLSConfig: &tls.Config{ServerName: ch.Settings[settingIMAPHost], MinVersion: tls.VersionTLS12},
		WordDecoder: wordDecoder}
	if len(h) > 0 {
		opts.UnilateralDataHandler = h[0]
	}
	d := net.Dialer{Timeout: c.dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", imapAddr(ch))
	if err != nil {
		return nil, err
	}
	var cl *imapclient.Client
	switch ch.Settings[settingIMAPTLS] {
	case tlsNone:
		cl = imapclient.New(conn, opts)
	case tlsStart:
		if cl, err = imapclient.NewStartTLS(conn, opts); err != nil {
			conn.Close()
			return nil, err
		}
	default:
		cl = imapclient.New(tls.Client(conn, opts.TLSConfig), opts)
	}
	// A dead server must not hang the hook or the watcher forever.
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	if err := cl.WaitGreeting(); err != nil {
		cl.Close()
		return nil, err
	}
	if err := cl.Login(ch.Settings[settingUsername], pw).Wait(); err != nil {
		cl.Close()
		return nil, err
	}
	return cl, nil
}

// idleOrWait is a short pause between reconnects, ended early by ctx.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
