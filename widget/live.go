package widget

import "context"

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

// visitorSignal passes the visitor's typing or reading on to the consoles.
// It is dropped when the socket sends them faster than its allowance.
func (c *visitorConn) visitorSignal(ctx context.Context, f inFrame, allowance *bucket) {
	conv := c.s.local.convOf(c)
	if conv == "" || !allowance.allow() {
		return
	}
	var err error
	if f.Type == "typing" {
		err = c.s.inbox.ContactTyping(ctx, conv)
	} else if f.Seq > 0 {
		err = c.s.inbox.ContactRead(ctx, conv, f.Seq)
	}
	if err != nil {
		c.s.log.Debug("visitor signal not passed on", "err", err)
	}
}

// sendReadState tells a socket that starts showing a conversation how far
// the operator has read it.
func (c *visitorConn) sendReadState(ctx context.Context, conv string) error {
	if !c.s.turns.take(ctx) {
		return nil // the socket ended
	}
	cv, err := c.s.inbox.Conversations.Get(ctx, system, conv)
	c.s.turns.give()
	if err != nil || cv.AssigneeID == "" || cv.Unread > 0 {
		return nil
	}
	return c.write(ctx, outFrame{Type: "read", Seq: cv.LastSeq})
}
