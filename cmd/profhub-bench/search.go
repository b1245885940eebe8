package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// The search scenario: a year of conversations, written straight into SQL
// (the ingest scenario measures the way in), indexed by the hub's own
// search indexer, then searched over the API the way the console does:
// a word in some form, now and then two, with the console's filters (line,
// status, operator, channel, a month), by an administrator and by
// operators, newest first; and a few searches ordered by relevance.

type searchFlags struct {
	targetFlags
	messages, perConversation, lines, operators, queries int
	seed                                                 uint64
}

func runSearch(ctx context.Context, args []string) error {
	var f searchFlags
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.messages, "messages", 1000000, "messages written")
	fs.IntVar(&f.perConversation, "per-conversation", 10, "messages per conversation")
	fs.IntVar(&f.lines, "lines", 4, "lines (each with two channels)")
	fs.IntVar(&f.operators, "operators", 10, "operators answering every line")
	fs.IntVar(&f.queries, "queries", 400, "searches newest first (and a quarter as many by relevance)")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed of the generated conversations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.url != "" {
		return fmt.Errorf("search writes its conversations into the hub's database: run it without --url")
	}
	// The corpus is written straight into SQL and indexed by the hub's own
	// indexer, so the hub runs inside the bench (mode=in-process).
	f.inProcess = true
	t, err := f.open(ctx, 4)
	if err != nil {
		return err
	}
	defer t.stop()
	r := rand.New(rand.NewPCG(f.seed, 19))
	d, err := setupSearch(ctx, t, f)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := d.load(ctx, t.hub.DB, r, f); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "load: %d messages in %v\n", f.messages, time.Since(start).Round(time.Millisecond))
	// They came in without events, as messages written before the index
	// existed do: the indexer finds them by its walk of the messages.
	if _, err := t.hub.DB.ExecContext(ctx, `UPDATE inbox_search_state SET backfill_after = '', backfilled = FALSE`); err != nil {
		return err
	}
	start = time.Now()
	if err := t.hub.Inbox.Search.IndexSearch(ctx); err != nil {
		return fmt.Errorf("index: %w", err)
	}
	indexS := time.Since(start).Seconds()
	// A running PostgreSQL has analysed the tables by now (autovacuum);
	// without statistics the planner takes a word in a million messages
	// for a rare one and reads every match. SQLite's planner needs none.
	if t.hub.DB.Dialect == db.Postgres {
		if _, err := t.hub.DB.ExecContext(ctx, `ANALYZE`); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "index: %.1f s (%.0f messages/s)\n", indexS, float64(f.messages)/indexS)

	for range 20 { // warm the caches as a running hub has them
		if _, _, _, err := d.query(ctx, t, r, "recent"); err != nil {
			return err
		}
	}
	recent, found, err := d.measure(ctx, t, r, f.queries, "recent")
	if err != nil {
		return err
	}
	relevance, _, err := d.measure(ctx, t, r, max(1, f.queries/4), "relevance")
	if err != nil {
		return err
	}
	t.stop()
	fmt.Printf("RESULT search messages=%d index_s=%.1f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f relevance_p95_ms=%.1f found_avg=%.1f %s\n",
		f.messages, indexS, pct(recent, 50), pct(recent, 95), pct(recent, 99), pct(relevance, 95), found, t.usageFields())
	return nil
}

// searchSetup is what the generated conversations refer to.
type searchSetup struct {
	unitID      string
	lineIDs     []string
	channels    [][2]string // per line: {id, kind} twice
	operatorIDs []string
	opTokens    []string
	adminToken  string
	from, to    int64 // the year the conversations span (ms)
}

func setupSearch(ctx context.Context, t *target, f searchFlags) (*searchSetup, error) {
	unitID, ids, tokens, err := benchOperators(ctx, t, f.operators, "search", "Оператор поиска")
	if err != nil {
		return nil, err
	}
	d := &searchSetup{unitID: unitID, operatorIDs: ids, opTokens: tokens, adminToken: t.token}
	var ops []map[string]any
	for _, id := range ids {
		ops = append(ops, map[string]any{"user_id": id})
	}
	kinds := []string{"telegram", "vk", "mail", "widget"}
	now := time.Now().UnixMilli()
	for i := range f.lines {
		var line struct{ ID string }
		if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/lines", map[string]any{"name": fmt.Sprintf("Линия поиска %d", i+1),
			"unit_id": unitID, "routing_mode": "manual", "operators": ops}, &line); err != nil {
			return nil, err
		}
		d.lineIDs = append(d.lineIDs, line.ID)
		for k := range 2 {
			kind := kinds[(2*i+k)%len(kinds)]
			id := fmt.Sprintf("bench-ch-%d-%d", i, k)
			// Disabled: no connector starts for them; the list still shows
			// their conversations and filters by their kind.
			if _, err := t.hub.DB.ExecContext(ctx, `INSERT INTO inbox_channels (id, line_id, kind, name, disabled, created_at, updated_at)
				VALUES ($1, $2, $3, $4, TRUE, $5, $5)`, id, line.ID, kind, "Канал "+id, now); err != nil {
				return nil, err
			}
			d.channels = append(d.channels, [2]string{id, kind})
		}
	}
	d.to = now
	d.from = now - 365*24*3600*1000
	return d, nil
}

// load writes the contacts, conversations and messages in large
// transactions of multi-row inserts.
func (d *searchSetup) load(ctx context.Context, dbh *db.DB, r *rand.Rand, f searchFlags) error {
	convs := f.messages / f.perConversation
	zipf := rand.NewZipf(r, 1.1, 2, uint64(len(searchTopics)-1))
	contacts := newBulk(dbh, "inbox_contacts", "id, name, name_folded, created_at, updated_at")
	conversations := newBulk(dbh, "inbox_conversations", "id, line_id, unit_id, channel_id, contact_id, external_chat_id, status, assignee_id, last_seq, created_at, updated_at, last_message_at, closed_at")
	messages := newBulk(dbh, "inbox_messages", "id, conversation_id, seq, direction, channel_id, author_id, text, created_at, updated_at")
	for c := range convs {
		line := r.IntN(len(d.lineIDs))
		ch := d.channels[2*line+r.IntN(2)][0]
		created := d.from + r.Int64N(d.to-d.from-int64(f.perConversation)*600_000)
		status, assignee, closed := "closed", d.operatorIDs[r.IntN(len(d.operatorIDs))], int64(0)
		switch n := r.IntN(10); {
		case n == 0:
			status, assignee = "waiting", ""
		case n == 1:
			status = "active"
		}
		last := created + int64(f.perConversation-1)*600_000
		if status == "closed" {
			closed = last
		}
		contact, conv := fmt.Sprintf("bench-ct-%07d", c), fmt.Sprintf("bench-cv-%07d", c)
		name := fmt.Sprintf("Член профсоюза %d", c)
		contacts.add(contact, name, strings.ToLower(name), created, created)
		conversations.add(conv, d.lineIDs[line], d.unitID, ch, contact, contact, status, assignee, f.perConversation, created, last, last, closed)
		for k := range f.perConversation {
			dir, author := "in", ""
			switch {
			case k%2 == 1 && assignee != "":
				dir, author = "out", assignee
			case k == f.perConversation-1 && assignee != "":
				dir, author = "note", assignee
			}
			at := created + int64(k)*600_000
			messages.add(fmt.Sprintf("bench-m-%07d-%03d", c, k), conv, k+1, dir, ch, author, searchText(r, zipf), at, at)
		}
		if len(messages.rows) >= 20000 || c == convs-1 {
			for _, b := range []*bulk{contacts, conversations, messages} { // in the order of their references
				if err := b.flush(ctx); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// bulk gathers rows of one table and inserts them many per statement,
// many statements per transaction.
type bulk struct {
	db      *db.DB
	table   string
	columns int
	head    string
	rows    [][]any
}

func newBulk(dbh *db.DB, table, columns string) *bulk {
	return &bulk{db: dbh, table: table, columns: len(strings.Split(columns, ",")),
		head: "INSERT INTO " + table + " (" + columns + ") VALUES "}
}

func (b *bulk) add(row ...any) { b.rows = append(b.rows, row) }

func (b *bulk) flush(ctx context.Context) error {
	if len(b.rows) == 0 {
		return nil
	}
	// SQLite looks up each numbered parameter in a list, so a statement of
	// thousands of rows spends its time there; in process, one prepared
	// row at a time is fast. PostgreSQL is a round trip per statement.
	perStatement := 1
	if b.db.Dialect == db.Postgres {
		perStatement = 30000 / b.columns
	}
	err := b.db.Tx(ctx, func(tx *sql.Tx) error {
		stmts := map[int]*sql.Stmt{}
		defer func() {
			for _, st := range stmts {
				st.Close()
			}
		}()
		for start := 0; start < len(b.rows); start += perStatement {
			chunk := b.rows[start:min(start+perStatement, len(b.rows))]
			st, ok := stmts[len(chunk)]
			if !ok {
				var err error
				if st, err = tx.PrepareContext(ctx, b.statement(len(chunk))); err != nil {
					return fmt.Errorf("%s: %w", b.table, err)
				}
				stmts[len(chunk)] = st
			}
			args := make([]any, 0, len(chunk)*b.columns)
			for _, row := range chunk {
				args = append(args, row...)
			}
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return fmt.Errorf("%s: %w", b.table, err)
			}
		}
		return nil
	})
	b.rows = b.rows[:0]
	return err
}

// statement is the insert of n rows.
func (b *bulk) statement(n int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteByte('(')
		for j := range b.columns {
			if j > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, "$%d", i*b.columns+j+1)
		}
		sb.WriteByte(')')
	}
	return sb.String()
}

// query runs one search as the console would and returns its time and
// the number of conversations found.
func (d *searchSetup) query(ctx context.Context, t *target, r *rand.Rand, sortBy string) (time.Duration, int, string, error) {
	q := url.Values{"text": {searchWord(r)}, "limit": {"50"}, "sort": {sortBy}}
	kind := "none"
	switch n := r.IntN(10); {
	case n < 3: // no filter
	case n < 5:
		kind = "line"
		q.Set("line_id", d.lineIDs[r.IntN(len(d.lineIDs))])
	case n < 6:
		kind = "status"
		q.Set("status", []string{"open", "closed", "active", "waiting"}[r.IntN(4)])
	case n < 8:
		kind = "operator"
		q.Set("operator_id", d.operatorIDs[r.IntN(len(d.operatorIDs))])
	case n < 9:
		kind = "channel"
		q.Set("channel", d.channels[r.IntN(len(d.channels))][1])
	default:
		kind = "month"
		from := time.UnixMilli(d.from + r.Int64N(d.to-d.from-31*24*3600*1000))
		q.Set("from", from.Format(time.DateOnly))
		q.Set("to", from.AddDate(0, 1, 0).Format(time.DateOnly))
	}
	if strings.Contains(q.Get("text"), " ") {
		kind += "+2words"
	}
	token := d.adminToken
	if r.IntN(10) < 3 {
		token = d.opTokens[r.IntN(len(d.opTokens))]
	}
	var out struct {
		Conversations []struct{ ID string } `json:"conversations"`
	}
	start := time.Now()
	if _, err := t.call(ctx, token, "GET", "/api/v1/inbox/conversations?"+q.Encode(), nil, &out); err != nil {
		return 0, 0, "", err
	}
	return time.Since(start), len(out.Conversations), kind, nil
}

// measure runs n searches one after another; it returns their times in
// ms and the average number of conversations found, and prints the p95
// of each kind of filter.
func (d *searchSetup) measure(ctx context.Context, t *target, r *rand.Rand, n int, sortBy string) ([]float64, float64, error) {
	times := make([]float64, 0, n)
	byKind := map[string][]float64{}
	found := 0
	for range n {
		took, k, kind, err := d.query(ctx, t, r, sortBy)
		if err != nil {
			return nil, 0, err
		}
		ms := float64(took.Microseconds()) / 1000
		times, found = append(times, ms), found+k
		byKind[kind] = append(byKind[kind], ms)
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		fmt.Fprintf(os.Stderr, "%s %-18s n=%-4d p50_ms=%.1f p95_ms=%.1f max_ms=%.1f\n", sortBy, k, len(byKind[k]), pct(byKind[k], 50), pct(byKind[k], 95), pct(byKind[k], 100))
	}
	return times, float64(found) / float64(n), nil
}
