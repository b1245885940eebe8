package mailing

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/profhub/profhub/mailing/mailingtest"
)

// The session's three ways of sending (BDAT, pipelined DATA, one command
// at a time) deliver the same bytes, dot-stuffing included, and a refused
// message leaves the session usable.
func TestSMTPSessionModes(t *testing.T) {
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sink.KeepRaw = true
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	raw := "Message-ID: <x@y>\r\nSubject: t\r\n\r\n.leading dot\r\nmiddle\r\n..two dots\r\n.\r\nend\r\n"
	for i, mode := range []struct{ pipelining, chunking bool }{{true, true}, {true, false}, {false, false}} {
		c := &smtpConn{acc: SMTPAccount{Host: host, Port: p, TLS: "none"}}
		if err := c.open(context.Background()); err != nil {
			t.Fatal(err)
		}
		c.pipelining, c.chunking = mode.pipelining, mode.chunking
		to := "r" + strconv.Itoa(i) + "@example.net"
		if err := c.send(context.Background(), "a@example.org", "bad<address", []byte(raw)); err == nil {
			t.Fatalf("mode %+v: a bad address was accepted", mode)
		}
		if err := c.send(context.Background(), "a@example.org", to, []byte(raw)); err != nil {
			t.Fatalf("mode %+v: %v", mode, err)
		}
		if got := string(sink.Raw(to)); got != raw {
			t.Fatalf("mode %+v: sink got %q", mode, got)
		}
		c.close()
	}
}
