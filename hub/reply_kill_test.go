package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
)

// Operators' replies are committed in groups (inbox/group_write.go). A
// node killed with SIGKILL while twenty operators reply as fast as they
// can keeps every reply it acknowledged, each once, with the seq it was
// acknowledged with, in the order it was written; a conversation's seqs
// have no gaps, and the event log holds the replies in seq order. The
// node started again numbers the next reply right after the last.
func TestKilledNodeKeepsAcknowledgedReplies(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	bin := buildBinary(t)
	s, _ := hubtest.NewSharedStorage(t)
	a := startProcess(t, bin, s)

	ctx := context.Background()
	d, rec, admin := adminOf(t, s)
	var op struct{ ID string }
	if code := api(t, a.base, admin, "POST", "/api/v1/users", map[string]any{"login": "op1", "full_name": "Оператор Ответов", "role": "operator",
		"unit_id": rec.UnitID, "password": "operator-password"}, &op); code != 201 {
		t.Fatalf("create operator: %d", code)
	}
	var tok struct{ Token string }
	api(t, a.base, admin, "POST", "/api/v1/tokens", map[string]any{"name": "console", "user_id": op.ID}, &tok)
	var line struct{ ID string }
	if code := api(t, a.base, admin, "POST", "/api/v1/inbox/lines", map[string]any{"name": "Линия", "unit_id": rec.UnitID,
		"routing_mode": "manual", "max_active": 100, "operators": []map[string]any{{"user_id": op.ID}}}, &line); code != 201 {
		t.Fatalf("create line: %d", code)
	}
	var ch struct {
		Channel struct{ ID string }
		Token   string
	}
	api(t, a.base, admin, "POST", "/api/v1/inbox/channels", map[string]any{"line_id": line.ID, "kind": "api", "name": "Сайт"}, &ch)

	const convs = 20
	ids := make([]string, convs)
	for i := range ids {
		var in struct {
			ConversationID string `json:"conversation_id"`
		}
		msg := map[string]any{"contact": map[string]string{"id": fmt.Sprintf("member-%d", i)},
			"message": map[string]string{"id": fmt.Sprintf("m-%d", i), "text": "Добрый день"}}
		if code := api(t, a.base, ch.Token, "POST", "/hooks/api/"+ch.Channel.ID+"/messages", msg, &in); code != 201 {
			t.Fatalf("inbound: %d", code)
		}
		ids[i] = in.ConversationID
		if code := api(t, a.base, tok.Token, "POST", "/api/v1/inbox/conversations/"+ids[i]+"/take", nil, nil); code != 200 {
			t.Fatalf("take: %d", code)
		}
	}

	// Each conversation gets replies one after another (its operator
	// waits for each answer); the twenty go at once, so they share
	// groups. acked[i] lists the seq each acknowledged reply was given.
	acked := make([][]int64, convs)
	var ackedAll atomic.Int64
	client := &http.Client{Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for i := range convs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; ; k++ {
				select {
				case <-stop:
					return
				default:
				}
				var m struct{ Seq int64 }
				code, err := post(client, a.base, tok.Token, "/api/v1/inbox/conversations/"+ids[i]+"/messages",
					map[string]string{"text": fmt.Sprintf("Ответ %d", k), "client_id": fmt.Sprintf("r-%d-%d", i, k)}, &m)
				if err != nil || code != http.StatusCreated {
					return // the node is gone
				}
				acked[i] = append(acked[i], m.Seq)
				ackedAll.Add(1)
			}
		}()
	}
	// Killed while the replies still flow, once a hundred have been
	// acknowledged: groups are then being written.
	for deadline := time.Now().Add(60 * time.Second); ackedAll.Load() < 100 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if err := a.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = a.cmd.Wait()
	close(stop)
	wg.Wait()

	total := 0
	for i, conv := range ids {
		total += len(acked[i])
		rows, err := d.QueryContext(ctx, `SELECT seq, direction, COALESCE(client_id, '') FROM inbox_messages WHERE conversation_id = $1 ORDER BY seq`, conv)
		if err != nil {
			t.Fatal(err)
		}
		bySeq := map[int64]string{}
		var want int64 = 1
		for rows.Next() {
			var seq int64
			var dir, clientID string
			if err := rows.Scan(&seq, &dir, &clientID); err != nil {
				t.Fatal(err)
			}
			if seq != want {
				t.Errorf("conversation %d: seq %d where %d was due (a gap or a double)", i, seq, want)
			}
			want = seq + 1
			bySeq[seq] = clientID
		}
		rows.Close()
		for k, seq := range acked[i] {
			if got, wantID := bySeq[seq], fmt.Sprintf("r-%d-%d", i, k); got != wantID {
				t.Errorf("conversation %d: acknowledged reply %s (seq %d) is stored as %q", i, wantID, seq, got)
			}
		}
		// The event log has the conversation's messages in seq order.
		evs, err := d.QueryContext(ctx, `SELECT payload FROM inbox_events WHERE conversation_id = $1 AND kind = 'message' ORDER BY seq`, conv)
		if err != nil {
			t.Fatal(err)
		}
		var last int64
		evented := map[int64]bool{}
		for evs.Next() {
			var payload string
			if err := evs.Scan(&payload); err != nil {
				t.Fatal(err)
			}
			var ev struct{ Message struct{ Seq int64 } }
			if err := json.Unmarshal([]byte(payload), &ev); err != nil {
				t.Fatalf("event payload %s: %v", payload, err)
			}
			seq := ev.Message.Seq
			if seq <= last {
				t.Errorf("conversation %d: message event of seq %d after seq %d", i, seq, last)
			}
			last = seq
			evented[seq] = true
		}
		evs.Close()
		// Nothing acknowledged is missing from the log the consoles follow.
		for k, seq := range acked[i] {
			if !evented[seq] {
				t.Errorf("conversation %d: acknowledged reply r-%d-%d (seq %d) has no message event", i, i, k, seq)
			}
		}
	}
	if total < convs {
		t.Fatalf("only %d replies were acknowledged before the kill: nothing was tested", total)
	}
	t.Logf("%d replies acknowledged before the kill", total)

	// The node comes back and numbers on.
	b := startProcess(t, bin, s)
	var m struct{ Seq int64 }
	if code, err := post(client, b.base, tok.Token, "/api/v1/inbox/conversations/"+ids[0]+"/messages",
		map[string]string{"text": "После перезапуска", "client_id": "after"}, &m); err != nil || code != http.StatusCreated {
		t.Fatalf("reply after restart: %d %v", code, err)
	}
	var lastSeq int64
	if err := d.QueryRowContext(ctx, `SELECT MAX(seq) FROM inbox_messages WHERE conversation_id = $1 AND client_id <> 'after'`, ids[0]).Scan(&lastSeq); err != nil {
		t.Fatal(err)
	}
	if m.Seq != lastSeq+1 {
		t.Errorf("the reply after restart has seq %d, want %d", m.Seq, lastSeq+1)
	}
}

// post is api for goroutines: errors are returned, not fatal.
func post(c *http.Client, base, token, path string, in, out any) (int, error) {
	b, _ := json.Marshal(in)
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, json.NewDecoder(resp.Body).Decode(out)
}
