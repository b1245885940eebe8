package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// The widget scenario: V visitors of a site chat hold their WebSockets
// open on one hub; each opens a conversation with a first message (not
// timed), then sends M more at a total fixed rate (timed), and
// operators on their console sockets echo every message back through the
// JSON API. It measures how many sockets the hub held, its resident memory
// (the hub runs as a child process, so the clients' memory is not
// counted), the round trip visitor → operator → visitor, and what was lost
// or duplicated on the visitors' sockets.

type widgetFlags struct {
	targetFlags
	visitors, messages, rate, openRate, operators, sources, dialers int
}

func runWidget(ctx context.Context, args []string) error {
	var f widgetFlags
	fs := flag.NewFlagSet("widget", flag.ContinueOnError)
	f.register(fs)
	fs.IntVar(&f.visitors, "visitors", 10000, "concurrent visitor sockets")
	fs.IntVar(&f.messages, "messages", 2, "timed messages each visitor sends after the first")
	fs.IntVar(&f.openRate, "open-rate", 300, "first messages (each opens a conversation) per second, not timed")
	fs.IntVar(&f.rate, "rate", 1000, "visitor messages per second, all visitors together")
	fs.IntVar(&f.operators, "operators", 2, "operators echoing on console sockets")
	fs.IntVar(&f.sources, "sources", 20, "source addresses 127.0.0.1… the visitors' sockets come from")
	fs.IntVar(&f.dialers, "dialers", 64, "sockets opened at once while connecting")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "open files allowed: %d\n", raiseFileLimit())
	t, err := f.open(ctx, 64)
	if err != nil {
		return err
	}
	pid := t.hubPID
	defer t.stop()

	s, err := setupWidget(ctx, t, f.operators)
	if err != nil {
		return err
	}
	base := rssMB(pid)
	rec := newChatRecorder()
	ops := make([]*echoOperator, f.operators)
	for i := range ops {
		if ops[i], err = startOperator(ctx, t, s, i, f.operators, rec); err != nil {
			return err
		}
	}
	peak := &peakRSS{pid: pid}
	go peak.sample(ctx)

	// Sessions (the pre-chat form) and sockets.
	start := time.Now()
	vs, err := connectVisitors(ctx, t, s, f, rec)
	if err != nil {
		return err
	}
	defer closeVisitors(vs)
	held := countOpen(vs)
	idle := rssMB(pid)
	fmt.Fprintf(os.Stderr, "connected %d of %d visitors in %v; hub RSS %.0f MB before, %.0f MB with them (%.1f KB per socket)\n",
		held, f.visitors, time.Since(start).Round(time.Millisecond), base, idle, (idle-base)*1024/float64(max(held, 1)))

	// Phase 1 opens every visitor's conversation (its first message, and
	// the operator's first answer, which takes it); phase 2 is the timed
	// chat at a fixed rate, paced open-loop.
	fmt.Fprintf(os.Stderr, "phase 1: %d first messages at %d/s\n", f.visitors, f.openRate)
	failed := pace(ctx, vs, rec, 0, f.visitors, f.openRate)
	rec.waitEchoes(120 * time.Second)
	rec.resetLatency()
	total := f.visitors * f.messages
	fmt.Fprintf(os.Stderr, "phase 2: %d messages at %d/s\n", total, f.rate)
	sendStart := time.Now()
	failed += pace(ctx, vs, rec, f.visitors, total, f.rate)
	achieved := float64(total) / time.Since(sendStart).Seconds()
	rec.waitEchoes(60 * time.Second)
	held = min(held, countOpen(vs))
	end := rssMB(pid)

	lost, dup := rec.verify()
	st := rec.stats()
	fmt.Fprintf(os.Stderr, "sent %d, phase 2 at %.0f/s (%d failed); acked %d; operators saw %d, echoed %d (%d failed); operator sockets resumed %d times\n",
		rec.sentCount(), achieved, failed, st.acked, st.seenByOperator, st.echoed, st.echoFailed, st.resumes)
	fmt.Fprintf(os.Stderr, "latency ms p50/p99: ack %.1f/%.1f; visitor → operator %.1f/%.1f; operator's reply → visitor %.1f/%.1f; "+
		"both ways %.1f/%.1f; round trip %.1f/%.1f\n", st.ack[0], st.ack[1], st.toOp[0], st.toOp[1], st.reply[0], st.reply[1],
		st.oneWay[0], st.oneWay[1], st.round[0], st.round[1])
	fmt.Fprintf(os.Stderr, "hub RSS: %.0f MB before sockets, %.0f MB idle with them, %.0f MB after messages, %.0f MB peak; sockets held %d\n",
		base, idle, end, peak.max(), held)
	fmt.Printf("RESULT widget conns=%d rss_mb=%.0f p50_ms=%.1f p99_ms=%.1f lost=%d dup=%d %s\n",
		held, peak.max(), st.oneWay[0], st.oneWay[1], lost+failed+int64(f.visitors-held), dup, t.usageFields())
	return nil
}

// pace sends messages first … first+n-1 at rate per second from 64
// senders; message i is visitor i%V's message number i/V.
func pace(ctx context.Context, vs []*visitor, rec *chatRecorder, first, n, rate int) int64 {
	interval := time.Second / time.Duration(rate)
	work := make(chan int, 1024)
	var wg sync.WaitGroup
	var failed atomic.Int64
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				v := vs[i%len(vs)]
				if err := v.send(ctx, rec, fmt.Sprintf("v%d-m%d", i%len(vs), i/len(vs))); err != nil && failed.Add(1) < 5 {
					fmt.Fprintln(os.Stderr, "visitor send:", err)
				}
			}
		}()
	}
	start := time.Now()
	for i := range n {
		if d := time.Until(start.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		work <- first + i
	}
	close(work)
	wg.Wait()
	return failed.Load()
}

// peakRSS samples the hub's resident memory twice a second.
type peakRSS struct {
	pid int
	mu  sync.Mutex
	top float64
}

func (p *peakRSS) sample(ctx context.Context) {
	tick := time.NewTicker(500 * time.Millisecond)
	defer tick.Stop()
	for {
		p.mu.Lock()
		p.top = max(p.top, rssMB(p.pid))
		p.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (p *peakRSS) max() float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.top = max(p.top, rssMB(p.pid))
	return p.top
}
