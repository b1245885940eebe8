package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// The search index is written after commit, by a worker that follows the
// event log, not by ingest: a message costs ingest no stemming and no
// index entries, and becomes searchable within about a second. The
// worker's position is a row in SQL, moved in the same transaction as
// the entries it wrote, so a restart resumes where it stopped and several
// nodes never index a batch twice. Messages older than the log (written
// before this index existed, or trimmed while the indexer was stopped)
// are found by a walk of inbox_messages in id order.

// searchBatch is how many events one indexing transaction
// takes: large enough to amortise the commit, small enough that SQLite's
// one writer is not held from ingest for long.
const searchBatch = 100

// backfillBatch is the walk's batch: a one-time catch-up, where fewer
// commits (and FTS5 flushes) matter more than a short hold of the writer.
const backfillBatch = 2000

// A document's id is its message's time in ms times a million plus its
// number within the millisecond: the index's row order is then time
// order, which a search for the newest matches reads without sorting,
// whichever path (events or the walk of old messages) indexed a message.

// docIDsPerMs is how many documents one millisecond has room for.
const docIDsPerMs = 1_000_000

// searchDoc is one message to index.
type searchDoc struct {
	messageID, conversationID, text string
	createdAt                       int64
}

// searchState is the indexer's row of inbox_search_state.
type searchState struct {
	eventSeq      int64
	backfillAfter string
	backfilled    bool
}

// searchable reports whether a message of this direction is searched:
// what the contact and the operators wrote, internal notes included
// (search only shows conversations the user may see); system entries
// ("assigned to …") are not.
func searchable(direction, text string) bool {
	return direction != DirSystem && strings.TrimSpace(text) != ""
}

// searchDuty is the share of time the worker indexes while it has a
// backlog: on SQLite its transactions take the one writer from ingest, and
// on both it takes CPU, so a backlog (after a burst, or the first walk of
// a large database) is worked off in the gaps, and ingest keeps its pace.
const searchDuty = 4 // one part indexing, three parts rest

// SearchIndex keeps the words of messages searchable: it follows the
// event log after commit, so ingest never waits for it.
type SearchIndex struct {
	*core
	mu sync.Mutex // one indexing step at a time in this process
}

func (e *SearchIndex) runSearchIndexer(ctx context.Context) {
	for {
		start := time.Now()
		n, err := e.indexSearchStep(ctx, false)
		if err != nil && !isCanceled(err) {
			e.log.Warn("search indexer: step failed; retrying", "err", err)
		}
		rest := time.Since(start) * (searchDuty - 1)
		if n < searchBatch || err != nil {
			rest = time.Second
		}
		if !sleep(ctx, rest) {
			return
		}
	}
}

// IndexSearch indexes every message committed so far. The worker does the
// same within a second; tests and the benchmark call it to not wait.
func (e *SearchIndex) IndexSearch(ctx context.Context) error {
	for {
		n, err := e.indexSearchStep(ctx, true)
		if err != nil || n == 0 {
			return err
		}
	}
}

// indexSearchStep indexes one batch of the event log and, while the walk
// of older messages is not done, one batch of it; it returns how many
// rows it read. now reads the log from SQL: a caller that must see what
// another node committed a moment ago cannot wait for its announcement.
func (e *SearchIndex) indexSearchStep(ctx context.Context, now bool) (int, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	st, err := e.searchState(ctx)
	if err != nil {
		return 0, err
	}
	n, err := e.indexEvents(ctx, st, now)
	if err != nil || st.backfilled {
		return n, err
	}
	st, err = e.searchState(ctx)
	if err != nil {
		return n, err
	}
	m, err := e.indexBackfill(ctx, st)
	return n + m, err
}

func (e *SearchIndex) searchState(ctx context.Context) (searchState, error) {
	var st searchState
	err := e.db.QueryRowContext(ctx, `SELECT event_seq, backfill_after, backfilled FROM inbox_search_state WHERE name = 'messages'`).
		Scan(&st.eventSeq, &st.backfillAfter, &st.backfilled)
	if err != nil {
		return st, fmt.Errorf("inbox: search state: %w", err)
	}
	return st, nil
}

// indexEvents indexes the messages of the events past the cursor. Events
// become visible in seq order, so nothing below the cursor can appear
// later. A gap before the first event means the log was trimmed past the
// cursor: the walk of inbox_messages starts over to find what was missed.
func (e *SearchIndex) indexEvents(ctx context.Context, st searchState, now bool) (int, error) {
	read := e.events.logAfter
	if now {
		read = e.events.events.eventsAfterSQL
	}
	evs, err := read(ctx, st.eventSeq, searchBatch)
	if err != nil {
		return 0, fmt.Errorf("inbox: search events: %w", err)
	}
	var docs []searchDoc
	var changed []string // conversations whose state events passed: their filter lexemes may be stale
	next, n, gap := st.eventSeq, 0, false
	for _, ev := range evs {
		if n == 0 && ev.Seq > st.eventSeq+1 {
			gap = true
		}
		n, next = n+1, ev.Seq
		if ev.Kind == EvConversation && ev.ConversationID != "" {
			changed = append(changed, ev.ConversationID)
		}
		if ev.Kind != EvMessage {
			continue
		}
		// Only the message part of the payload is decoded (event_payload.go).
		var m struct {
			ID             string    `json:"id"`
			ConversationID string    `json:"conversation_id"`
			Direction      string    `json:"direction"`
			Text           string    `json:"text"`
			CreatedAt      time.Time `json:"created_at"`
		}
		if storedMessage(ev.raw, &m) != nil || m.ID == "" || !searchable(m.Direction, m.Text) {
			continue
		}
		docs = append(docs, searchDoc{messageID: m.ID, conversationID: m.ConversationID, text: m.Text, createdAt: m.CreatedAt.UnixMilli()})
	}
	if n == 0 {
		return 0, nil
	}
	to := st
	to.eventSeq = next
	if gap {
		e.log.Warn("search indexer: the event log was trimmed past its position; re-reading all messages", "position", st.eventSeq)
		to.backfillAfter, to.backfilled = "", false
	}
	return n, e.writeSearchDocs(ctx, st, to, docs, changed)
}

// indexBackfill indexes the next messages past backfill_after by id.
func (e *SearchIndex) indexBackfill(ctx context.Context, st searchState) (int, error) {
	rows, err := e.db.QueryContext(ctx, `SELECT id, conversation_id, direction, text, created_at FROM inbox_messages
		WHERE id > $1 ORDER BY id LIMIT $2`, st.backfillAfter, backfillBatch)
	if err != nil {
		return 0, fmt.Errorf("inbox: search backfill: %w", err)
	}
	defer rows.Close()
	var docs []searchDoc
	to, n := st, 0
	for rows.Next() {
		var d searchDoc
		var dir string
		if err := rows.Scan(&d.messageID, &d.conversationID, &dir, &d.text, &d.createdAt); err != nil {
			return 0, fmt.Errorf("inbox: search backfill: %w", err)
		}
		n++
		to.backfillAfter = d.messageID
		if searchable(dir, d.text) {
			docs = append(docs, d)
		}
	}
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("inbox: search backfill: %w", err)
	}
	rows.Close()
	to.backfilled = n < backfillBatch
	return n, e.writeSearchDocs(ctx, st, to, docs, nil)
}

// errSearchMoved means another node moved the indexer meanwhile; its
// transaction wrote the same batch.
var errSearchMoved = errors.New("inbox: search index moved by another node")

// writeSearchDocs stores docs and moves the state from `from` to `to` in
// one transaction, if the state is still `from`, and on PostgreSQL brings
// the filter lexemes of the changed conversations' documents up to date.
// The stems are made before the transaction, so SQLite's writer is held
// only for the inserts.
func (e *SearchIndex) writeSearchDocs(ctx context.Context, from, to searchState, docs []searchDoc, changed []string) error {
	texts := make([]string, len(docs))
	for i, d := range docs {
		if e.db.Dialect == db.Postgres {
			texts[i] = foldYo.Replace(d.text)
		} else {
			texts[i] = searchTerms(d.text)
		}
	}
	err := e.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inbox_search_state SET event_seq = $1, backfill_after = $2, backfilled = $3
			WHERE name = 'messages' AND event_seq = $4 AND backfill_after = $5 AND backfilled = $6`,
			to.eventSeq, to.backfillAfter, to.backfilled, from.eventSeq, from.backfillAfter, from.backfilled)
		if err != nil {
			return fmt.Errorf("inbox: search state: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errSearchMoved
		}
		if e.db.Dialect == db.Postgres {
			if err := insertSearchDocsPG(ctx, tx, docs, texts); err != nil {
				return err
			}
			return refreshSearchFiltersPG(ctx, tx, changed)
		}
		if len(docs) == 0 {
			return nil
		}
		return insertSearchDocsSQLite(ctx, tx, docs, texts)
	})
	if errors.Is(err, errSearchMoved) {
		return nil
	}
	return err
}

// foldYo writes ё as е, as the stems are made: "ещё" finds "еще".
var foldYo = strings.NewReplacer("ё", "е", "Ё", "Е")

func insertSearchDocsSQLite(ctx context.Context, tx *sql.Tx, docs []searchDoc, terms []string) error {
	doc, err := tx.PrepareContext(ctx, `INSERT INTO inbox_search_docs (id, message_id, conversation_id, created_at)
		VALUES ((SELECT COALESCE(MAX(id) + 1, $3 * 1000000) FROM inbox_search_docs WHERE id >= $3 * 1000000 AND id < ($3 + 1) * 1000000), $1, $2, $3)
		ON CONFLICT (message_id) DO NOTHING RETURNING id`)
	if err != nil {
		return fmt.Errorf("inbox: search index: %w", err)
	}
	defer doc.Close()
	fts, err := tx.PrepareContext(ctx, `INSERT INTO inbox_search (rowid, terms) VALUES ($1, $2)`)
	if err != nil {
		return fmt.Errorf("inbox: search index: %w", err)
	}
	defer fts.Close()
	for i, d := range docs {
		var id int64
		switch err := doc.QueryRowContext(ctx, d.messageID, d.conversationID, d.createdAt).Scan(&id); {
		case errors.Is(err, sql.ErrNoRows):
			continue // indexed already, by the other path
		case err != nil:
			return fmt.Errorf("inbox: search index: %w", err)
		}
		if _, err := fts.ExecContext(ctx, id, terms[i]); err != nil {
			return fmt.Errorf("inbox: search index: %w", err)
		}
	}
	return nil
}
