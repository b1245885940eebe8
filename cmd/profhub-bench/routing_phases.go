package main

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// runQueue: operators online with their consoles open, waiting
// conversations behind them; each operator accepts what it is offered,
// closes it, and times the next offer (see routing.go).
func runQueue(ctx context.Context, t *target, f routingFlags, unitID string, ids, tokens []string) ([]float64, error) {
	_, chID, chToken, err := routingLine(ctx, t, unitID, "evenly", ids)
	if err != nil {
		return nil, err
	}
	offers := make([]<-chan string, len(ids))
	for i, tok := range tokens {
		if offers[i], err = console(ctx, t, tok); err != nil {
			return nil, fmt.Errorf("console socket: %w", err)
		}
		if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil); err != nil {
			return nil, err
		}
	}
	start := time.Now()
	if _, err := fill(ctx, t, chID, chToken, fmt.Sprintf("q%d", time.Now().UnixNano()), f.waiting); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "queue: %d conversations in %v\n", f.waiting, time.Since(start).Round(time.Millisecond))

	var mu sync.Mutex
	var lat []float64
	var left atomic.Int64
	left.Store(int64(f.cycles))
	var failed atomic.Int64
	var wg sync.WaitGroup
	start = time.Now()
	for i, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var closedAt time.Time // zero: the first offer is not timed
			for left.Load() > 0 {
				var conv string
				select {
				case conv = <-offers[i]:
				case <-time.After(30 * time.Second):
					failed.Add(1)
					return
				case <-ctx.Done():
					return
				}
				if !closedAt.IsZero() && left.Add(-1) >= 0 {
					ms := float64(time.Since(closedAt).Microseconds()) / 1000
					mu.Lock()
					lat = append(lat, ms)
					mu.Unlock()
				}
				if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/conversations/"+conv+"/accept", nil, nil); err != nil {
					if failed.Add(1) < 5 {
						fmt.Fprintln(os.Stderr, "accept:", err)
					}
					closedAt = time.Time{}
					continue
				}
				if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/conversations/"+conv+"/close", map[string]any{}, nil); err != nil {
					if failed.Add(1) < 5 {
						fmt.Fprintln(os.Stderr, "close:", err)
					}
					return
				}
				closedAt = time.Now()
			}
		}()
	}
	wg.Wait()
	fmt.Fprintf(os.Stderr, "queue: %d assignments timed in %v (%d failures); p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		len(lat), time.Since(start).Round(time.Millisecond), failed.Load(), pct(lat, 50), pct(lat, 99), pct(lat, 100))
	if len(lat) < f.cycles/2 {
		return nil, fmt.Errorf("only %d of %d assignments happened", len(lat), f.cycles)
	}
	return lat, nil
}

type crowdResult struct {
	take, transfer, close float64 // seconds of each burst
	double, lost          int
}

// runCrowd: every operator takes at once, two per conversation; the
// winner transfers to the loser, who closes.
func runCrowd(ctx context.Context, t *target, unitID string, ids, tokens []string) (crowdResult, error) {
	var res crowdResult
	n := len(ids)
	lineID, chID, chToken, err := routingLine(ctx, t, unitID, "manual", ids)
	if err != nil {
		return res, err
	}
	for _, tok := range tokens {
		if _, err := t.call(ctx, tok, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil); err != nil {
			return res, err
		}
	}
	convs, err := fill(ctx, t, chID, chToken, fmt.Sprintf("c%d", time.Now().UnixNano()), n)
	if err != nil {
		return res, err
	}
	// Operators pair up (i and i^1), and each pair shares two
	// conversations: both try the first, the loser then the second.
	owner := make([]atomic.Int32, n) // conversation → 1 + winning operator
	burst := func(do func(i int) bool) (float64, int) {
		var wg sync.WaitGroup
		var fails atomic.Int64
		gate := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-gate
				if !do(i) {
					fails.Add(1)
				}
			}()
		}
		time.Sleep(100 * time.Millisecond) // every goroutine waits at the gate
		start := time.Now()
		close(gate)
		wg.Wait()
		return time.Since(start).Seconds(), int(fails.Load())
	}
	var refused, toldTwice atomic.Int64
	res.take, _ = burst(func(i int) bool {
		// Both operators of pair p try the pair's first conversation first,
		// then its second: each conversation is contested, each operator
		// ends with one.
		p := i &^ 1
		for _, c := range []int{p, p + 1} {
			if c >= n {
				continue
			}
			code, err := t.call(ctx, tokens[i], "POST", "/api/v1/inbox/conversations/"+convs[c]+"/take", nil, nil)
			if err == nil {
				if !owner[c].CompareAndSwap(0, int32(i+1)) {
					toldTwice.Add(1) // two operators were told they hold it
				}
				return true
			}
			if code != 409 && code != 422 {
				fmt.Fprintln(os.Stderr, "take:", err)
				return false
			}
			refused.Add(1)
		}
		return false
	})
	res.double += int(toldTwice.Load())
	fmt.Fprintf(os.Stderr, "crowd: %d takes (%d refused as taken) in %.2f s\n", n, refused.Load(), res.take)
	// The holder of conversation c hands it to the other operator of the pair.
	holder := func(c int) int { return int(owner[c].Load()) - 1 }
	res.transfer, _ = burst(func(c int) bool {
		h := holder(c)
		if h < 0 {
			return false
		}
		to := h ^ 1
		if to >= n {
			to = h
		}
		if _, err := t.call(ctx, tokens[h], "POST", "/api/v1/inbox/conversations/"+convs[c]+"/transfer",
			map[string]any{"operator_id": ids[to], "comment": "Передаю коллеге"}, nil); err != nil {
			fmt.Fprintln(os.Stderr, "transfer:", err)
			return false
		}
		owner[c].Store(int32(to + 1))
		return true
	})
	res.close, _ = burst(func(c int) bool {
		h := holder(c)
		if h < 0 {
			return false
		}
		if _, err := t.call(ctx, tokens[h], "POST", "/api/v1/inbox/conversations/"+convs[c]+"/close", map[string]any{}, nil); err != nil {
			fmt.Fprintln(os.Stderr, "close:", err)
			return false
		}
		return true
	})
	fmt.Fprintf(os.Stderr, "crowd: transfers %.2f s, closes %.2f s\n", res.transfer, res.close)
	double, lost, err := checkCrowd(ctx, t, lineID, convs)
	res.double += double
	res.lost = lost
	return res, err
}

// checkCrowd reads what the hub stored: every conversation closed, and
// assigned exactly as many times as it was taken and transferred (one
// "taken" decision each, never two).
func checkCrowd(ctx context.Context, t *target, lineID string, convs []string) (double, lost int, err error) {
	d, err := t.storedDB(ctx)
	if err != nil || d == nil {
		return 0, 0, err
	}
	rows, err := d.QueryContext(ctx, `SELECT c.id, c.status,
		(SELECT COUNT(*) FROM inbox_routing_log r WHERE r.conversation_id = c.id AND r.decision = 'taken')
		FROM inbox_conversations c WHERE c.line_id = $1`, lineID)
	if err != nil {
		return 0, 0, err
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var id, status string
		var taken int
		if err := rows.Scan(&id, &status, &taken); err != nil {
			return 0, 0, err
		}
		seen[id] = true
		if taken > 1 {
			double += taken - 1
		}
		if status != "closed" || taken == 0 {
			lost++
		}
	}
	for _, c := range convs {
		if !seen[c] {
			lost++
		}
	}
	return double, lost, rows.Err()
}
