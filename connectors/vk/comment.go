package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/connectors/richtext"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Comments on the community's wall posts, photos and board topics become
// conversations per commenter and post. The post is the thread: its key is
// "wall:-1_42", "photo:-1_7" or "board:-1_3" (kind, the community's owner
// id, the item), a comment's provider id the key and the comment's id.
// Only members' comments on the community's own items are taken in: the
// community's own comments (our answers among them), other communities'
// and anonymous admins' (all with a negative from_id) never are, so an
// answer cannot loop back as a new comment.

// Threads is what the connector uses of the inbox's comment threads.
type Threads interface {
	ThreadKnown(ctx context.Context, channelID, key string) (bool, error)
	MarkDeleted(ctx context.Context, channelID, externalID string, deleted bool) error
}

// comment is the part of VK's comment objects and their delete events
// the inbox uses.
type comment struct {
	ID           int          `json:"id"`
	FromID       int          `json:"from_id"`
	Date         int64        `json:"date"`
	Text         string       `json:"text"`
	OwnerID      int          `json:"owner_id"`
	PostID       int          `json:"post_id"`
	PostOwnerID  int          `json:"post_owner_id"`
	PhotoID      int          `json:"photo_id"`
	PhotoOwnerID int          `json:"photo_owner_id"`
	TopicID      int          `json:"topic_id"`
	TopicOwnerID int          `json:"topic_owner_id"`
	Attachments  []attachment `json:"attachments"`
}

// commentEvent names what a comment event does to which kind of item.
type commentEvent struct{ kind, action string }

var commentEvents = map[string]commentEvent{
	"wall_reply_new": {"wall", "new"}, "wall_reply_edit": {"wall", "edit"},
	"wall_reply_delete": {"wall", "delete"}, "wall_reply_restore": {"wall", "restore"},
	"photo_comment_new": {"photo", "new"}, "photo_comment_edit": {"photo", "edit"},
	"photo_comment_delete": {"photo", "delete"}, "photo_comment_restore": {"photo", "restore"},
	"board_post_new": {"board", "new"}, "board_post_edit": {"board", "edit"},
	"board_post_delete": {"board", "delete"}, "board_post_restore": {"board", "restore"},
}

// item is the commented item's owner and id, whichever fields the event
// names them by.
func (cm comment) item(kind string) (owner, id int) {
	switch kind {
	case "wall":
		return firstNonZero(cm.PostOwnerID, cm.OwnerID), cm.PostID
	case "photo":
		return firstNonZero(cm.PhotoOwnerID, cm.OwnerID), cm.PhotoID
	}
	return cm.TopicOwnerID, cm.TopicID
}

func firstNonZero(a, b int) int {
	if a != 0 {
		return a
	}
	return b
}

func threadKey(kind string, owner, item int) string {
	return fmt.Sprintf("%s:%d_%d", kind, owner, item)
}

// postURL links the commented item on vk.com.
func postURL(kind string, owner, item int) string {
	page := map[string]string{"wall": "wall", "photo": "photo", "board": "topic"}[kind]
	return fmt.Sprintf("https://vk.com/%s%d_%d", page, owner, item)
}

// handleComment takes in one comment event.
func (c *Connector) handleComment(ctx context.Context, ch inbox.Channel, ev event, what commentEvent, budget time.Duration) error {
	var cm comment
	if err := json.Unmarshal(ev.Object, &cm); err != nil {
		return valid.Errorf("object", "json", "%s object: %v", ev.Type, err)
	}
	gid := groupID(ch)
	owner, item := cm.item(what.kind)
	if owner == gid && what.kind == "board" {
		owner = -gid // a topic's owner may come as the community's id
	}
	if owner != -gid || item == 0 || cm.ID == 0 {
		return nil // another community's wall, or not a comment
	}
	key := threadKey(what.kind, owner, item)
	ext := fmt.Sprintf("%s:%d", key, cm.ID)
	switch what.action {
	case "delete", "restore":
		if c.inbox.Threads == nil {
			return nil
		}
		return c.inbox.Threads.MarkDeleted(ctx, ch.ID, ext, what.action == "delete")
	}
	if cm.FromID <= 0 {
		return nil // the community itself, another community, an anonymous admin
	}
	in := inbox.Inbound{ChannelID: ch.ID, ExternalChatID: strconv.Itoa(cm.FromID), ExternalMessageID: ext, NoAutoReply: true,
		From:   inbox.Identity{Namespace: "vk", ExternalID: strconv.Itoa(cm.FromID), Name: c.userName(ctx, ch, cm.FromID)},
		Thread: &inbox.Thread{Key: key, URL: postURL(what.kind, owner, item)}}
	if cm.Date > 0 {
		in.SentAt = time.Unix(cm.Date, 0)
	}
	text := cm.Text
	if what.action == "edit" {
		// VK gives no edit time: the text names the version, so each
		// different edit shows once and a replay adds nothing.
		h := fnv.New32a()
		h.Write([]byte(cm.Text))
		in.ExternalMessageID = fmt.Sprintf("%s:e%x", ext, h.Sum32())
		text = strings.TrimSpace("(edited)\n" + text)
		in.SentAt = time.Time{}
	}
	var extra []string
	if what.action == "new" {
		dctx, cancel := context.WithTimeout(ctx, budget)
		in.Attachments, extra = c.fetchAttachments(dctx, ch, cm.Attachments)
		cancel()
	}
	in.Text = clip(strings.TrimSpace(strings.Join(nonEmpty(append([]string{text}, extra...)), "\n")), inbox.MaxTextBytes)
	if in.Text == "" && len(in.Attachments) == 0 {
		return nil
	}
	in.Thread.Text = c.postText(ctx, ch, what.kind, owner, item)
	res, err := c.inbox.Ingest(ctx, in)
	if err != nil || res.Duplicate {
		c.dropBlobs(in.Attachments)
	}
	if err == nil {
		c.touch(ctx, ch.ID)
	}
	return err
}

// postText reads the commented item's text the first time the inbox meets
// the post: a wall post's text, a photo's caption, a topic's title. A
// failure leaves it empty; the link is still shown.
func (c *Connector) postText(ctx context.Context, ch inbox.Channel, kind string, owner, item int) string {
	if c.inbox.Threads != nil {
		if known, err := c.inbox.Threads.ThreadKnown(ctx, ch.ID, threadKey(kind, owner, item)); err != nil || known {
			return ""
		}
	}
	cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
	defer cancel()
	vk := c.channelClient(ch)
	var text string
	var err error
	switch kind {
	case "wall":
		var r api.WallGetByIDResponse
		if r, err = vk.WallGetByID(api.Params{"posts": fmt.Sprintf("%d_%d", owner, item)}.WithContext(cctx)); err == nil && len(r.Items) > 0 {
			text = r.Items[0].Text
		}
	case "photo":
		var r api.PhotosGetByIDResponse
		if r, err = vk.PhotosGetByID(api.Params{"photos": fmt.Sprintf("%d_%d", owner, item)}.WithContext(cctx)); err == nil && len(r) > 0 {
			text = r[0].Text
		}
	case "board":
		var r api.BoardGetTopicsResponse
		if r, err = vk.BoardGetTopics(api.Params{"group_id": -owner, "topic_ids": item}.WithContext(cctx)); err == nil && len(r.Items) > 0 {
			text = r.Items[0].Title
		}
	}
	if err != nil {
		c.log.Warn("vk: reading the commented post failed", "channel", ch.ID, "kind", kind, "item", item, "err", err)
	}
	return clip(text, inbox.MaxPostTextBytes)
}

// sendComment answers a comment in its post's thread: wall.createComment
// and photos.createComment reply to the member's comment, board.createComment
// adds to the topic. Each part's guid is the reply's id, so a retried
// request does not post twice.
func (c *Connector) sendComment(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	var kind string
	var owner, item int
	if _, err := fmt.Sscanf(strings.Replace(m.ThreadKey, ":", " ", 1), "%s %d_%d", &kind, &owner, &item); err != nil {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("VK: %q is not a VK post", m.ThreadKey)}
	}
	if len(m.Attachments) > 0 {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "an answer in the post's thread cannot carry files"}
	}
	replyTo := commentID(m.ThreadKey, m.ReplyToExternalID)
	vk := c.channelClient(ch)
	var last int
	for i, text := range splitText(richtext.Parse(m.Text).Plain(), maxTextRunes) {
		guid := m.ID
		if i > 0 {
			guid = fmt.Sprintf("%s#%d", m.ID, i)
		}
		p := api.Params{"message": text, "guid": guid}
		if replyTo > 0 && kind != "board" {
			p["reply_to_comment"] = replyTo
		}
		cctx, cancel := context.WithTimeout(ctx, c.t.callTimeout)
		var id int
		var err error
		switch kind {
		case "wall":
			var r api.WallCreateCommentResponse
			p["owner_id"], p["post_id"], p["from_group"] = owner, item, -owner
			r, err = vk.WallCreateComment(p.WithContext(cctx))
			id = r.CommentID
		case "photo":
			p["owner_id"], p["photo_id"], p["from_group"] = owner, item, 1
			id, err = vk.PhotosCreateComment(p.WithContext(cctx))
		case "board":
			p["group_id"], p["topic_id"], p["from_group"] = -owner, item, 1
			id, err = vk.BoardCreateComment(p.WithContext(cctx))
		default:
			err = &inbox.SendError{Permanent: true, Reason: "VK: unknown kind of post " + kind}
		}
		cancel()
		var se *inbox.SendError
		if errors.As(err, &se) {
			return inbox.SendResult{}, se
		}
		if err != nil {
			return inbox.SendResult{}, classifyComment(err)
		}
		last = id
	}
	return inbox.SendResult{ProviderID: fmt.Sprintf("%s:%d", m.ThreadKey, last)}, nil
}

// commentID reads the comment's id from its provider id (the thread key,
// the id, and for an edit a version after it).
func commentID(key, ext string) int {
	rest, ok := strings.CutPrefix(ext, key+":")
	if !ok {
		return 0
	}
	rest, _, _ = strings.Cut(rest, ":")
	id, _ := strconv.Atoi(rest)
	return id
}

// classifyComment is classify with the reasons a comment is refused for.
func classifyComment(err error) error {
	var e *api.Error
	if errors.As(err, &e) && (int(e.Code) == errAccess || int(e.Code) == errPermission || int(e.Code) == 213 || int(e.Code) == 222) {
		return &inbox.SendError{Permanent: true, Reason: fmt.Sprintf(
			"VK refused the comment: the community token needs the wall right, and comments must be open (VK error %d: %s)", int(e.Code), e.Message)}
	}
	return classify(err)
}

// clip is truncate for a text that may already fit.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return truncate(s, n)
}
