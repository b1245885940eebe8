package inbox_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
)

// groupFaults makes two kinds of reply fail inside a group: a reply with
// the text "bad-write" fails in its own savepoint (its message insert is
// refused), and one with the text "bad-event" fails in the group's event
// flush (its event insert is refused), so the group is written again one
// by one. On PostgreSQL the first also records its transaction's id in a
// sequence (sequences ignore rollbacks), so the test can tell that the
// savepoint was undone in a transaction that committed other replies.
func groupFaults(t *testing.T, n *hubtest.Node, pg bool) {
	t.Helper()
	qs := []string{
		`CREATE TRIGGER bad_write BEFORE INSERT ON inbox_messages WHEN NEW.text = 'bad-write' BEGIN SELECT RAISE(ABORT, 'injected bad write'); END`,
		`CREATE TRIGGER bad_event BEFORE INSERT ON inbox_events WHEN NEW.payload LIKE '%bad-event%' BEGIN SELECT RAISE(ABORT, 'injected bad event'); END`,
	}
	if pg {
		qs = []string{
			`CREATE SEQUENCE bad_write_tx MINVALUE 0 START 0`,
			`CREATE FUNCTION bad_write() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.text = 'bad-write' THEN
					PERFORM setval('bad_write_tx', txid_current());
					RAISE EXCEPTION 'injected bad write';
				END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER bad_write BEFORE INSERT ON inbox_messages FOR EACH ROW EXECUTE FUNCTION bad_write()`,
			`CREATE FUNCTION bad_event() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.payload LIKE '%bad-event%' THEN
					RAISE EXCEPTION 'injected bad event';
				END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER bad_event BEFORE INSERT ON inbox_events FOR EACH ROW EXECUTE FUNCTION bad_event()`,
		}
	}
	for _, q := range qs {
		if _, err := n.DB.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// ackedReply is a reply its sender got 201 for.
type ackedReply struct {
	conv, id, clientID string
	seq                int64
}

// Group-committed replies, with failing writes among them, keep every
// guarantee of a lone write. Eight operators' tabs each reply to two
// conversations in turn, waiting for each answer, all at once, so the
// replies share groups; in each round one reply fails in its savepoint and
// one fails in the group's event flush (the group is then written one by
// one). Rounds go on until the flush fallback has run (the log says so)
// and, on PostgreSQL, a savepoint was undone in a transaction that
// committed other replies. Then: every acknowledged reply is stored once
// with its seq and has exactly one event; the failing ones are stored
// nowhere; each conversation's seqs and its message events have no gaps
// and agree in order; the event log has no gaps; and the events of each
// tab's replies are in the order the tab was answered, across
// conversations.
func TestGroupedWritesKeepEventOrder(t *testing.T) {
	s := hubtest.NewStorage(t)
	pg := s.DatabaseURL != ""
	logs := &lockedBuffer{}
	s.Log = logs
	n := hubtest.StartOn(t, s)
	f := newFixtureOn(t, n, inbox.Manual, nil)
	base := n.Server.URL
	ctx := context.Background()

	const convs = 8
	ids, tokens := make([]string, convs), make([]string, convs)
	for i := range ids {
		tokens[i] = []string{f.tok1, f.tok2}[i%2]
		code, res := f.post(t, base, fmt.Sprintf("ge-%d", i), fmt.Sprintf("ge-m-%d", i), "Вопрос")
		if code != http.StatusCreated {
			t.Fatalf("inbound: %d", code)
		}
		ids[i] = res.ConversationID
		if code, body := call(t, base, tokens[i], "POST", "/api/v1/inbox/conversations/"+ids[i]+"/take", nil); code != http.StatusOK {
			t.Fatalf("take: %d %s", code, body)
		}
	}
	groupFaults(t, n, pg)

	reply := func(token, conv, text, clientID string) (int, inbox.Message) {
		b, _ := json.Marshal(inbox.ReplyInput{Text: text, ClientID: clientID})
		req, _ := http.NewRequest("POST", base+"/api/v1/inbox/conversations/"+conv+"/messages", bytes.NewReader(b))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, inbox.Message{}
		}
		defer resp.Body.Close()
		var m inbox.Message
		_ = json.NewDecoder(resp.Body).Decode(&m)
		return resp.StatusCode, m
	}

	// tabs[i] lists tab i's acknowledged replies in the order answered.
	tabs := make([][]ackedReply, convs)
	var failed []string // client ids of the replies that had to fail
	var mu sync.Mutex
	groupedUndo := func() bool {
		if !pg {
			return true // SQLite cannot tell a savepoint's transaction afterwards
		}
		var n64 int
		_ = n.DB.QueryRowContext(ctx, `SELECT count(*) FROM inbox_events
			WHERE xmin::text = (SELECT (last_value % 4294967296)::text FROM bad_write_tx)`).Scan(&n64)
		return n64 > 0
	}
	fallback := func() bool { return strings.Contains(logs.String(), "group write failed; writing one by one") }
	deadline := time.Now().Add(60 * time.Second)
	rounds := 0
	for ; !(fallback() && groupedUndo()); rounds++ {
		if time.Now().After(deadline) {
			t.Fatalf("after %d rounds the failing replies never shared a group (fallback seen: %v, grouped undo seen: %v)",
				rounds, fallback(), groupedUndo())
		}
		var wg sync.WaitGroup
		for i := range convs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := range 6 {
					conv := ids[i]
					if k%2 == 1 {
						conv = ids[(i+2)%convs] // the same operator's
					}
					text, clientID := fmt.Sprintf("Ответ %d", k), fmt.Sprintf("ge-%d-%d-%d", rounds, i, k)
					switch {
					case k == 3 && i == rounds%convs:
						text = "bad-write"
					case k == 3 && i == (rounds+4)%convs:
						text = "bad-event"
					}
					code, m := reply(tokens[i], conv, text, clientID)
					if text != "bad-write" && text != "bad-event" {
						if code != http.StatusCreated {
							t.Errorf("reply %s answered %d", clientID, code)
							continue
						}
						tabs[i] = append(tabs[i], ackedReply{conv: conv, id: m.ID, clientID: clientID, seq: m.Seq})
						continue
					}
					if code == http.StatusCreated {
						t.Errorf("the %s reply %s was acknowledged", text, clientID)
					}
					mu.Lock()
					failed = append(failed, clientID)
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
	}
	t.Logf("%d rounds until the failing replies shared groups", rounds)

	// The event log: one message event per stored message, found by id.
	eventOf := map[string]int64{} // message id → event seq
	byConv := map[string][]int64{}
	rows, err := n.DB.QueryContext(ctx, `SELECT seq, payload FROM inbox_events WHERE kind = 'message' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var seq int64
		var p string
		var ev struct {
			ConversationID string `json:"conversation_id"`
			Message        struct {
				ID  string `json:"id"`
				Seq int64  `json:"seq"`
			} `json:"message"`
		}
		if err := rows.Scan(&seq, &p); err != nil || json.Unmarshal([]byte(p), &ev) != nil {
			t.Fatalf("event %d %q: %v", seq, p, err)
		}
		if _, twice := eventOf[ev.Message.ID]; twice {
			t.Errorf("message %s has two events", ev.Message.ID)
		}
		eventOf[ev.Message.ID] = seq
		byConv[ev.ConversationID] = append(byConv[ev.ConversationID], ev.Message.Seq)
	}
	rows.Close()

	total := 0
	for i, tab := range tabs {
		total += len(tab)
		var last int64
		for _, r := range tab {
			var id string
			var seq int64
			if err := n.DB.QueryRowContext(ctx, `SELECT id, seq FROM inbox_messages WHERE client_id = $1`, r.clientID).Scan(&id, &seq); err != nil {
				t.Errorf("acknowledged reply %s is not stored: %v", r.clientID, err)
				continue
			}
			if id != r.id || seq != r.seq {
				t.Errorf("reply %s acknowledged as %s seq %d, stored as %s seq %d", r.clientID, r.id, r.seq, id, seq)
			}
			ev, ok := eventOf[r.id]
			if !ok {
				t.Errorf("acknowledged reply %s has no event", r.clientID)
				continue
			}
			if ev <= last {
				t.Errorf("tab %d: reply %s answered after another has event %d, not after %d", i, r.clientID, ev, last)
			}
			last = ev
		}
	}
	for _, clientID := range failed {
		var stored int
		_ = n.DB.QueryRowContext(ctx, `SELECT count(*) FROM inbox_messages WHERE client_id = $1`, clientID).Scan(&stored)
		if stored != 0 {
			t.Errorf("failed reply %s was stored", clientID)
		}
	}
	for i, conv := range ids {
		var count, maxSeq int64
		if err := n.DB.QueryRowContext(ctx, `SELECT count(*), max(seq) FROM inbox_messages WHERE conversation_id = $1`, conv).Scan(&count, &maxSeq); err != nil {
			t.Fatal(err)
		}
		if count != maxSeq {
			t.Errorf("conversation %d: %d messages up to seq %d (a gap)", i, count, maxSeq)
		}
		seqs := byConv[conv]
		for k, seq := range seqs {
			if seq != int64(k+1) {
				t.Errorf("conversation %d: message event %d is of seq %d", i, k, seq)
				break
			}
		}
		if int64(len(seqs)) != count {
			t.Errorf("conversation %d: %d message events for %d messages", i, len(seqs), count)
		}
	}
	var evCount, evMin, evMax int64
	if err := n.DB.QueryRowContext(ctx, `SELECT count(*), min(seq), max(seq) FROM inbox_events`).Scan(&evCount, &evMin, &evMax); err != nil {
		t.Fatal(err)
	}
	if evCount != evMax-evMin+1 {
		t.Errorf("the event log holds %d events from %d to %d (a gap)", evCount, evMin, evMax)
	}
	if total == 0 || len(failed) < 2 {
		t.Fatalf("%d replies acknowledged, %d failed: nothing was tested", total, len(failed))
	}
}
