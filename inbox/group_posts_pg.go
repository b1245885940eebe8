package inbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// Operators' replies and notes are most of what the group writer writes.
// Alone, each is a savepoint, a conversation bump and an insert: on
// PostgreSQL three round trips, one after another, that the whole group
// waits for, so a group of thirty replies took about a hundred. With ten
// thousand widget chats the writers then fell behind the operators. Here
// a group's posts are stored in one statement, as ingest stores a batch
// of inbound messages; the other writes keep their savepoints.

// postWrite is a reply or note: message msg appended to conversation
// conv, then done with the bumped conversation and the stored message.
type postWrite struct {
	conv Conversation
	msg  Message
	done func(conv Conversation, m Message, w *txw)
}

// errPostsApart: the posts' statement failed, or stored fewer messages
// than it was given (a client id already stored). The group is written
// again with each post in its own savepoint, where the one at fault fails
// alone or meets its duplicate.
var errPostsApart = errors.New("inbox: a post of the group is a duplicate")

// writePost appends m to conv through the group writer and calls done in
// the writing transaction (for events and dispatch, which it adds to w);
// m gets its stored form. done may run more than once when the group is
// retried, and must build its additions afresh from its arguments.
func (d *Dispatch) writePost(ctx context.Context, conv Conversation, m *Message, done func(conv Conversation, m Message, w *txw)) error {
	if m.ID == "" {
		m.ID = uuid.Must(uuid.NewV7()).String()
	}
	if m.Attachments == nil {
		m.Attachments = []Attachment{}
	}
	p := &postWrite{conv: conv, msg: *m}
	var stored Message
	p.done = func(conv Conversation, sm Message, w *txw) {
		stored = sm
		done(conv, sm, w)
	}
	pw := &pendingWrite{post: p, fn: func(ctx context.Context, tx db.Execer, w *txw) error {
		conv, sm := p.conv, p.msg
		if err := appendMessage(ctx, tx, &conv, &sm); err != nil {
			return err
		}
		p.done(conv, sm, w)
		return nil
	}}
	var err error
	if d.group == nil {
		err = d.write(ctx, func(tx db.Execer, w *txw) error { return pw.fn(ctx, tx, w) })
	} else {
		err = d.group.submit(ctx, pw)
	}
	if err == nil {
		*m = stored
	}
	return err
}

// byKind moves the group's posts before its assignments, those before its
// closes and those before its other writes, keeping each kind's order,
// and counts the posts. The writes of one group were all waiting at once,
// so any order of them is one they could have come in; the events are
// stored in the order the writes are made.
func byKind(group []*pendingWrite) int {
	kind := func(p *pendingWrite) int {
		switch {
		case p.post != nil:
			return 0
		case p.assign != nil:
			return 1
		case p.close != nil:
			return 2
		}
		return 3
	}
	slices.SortStableFunc(group, func(a, b *pendingWrite) int { return kind(a) - kind(b) })
	return leadingPosts(group)
}

// leadingPosts counts the posts at the head of group.
func leadingPosts(group []*pendingWrite) int {
	n := 0
	for n < len(group) && group[n].post != nil {
		n++
	}
	return n
}

// storePostsSQL bumps each conversation by its number of posts and
// inserts every post in one statement. A conversation's seqs are given
// out in the order of its posts: a message's seq is the conversation's new
// last_seq minus its count plus the message's ordinal (k) among them. The
// conversation's columns change as appendMessage changes them for each
// kind of post; the last column counts the messages inserted.
const storePostsSQL = `WITH v AS (
		SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
			$9::text[], $10::text[], $11::text[], $12::boolean[], $13::bigint[])
			AS v(id, conv, dir, chan, ext, client, author, body, att, status, private, k)
	), n AS (
		SELECT conv, count(*) AS cnt, bool_or(dir = 'out') AS replied, bool_or(dir = 'out' AND author <> '') AS answered
		FROM v GROUP BY conv
	), b AS (
		UPDATE inbox_conversations SET last_seq = last_seq + n.cnt, last_message_at = $1, updated_at = $1,
			unread = CASE WHEN n.replied THEN 0 ELSE unread END,
			first_response_at = CASE WHEN first_response_at = 0 AND n.answered THEN $1 ELSE first_response_at END,
			sla_answered_at = CASE WHEN sla_answered_at = 0 AND n.answered THEN $1 ELSE sla_answered_at END
		FROM n WHERE inbox_conversations.id = n.conv
		RETURNING ` + bumpColumns + `, n.cnt AS bumped_by
	), m AS (
		INSERT INTO inbox_messages (id, conversation_id, seq, direction, channel_id, external_id, client_id,
			author_id, text, attachments, status, created_at, updated_at, sent_at, private)
		SELECT v.id, v.conv, b.last_seq - b.bumped_by + v.k, v.dir, v.chan, NULLIF(v.ext, ''), NULLIF(v.client, ''),
			v.author, v.body, v.att, v.status, $1, $1, CASE WHEN v.status = 'sent' THEN $1 ELSE 0 END, v.private
		FROM v JOIN b ON b.id = v.conv
		ON CONFLICT DO NOTHING RETURNING 1
	)
	SELECT ` + bumpColumns + `, (SELECT count(*) FROM m) FROM b`

// storePostsPG stores the group's leading posts in one statement and
// finishes them (done, with a txw of their own), as their fn would have
// one by one; it returns how many it stored.
func storePostsPG(ctx context.Context, tx db.Execer, group []*pendingWrite) (int, error) {
	n := leadingPosts(group)
	now := time.Now().UnixMilli()
	id, conv, dir, ch, ext, client, author, body, att, status := make([]string, n), make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	private, k := make([]bool, n), make([]int64, n)
	convs := map[string]*Conversation{}
	seen := map[string]int64{}
	for i, p := range group[:n] {
		m, c := &p.post.msg, p.post.conv
		if convs[c.ID] == nil {
			convs[c.ID] = &c
		}
		a, _ := json.Marshal(m.Attachments)
		id[i], conv[i], dir[i], ch[i], ext[i], client[i] = m.ID, c.ID, m.Direction, m.ChannelID, m.ExternalID, m.ClientID
		author[i], body[i], att[i], status[i], private[i] = m.AuthorID, m.Text, string(a), m.Status, m.Private
		seen[c.ID]++
		k[i] = seen[c.ID] // the post's ordinal among its conversation's
	}
	rows, err := tx.QueryContext(ctx, storePostsSQL, now, id, conv, dir, ch, ext, client, author, body, att, status, private, k)
	var inserted int64
	if err == nil {
		err = scanBumpedInto(rows, convs, &inserted)
	}
	if err != nil {
		if isTransientSQL(err) {
			return 0, err // the group is run again as it is
		}
		// One post's failure (a refused insert) must fail that post
		// alone, as in its own savepoint.
		return 0, fmt.Errorf("%w: %w", errPostsApart, err)
	}
	if inserted != int64(n) {
		return 0, errPostsApart
	}
	for i, p := range group[:n] {
		c := *convs[conv[i]]
		m := p.post.msg
		m.ConversationID, m.CreatedAt = c.ID, ms(now)
		m.Seq = c.LastSeq - seen[conv[i]] + k[i]
		if m.Status == DeliverySent {
			m.SentAt = ms(now)
		}
		c.LastSeq = m.Seq
		p.w, p.err = newTxw(), nil
		p.post.done(c, m, p.w)
	}
	return n, nil
}
