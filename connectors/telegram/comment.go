package telegram

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
)

// Comments in the discussion group of the union's channel: Telegram
// forwards each channel post into the group (is_automatic_forward), and
// members' comments are replies in that post's thread. Each becomes a
// conversation per commenter and post, whose key is "tg:<group>:<the
// forward's id>"; the operator answers in the thread (a reply to the
// member's comment in the group) or privately, which Telegram allows only
// to a member who has started the bot. Bots, anonymous admins and posts
// on behalf of a chat (the channel itself) are never taken in, so our own
// answers cannot come back. The Bot API does not report deleted messages,
// so a deleted comment stays as it was.

// Threads is what the connector uses of the inbox's comment threads.
type Threads interface {
	ThreadKnown(ctx context.Context, channelID, key string) (bool, error)
}

func commentKey(group int64, root int) string { return fmt.Sprintf("tg:%d:%d", group, root) }

// discussionComment handles a group message that belongs to a channel
// post's thread; handled is false for any other group message.
func (c *Connector) discussionComment(ctx context.Context, ch inbox.Channel, b *bot.Bot, msg *models.Message, edited bool) (bool, error) {
	if msg.IsAutomaticForward {
		return true, nil // the channel's post itself
	}
	var root int
	var post *models.Message
	switch r := msg.ReplyToMessage; {
	case r != nil && r.IsAutomaticForward:
		root, post = r.ID, r
	case msg.MessageThreadID != 0 && !msg.IsTopicMessage && c.inbox.Threads != nil:
		known, err := c.inbox.Threads.ThreadKnown(ctx, ch.ID, commentKey(msg.Chat.ID, msg.MessageThreadID))
		if err != nil {
			return true, err
		}
		if !known {
			return false, nil
		}
		root = msg.MessageThreadID
	default:
		return false, nil
	}
	if msg.From == nil || msg.From.IsBot || msg.SenderChat != nil {
		return true, nil // a bot (ours among them), an anonymous admin, the channel
	}
	th := &inbox.Thread{Key: commentKey(msg.Chat.ID, root)}
	if post != nil {
		th.Text, th.URL = firstNonEmpty(post.Text, post.Caption), postLink(post)
		cp := *msg
		cp.ReplyToMessage = nil // the post is quoted above the conversation
		msg = &cp
	}
	return true, c.ingestMessage(ctx, ch, b, msg, edited, route{thread: th})
}

// postLink is the channel post's address on t.me.
func postLink(fwd *models.Message) string {
	o := fwd.ForwardOrigin
	if o == nil || o.MessageOriginChannel == nil {
		return ""
	}
	oc := o.MessageOriginChannel
	if oc.Chat.Username != "" {
		return fmt.Sprintf("https://t.me/%s/%d", oc.Chat.Username, oc.MessageID)
	}
	return fmt.Sprintf("https://t.me/c/%s/%d", strings.TrimPrefix(strconv.FormatInt(oc.Chat.ID, 10), "-100"), oc.MessageID)
}

// threadTarget is where an answer in a post's thread goes: the discussion
// group, as a reply to the member's latest comment (or to the post).
func threadTarget(m inbox.OutboundMessage) (group int64, replyTo int, err error) {
	var root int
	if _, err := fmt.Sscanf(m.ThreadKey, "tg:%d:%d", &group, &root); err != nil {
		return 0, 0, &inbox.SendError{Permanent: true, Reason: "not a Telegram comment thread: " + m.ThreadKey}
	}
	replyTo = root
	// "msg:<chat>:<id>", or an edit's "edit:<chat>:<id>:<date>".
	if parts := strings.Split(m.ReplyToExternalID, ":"); len(parts) >= 3 {
		if id, err := strconv.Atoi(parts[2]); err == nil && id > 0 {
			replyTo = id
		}
	}
	return group, replyTo, nil
}
