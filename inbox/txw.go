package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// Event is one change clients hear about. Persistent events have a seq
// from the SQL event log; ephemeral ones (offers, typing) have seq 0 and
// are not replayed after a reconnect (clients re-read offers instead).
type Event struct {
	Seq            int64          `json:"seq"`
	Kind           string         `json:"kind"`
	LineID         string         `json:"line_id,omitempty"`
	ConversationID string         `json:"conversation_id,omitempty"`
	AssigneeID     string         `json:"assignee_id,omitempty"`
	At             time.Time      `json:"at"`
	Conversation   *Conversation  `json:"conversation,omitempty"`
	Message        *Message       `json:"message,omitempty"`
	Data           map[string]any `json:"data,omitempty"`
	// To targets an ephemeral event at these users only.
	To []string `json:"-"`
	// raw is the stored JSON of a persistent event, sent to clients as it
	// is: the relay never decodes and re-encodes what SQL gave it.
	raw []byte
}

// Event kinds.
const (
	EvMessage      = "message"       // a new message, note or system entry
	EvStatus       = "status"        // delivery status of an outbound message changed
	EvConversation = "conversation"  // state of a conversation changed (assigned, closed, priority …)
	EvOffer        = "offer"         // ephemeral: an operator is offered a conversation
	EvOfferGone    = "offer_gone"    // ephemeral: the offer was taken, declined or expired
	EvAlert        = "alert"         // a conversation waits longer than its line allows
	EvPresence     = "presence"      // ephemeral: an operator's state changed
	EvResync       = "resync"        // the client must reload: its gap is too old
	EvLinesChanged = "lines_changed" // ephemeral: a line's settings or operators changed
)

// txw collects what a writing transaction must do: events to number and
// store before commit, and Redis work to do after it.
type txw struct {
	events   []*Event
	enqueue  []queueEntry
	release  []releaseEntry
	dispatch []string
	kick     map[string]bool
	// firstTogether counts the contacts and conversations a batch created
	// in one statement (ingest_first_pg.go), for the metric once committed.
	firstTogether [2]int
}

type queueEntry struct {
	lineID, convID, preferred string
	priority                  int
	queuedAt                  int64
}

type releaseEntry struct{ lineID, convID string }

func newTxw() *txw { return &txw{kick: map[string]bool{}} }

func (w *txw) add(ev *Event) { w.events = append(w.events, ev) }

// flush numbers the events from the counter row and inserts them. It runs
// last in the transaction: the counter's row lock is then held only until
// commit, which makes events visible in seq order. Payloads are encoded
// before the lock is taken, with a seq patched in afterwards, so the lock
// is held for two statements and the commit, never for Go work.
func (w *txw) flush(ctx context.Context, tx db.Execer, dialect db.Dialect) error {
	if len(w.events) == 0 {
		return nil
	}
	payloads := make([][]byte, len(w.events))
	for i, ev := range w.events {
		ev.Seq = 0
		b, err := json.Marshal(ev)
		if err != nil {
			return fmt.Errorf("inbox: event: %w", err)
		}
		payloads[i] = b[len(`{"seq":0`):] // the rest after the seq field, which Seq's position makes first
	}
	if dialect == db.Postgres {
		return w.flushPostgres(ctx, tx, payloads)
	}
	var last int64
	if err := tx.QueryRowContext(ctx, `UPDATE inbox_counter SET seq = seq + $1 WHERE name = 'events' RETURNING seq`, len(w.events)).Scan(&last); err != nil {
		return fmt.Errorf("inbox: event counter: %w", err)
	}
	first := last - int64(len(w.events)) + 1
	const perInsert = 100
	for start := 0; start < len(w.events); start += perInsert {
		chunk := w.events[start:min(start+perInsert, len(w.events))]
		var sb strings.Builder
		args := make([]any, 0, len(chunk)*7)
		sb.WriteString(`INSERT INTO inbox_events (seq, at, kind, line_id, conversation_id, assignee_id, payload) VALUES `)
		for i, ev := range chunk {
			ev.Seq = first + int64(start+i)
			payload := append(strconv.AppendInt([]byte(`{"seq":`), ev.Seq, 10), payloads[start+i]...)
			if i > 0 {
				sb.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
			args = append(args, ev.Seq, ev.At.UnixMilli(), ev.Kind, ev.LineID, ev.ConversationID, ev.AssigneeID, string(payload))
			ev.raw = payload
		}
		if _, err := tx.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("inbox: events: %w", err)
		}
	}
	return nil
}

// afterCommit tells Redis and the other nodes. Failures here lose nothing:
// queues are rebuilt from SQL, dispatch is rescanned from SQL and the relay
// polls the event log. While Redis is unreachable the Redis work is skipped
// (so ingest keeps its pace) and a rebuild is requested for when it is back.
func (c *core) afterCommit(ctx context.Context, w *txw) {
	if len(w.events) > 0 {
		c.events.tail.committed(w.events)
		c.events.poke()
	}
	if !c.redisUsable() {
		c.needRebuild.Store(true)
		return
	}
	err := func() error {
		for _, r := range w.release {
			if err := c.router.release(ctx, r.lineID, r.convID); err != nil {
				return err
			}
		}
		for _, q := range w.enqueue {
			if err := c.router.enqueue(ctx, q); err != nil {
				return err
			}
			w.kick[q.lineID] = true
		}
		for _, id := range w.dispatch {
			if err := c.enqueueDispatch(ctx, id); err != nil {
				return err
			}
		}
		if len(w.events) > 0 {
			return c.events.committed(ctx, w.events[len(w.events)-1].Seq)
		}
		return nil
	}()
	if err != nil {
		c.redisFailed(err)
	}
	for line := range w.kick {
		c.router.kickLine(line)
	}
}

// redisUsable is false for a moment after a Redis call failed, so that a
// Redis outage costs ingest one timeout, not one per message.
func (c *core) redisUsable() bool { return time.Now().UnixMilli() >= c.redisDownUntil.Load() }

func (c *core) redisFailed(err error) {
	if c.redisUsable() {
		c.log.Warn("redis unreachable: messages are committed to SQL; routing resumes when it is back", "err", err)
	}
	c.redisDownUntil.Store(time.Now().Add(2 * time.Second).UnixMilli())
	c.needRebuild.Store(true)
}

// write runs fn in a transaction with a txw, then does the after-commit
// work. A deadlock or serialization failure (PostgreSQL ends the whole
// transaction, so nothing of it stays) runs fn again in a new one: the
// group writer's longer transactions meet other writers' (a delivery
// status, a close) on the event counter and the conversation's row. fn
// must set its results afresh on every run.
func (c *core) write(ctx context.Context, fn func(tx db.Execer, w *txw) error) error {
	var w *txw
	var err error
	for attempt := 0; ; attempt++ {
		w = newTxw()
		err = c.db.Tx(ctx, func(sqlTx *sql.Tx) error {
			tx := c.db.Cached(sqlTx)
			if err := fn(tx, w); err != nil {
				return err
			}
			return w.flush(ctx, tx, c.db.Dialect)
		})
		if err == nil || !isTransientSQL(err) || attempt >= transientRetries {
			break
		}
		time.Sleep(transientPause(attempt))
	}
	if err != nil {
		return err
	}
	c.afterCommit(context.WithoutCancel(ctx), w)
	return nil
}

// MessageSeq is the conversation seq of the message an EvMessage event
// carries, or 0. An event read back from the log has only its stored
// JSON; a follower that needs no more than this (the widget, to skip
// sockets that have shown the message) reads just the one field.
func (ev *Event) MessageSeq() int64 {
	if ev.Message != nil {
		return ev.Message.Seq
	}
	if ev.Kind != EvMessage || len(ev.raw) == 0 {
		return 0
	}
	if seq, ok := messageHead(ev.raw, ev.ConversationID); ok {
		return seq
	}
	var p struct {
		Message struct {
			Seq int64 `json:"seq"`
		} `json:"message"`
	}
	if json.Unmarshal(ev.raw, &p) != nil {
		return 0
	}
	return p.Message.Seq
}
