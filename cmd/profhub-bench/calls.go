package main

import (
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/profhub/profhub/connectors/telephony/pbxsim"
)

// The calls scenario is the PBX simulator from the command line: P
// concurrent PBX lines play N calls in a provider's format (signed as the
// provider signs) against a telephony channel; a share of the
// notifications is delivered twice, as PBXs do on timeouts. It measures
// how many notifications the hub takes per second and their latency, then
// checks that every call has one record, every missed call a conversation
// and every recording is stored.

type callsFlags struct {
	targetFlags
	provider       string
	calls, players int
	missedShare    float64
	dupShare       float64
	wait           time.Duration
}

func runCalls(ctx context.Context, args []string) error {
	var f callsFlags
	fs := flag.NewFlagSet("calls", flag.ContinueOnError)
	f.register(fs)
	fs.StringVar(&f.provider, "provider", "mango", "PBX protocol: generic, mango or zadarma")
	fs.IntVar(&f.calls, "calls", 2000, "calls to play")
	fs.IntVar(&f.players, "players", 16, "calls played at once")
	fs.Float64Var(&f.missedShare, "missed", 0.3, "share of calls nobody answers")
	fs.Float64Var(&f.dupShare, "dup", 0.1, "share of notifications delivered twice")
	fs.DurationVar(&f.wait, "wait", 2*time.Minute, "how long to wait for recordings and missed-call conversations")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pbx, err := pbxsim.Start(f.provider)
	if err != nil {
		return err
	}
	defer pbx.Close()
	t, err := f.open(ctx, f.players)
	if err != nil {
		return err
	}
	defer t.stop()
	hook, err := setupPBXChannel(ctx, t, pbx)
	if err != nil {
		return err
	}
	audio := pbxsim.ToneWAV(5)
	fmt.Fprintf(os.Stderr, "%d %s calls, %d at once, %.0f%% missed, %.0f%% of notifications twice\n",
		f.calls, f.provider, f.players, 100*f.missedShare, 100*f.dupShare)
	var next, sent, failed, missed, recorded atomic.Int64
	var mu sync.Mutex
	var lat []time.Duration
	stamp := time.Now().UnixNano()
	start := time.Now()
	var wg sync.WaitGroup
	for p := range f.players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rnd := rand.New(rand.NewPCG(uint64(stamp), uint64(p)))
			for {
				i := next.Add(1) - 1
				if i >= int64(f.calls) || ctx.Err() != nil {
					return
				}
				c := pbxsim.Call{ID: fmt.Sprintf("b%d-%d", stamp, i), Number: fmt.Sprintf("7916%07d", rnd.IntN(10000000)),
					Line: "74951112233", Extension: "101", Answered: rnd.Float64() >= f.missedShare,
					Start: time.Now().Add(-3 * time.Minute), Wait: time.Duration(3+rnd.IntN(40)) * time.Second}
				if c.Answered {
					c.Talk = time.Duration(20+rnd.IntN(400)) * time.Second
					c.Recording = "rec-" + c.ID
					pbx.AddRecording(c.Recording, audio)
					recorded.Add(1)
				} else {
					missed.Add(1)
				}
				for _, n := range pbx.Notifications(c) {
					times := 1
					if rnd.Float64() < f.dupShare {
						times = 2
					}
					for range times {
						t0 := time.Now()
						code, err := pbxsim.Post(hook, n)
						d := time.Since(t0)
						if err != nil || code != http.StatusOK {
							if failed.Add(1) < 5 {
								fmt.Fprintln(os.Stderr, "post:", code, err)
							}
							continue
						}
						sent.Add(1)
						mu.Lock()
						lat = append(lat, d)
						mu.Unlock()
					}
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000
	}
	// Everything that follows the notifications: recordings fetched,
	// missed calls queued.
	deadline := time.Now().Add(f.wait)
	var st struct {
		Total struct{ Calls, Missed int } `json:"total"`
	}
	var ready int
	for {
		day := time.Now().Format("2006-01-02")
		if _, err := t.call(ctx, t.token, "GET", "/api/v1/telephony/stats?from="+time.Now().AddDate(0, 0, -1).Format("2006-01-02")+"&to="+day, nil, &st); err != nil {
			return err
		}
		ready = countReady(ctx, t)
		if (st.Total.Calls == f.calls && int64(ready) == recorded.Load()) || time.Now().After(deadline) {
			break
		}
		time.Sleep(time.Second)
	}
	fmt.Printf("RESULT calls provider=%s calls=%d notifications=%d rate=%.0f/s p50_ms=%.1f p99_ms=%.1f failed=%d records=%d missed=%d/%d recordings=%d/%d %s\n",
		f.provider, f.calls, sent.Load(), float64(sent.Load())/elapsed.Seconds(), pct(0.5), pct(0.99), failed.Load(),
		st.Total.Calls, st.Total.Missed, missed.Load(), ready, recorded.Load(), t.usageFields())
	if st.Total.Calls != f.calls || int64(st.Total.Missed) != missed.Load() || int64(ready) != recorded.Load() {
		return fmt.Errorf("calls lost: %d records of %d, %d missed of %d, %d recordings of %d", st.Total.Calls, f.calls,
			st.Total.Missed, missed.Load(), ready, recorded.Load())
	}
	return nil
}

// countReady counts the calls whose recording is stored, page by page.
func countReady(ctx context.Context, t *target) int {
	n := 0
	before := int64(0)
	for {
		var page struct {
			Calls []struct {
				Recording string    `json:"recording"`
				StartedAt time.Time `json:"started_at"`
			} `json:"calls"`
		}
		path := "/api/v1/telephony/calls?limit=1000"
		if before > 0 {
			path += fmt.Sprintf("&before=%d", before)
		}
		if _, err := t.call(ctx, t.token, "GET", path, nil, &page); err != nil {
			return n
		}
		for _, c := range page.Calls {
			if c.Recording == "ready" {
				n++
			}
		}
		if len(page.Calls) < 1000 {
			return n
		}
		before = page.Calls[len(page.Calls)-1].StartedAt.UnixMilli()
	}
}

// setupPBXChannel makes an operator on extension 101, a line and a
// telephony channel speaking to the simulator, and returns its webhook.
func setupPBXChannel(ctx context.Context, t *target, pbx *pbxsim.PBX) (string, error) {
	var me struct {
		User struct {
			UnitID string `json:"unit_id"`
		} `json:"user"`
	}
	if _, err := t.call(ctx, t.token, "GET", "/api/v1/me", nil, &me); err != nil {
		return "", err
	}
	stamp := time.Now().UnixNano()
	login := fmt.Sprintf("bench%d-tel", stamp)
	var u struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/users", map[string]any{"login": login, "full_name": "Оператор телефонии",
		"role": "operator", "unit_id": me.User.UnitID, "password": "bench-password"}, &u); err != nil {
		return "", err
	}
	var line struct{ ID string }
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/lines", map[string]any{"name": fmt.Sprintf("Телефон %d", stamp),
		"unit_id": me.User.UnitID, "routing_mode": "manual", "operators": []map[string]any{{"user_id": u.ID}}}, &line); err != nil {
		return "", err
	}
	settings := pbx.Settings()
	settings["extensions"] = "101=" + login
	var ch struct {
		Channel struct{ ID string }
	}
	if _, err := t.call(ctx, t.token, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "telephony",
		"name": "bench PBX", "settings": settings, "secrets": pbx.Secrets()}, &ch); err != nil {
		return "", err
	}
	return t.base + "/hooks/telephony/" + ch.Channel.ID, nil
}
