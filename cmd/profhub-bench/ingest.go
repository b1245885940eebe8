package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// The ingest scenario: C concurrent senders post inbound messages from many
// contacts through the API channel while operators listen on their
// consoles' WebSockets. Phase one sends as fast as the hub accepts; phase
// two sends at a fixed rate and measures the time from the sender's POST
// to the operator's WebSocket event. Every message must reach every
// operator socket once; what did not is lost, what came twice duplicated.

type ingestFlags struct {
	targetFlags
	senders, messages, contacts, operators int
	rate                                   int
	duration                               time.Duration
}

func runIngest(ctx context.Context, args []string) error {
	var f ingestFlags
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.senders, "senders", 64, "concurrent senders in the maximum-rate phase")
	fs.IntVar(&f.messages, "messages", 30000, "messages in the maximum-rate phase")
	fs.IntVar(&f.contacts, "contacts", 1000, "distinct contacts writing")
	fs.IntVar(&f.operators, "operators", 2, "operators listening on WebSockets")
	fs.IntVar(&f.rate, "rate", 1000, "messages per second in the fixed-rate phase")
	fs.DurationVar(&f.duration, "duration", 10*time.Second, "length of the fixed-rate phase")
	if err := fs.Parse(args); err != nil {
		return err
	}
	t, err := f.open(ctx, f.senders)
	if err != nil {
		return err
	}
	defer t.stop()
	s, err := setupLine(ctx, t, f.operators)
	if err != nil {
		return err
	}
	rec := newRecorder(f.operators)
	for i, tok := range s.opTokens {
		if err := rec.listen(ctx, t, tok, i); err != nil {
			return err
		}
	}

	// Phase 1: maximum rate.
	fmt.Fprintf(os.Stderr, "phase 1: %d messages from %d contacts, %d senders\n", f.messages, f.contacts, f.senders)
	var next atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range f.senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(f.messages) {
					return
				}
				if err := s.send(ctx, t, rec, fmt.Sprintf("p1-%d", i), int(i)%f.contacts); err != nil {
					if failed.Add(1) < 5 {
						fmt.Fprintln(os.Stderr, "send:", err)
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	maxRate := float64(f.messages-int(failed.Load())) / elapsed.Seconds()
	fmt.Fprintf(os.Stderr, "phase 1: %.0f accepted messages/s (%v, %d failed)\n", maxRate, elapsed.Round(time.Millisecond), failed.Load())
	rec.waitAll(15 * time.Second)
	rec.resetLatency()
	if avg, ok := t.metricAverage(ctx, "profhub_inbox_commit_batch_size"); ok {
		fmt.Fprintf(os.Stderr, "phase 1: %.1f messages per commit on average\n", avg)
	}

	// Phase 2: fixed rate, latency POST → operator socket.
	total := int(f.duration.Seconds() * float64(f.rate))
	fmt.Fprintf(os.Stderr, "phase 2: %d messages at %d/s\n", total, f.rate)
	interval := time.Second / time.Duration(f.rate)
	work := make(chan int, total)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				if err := s.send(ctx, t, rec, fmt.Sprintf("p2-%d", i), i%f.contacts); err != nil {
					failed.Add(1)
				}
			}
		}()
	}
	p2start := time.Now()
	for i := range total {
		if d := time.Until(p2start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		work <- i
	}
	close(work)
	wg.Wait()
	rec.waitAll(15 * time.Second)

	lost, dup := rec.verify()
	sqlLost, sqlDup, err := s.verifySQL(ctx, t, rec)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sql check:", err)
	}
	p50, p99 := rec.percentiles()
	fmt.Fprintf(os.Stderr, "sent %d, failed %d; socket lost %d dup %d; sql lost %d dup %d\n",
		rec.sentCount(), failed.Load(), lost, dup, sqlLost, sqlDup)
	fmt.Printf("RESULT ingest msgs=%d rate=%.0f p50_ms=%.1f p99_ms=%.1f lost=%d dup=%d %s\n",
		rec.sentCount(), maxRate, p50, p99, lost+sqlLost+failed.Load(), dup+sqlDup, t.usageFields())
	return nil
}

// setup is the line, channel and operators the scenario creates.
type setup struct {
	channelID, chToken string
	opTokens           []string
}

func setupLine(ctx context.Context, t *target, operators int) (*setup, error) {
	unitID, ids, tokens, err := benchOperators(ctx, t, operators, "bench", "Оператор нагрузки")
	if err != nil {
		return nil, err
	}
	stamp := time.Now().UnixNano()
	s := &setup{opTokens: tokens}
	var ops []map[string]any
	for _, id := range ids {
		ops = append(ops, map[string]any{"user_id": id})
	}
	var line struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/lines", map[string]any{"name": fmt.Sprintf("Нагрузка %d", stamp),
		"unit_id": unitID, "routing_mode": "evenly", "operators": ops}, &line); err != nil {
		return nil, err
	}
	var ch struct {
		Channel struct{ ID string }
		Token   string
	}
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "api",
		"name": "bench", "rate_per_s": 10000}, &ch); err != nil {
		return nil, err
	}
	s.channelID, s.chToken = ch.Channel.ID, ch.Token
	for _, tok := range s.opTokens {
		if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *setup) send(ctx context.Context, t *target, rec *recorder, id string, contact int) error {
	rec.sent(id)
	body := json.RawMessage(fmt.Appendf(nil, `{"contact":{"id":"contact-%d","name":"Член профсоюза %d"},"message":{"id":%q,"text":%q}}`,
		contact, contact, id, "Добрый день! Вопрос по коллективному договору, сообщение "+id))
	code, err := t.call(ctx, s.chToken, "POST", "/hooks/api/"+s.channelID+"/messages", body, nil)
	if err != nil {
		rec.unsent(id)
		return err
	}
	if code != 201 {
		rec.unsent(id)
		return fmt.Errorf("status %d", code)
	}
	return nil
}

// verifySQL checks, when the bench runs the hub, that SQL holds each sent
// message exactly once.
func (s *setup) verifySQL(ctx context.Context, t *target, rec *recorder) (lost, dup int64, err error) {
	d, err := t.storedDB(ctx)
	if err != nil || d == nil {
		return 0, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT external_id, COUNT(*) FROM inbox_messages WHERE channel_id = $1 GROUP BY external_id`, s.channelID)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return 0, 0, err
		}
		seen[id] = true
		if n > 1 {
			dup += n - 1
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	for id := range rec.sendAt {
		if !seen[id] {
			lost++
		}
	}
	return lost, dup, rows.Err()
}

// recorder tracks what was sent and what each operator socket received.
type recorder struct {
	mu        sync.Mutex
	sendAt    map[string]time.Time
	got       []map[string]int // per operator: message id → times received
	latencies []float64
	measure   bool
}

func newRecorder(operators int) *recorder {
	r := &recorder{sendAt: map[string]time.Time{}, measure: true}
	for range operators {
		r.got = append(r.got, map[string]int{})
	}
	return r
}

func (r *recorder) sent(id string) {
	r.mu.Lock()
	r.sendAt[id] = time.Now()
	r.mu.Unlock()
}

func (r *recorder) unsent(id string) {
	r.mu.Lock()
	delete(r.sendAt, id)
	r.mu.Unlock()
}

func (r *recorder) sentCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.sendAt)
}

func (r *recorder) received(op int, id string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got[op][id]++
	if sent, ok := r.sendAt[id]; ok && r.got[op][id] == 1 && op == 0 && strings.HasPrefix(id, "p2-") {
		r.latencies = append(r.latencies, float64(at.Sub(sent).Microseconds())/1000)
	}
}

func (r *recorder) resetLatency() {
	r.mu.Lock()
	r.latencies = nil
	r.mu.Unlock()
}

// waitAll waits until every operator has every sent message, or timeout.
func (r *recorder) waitAll(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if lost, _ := r.verify(); lost == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (r *recorder) verify() (lost, dup int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for id := range r.sendAt {
		for _, g := range r.got {
			switch n := g[id]; {
			case n == 0:
				lost++
			case n > 1:
				dup += int64(n - 1)
			}
		}
	}
	return lost, dup
}

func (r *recorder) percentiles() (p50, p99 float64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.latencies) == 0 {
		return 0, 0
	}
	l := append([]float64(nil), r.latencies...)
	sort.Float64s(l)
	at := func(q float64) float64 { return l[min(len(l)-1, int(q*float64(len(l))))] }
	return at(0.50), at(0.99)
}

// listen connects operator op's console socket and records message events.
func (r *recorder) listen(ctx context.Context, t *target, token string, op int) error {
	url := strings.Replace(t.base, "http", "ws", 1) + "/api/v1/inbox/ws"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: map[string][]string{"Authorization": {"Bearer " + token}}})
	if err != nil {
		return fmt.Errorf("operator socket: %w", err)
	}
	conn.SetReadLimit(1 << 20)
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				_ = conn.Write(ctx, websocket.MessageText, []byte(`{"type":"ping"}`))
			}
		}
	}()
	go func() {
		for {
			_, b, err := conn.Read(ctx)
			if err != nil {
				if ctx.Err() == nil {
					fmt.Fprintln(os.Stderr, "operator socket closed:", err)
				}
				return
			}
			now := time.Now()
			inboundMessageIDs(b, func(id string) { r.received(op, id, now) })
		}
	}()
	return nil
}

// inboundMessageIDs picks the provider ids of inbound message events out
// of a frame (one event or a batch) without decoding it: the load generator
// must not need more CPU than the hub it measures. Every event starts with
// its seq field, which splits a batch.
func inboundMessageIDs(frame []byte, found func(id string)) {
	for _, ev := range bytes.Split(frame, []byte(`{"seq":`))[1:] {
		if !bytes.Contains(ev, []byte(`"kind":"message"`)) || !bytes.Contains(ev, []byte(`"direction":"in"`)) {
			continue
		}
		const key = `"external_id":"`
		i := bytes.Index(ev, []byte(key))
		if i < 0 {
			continue
		}
		rest := ev[i+len(key):]
		if j := bytes.IndexByte(rest, '"'); j >= 0 {
			found(string(rest[:j]))
		}
	}
}

// benchOperators creates n operators in the caller's unit, each with an API
// token; it returns the unit, their ids and their tokens.
func benchOperators(ctx context.Context, t *target, n int, login, name string) (unitID string, ids, tokens []string, err error) {
	var me struct {
		User struct {
			UnitID string `json:"unit_id"`
		} `json:"user"`
	}
	if _, err := t.call(ctx, t.token, "GET", "/api/v1/me", nil, &me); err != nil {
		return "", nil, nil, err
	}
	stamp := time.Now().UnixNano()
	for i := range n {
		var u struct{ ID string }
		if _, err := t.call(ctx, t.token, "POST", "/api/v1/users", map[string]any{"login": fmt.Sprintf("%s%d-op%d", login, stamp, i),
			"full_name": fmt.Sprintf("%s %d", name, i), "role": "operator", "unit_id": me.User.UnitID,
			"password": "bench-password"}, &u); err != nil {
			return "", nil, nil, err
		}
		var tok struct{ Token string }
		if _, err := t.call(ctx, t.token, "POST", "/api/v1/tokens", map[string]any{"name": "bench", "user_id": u.ID}, &tok); err != nil {
			return "", nil, nil, err
		}
		ids, tokens = append(ids, u.ID), append(tokens, tok.Token)
	}
	return me.User.UnitID, ids, tokens, nil
}
