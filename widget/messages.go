package widget

import (
	"context"
	"encoding/json"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Messages is a visitor's side of their conversation: their messages into
// the inbox, and the conversation's entries as they may see them.
type Messages struct {
	inbox     inbox.Ingester
	visitors  *Visitors
	channels  *Channels
	lines     *LineStates
	operators *Operators
	wakeups   *Wakeups
	triggers  *Triggers
}

// ingest stores a visitor's message. The client's id, prefixed with the
// visitor's, is the idempotency key: a message resent after a drop is
// stored once and answered with the first result. proactive names the
// trigger whose message the visitor answers ("" none): a message that
// opens a conversation starts it with that message.
func (m *Messages) ingest(ctx context.Context, ch inbox.Channel, v *visitor, clientID, text string, atts []inbox.Attachment, proactive string) (inbox.IngestResult, error) {
	if !validClientID(clientID) {
		return inbox.IngestResult{}, valid.Errorf("client_id", "client_id", "client_id must have 1 to 100 letters, digits, - or _")
	}
	text = strings.TrimSpace(text)
	if n := m.channels.limitsFor(ch).MaxTextRunes; utf8.RuneCountInString(text) > n {
		return inbox.IngestResult{}, valid.Errorf("text", "too_long", "a message is limited to %d characters", n)
	}
	phone, email, _ := splitContact(v.Contact)
	name := v.Name
	if name == "" {
		name = "Посетитель сайта"
	}
	res, err := m.inbox.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: v.ID + ":" + clientID,
		From: inbox.Identity{ExternalID: v.ID, Name: name, Phone: phone, Email: email}, Text: text, Subject: v.Topic, Attachments: atts,
		Preface: m.triggers.preface(ctx, ch, proactive)})
	if err != nil {
		return res, err
	}
	if res.Prefaced {
		if _, err := m.triggers.count(ctx, ch.ID, proactive, true); err != nil {
			httpapi.Logger(ctx).Warn("widget: proactive answer not counted", "trigger", proactive, "err", err)
		}
	}
	if !res.Duplicate && res.ConversationID != v.ConversationID {
		if err := m.visitors.setConversation(ctx, v.ID, res.ConversationID); err != nil {
			return res, err
		}
		v.ConversationID = res.ConversationID
		m.wakeups.wake(ctx, v.ID)
	}
	switch {
	case res.Duplicate:
	case res.Message.ConversationID == res.ConversationID:
		m.wakeups.stored(ctx, res.Message, res.LastSeq) // the visitor's own copy, in every tab
	default:
		m.wakeups.wakeConversation(ctx, res.ConversationID, res.Seq)
	}
	return res, nil
}

func validClientID(s string) bool {
	if s == "" || len(s) > 100 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// visible turns a stored message into what the visitor may see: notes and
// routing entries stay inside the union.
func (ms *Messages) visible(ctx context.Context, ch inbox.Channel, visitorID string, m inbox.Message) (outMessage, bool) {
	om := outMessage{Seq: m.Seq, ID: m.ID, Direction: m.Direction, Text: m.Text, At: m.CreatedAt.UnixMilli()}
	for _, a := range m.Attachments {
		om.Files = append(om.Files, fileRef{Name: a.Name, ContentType: a.ContentType, Size: a.Size,
			URL: "/widget/v1/file/" + ch.ID + "/" + a.BlobKey})
	}
	switch m.Direction {
	case inbox.DirIn:
		om.ClientID = strings.TrimPrefix(m.ExternalID, visitorID+":")
	case inbox.DirOut:
		if m.AuthorID == "" && strings.HasPrefix(m.ExternalID, "preface:") {
			om.Author, om.Proactive = ms.triggers.senderOf(ctx, ch, m.ExternalID)
			break
		}
		om.Author, om.Avatar = ms.operators.operator(ctx, m.AuthorID)
	case inbox.DirSystem:
		var body struct {
			Event string `json:"event"`
		}
		_ = json.Unmarshal([]byte(m.Text), &body)
		if body.Event != "closed" && body.Event != "auto_closed" {
			return om, false
		}
		om.Text, om.Event = "", "closed"
		if st, err := ms.lines.state(ctx, ch.LineID); err == nil {
			om.AskRating = st.AskRating
		}
	default:
		return om, false
	}
	return om, true
}
