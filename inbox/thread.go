package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Comments on the union's posts (a VK wall, photo or board comment, a
// comment in the discussion group of the union's Telegram channel) are
// conversations like any other, one per commenter and post: the
// connector names the post in Inbound.Thread, and the conversation keeps
// its key. The operator answers in the post's thread (the default) or
// privately (ReplyInput.Private); the connector reads which from
// OutboundMessage.

// Thread is the post a comment conversation is about: its key (the
// connector's name for the post, e.g. "wall:-1_42"), its text and a link
// to it, quoted at the top of the console.
type Thread struct {
	Key  string `json:"key"`
	Text string `json:"text,omitempty"`
	URL  string `json:"url,omitempty"`
}

// MaxPostTextBytes bounds the quoted post's text.
const MaxPostTextBytes = 4000

func (in *Inbound) threadKey() string {
	if in.Thread == nil {
		return ""
	}
	return in.Thread.Key
}

// saveThreads records the posts a batch's comments are about. A comment
// that arrives without the post's text (a reply to another comment) keeps
// the text an earlier one brought.
func saveThreads(ctx context.Context, tx db.Execer, items []*pendingIngest) error {
	seen := map[[2]string]bool{}
	now := db.Now()
	for _, p := range items {
		t, ch := p.item.in.Thread, p.item.ch
		if t == nil || t.Key == "" || seen[[2]string{ch.ID, t.Key}] {
			continue
		}
		seen[[2]string{ch.ID, t.Key}] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_threads (channel_id, thread_key, post_text, post_url, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (channel_id, thread_key) DO UPDATE SET
			post_text = CASE WHEN excluded.post_text <> '' THEN excluded.post_text ELSE inbox_threads.post_text END,
			post_url = CASE WHEN excluded.post_url <> '' THEN excluded.post_url ELSE inbox_threads.post_url END,
			updated_at = excluded.updated_at`, ch.ID, t.Key, truncateText(t.Text, MaxPostTextBytes), t.URL, now); err != nil {
			return fmt.Errorf("inbox: thread: %w", err)
		}
	}
	return nil
}

// threadOf reads a conversation's post; a post never recorded is its key.
func threadOf(ctx context.Context, q db.Execer, channelID, key string) *Thread {
	t := &Thread{Key: key}
	_ = q.QueryRowContext(ctx, `SELECT post_text, post_url FROM inbox_threads WHERE channel_id = $1 AND thread_key = $2`,
		channelID, key).Scan(&t.Text, &t.URL)
	return t
}

// ThreadKnown reports whether a channel has taken in a comment on the
// post key: Telegram names a comment's post only in the first reply to
// it, later comments by the thread alone.
func (ing *Ingestion) ThreadKnown(ctx context.Context, channelID, key string) (bool, error) {
	var one int
	err := ing.db.QueryRowContext(ctx, `SELECT 1 FROM inbox_threads WHERE channel_id = $1 AND thread_key = $2`, channelID, key).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("inbox: thread: %w", err)
	}
	return true, nil
}

// MarkDeleted records that the provider deleted (or, with deleted false,
// restored) an inbound message, by its provider id; the console strikes
// it through. A replay changes nothing and tells nobody; an unknown id (a
// comment we never took in) is no error.
func (ing *Ingestion) MarkDeleted(ctx context.Context, channelID, externalID string, deleted bool) error {
	return ing.write(ctx, func(tx db.Execer, w *txw) error {
		var at int64
		cond := `deleted_at <> 0`
		if deleted {
			at, cond = db.Now(), `deleted_at = 0`
		}
		var id string
		err := tx.QueryRowContext(ctx, `UPDATE inbox_messages SET deleted_at = $3, updated_at = $4
			WHERE channel_id = $1 AND external_id = $2 AND direction = 'in' AND `+cond+` RETURNING id`,
			channelID, externalID, at, db.Now()).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("inbox: mark deleted: %w", err)
		}
		m, err := messageTx(ctx, tx, id)
		if err != nil {
			return err
		}
		conv, err := conversationTx(ctx, tx, m.ConversationID)
		if err != nil {
			return err
		}
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &m})
		return nil
	})
}

// threadReply fills an answer in a comment conversation with its post and
// the comment it answers: the member's latest comment still standing.
func threadReply(ctx context.Context, q db.Execer, conv Conversation, m Message, out *OutboundMessage) {
	if conv.ThreadKey == "" {
		return
	}
	out.ThreadKey, out.Private = conv.ThreadKey, m.Private
	_ = q.QueryRowContext(ctx, `SELECT COALESCE(external_id, '') FROM inbox_messages WHERE conversation_id = $1 AND direction = 'in'
		AND seq < $2 AND deleted_at = 0 ORDER BY seq DESC LIMIT 1`, conv.ID, m.Seq).Scan(&out.ReplyToExternalID)
}

// truncateText cuts s to at most n bytes on a rune boundary.
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
