package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// The routing scenario measures the two moments a federation's contact
// centre strains the router (issue 26):
//
//   - queue: --waiting conversations wait on a line routed evenly among
//     --operators online operators who hold one conversation each. An
//     operator closes theirs, and the time from the close's answer to the
//     next offer on their console socket is one assignment; every operator
//     does so in a loop, all at once, for --cycles assignments.
//   - crowd: --crowd operators of a manual line and as many waiting
//     conversations. Every operator takes one at the same moment, two
//     operators racing for each; each winner transfers it to the one who
//     lost, who closes it. Each burst is timed from its first request to
//     its last answer, and the database must show each conversation
//     assigned to one operator and closed once.
//
//	RESULT routing waiting=… operators=… assign_p50_ms=… assign_p99_ms=… crowd=… take_s=… transfer_s=… close_s=… crowd_s=… double=… lost=…

type routingFlags struct {
	targetFlags
	operators, waiting, cycles, crowd int
}

func runRouting(ctx context.Context, args []string) error {
	var f routingFlags
	fs := flag.NewFlagSet("routing", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.operators, "operators", 300, "online operators on the evenly routed line")
	fs.IntVar(&f.waiting, "waiting", 10000, "conversations waiting in that line's queue")
	fs.IntVar(&f.cycles, "cycles", 3000, "assignments timed (close one, get the next offered)")
	fs.IntVar(&f.crowd, "crowd", 1200, "operators (and conversations) of the simultaneous take, transfer and close")
	if err := fs.Parse(args); err != nil {
		return err
	}
	raiseFileLimit()
	t, err := f.open(ctx, 256)
	if err != nil {
		return err
	}
	defer t.stop()

	start := time.Now()
	unitID, ids, tokens, err := makeOperators(ctx, t, f.operators+f.crowd, 8)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "%d operators with tokens in %v\n", len(ids), time.Since(start).Round(time.Millisecond))

	q, err := runQueue(ctx, t, f, unitID, ids[:f.operators], tokens[:f.operators])
	if err != nil {
		return fmt.Errorf("queue: %w", err)
	}
	c, err := runCrowd(ctx, t, unitID, ids[f.operators:], tokens[f.operators:])
	if err != nil {
		return fmt.Errorf("crowd: %w", err)
	}
	fmt.Printf("RESULT routing waiting=%d operators=%d assign_p50_ms=%.1f assign_p99_ms=%.1f crowd=%d take_s=%.2f transfer_s=%.2f close_s=%.2f crowd_s=%.2f double=%d lost=%d %s\n",
		f.waiting, f.operators, pct(q, 50), pct(q, 99), f.crowd, c.take, c.transfer, c.close, c.take+c.transfer+c.close,
		c.double, c.lost, t.usageFields())
	return nil
}

// makeOperators creates n operators, par at a time (each password is
// hashed, which is the slow part).
func makeOperators(ctx context.Context, t *target, n, par int) (unitID string, ids, tokens []string, err error) {
	ids, tokens = make([]string, n), make([]string, n)
	var me struct {
		User struct {
			UnitID string `json:"unit_id"`
		} `json:"user"`
	}
	if _, err := t.call(ctx, t.token, "GET", "/api/v1/me", nil, &me); err != nil {
		return "", nil, nil, err
	}
	stamp := time.Now().UnixNano()
	work := make(chan int)
	errs := make(chan error, par)
	var wg sync.WaitGroup
	for range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var u struct{ ID string }
				if _, err := t.call(ctx, t.token, "POST", "/api/v1/users", map[string]any{"login": fmt.Sprintf("route%d-op%d", stamp, i),
					"full_name": fmt.Sprintf("Оператор маршрутизации %d", i), "role": "operator", "unit_id": me.User.UnitID,
					"password": "bench-password"}, &u); err != nil {
					errs <- err
					return
				}
				var tok struct{ Token string }
				if _, err := t.call(ctx, t.token, "POST", "/api/v1/tokens", map[string]any{"name": "bench", "user_id": u.ID}, &tok); err != nil {
					errs <- err
					return
				}
				ids[i], tokens[i] = u.ID, tok.Token
			}
		}()
	}
	go func() {
		defer close(work)
		for i := range n {
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	wg.Wait()
	select {
	case err := <-errs:
		return "", nil, nil, err
	default:
	}
	return me.User.UnitID, ids, tokens, ctx.Err()
}

// routingLine creates a line of the given mode with ids as its operators
// and an API channel into it; it answers the line and the channel's id
// and token.
func routingLine(ctx context.Context, t *target, unitID, mode string, ids []string) (lineID, chID, chToken string, err error) {
	ops := make([]map[string]any, len(ids))
	for i, id := range ids {
		ops[i] = map[string]any{"user_id": id}
	}
	var line struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/lines", map[string]any{"name": fmt.Sprintf("Маршрутизация %s %d", mode, time.Now().UnixNano()),
		"unit_id": unitID, "routing_mode": mode, "max_active": 1, "offer_timeout_s": 3600, "operators": ops}, &line); err != nil {
		return "", "", "", err
	}
	var ch struct {
		Channel struct{ ID string }
		Token   string
	}
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "api",
		"name": "routing " + mode, "rate_per_s": 10000}, &ch); err != nil {
		return "", "", "", err
	}
	return line.ID, ch.Channel.ID, ch.Token, nil
}

// fill writes n first messages from n contacts into the channel, 32 at a
// time, and answers the conversations' ids in order.
func fill(ctx context.Context, t *target, chID, chToken, prefix string, n int) ([]string, error) {
	convs := make([]string, n)
	var failed atomic.Value
	var wg sync.WaitGroup
	work := make(chan int)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				var out struct {
					ConversationID string `json:"conversation_id"`
				}
				body := json.RawMessage(fmt.Appendf(nil, `{"contact":{"id":"%s-%d","name":"Член профсоюза %d"},"message":{"id":"%s-m%d","text":"Прошу помочь с вопросом по зарплате"}}`,
					prefix, i, i, prefix, i))
				if _, err := t.call(ctx, chToken, "POST", "/hooks/api/"+chID+"/messages", body, &out); err != nil {
					failed.Store(err)
					continue
				}
				convs[i] = out.ConversationID
			}
		}()
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	if err, _ := failed.Load().(error); err != nil {
		return nil, err
	}
	return convs, nil
}

// offersOf scans a console frame for offer events and answers their
// conversations, without decoding the rest (see inboundMessageIDs).
func offersOf(frame []byte, found func(convID string)) {
	for _, ev := range bytes.Split(frame, []byte(`{"seq":`))[1:] {
		if !bytes.Contains(ev, []byte(`"kind":"offer"`)) {
			continue
		}
		const key = `"conversation_id":"`
		if i := bytes.Index(ev, []byte(key)); i >= 0 {
			rest := ev[i+len(key):]
			if j := bytes.IndexByte(rest, '"'); j >= 0 {
				found(string(rest[:j]))
			}
		}
	}
}

// console is an operator's socket reduced to the offers it brings. Like the
// real console it pings every 10 s (without that the hub counts the
// operator gone after 35 s and takes its offers back: the full-scale run
// once made no assignment at all), and it redials when the hub drops it.
func console(ctx context.Context, t *target, token string) (<-chan string, error) {
	url := "ws" + t.base[len("http"):] + "/api/v1/inbox/ws"
	dial := func() (*websocket.Conn, error) {
		conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: map[string][]string{"Authorization": {"Bearer " + token}}})
		if err != nil {
			return nil, err
		}
		conn.SetReadLimit(4 << 20)
		return conn, nil
	}
	conn, err := dial()
	if err != nil {
		return nil, err
	}
	offers := make(chan string, 64)
	go func() {
		for ctx.Err() == nil {
			serveConsole(ctx, conn, offers)
			for ctx.Err() == nil {
				if conn, err = dial(); err == nil {
					break
				}
				time.Sleep(200 * time.Millisecond)
			}
		}
	}()
	return offers, nil
}

// serveConsole reads offers from conn and pings it until it drops.
func serveConsole(ctx context.Context, conn *websocket.Conn, offers chan<- string) {
	defer conn.CloseNow()
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-cctx.Done():
				return
			case <-tick.C:
				if conn.Write(cctx, websocket.MessageText, []byte(`{"type":"ping"}`)) != nil {
					return
				}
			}
		}
	}()
	for {
		_, b, err := conn.Read(cctx)
		if err != nil {
			return
		}
		offersOf(b, func(id string) {
			select {
			case offers <- id:
			default:
			}
		})
	}
}
