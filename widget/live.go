package widget

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
)

// Live signals on a visitor's socket, not kept anywhere:
//
//	server → visitor  {"type":"typing","author":NAME}   an operator is typing
//	                  {"type":"read","seq":N}           the operator has read the visitor's messages up to N
//	visitor → server  {"type":"typing"}                 shown in the console
//	                  {"type":"read","seq":N}           the visitor has seen the conversation up to N
//
// The operator's read state is also sent once when a socket starts showing
// a conversation, from the conversation's unread count, so a reload keeps
// the marks.

var _ inbox.ContactNotifier = sender{}

func (s sender) OperatorTyping(ctx context.Context, convID, userID string) {
	s.w.signal(ctx, convID, outFrame{Type: "typing", Author: s.w.operatorName(ctx, userID)})
}

func (s sender) OperatorRead(ctx context.Context, convID string, seq int64) {
	s.w.signal(ctx, convID, outFrame{Type: "read", Seq: seq})
}

// signal sends f to every socket showing conversation convID, on every node.
func (w *Widget) signal(ctx context.Context, convID string, f outFrame) {
	w.local.signalConv(convID, f)
	b, err := json.Marshal(f)
	if err == nil {
		w.publish(ctx, "s:"+convID+" "+string(b))
	}
}

// signalFromPeer delivers a signal another node published ("s:CONV JSON").
func (w *Widget) signalFromPeer(p string) {
	conv, raw, ok := strings.Cut(p, " ")
	var f outFrame
	if !ok || json.Unmarshal([]byte(raw), &f) != nil || (f.Type != "typing" && f.Type != "read") {
		return
	}
	w.local.signalConv(conv, f)
}

func (r *registry) signalConv(conv string, f outFrame) {
	r.mu.Lock()
	cs := make([]*visitorConn, 0, len(r.byConv[conv]))
	for c := range r.byConv[conv] {
		cs = append(cs, c)
	}
	r.mu.Unlock()
	for _, c := range cs {
		go func() {
			ctx, cancel := context.WithTimeout(c.ctx, 3*time.Second)
			defer cancel()
			_ = c.write(ctx, f) // a signal lost with a slow socket is not worth closing it
		}()
	}
}

// convOf is the conversation a socket shows now.
func (r *registry) convOf(c *visitorConn) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return c.conv
}

// visitorSignal passes the visitor's typing or reading on to the consoles.
// It is dropped when the socket sends them faster than its allowance.
func (c *visitorConn) visitorSignal(ctx context.Context, f inFrame, allowance *bucket) {
	conv := c.w.local.convOf(c)
	if conv == "" || !allowance.allow() {
		return
	}
	var err error
	if f.Type == "typing" {
		err = c.w.inbox.ContactTyping(ctx, conv)
	} else if f.Seq > 0 {
		err = c.w.inbox.ContactRead(ctx, conv, f.Seq)
	}
	if err != nil {
		c.w.log.Debug("visitor signal not passed on", "err", err)
	}
}

// sendReadState tells a socket that starts showing a conversation how far
// the operator has read it.
func (c *visitorConn) sendReadState(ctx context.Context, conv string) error {
	cv, err := c.w.inbox.Conversations.Get(ctx, system, conv)
	if err != nil || cv.AssigneeID == "" || cv.Unread > 0 {
		return nil
	}
	return c.write(ctx, outFrame{Type: "read", Seq: cv.LastSeq})
}
