package widget

import (
	"context"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
)

// The visitor's WebSocket: GET /widget/v1/ws/{channel}?token=…&since=SEQ
// [&conversation=ID]. The server sends
//
//	{"type":"hello","conversation_id":…}
//	{"type":"conversation","conversation_id":…}   a new conversation began: reset seq
//	{"type":"messages","messages":[{seq, id, direction, text, author, files, event, ask_rating, client_id, at}]}
//	{"type":"ack","client_id":…,"seq":…,"duplicate":…}
//	{"type":"error","code":…,"message":…,"client_id":…}
//	{"type":"pong"}
//
// and reads {"type":"message","client_id":…,"text":…,"files":[blob keys],"proactive":trigger}
// and {"type":"ping"}. Messages are the conversation's, numbered by its
// seq; a reconnect with since gets what came after, once. Close codes:
// 4001 the session is unknown or revoked, 4029 too many sockets from the
// address, 1009 a frame over the size limit.

// Close codes the script acts on.
const (
	closeRevoked   = websocket.StatusCode(4001)
	closeLimited   = websocket.StatusCode(4029)
	closeGoingAway = websocket.StatusGoingAway
)

type inFrame struct {
	Type     string   `json:"type"`
	Seq      int64    `json:"seq"` // of a read frame
	ClientID string   `json:"client_id"`
	Text     string   `json:"text"`
	Files    []string `json:"files"`
	// Proactive names the trigger whose message the visitor answers.
	Proactive string `json:"proactive"`
}

type outFrame struct {
	Type           string       `json:"type"`
	ConversationID string       `json:"conversation_id,omitempty"`
	Messages       []outMessage `json:"messages,omitempty"`
	ClientID       string       `json:"client_id,omitempty"`
	Seq            int64        `json:"seq,omitempty"`
	Duplicate      bool         `json:"duplicate,omitempty"`
	Code           string       `json:"code,omitempty"`
	Message        string       `json:"message,omitempty"`
	Author         string       `json:"author,omitempty"` // of a typing frame
}

// outMessage is a conversation entry as the visitor sees it: their own
// messages, replies with the operator's name, and the closing.
type outMessage struct {
	Seq       int64     `json:"seq"`
	ID        string    `json:"id"`
	Direction string    `json:"direction"` // in, out, system
	Text      string    `json:"text,omitempty"`
	ClientID  string    `json:"client_id,omitempty"`
	Author    string    `json:"author,omitempty"`
	Avatar    string    `json:"avatar,omitempty"` // the author's photo, relative to the hub
	Files     []fileRef `json:"files,omitempty"`
	Event     string    `json:"event,omitempty"`
	AskRating bool      `json:"ask_rating,omitempty"`
	Proactive string    `json:"proactive,omitempty"` // the trigger of a proactive message
	At        int64     `json:"at"`
}

type fileRef struct {
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	URL         string `json:"url"` // relative to the hub; add ?token=
}

// flush sends what the conversation gained since the last flush, reading
// it from SQL by seq; a new conversation is announced first.
// Most wake-ups are new messages in the conversation the socket shows; the
// visitor's row is read again only when it may have changed.
func (c *visitorConn) flush(ctx context.Context) error {
	readSQL := c.readSQL.Swap(false)
	conv, rechecked := c.conv, c.recheck.Swap(false)
	if rechecked {
		var revoked bool
		var err error
		if !c.s.turns.take(ctx) {
			return nil // the socket ended
		}
		conv, revoked, err = c.s.visitors.currentConversation(ctx, c.v.ID)
		c.s.turns.give()
		if err != nil {
			c.recheck.Store(true)
			return nil // transient: the next wake-up reads again
		}
		if revoked {
			c.end(closeRevoked, "this chat session was ended")
			return nil
		}
	}
	if conv != c.conv {
		c.sent.Store(0) // before the registry names the new conversation, so pokeAt cannot skip its messages
		c.want.Store(0)
		readSQL = true
		c.s.local.follow(c, conv)
		if err := c.write(ctx, outFrame{Type: "conversation", ConversationID: conv}); err != nil {
			return err
		}
	}
	if conv == "" {
		return nil
	}
	// What this node just stored, then SQL if a wake-up asks for more
	// (socket_fresh.go).
	if err := c.send(ctx, c.fresh.take(conv, c.sent.Load()), c.s.shown.memory); err != nil {
		return err
	}
	for readSQL || c.sent.Load() < c.want.Load() {
		if !c.s.turns.take(ctx) {
			return nil // the socket ended
		}
		msgs, err := c.s.inbox.Conversations.MessagesAfter(ctx, conv, c.sent.Load(), 200)
		c.s.turns.give()
		if err != nil {
			c.s.log.Warn("widget: reading messages failed", "conversation", conv, "err", err)
			return nil
		}
		if err := c.send(ctx, msgs, c.s.shown.sql); err != nil {
			return err
		}
		if len(msgs) < 200 {
			break
		}
	}
	if rechecked {
		return c.sendReadState(ctx, conv)
	}
	return nil
}

// send marks msgs sent and sends what the visitor may see of them,
// counted by where they were read. The turn covers visible, which may read
// a proactive message's sender, not the write to the visitor.
func (c *visitorConn) send(ctx context.Context, msgs []inbox.Message, read prometheus.Counter) error {
	if len(msgs) == 0 {
		return nil
	}
	if !c.s.turns.take(ctx) {
		return nil // the socket ended
	}
	out := make([]outMessage, 0, len(msgs))
	for _, m := range msgs {
		c.sent.Store(m.Seq)
		if om, ok := c.s.messages.visible(ctx, c.ch, c.v.ID, m); ok {
			out = append(out, om)
		}
	}
	c.s.turns.give()
	if len(out) == 0 {
		return nil
	}
	read.Add(float64(len(out)))
	return c.write(ctx, outFrame{Type: "messages", Messages: out})
}

func (c *visitorConn) receive(ctx context.Context, f inFrame) outFrame {
	var atts []inbox.Attachment
	var err error
	if len(f.Files) > 5 {
		err = errUnknownUpload
	} else if len(f.Files) > 0 {
		atts, err = c.s.uploads.of(ctx, c.v.ID, f.Files)
	}
	var res inbox.IngestResult
	if err == nil {
		res, err = c.s.messages.ingest(ctx, c.ch, &c.v, f.ClientID, f.Text, atts, f.Proactive)
	}
	if err != nil {
		_, code, msg, _ := httpapi.Classify(err)
		if code == "internal" {
			httpapi.Logger(ctx).Error("widget: ingest failed", "err", err)
			msg = "the message could not be stored; it will be sent again"
		}
		return outFrame{Type: "error", Code: code, Message: msg, ClientID: f.ClientID}
	}
	c.pokeAt(res.Seq)
	return outFrame{Type: "ack", ClientID: f.ClientID, Seq: res.Seq, ConversationID: res.ConversationID, Duplicate: res.Duplicate}
}

// reply answers a frame of the visitor's. The socket's writes are
// serialised by the library, so the reader writes its answers itself; a
// socket that cannot take them within the write timeout is closed.
func (c *visitorConn) reply(ctx context.Context, f outFrame) {
	if c.write(ctx, f) != nil {
		c.end(websocket.StatusPolicyViolation, "not reading")
	}
}
