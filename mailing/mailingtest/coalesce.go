package mailingtest

import (
	"net"
	"sync"
)

// coalescingListener hands out connections that hold replies back until
// the server is about to read again, as Postfix's smtpd does: the replies
// to a pipelined group (MAIL, RCPT, BDAT) then leave in one segment
// instead of one each. go-smtp writes and flushes every reply at once,
// which made the client under test read (and the sink write) three times
// a letter, a cost no real relay imposes.
type coalescingListener struct{ net.Listener }

func (l coalescingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &coalescingConn{Conn: c}, nil
}

type coalescingConn struct {
	net.Conn
	mu      sync.Mutex
	pending []byte
}

func (c *coalescingConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	c.pending = append(c.pending, p...)
	c.mu.Unlock()
	return len(p), nil
}

// flush sends the held replies; a write error comes back from the next
// read, where the server looks for a broken connection anyway.
func (c *coalescingConn) flush() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.pending) == 0 {
		return nil
	}
	_, err := c.Conn.Write(c.pending)
	c.pending = c.pending[:0]
	return err
}

func (c *coalescingConn) Read(p []byte) (int, error) {
	if err := c.flush(); err != nil {
		return 0, err
	}
	return c.Conn.Read(p)
}

func (c *coalescingConn) Close() error {
	_ = c.flush()
	return c.Conn.Close()
}
