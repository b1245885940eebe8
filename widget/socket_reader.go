package widget

import (
	"context"
	"encoding/json"
)

// A socket's one lasting goroutine waits in the WebSocket library's read
// for the visitor's next frame, and its stack is most of what an idle
// socket costs beyond its buffers. The runtime halves a goroutine's stack
// at a collection only while it uses under a quarter of it; a goroutine
// that once ingested a message (a call chain tens of frames deep) had grown
// to 8 KB and, waiting about 2.5 KB deep, stayed there: 76 MB for ten
// thousand sockets, and as much again in the collector's headroom, which
// counts stacks. So the waiting goroutine keeps a short frame chain, and
// each frame is handled on a goroutine of its own, whose stack goes back to
// the runtime's pool when it is done; the reader waits for it, so frames
// are still answered in the order they came.

// frameReader reads one socket's frames.
type frameReader struct {
	c         *visitorConn
	ctx       context.Context
	allowance *bucket // the visitor's messages
	signals   *bucket // typing and read marks
}

func newFrameReader(ctx context.Context, c *visitorConn) *frameReader {
	limits := c.s.channels.limitsFor(c.ch)
	return &frameReader{c: c, ctx: ctx,
		allowance: newBucket(limits.MessagesPerSecond, limits.MessageBurst),
		signals:   newBucket(2, 5), // a few a second are plenty
	}
}

// loop reads frames until the socket ends.
func (r *frameReader) loop() {
	for {
		_, data, err := r.c.conn.Read(r.ctx)
		if err != nil {
			return
		}
		r.apart(data)
	}
}

// apart handles a frame on a goroutine of its own and waits for it.
func (r *frameReader) apart(data []byte) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.handle(data)
	}()
	<-done
}

// handle takes one of the visitor's frames: messages within the socket's
// allowance are ingested and acknowledged; the rest get an error frame
// and stay in the script's queue to be sent again.
func (r *frameReader) handle(data []byte) {
	c, ctx := r.c, r.ctx
	var f inFrame
	if json.Unmarshal(data, &f) != nil {
		c.reply(ctx, outFrame{Type: "error", Code: "invalid", Message: "malformed frame"})
		return
	}
	switch f.Type {
	case "ping":
		c.reply(ctx, outFrame{Type: "pong"})
	case "message":
		if !r.allowance.allow() {
			c.reply(ctx, outFrame{Type: "error", Code: "rate_limited", ClientID: f.ClientID,
				Message: "you are sending messages too fast; the message will be sent in a moment"})
			return
		}
		c.reply(ctx, c.receive(ctx, f))
	case "typing", "read":
		c.visitorSignal(ctx, f, r.signals)
	default:
		c.reply(ctx, outFrame{Type: "error", Code: "invalid", Message: "unknown frame type"})
	}
}
