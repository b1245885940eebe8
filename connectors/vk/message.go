package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// event is one Callback API or Bots Long Poll event: both deliver the
// same envelope.
type event struct {
	Type    string          `json:"type"`
	GroupID int             `json:"group_id"`
	EventID string          `json:"event_id"`
	Secret  string          `json:"secret"`
	Object  json.RawMessage `json:"object"`
}

// message is the part of VK's message object the inbox uses.
type message struct {
	ID                    int          `json:"id"`
	Date                  int64        `json:"date"`
	UpdateTime            int64        `json:"update_time"`
	PeerID                int          `json:"peer_id"`
	FromID                int          `json:"from_id"`
	ConversationMessageID int          `json:"conversation_message_id"`
	Text                  string       `json:"text"`
	Attachments           []attachment `json:"attachments"`
	FwdMessages           []message    `json:"fwd_messages"`
	ReplyMessage          *message     `json:"reply_message"`
}

type attachment struct {
	Type  string `json:"type"`
	Photo *struct {
		ID      int         `json:"id"`
		OwnerID int         `json:"owner_id"`
		Sizes   []photoSize `json:"sizes"`
	} `json:"photo"`
	Doc *struct {
		ID      int    `json:"id"`
		OwnerID int    `json:"owner_id"`
		Title   string `json:"title"`
		Ext     string `json:"ext"`
		Size    int64  `json:"size"`
		URL     string `json:"url"`
	} `json:"doc"`
	AudioMessage *struct {
		ID      int    `json:"id"`
		LinkMP3 string `json:"link_mp3"`
		LinkOGG string `json:"link_ogg"`
	} `json:"audio_message"`
	Sticker *struct {
		StickerID int         `json:"sticker_id"`
		Images    []photoSize `json:"images"`
	} `json:"sticker"`
	Wall *struct {
		ID      int    `json:"id"`
		OwnerID int    `json:"owner_id"`
		FromID  int    `json:"from_id"`
		Text    string `json:"text"`
	} `json:"wall"`
	Link *struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	} `json:"link"`
	Video *struct {
		ID      int    `json:"id"`
		OwnerID int    `json:"owner_id"`
		Title   string `json:"title"`
	} `json:"video"`
}

type photoSize struct {
	URL    string `json:"url"`
	Width  int    `json:"width"`
	Height int    `json:"height"`
}

func largest(sizes []photoSize) string {
	best, area := "", -1
	for _, s := range sizes {
		if s.Width*s.Height > area && s.URL != "" {
			best, area = s.URL, s.Width*s.Height
		}
	}
	return best
}

// externalID is the inbox's idempotency key for a message: the peer and
// the message's number in that conversation (stable whichever way it
// arrived), or VK's message id.
func (m message) externalID() string {
	if m.ConversationMessageID > 0 {
		return fmt.Sprintf("msg:%d:%d", m.PeerID, m.ConversationMessageID)
	}
	return fmt.Sprintf("id:%d", m.ID)
}

// errSkip marks an event that carries nothing for the inbox.
var errSkip = errors.New("vk: nothing to ingest")

// handleEvent turns a message_new or message_edit event into an inbound
// message. Other events are acknowledged and ignored (message_reply is the
// community's own outgoing message, our replies among them).
func (c *Connector) handleEvent(ctx context.Context, ch inbox.Channel, ev event, budget time.Duration) error {
	var m message
	edited := false
	switch ev.Type {
	case "message_new":
		var obj struct {
			Message message `json:"message"`
		}
		if err := json.Unmarshal(ev.Object, &obj); err != nil {
			return valid.Errorf("object", "json", "message_new object: %v", err)
		}
		m = obj.Message
		if handled, err := c.officeMessage(ctx, ch, m, ev.EventID); handled || err != nil {
			return err
		}
	case "message_edit":
		if err := json.Unmarshal(ev.Object, &m); err != nil {
			return valid.Errorf("object", "json", "message_edit object: %v", err)
		}
		edited = true
	case "message_event":
		return c.ratingPress(ctx, ch, ev.Object)
	default:
		if what, ok := commentEvents[ev.Type]; ok {
			return c.handleComment(ctx, ch, ev, what, budget)
		}
		return nil
	}
	in, err := c.inbound(ctx, ch, m, edited, budget)
	if errors.Is(err, errSkip) {
		return nil
	}
	if err != nil {
		return err
	}
	res, err := c.inbox.Ingest(ctx, in)
	if err != nil {
		c.dropBlobs(in.Attachments)
		return err
	}
	if res.Duplicate {
		c.dropBlobs(in.Attachments) // the first delivery kept its own copies
	}
	c.log.Debug("vk message ingested", "channel", ch.ID, "event_id", ev.EventID, "external_id", in.ExternalMessageID, "duplicate", res.Duplicate)
	c.touch(ctx, ch.ID)
	return nil
}

func (c *Connector) inbound(ctx context.Context, ch inbox.Channel, m message, edited bool, budget time.Duration) (inbox.Inbound, error) {
	if m.FromID == 0 || m.PeerID == 0 {
		return inbox.Inbound{}, errSkip
	}
	in := inbox.Inbound{
		ChannelID:         ch.ID,
		ExternalChatID:    strconv.Itoa(m.PeerID),
		ExternalMessageID: m.externalID(),
		From:              inbox.Identity{Namespace: "vk", ExternalID: strconv.Itoa(m.FromID), Name: c.userName(ctx, ch, m.FromID)},
		SentAt:            time.Unix(m.Date, 0),
	}
	var notes []string
	if edited {
		// An edit is a new entry marked as such; its key includes the
		// edit time, so each edit shows once.
		in.ExternalMessageID = fmt.Sprintf("edit:%s:%d", strings.TrimPrefix(m.externalID(), "msg:"), m.UpdateTime)
		notes = append(notes, "(edited)")
		if m.UpdateTime > 0 {
			in.SentAt = time.Unix(m.UpdateTime, 0)
		}
	}
	if m.Date == 0 {
		in.SentAt = time.Time{}
	}
	if m.ReplyMessage != nil && m.ReplyMessage.ID != 0 {
		in.ReplyTo = []string{strconv.Itoa(m.ReplyMessage.ID)} // a reply to a campaign message links the conversation to it
	}
	if m.ReplyMessage != nil && m.ReplyMessage.Text != "" {
		notes = append(notes, "> "+quote(m.ReplyMessage.Text))
	}
	text := m.Text
	if len(m.FwdMessages) > 0 {
		text = strings.TrimSpace(text + fmt.Sprintf("\n[%d forwarded message(s)]", len(m.FwdMessages)))
	}
	dctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	var extra []string
	if !edited {
		in.Attachments, extra = c.fetchAttachments(dctx, ch, m.Attachments)
	}
	parts := append(notes, text)
	parts = append(parts, extra...)
	in.Text = strings.TrimSpace(strings.Join(nonEmpty(parts), "\n"))
	if len(in.Text) > inbox.MaxTextBytes {
		in.Text = truncate(in.Text, inbox.MaxTextBytes)
	}
	if in.Text == "" && len(in.Attachments) == 0 {
		return inbox.Inbound{}, errSkip
	}
	return in, nil
}

func quote(s string) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return string(r)
}

func nonEmpty(ss []string) []string {
	out := ss[:0:0]
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

// truncate cuts s to at most n bytes on a rune boundary.
func truncate(s string, n int) string {
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

const maxCachedNames = 50000

// userName asks users.get for a sender's name the first time the
// connector sees them, and remembers it. A failure leaves the name empty:
// the message matters more than the name.
func (c *Connector) userName(ctx context.Context, ch inbox.Channel, id int) string {
	if id < 0 {
		return fmt.Sprintf("club%d", -id)
	}
	c.mu.Lock()
	name, ok := c.names[id]
	c.mu.Unlock()
	if ok {
		return name
	}
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	users, err := c.channelClient(ch).UsersGet(api.Params{"user_ids": id}.WithContext(cctx))
	if err != nil || len(users) == 0 {
		c.log.Warn("vk users.get failed", "channel", ch.ID, "user", id, "err", err)
		return ""
	}
	name = strings.TrimSpace(users[0].FirstName + " " + users[0].LastName)
	c.mu.Lock()
	if len(c.names) >= maxCachedNames {
		clear(c.names)
	}
	c.names[id] = name
	c.mu.Unlock()
	return name
}

func isValidation(err error) bool {
	var ve *valid.Error
	return errors.As(err, &ve)
}
