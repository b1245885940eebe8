package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// router drives the Lua scripts: it offers queued conversations when
// something changes on a line (a new conversation, an operator freed or
// coming online) and sweeps expired offers. Every node runs one; the
// scripts make concurrent routing on several nodes safe.
type router struct {
	routing  *Routing
	mu       sync.Mutex
	dirty    map[string]bool
	wake     chan struct{}
	lineIDs  []string
	versions map[string]int64 // line id → updated_at, to notice changes made elsewhere
	listed   time.Time
	// order is held from a script's run until its routing-log rows have
	// their time and id: the sweep and routing run side by side, and a
	// conversation's timeout must not sort after the offer that follows it.
	order sync.Mutex
	// presenceAt is when the sweep last looked for vanished operators.
	presenceAt time.Time
	// logs carries routing passes' log rows to logLoop: written inline,
	// each pass's INSERT (tens of ms on a busy PostgreSQL) held up the
	// next pass, and with it every operator freed meanwhile.
	logs chan []routingRow
}

func newRouter(rt *Routing) *router {
	return &router{routing: rt, dirty: map[string]bool{}, wake: make(chan struct{}, 1), logs: make(chan []routingRow, 256)}
}

func (r *router) keys(lineID string) []string {
	ks := make([]string, lineKeyCount)
	for i, n := range lineKeyNames {
		ks[i] = r.routing.kv.Key("line", "{"+lineID+"}", n)
	}
	return ks
}

func (r *router) kickLine(lineID string) {
	r.mu.Lock()
	r.dirty[lineID] = true
	r.mu.Unlock()
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// queueScore orders by priority, then by time waited: higher priority
// sorts first, and within a priority the earliest queued.
func queueScore(priority int, queuedAt int64) float64 {
	return float64(int64(10-priority)*1e13 + queuedAt)
}

func (r *router) enqueue(ctx context.Context, q queueEntry) error {
	return enqueueScript.Run(ctx, r.routing.kv, r.keys(q.lineID), q.convID, queueScore(q.priority, q.queuedAt), q.preferred).Err()
}

func (r *router) release(ctx context.Context, lineID, convID string) error {
	line, err := r.routing.lineByID(ctx, lineID)
	if err != nil {
		return err
	}
	return releaseScript.Run(ctx, r.routing.kv, r.keys(lineID), convID, string(line.Mode)).Err()
}

// run routes the lines that changed. Expiring offers and checking
// presence run beside it in their own goroutine (sweepLoop): a slow sweep
// (many lines, a busy Redis, the routing log's writes) must not hold up
// the offer an operator waits for after a close.
func (r *router) run(ctx context.Context) {
	go r.sweepLoop(ctx)
	go r.logLoop(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		r.mu.Lock()
		dirty := r.dirty
		r.dirty = map[string]bool{}
		r.mu.Unlock()
		for lineID := range dirty {
			if err := r.route(ctx, lineID); err != nil && !isCanceled(err) {
				r.routing.log.Warn("routing failed; retrying on the next sweep", "line", lineID, "err", err)
			}
		}
	}
}

// presenceEvery is how often the sweep looks for operators whose
// heartbeats stopped: their keys live 35 s, so 2 s more is nothing, and
// checking every 0.5 s cost a round trip per operator each time.
const presenceEvery = 2 * time.Second

func (r *router) sweepLoop(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			r.sweep(ctx)
		}
	}
}

// sweep expires offers on every line and marks lines with expired offers
// (or a rebuilt state) for routing.
func (r *router) sweep(ctx context.Context) {
	if !r.routing.redisUsable() || r.routing.needRebuild.Load() {
		// While Redis is away only a ping is tried; once it answers after
		// missing changes, its state is rebuilt from SQL.
		if err := r.routing.kv.Ping(ctx); err != nil {
			r.routing.redisFailed(err)
			return
		}
		if r.routing.needRebuild.Load() && r.routing.kv.Del(ctx, r.routing.kv.Key("inbox", "built")).Err() == nil {
			r.routing.needRebuild.Store(false)
		}
		r.routing.redisDownUntil.Store(0)
	}
	if err := r.routing.ensureBuilt(ctx); err != nil {
		if !isCanceled(err) {
			r.routing.redisFailed(err)
		}
		return
	}
	if time.Since(r.listed) > 5*time.Second {
		versions, err := r.routing.lineVersions(ctx)
		if err != nil {
			return
		}
		r.lineIDs = r.lineIDs[:0]
		for id, v := range versions {
			r.lineIDs = append(r.lineIDs, id)
			// A line changed elsewhere (another node, the command line):
			// mirror its operators and capacities again.
			if old, seen := r.versions[id]; (!seen && r.versions != nil) || (seen && old != v) {
				r.routing.lineChanged(ctx, id)
			}
		}
		r.versions, r.listed = versions, time.Now()
	}
	if time.Since(r.presenceAt) >= presenceEvery {
		r.routing.presence.checkPresence(ctx)
		r.presenceAt = time.Now()
	}
	var logs []routingRow
	var gone []*Event
	for _, id := range r.lineIDs {
		line, err := r.routing.lineByID(ctx, id)
		if err != nil {
			continue
		}
		r.order.Lock()
		res, err := expireScript.Run(ctx, r.routing.kv, r.keys(id), time.Now().UnixMilli(), string(line.Mode)).StringSlice()
		if err != nil {
			r.order.Unlock()
			continue
		}
		for i := 0; i+1 < len(res); i += 2 {
			for _, op := range strings.Split(res[i+1], ",") {
				logs = append(logs, newRoutingRow(res[i], id, "timeout", op, map[string]any{"timeout_s": line.OfferTimeoutS}))
				gone = append(gone, &Event{Kind: EvOfferGone, LineID: id, ConversationID: res[i], At: time.Now(), To: []string{op},
					Data: map[string]any{"reason": "timeout"}})
			}
		}
		r.order.Unlock()
		r.mu.Lock()
		r.dirty[id] = true
		r.mu.Unlock()
	}
	r.routing.events.ephemeralAll(ctx, gone)
	logRoutingRows(ctx, r.routing.db, r.routing.log, logs)
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// route runs the route script for a line and tells the chosen operators.
func (r *router) route(ctx context.Context, lineID string) error {
	line, err := r.routing.lineByID(ctx, lineID)
	if err != nil {
		return err
	}
	if line.Mode == Manual {
		return nil
	}
	now := time.Now()
	deadline := now.Add(time.Duration(line.OfferTimeoutS) * time.Second)
	r.order.Lock()
	res, err := routeScript.Run(ctx, r.routing.kv, r.keys(lineID), now.UnixMilli(), deadline.UnixMilli(), string(line.Mode), 200).StringSlice()
	if err != nil {
		r.order.Unlock()
		return fmt.Errorf("inbox: route: %w", err)
	}
	logs := make([]routingRow, 0, len(res)/3)
	offers := make([]*Event, 0, len(res)/3)
	for i := 0; i+2 < len(res); i += 3 {
		conv, csv, reason := res[i], res[i+1], res[i+2]
		why, skippedCSV, _ := strings.Cut(reason, ";")
		skipped := map[string]string{}
		for _, s := range strings.Split(skippedCSV, ",") {
			if op, st, ok := strings.Cut(s, ":"); ok {
				skipped[op] = st
			}
		}
		r.routing.metric.routed.WithLabelValues("offered").Inc()
		logs = append(logs, newRoutingRow(conv, lineID, "offered", csv, map[string]any{"mode": line.Mode, "rule": why, "skipped": skipped,
			"deadline": deadline.UnixMilli()}))
		offers = append(offers, &Event{Kind: EvOffer, LineID: lineID, ConversationID: conv, At: now, To: strings.Split(csv, ","),
			Data: map[string]any{"deadline": deadline.UnixMilli(), "timeout_s": line.OfferTimeoutS}})
	}
	r.order.Unlock()
	// The operators hear of their offers first, in one round trip; the
	// log is written by logLoop, off the routing path: the rows carry the
	// moment of the decision (taken above), so they sort before the accept
	// that an offer may bring back before they are written.
	r.routing.events.ephemeralAll(ctx, offers)
	r.logLater(ctx, logs)
	for _, ev := range offers {
		r.routing.alertOffer(line, ev.ConversationID, ev.To)
	}
	return nil
}

// logLater hands a pass's log rows to logLoop; when it lags far behind
// they are written here, which slows routing down to the log's pace
// rather than letting rows pile up in memory.
func (r *router) logLater(ctx context.Context, rows []routingRow) {
	if len(rows) == 0 {
		return
	}
	select {
	case r.logs <- rows:
	default:
		logRoutingRows(ctx, r.routing.db, r.routing.log, rows)
	}
}

// logLoop writes the routing log for the passes, in their order, joining
// the rows of passes that queued meanwhile into one INSERT. The rows carry
// the moment of each decision, so writing them later changes no order; at
// shutdown what is queued is still written.
func (r *router) logLoop(ctx context.Context) {
	wctx := context.WithoutCancel(ctx)
	for {
		var rows []routingRow
		select {
		case rows = <-r.logs:
		case <-ctx.Done():
		}
	more:
		for len(rows) < routingLogChunk*4 {
			select {
			case more := <-r.logs:
				rows = append(rows, more...)
			default:
				break more
			}
		}
		logRoutingRows(wctx, r.routing.db, r.routing.log, rows)
		if ctx.Err() != nil && len(r.logs) == 0 {
			return
		}
	}
}

// logRouting records a routing decision and why it was made: the
// explainable routing log supervisors read.
func (c *core) logRouting(ctx context.Context, convID, lineID, decision, operatorID string, reason map[string]any) {
	logRoutingRows(ctx, c.db, c.log, []routingRow{newRoutingRow(convID, lineID, decision, operatorID, reason)})
}

// routingRow is one row of the routing log, its id and time fixed when
// the decision is made.
type routingRow struct {
	id, convID, lineID, decision, operatorID string
	at                                       int64
	reason                                   map[string]any
}

func newRoutingRow(convID, lineID, decision, operatorID string, reason map[string]any) routingRow {
	return routingRow{id: uuid.Must(uuid.NewV7()).String(), convID: convID, lineID: lineID, decision: decision,
		operatorID: operatorID, at: db.Now(), reason: reason}
}

// routingLogChunk keeps one INSERT's parameters (7 a row) well below
// both databases' limits.
const routingLogChunk = 500

// logRoutingRows writes rows in multi-row INSERTs: a routing pass that
// offers 200 conversations costs one statement, not 200 transactions.
func logRoutingRows(ctx context.Context, d *db.DB, log *slog.Logger, rows []routingRow) {
	if err := insertRoutingRows(ctx, d, rows); err != nil {
		log.Warn("routing log write failed", "rows", len(rows), "err", err)
	}
}

// insertRoutingRows is logRoutingRows inside a caller's transaction: an
// assignment and its row commit together or not at all.
func insertRoutingRows(ctx context.Context, ex db.Execer, rows []routingRow) error {
	for len(rows) > 0 {
		chunk := rows[:min(len(rows), routingLogChunk)]
		rows = rows[len(chunk):]
		var sb strings.Builder
		sb.WriteString(`INSERT INTO inbox_routing_log (id, conversation_id, line_id, at, decision, operator_id, reason) VALUES `)
		args := make([]any, 0, len(chunk)*7)
		for i, r := range chunk {
			if i > 0 {
				sb.WriteByte(',')
			}
			n := len(args)
			fmt.Fprintf(&sb, "($%d,$%d,$%d,$%d,$%d,$%d,$%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
			b, _ := json.Marshal(r.reason)
			args = append(args, r.id, r.convID, r.lineID, r.at, r.decision, r.operatorID, string(b))
		}
		if _, err := ex.ExecContext(ctx, sb.String(), args...); err != nil {
			return fmt.Errorf("inbox: routing log: %w", err)
		}
	}
	return nil
}
