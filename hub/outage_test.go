package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
)

// outage phases: the load runs through all three.
const (
	phaseBefore int32 = iota
	phaseDown
	phaseAfter
)

// outageLog collects every answer the load got, by phase and kind.
type outageLog struct {
	mu       sync.Mutex
	bad      []string                         // answers that must never happen
	latency  map[string][]time.Duration       // 503s while the database was down, by kind
	statuses map[int32]map[string]map[int]int // phase → kind → status → count
}

func (o *outageLog) add(phase int32, kind string, status int, retryAfter string, d time.Duration) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.statuses[phase] == nil {
		o.statuses[phase] = map[string]map[int]int{}
	}
	if o.statuses[phase][kind] == nil {
		o.statuses[phase][kind] = map[int]int{}
	}
	o.statuses[phase][kind][status]++
	switch {
	case status == http.StatusServiceUnavailable:
		if retryAfter == "" {
			o.bad = append(o.bad, fmt.Sprintf("%s: 503 without Retry-After", kind))
		}
		if d > time.Second {
			o.bad = append(o.bad, fmt.Sprintf("%s: 503 after %v", kind, d))
		}
		if phase == phaseDown {
			o.latency[kind] = append(o.latency[kind], d)
		}
	case status >= 200 && status < 300:
		if phase == phaseDown {
			o.bad = append(o.bad, fmt.Sprintf("%s: %d while the database was down", kind, status))
		}
	default:
		o.bad = append(o.bad, fmt.Sprintf("%s: status %d (phase %d) after %v", kind, status, phase, d))
	}
}

// With PostgreSQL stopped under load, the API hook, a token-authenticated
// API call and a signed-in page answer 503 with Retry-After within a
// second (never 401/403/404, never a hang); once it is back, every
// message the hook accepted before or after is stored.
func TestDatabaseOutageAnswers503AndLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a PostgreSQL server")
	}
	pg := dbtest.StartPrivatePostgres(t)
	n := hubtest.StartOn(t, hubtest.Storage{DatabaseURL: pg.URL, DataDir: t.TempDir(), RedisURL: kvtest.URL(), RedisPrefix: kvtest.NewPrefix()})
	ctx := context.Background()
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия", n.Root.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, chToken, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	admin, err := n.Org.AuthByLogin(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	apiToken, _, err := n.Auth.CreateToken(ctx, n.System, admin.ID, "outage test", 0)
	if err != nil {
		t.Fatal(err)
	}
	browser := n.NewBrowser(t)
	if resp := browser.Login(t, "admin", hubtest.AdminPassword); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login = %d", resp.StatusCode)
	}

	var phase atomic.Int32
	log := &outageLog{latency: map[string][]time.Duration{}, statuses: map[int32]map[string]map[int]int{}}
	client := &http.Client{Timeout: 5 * time.Second}
	call := func(kind string, c *http.Client, req *http.Request) int {
		p := phase.Load()
		start := time.Now()
		resp, err := c.Do(req)
		d := time.Since(start)
		if err != nil {
			log.mu.Lock()
			log.bad = append(log.bad, fmt.Sprintf("%s: %v after %v", kind, err, d))
			log.mu.Unlock()
			return 0
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if p == phase.Load() { // an answer that straddles a switch belongs to neither
			log.add(p, kind, resp.StatusCode, resp.Header.Get("Retry-After"), d)
		}
		return resp.StatusCode
	}

	stop := make(chan struct{})
	var accepted sync.Map // message id → true
	var wg sync.WaitGroup
	const senders = 4
	for s := range senders {
		wg.Add(1)
		go func() {
			defer wg.Done()
			deadline := time.Time{}
			for i := 0; ; i++ {
				id := fmt.Sprintf("s%d-%04d", s, i)
				// A message is retried until accepted, as a client told
				// "try again" does; the load ends between messages.
				for {
					var in inbox.APIInbound
					in.Contact.ID, in.ChatID, in.Message.ID, in.Message.Text = fmt.Sprintf("c%d", s), fmt.Sprintf("chat%d", s), id, "сообщение "+id
					b, _ := json.Marshal(in)
					req, _ := http.NewRequest("POST", n.Server.URL+"/hooks/api/"+ch.ID+"/messages", bytes.NewReader(b))
					req.Header.Set("Authorization", "Bearer "+chToken)
					req.Header.Set("Content-Type", "application/json")
					code := call("hook", client, req)
					if code == http.StatusCreated || code == http.StatusOK {
						accepted.Store(id, true)
						break
					}
					select {
					case <-stop:
						if deadline.IsZero() {
							deadline = time.Now().Add(30 * time.Second)
						}
					default:
					}
					if !deadline.IsZero() && time.Now().After(deadline) {
						t.Errorf("message %s not accepted 30 s after the load stopped", id)
						return
					}
					time.Sleep(20 * time.Millisecond)
				}
				select {
				case <-stop:
					return
				default:
				}
			}
		}()
	}
	readers := map[string]func() (*http.Client, *http.Request){
		"bearer api": func() (*http.Client, *http.Request) {
			req, _ := http.NewRequest("GET", n.Server.URL+"/api/v1/inbox/conversations?limit=1", nil)
			req.Header.Set("Authorization", "Bearer "+apiToken)
			return client, req
		},
		"session page": func() (*http.Client, *http.Request) {
			req, _ := http.NewRequest("GET", n.Server.URL+"/profile", nil)
			return browser.Client, req
		},
	}
	for kind, mk := range readers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				c, req := mk()
				call(kind, c, req)
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}

	time.Sleep(time.Second)
	pg.Stop()
	phase.Store(phaseDown)
	time.Sleep(3 * time.Second)
	phase.Store(phaseAfter)
	pg.Start()
	time.Sleep(2 * time.Second)
	close(stop)
	wg.Wait()

	for _, b := range log.bad[:min(len(log.bad), 20)] {
		t.Error(b)
	}
	if len(log.bad) > 20 {
		t.Errorf("… and %d more", len(log.bad)-20)
	}
	for p, kinds := range log.statuses {
		t.Logf("phase %d: %v", p, kinds)
	}
	for _, kind := range []string{"hook", "bearer api", "session page"} {
		ds := log.latency[kind]
		if len(ds) == 0 {
			t.Errorf("%s: no 503 while the database was down", kind)
			continue
		}
		slices.Sort(ds)
		t.Logf("%s: %d answers of 503 during the outage; latency p50 %v, p99 %v, max %v", kind, len(ds),
			ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1])
	}
	if got := log.statuses[phaseAfter]["hook"]; got[http.StatusCreated] == 0 {
		t.Errorf("the hook accepted nothing after the database returned: %v", got)
	}

	var ids []string
	accepted.Range(func(k, _ any) bool { ids = append(ids, k.(string)); return true })
	stored := map[string]bool{}
	rows, err := n.DB.QueryContext(ctx, `SELECT external_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in'`, ch.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		stored[id] = true
	}
	rows.Close()
	var lost []string
	for _, id := range ids {
		if !stored[id] {
			lost = append(lost, id)
		}
	}
	t.Logf("%d messages accepted, %d stored", len(ids), len(stored))
	if len(ids) == 0 || len(lost) > 0 {
		t.Fatalf("%d of %d accepted messages lost: %v", len(lost), len(ids), lost[:min(len(lost), 10)])
	}

	// A database made read-only (as a standby, or by an administrator
	// short of disk) still answers pings: the node turns not ready, and
	// a message is refused with 503, until writes work again.
	readOnly := func(on string) {
		t.Helper()
		if err := pg.Exec("ALTER SYSTEM SET default_transaction_read_only = " + on); err != nil {
			t.Fatal(err)
		}
		if err := pg.Exec("SELECT pg_reload_conf()"); err != nil {
			t.Fatal(err)
		}
		time.Sleep(1100 * time.Millisecond) // the reload reaches every backend; readyz's last probe expires
	}
	readOnly("on")
	if code, body := readyz(t, n); code != http.StatusServiceUnavailable {
		t.Errorf("read-only database: readyz = %d %s", code, body)
	}
	var in inbox.APIInbound
	in.Contact.ID, in.Message.ID, in.Message.Text = "ro", "read-only-1", "текст"
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", n.Server.URL+"/hooks/api/"+ch.ID+"/messages", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+chToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Errorf("message to a read-only database = %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	readOnly("off")
	if code, body := readyz(t, n); code != http.StatusOK {
		t.Errorf("writable again: readyz = %d %s", code, body)
	}
}
