package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/db"
)

// Replies to eight conversations go at once, each conversation's one
// after another, so they share group commits (the metric proves it). Each
// conversation's replies keep the order they were written in and are
// numbered without gaps; a reply sent twice with one client id is stored
// once and both senders get it; a reply to a closed conversation is
// refused without undoing the replies it shared a transaction with; the
// event log has each conversation's messages in seq order.
func TestConcurrentRepliesShareGroupsAndKeepOrder(t *testing.T) {
	const metricsToken = "group-write-metrics"
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = metricsToken })
	f := newFixtureOn(t, n, inbox.Manual, nil)
	base := n.Server.URL
	const convs, replies = 8, 15
	ids := make([]string, convs+1)
	// Two operators hold them (a line's default limit is five each).
	tokens := make([]string, convs+1)
	for i := range ids {
		tokens[i] = f.tok1
		if i%2 == 1 {
			tokens[i] = f.tok2
		}
		code, res := f.post(t, base, fmt.Sprintf("group-%d", i), fmt.Sprintf("g-%d", i), "Вопрос")
		if code != http.StatusCreated {
			t.Fatalf("inbound: %d", code)
		}
		ids[i] = res.ConversationID
		if code, body := call(t, base, tokens[i], "POST", "/api/v1/inbox/conversations/"+ids[i]+"/take", nil); code != http.StatusOK {
			t.Fatalf("take: %d %s", code, body)
		}
	}
	closed := ids[convs]
	if code, body := call(t, base, tokens[convs], "POST", "/api/v1/inbox/conversations/"+closed+"/close", map[string]any{}); code != http.StatusOK {
		t.Fatalf("close: %d %s", code, body)
	}

	type answer struct {
		code int
		msg  inbox.Message
	}
	reply := func(token, conv, text, clientID string) answer {
		b, _ := json.Marshal(inbox.ReplyInput{Text: text, ClientID: clientID})
		req, _ := http.NewRequest("POST", base+"/api/v1/inbox/conversations/"+conv+"/messages", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return answer{}
		}
		defer resp.Body.Close()
		var a answer
		a.code = resp.StatusCode
		_ = json.NewDecoder(resp.Body).Decode(&a.msg)
		return a
	}
	got := make([][]answer, convs)
	var refused []int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range replies {
				send := func() answer {
					return reply(tokens[i], ids[i], fmt.Sprintf("Ответ %d", k), fmt.Sprintf("c-%d-%d", i, k))
				}
				if k != 5 {
					got[i] = append(got[i], send())
				} else {
					// Two tabs send the same reply at once: both may pass the
					// check for a known client id and meet in one group,
					// where the second insert is undone alone.
					var twin answer
					done := make(chan struct{})
					go func() { twin = send(); close(done) }()
					a := send()
					<-done
					if twin.msg.ID != a.msg.ID {
						t.Errorf("conversation %d: one reply sent twice became %s and %s", i, a.msg.ID, twin.msg.ID)
					}
					got[i] = append(got[i], a)
				}
				if k%4 == 0 {
					a := reply(tokens[convs], closed, "Поздно", fmt.Sprintf("late-%d-%d", i, k))
					mu.Lock()
					refused = append(refused, a.code)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()

	ctx := context.Background()
	for i := range convs {
		for k, a := range got[i] {
			if a.code != http.StatusCreated {
				t.Fatalf("conversation %d reply %d: %d", i, k, a.code)
			}
			// The replies follow one another in the order written, after
			// the member's message and the take's system entry.
			if want := got[i][0].msg.Seq + int64(k); a.msg.Seq != want || got[i][0].msg.Seq < 2 {
				t.Errorf("conversation %d reply %d has seq %d, want %d", i, k, a.msg.Seq, want)
			}
		}
		var count int64
		want := got[i][0].msg.Seq - 1 + replies
		if err := n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1`, ids[i]).Scan(&count); err != nil || count != want {
			t.Errorf("conversation %d holds %d messages (%v), want %d", i, count, err, want)
		}
		rows, err := n.DB.QueryContext(ctx, `SELECT payload FROM inbox_events WHERE conversation_id = $1 AND kind = 'message' ORDER BY seq`, ids[i])
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		for rows.Next() {
			var p string
			var ev struct{ Message struct{ Seq int64 } }
			if err := rows.Scan(&p); err != nil || json.Unmarshal([]byte(p), &ev) != nil {
				t.Fatalf("event %q: %v", p, err)
			}
			if ev.Message.Seq != last+1 {
				t.Errorf("conversation %d: message event of seq %d after %d", i, ev.Message.Seq, last)
			}
			last = ev.Message.Seq
		}
		rows.Close()
	}
	for _, code := range refused {
		if code != http.StatusConflict && code != http.StatusUnprocessableEntity {
			t.Errorf("a reply to a closed conversation answered %d", code)
		}
	}
	var late int
	_ = n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'out'`, closed).Scan(&late)
	if late != 0 {
		t.Errorf("%d replies were stored in the closed conversation", late)
	}

	sum, count := histogram(t, base+"/metrics", metricsToken, "profhub_inbox_write_group_size")
	if count == 0 || sum <= count {
		t.Errorf("replies were never committed together: %v writes in %v transactions", sum, count)
	}
	t.Logf("%v replies in %v transactions", sum, count)
	if n.DB.Dialect == db.Postgres {
		// PostgreSQL stores a group's replies in one statement (a group
		// holding the twins falls back to a savepoint each).
		if together := metricValue(t, base+"/metrics", metricsToken, "profhub_inbox_posts_stored_together_total"); together < 2 {
			t.Errorf("replies were never stored in one statement: %v", together)
		}
	}
}

// histogram reads a histogram's sum and count from a /metrics page.
func histogram(t *testing.T, url, token, name string) (sum, count float64) {
	for _, l := range strings.Split(metricsPage(t, url, token), "\n") {
		if v, ok := strings.CutPrefix(l, name+"_sum "); ok {
			sum, _ = strconv.ParseFloat(v, 64)
		}
		if v, ok := strings.CutPrefix(l, name+"_count "); ok {
			count, _ = strconv.ParseFloat(v, 64)
		}
	}
	return sum, count
}

// metricValue reads an unlabelled counter or gauge from a /metrics page.
func metricValue(t *testing.T, url, token, name string) float64 {
	for _, l := range strings.Split(metricsPage(t, url, token), "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, _ := strconv.ParseFloat(v, 64)
			return f
		}
	}
	return 0
}

func metricsPage(t *testing.T, url, token string) string {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// PostgreSQL ends reply groups with a deadlock and a serialization failure
// (a trigger raises them for the first outbound inserts): the group is run
// again, every reply is stored once, every caller has its answer, and the
// log has no warning about it.
func TestReplyGroupsRetryDeadlocksQuietly(t *testing.T) {
	for _, code := range []string{"40P01", "40001"} {
		t.Run(code, func(t *testing.T) {
			s := hubtest.NewStorage(t)
			if s.DatabaseURL == "" {
				t.Skip("PostgreSQL only (PROFHUB_TEST_DATABASE_URL)")
			}
			logs := &lockedBuffer{}
			s.Log = logs
			n := hubtest.StartOn(t, s)
			f := newFixtureOn(t, n, inbox.Manual, nil)
			base := n.Server.URL
			convs := make([]string, 4)
			for i := range convs {
				_, res := f.post(t, base, fmt.Sprintf("dl-%d", i), fmt.Sprintf("dl-m-%d", i), "Вопрос")
				convs[i] = res.ConversationID
				if code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+convs[i]+"/take", nil); code != http.StatusOK {
					t.Fatalf("take: %d %s", code, body)
				}
			}
			for _, q := range []string{
				`CREATE SEQUENCE inject_reply_faults`,
				`CREATE FUNCTION inject_reply_fault() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF NEW.direction = 'out' AND nextval('inject_reply_faults') <= 3 THEN
						RAISE EXCEPTION 'injected' USING ERRCODE = '` + code + `';
					END IF;
					RETURN NEW;
				END $$`,
				`CREATE TRIGGER inject_reply_fault BEFORE INSERT ON inbox_messages FOR EACH ROW EXECUTE FUNCTION inject_reply_fault()`,
			} {
				if _, err := n.DB.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			before := len(logs.String())
			var wg sync.WaitGroup
			codes := make(chan int, 20)
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					b, _ := json.Marshal(inbox.ReplyInput{Text: "Ответ", ClientID: fmt.Sprintf("dl-r-%d", i)})
					req, _ := http.NewRequest("POST", base+"/api/v1/inbox/conversations/"+convs[i%4]+"/messages", bytes.NewReader(b))
					req.Header.Set("Authorization", "Bearer "+f.tok1)
					req.Header.Set("Content-Type", "application/json")
					resp, err := http.DefaultClient.Do(req)
					if err != nil {
						codes <- 0
						return
					}
					resp.Body.Close()
					codes <- resp.StatusCode
				}()
			}
			wg.Wait()
			close(codes)
			for c := range codes {
				if c != http.StatusCreated {
					t.Fatalf("a reply answered %d", c)
				}
			}
			var stored, injected int
			_ = n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE client_id LIKE 'dl-r-%'`).Scan(&stored)
			_ = n.DB.QueryRow(`SELECT last_value FROM inject_reply_faults`).Scan(&injected)
			if stored != 20 || injected < 4 {
				t.Fatalf("%d of 20 replies stored; %d inserts tried", stored, injected)
			}
			for _, line := range strings.Split(logs.String()[before:], "\n") {
				if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
					t.Errorf("logged: %s", line)
				}
			}
		})
	}
}
