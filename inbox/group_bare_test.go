package inbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/storage/db"
)

// Closes queued at one moment share a group and run without savepoints.
// One close whose system message the database refuses (a trigger) makes
// the group run again with a savepoint each: it fails alone, its
// neighbours are closed once, with one system message and their events
// each. Two closes of one conversation in the group: one closes it, the
// other is refused (its condition failed, it wrote nothing), and that
// needs no second run.
func TestGroupedClosesGoWithoutSavepoints(t *testing.T) {
	const metricsToken = "group-bare-metrics"
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = metricsToken })
	f := newFixtureOn(t, n, inbox.Manual, nil)
	ctx := context.Background()
	base := n.Server.URL
	open := func(token, name string) string {
		code, res := f.post(t, base, name, "m-"+name, "Вопрос")
		if code != http.StatusCreated {
			t.Fatalf("inbound %s: %d", name, code)
		}
		if code, body := call(t, base, token, "POST", "/api/v1/inbox/conversations/"+res.ConversationID+"/take", nil); code != http.StatusOK {
			t.Fatalf("take %s: %d %s", name, code, body)
		}
		return res.ConversationID
	}
	counts := func(query string, ids []string) map[string]int {
		got := map[string]int{}
		for _, id := range ids {
			var c int
			if err := n.DB.QueryRowContext(ctx, query, id).Scan(&c); err != nil {
				t.Fatal(err)
			}
			got[id] = c
		}
		return got
	}
	// closeAll closes ids (a conversation may come twice) in one group.
	closeAll := func(token string, ids []string) []int {
		reqs := make([]heldRequest, len(ids))
		for i, id := range ids {
			reqs[i] = heldRequest{token, "/api/v1/inbox/conversations/" + id + "/close", "{}"}
		}
		return sendHeld(n, reqs, nil)
	}
	redone := func() float64 {
		return metricValue(t, base+"/metrics", metricsToken, "profhub_inbox_write_groups_redone_total")
	}
	const systemMessages = `SELECT count(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'system'`
	const events = `SELECT count(*) FROM inbox_events WHERE conversation_id = $1`
	const gaps = `SELECT c.last_seq - count(m.id) FROM inbox_conversations c JOIN inbox_messages m ON m.conversation_id = c.id WHERE c.id = $1 GROUP BY c.last_seq`

	a, b, c, d := open(f.tok1, "bare-a"), open(f.tok1, "bare-b"), open(f.tok1, "bare-c"), open(f.tok1, "bare-d")
	fault := []string{
		`CREATE FUNCTION bare_fault() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.conversation_id = '` + c + `' AND NEW.direction = 'system' THEN RAISE EXCEPTION 'injected'; END IF;
			RETURN NEW;
		END $$`,
		`CREATE TRIGGER bare_fault BEFORE INSERT ON inbox_messages FOR EACH ROW EXECUTE FUNCTION bare_fault()`,
	}
	if n.DB.Dialect != db.Postgres {
		fault = []string{`CREATE TRIGGER bare_fault BEFORE INSERT ON inbox_messages
			WHEN NEW.conversation_id = '` + c + `' AND NEW.direction = 'system' BEGIN SELECT RAISE(ABORT, 'injected'); END`}
	}
	for _, q := range fault {
		if _, err := n.DB.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	all := []string{a, b, c, d}
	sys0, ev0 := counts(systemMessages, all), counts(events, all)
	redone0 := redone()

	codes := closeAll(f.tok1, []string{a, b, b, c, d})
	if codes[0] != http.StatusOK || codes[4] != http.StatusOK {
		t.Fatalf("closes of a and d: %v", codes)
	}
	if (codes[1] == http.StatusOK) == (codes[2] == http.StatusOK) || codes[1]+codes[2] != http.StatusOK+http.StatusConflict {
		t.Fatalf("two closes of b: %v, want one 200 and one 409", codes[1:3])
	}
	if codes[3] != http.StatusInternalServerError {
		t.Fatalf("close of c (refused by the database): %d", codes[3])
	}
	if got := redone() - redone0; got != 1 {
		t.Fatalf("groups written again: %v, want 1 (the failed close)", got)
	}
	sys1, ev1 := counts(systemMessages, all), counts(events, all)
	for _, id := range []string{a, b, d} {
		if sys1[id] != sys0[id]+1 {
			t.Errorf("conversation %s: %d system messages after its close, want %d", id, sys1[id], sys0[id]+1)
		}
		if ev1[id]-ev0[id] != ev1[a]-ev0[a] || ev1[id] == ev0[id] {
			t.Errorf("conversation %s: %d events from its close, a had %d", id, ev1[id]-ev0[id], ev1[a]-ev0[a])
		}
	}
	if sys1[c] != sys0[c] || ev1[c] != ev0[c] {
		t.Errorf("the failed close left %d system messages and %d events", sys1[c]-sys0[c], ev1[c]-ev0[c])
	}
	for id, gap := range counts(gaps, all) {
		if gap != 0 {
			t.Errorf("conversation %s: last_seq is %d past its messages", id, gap)
		}
	}
	var status string
	for id, want := range map[string]string{a: "closed", b: "closed", c: "active", d: "closed"} {
		if err := n.DB.QueryRowContext(ctx, `SELECT status FROM inbox_conversations WHERE id = $1`, id).Scan(&status); err != nil || status != want {
			t.Errorf("conversation %s: %q (%v), want %s", id, status, err, want)
		}
	}

	// A refusal alone is no failure: the group is not written again.
	e, g := open(f.tok2, "bare-e"), open(f.tok2, "bare-g")
	codes = closeAll(f.tok2, []string{e, g, g})
	if codes[0] != http.StatusOK || codes[1]+codes[2] != http.StatusOK+http.StatusConflict {
		t.Fatalf("closes of e, g, g: %v", codes)
	}
	if got := redone() - redone0; got != 1 {
		t.Fatalf("groups written again: %v after a refused close, want still 1", got)
	}
	if sys := counts(systemMessages, []string{g}); sys[g] != 2 {
		t.Errorf("g closed twice? %d system messages, want 2 (taken, closed)", sys[g])
	}
}

// Takes and transfers queued at one moment share a group, and on
// PostgreSQL one statement: each conversation gets its operator, one
// system message, one routing row and its events, seqs without gaps; a
// take whose conversation another node closed meanwhile is refused and
// writes nothing, without the group being written again; a transfer
// alerts its new operator.
func TestGroupedAssignmentsAreStoredTogether(t *testing.T) {
	const metricsToken = "group-assign-metrics"
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = metricsToken })
	f := newFixtureOn(t, n, inbox.Manual, nil)
	ctx := context.Background()
	base := n.Server.URL
	f.online(t, f.tok1, f.tok2)
	waiting := func(name string) string {
		code, res := f.post(t, base, name, "m-"+name, "Вопрос")
		if code != http.StatusCreated {
			t.Fatalf("inbound %s: %d", name, code)
		}
		return res.ConversationID
	}
	together := func(reqs []heldRequest, during func()) []int { return sendHeld(n, reqs, during) }
	metric := func(name string) float64 { return metricValue(t, base+"/metrics", metricsToken, name) }
	redone0, together0 := metric("profhub_inbox_write_groups_redone_total"), metric("profhub_inbox_assignments_stored_together_total")
	c1, c2, c3, c4, gone := waiting("as-1"), waiting("as-2"), waiting("as-3"), waiting("as-4"), waiting("as-gone")
	take := func(tok, id string) heldRequest {
		return heldRequest{tok, "/api/v1/inbox/conversations/" + id + "/take", "{}"}
	}
	takes := []heldRequest{take(f.tok1, c1), take(f.tok1, c2), take(f.tok2, c3), take(f.tok2, c4)}
	var closeGone func()
	if n.DB.Dialect == db.Postgres { // SQLite has one node, and the held writers hold its write lock
		takes = append(takes, take(f.tok1, gone))
		closeGone = func() {
			// another node closes one while its take waits in the queue
			if _, err := n.DB.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'closed' WHERE id = $1`, gone); err != nil {
				t.Error(err)
			}
		}
	}
	codes := together(takes, closeGone)
	if codes[0] != 200 || codes[1] != 200 || codes[2] != 200 || codes[3] != 200 || (len(codes) > 4 && codes[4] != http.StatusConflict) {
		t.Fatalf("takes: %v, want 200 for the first four and a 409", codes)
	}
	transfer := func(tok, id, to string) heldRequest {
		return heldRequest{tok, "/api/v1/inbox/conversations/" + id + "/transfer", `{"operator_id":"` + to + `","comment":"Передаю"}`}
	}
	codes = together([]heldRequest{transfer(f.tok1, c1, f.op2.ID), transfer(f.tok2, c3, f.op1.ID)}, nil)
	if codes[0] != 200 || codes[1] != 200 {
		t.Fatalf("transfers: %v", codes)
	}
	for conv, to := range map[string]string{c1: f.op2.ID, c3: f.op1.ID} {
		var alerts int
		if err := n.DB.QueryRowContext(ctx, `SELECT count(*) FROM notify_items WHERE user_id = $1 AND event_key LIKE $2`,
			to, "inbox-assign:"+conv+":%").Scan(&alerts); err != nil || alerts != 1 {
			t.Errorf("transfer of %s: %d alerts for its new operator (%v), want 1", conv, alerts, err)
		}
	}

	closes0 := metric("profhub_inbox_closes_stored_together_total")
	closeReq := func(tok, id string) heldRequest {
		return heldRequest{tok, "/api/v1/inbox/conversations/" + id + "/close", "{}"}
	}
	c5, c6 := waiting("as-5"), waiting("as-6")
	for _, id := range []string{c5, c6} {
		if code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+id+"/take", nil); code != http.StatusOK {
			t.Fatalf("take: %d %s", code, body)
		}
	}
	if codes := together([]heldRequest{closeReq(f.tok1, c5), closeReq(f.tok1, c6)}, nil); codes[0] != 200 || codes[1] != 200 {
		t.Fatalf("closes: %v", codes)
	}
	for _, id := range []string{c5, c6} {
		var status string
		var system, gap int
		if err := n.DB.QueryRowContext(ctx, `SELECT status, (SELECT count(*) FROM inbox_messages WHERE conversation_id = c.id AND direction = 'system'),
			c.last_seq - (SELECT count(*) FROM inbox_messages WHERE conversation_id = c.id) FROM inbox_conversations c WHERE id = $1`, id).Scan(&status, &system, &gap); err != nil {
			t.Fatal(err)
		}
		if status != "closed" || system != 2 || gap != 0 {
			t.Errorf("closed conversation %s: %s, %d system messages, seq gap %d; want closed, 2 (taken, closed), 0", id, status, system, gap)
		}
	}
	if got := metric("profhub_inbox_closes_stored_together_total") - closes0; (n.DB.Dialect == db.Postgres) != (got == 2) {
		t.Errorf("closes stored together: %v (2 on PostgreSQL, else 0)", got)
	}

	want := map[string]string{c1: f.op2.ID, c2: f.op1.ID, c3: f.op1.ID, c4: f.op2.ID}
	for id, op := range want {
		var assignee, status string
		var system, routed, gap int
		if err := n.DB.QueryRowContext(ctx, `SELECT assignee_id, status,
			(SELECT count(*) FROM inbox_messages WHERE conversation_id = c.id AND direction = 'system'),
			(SELECT count(*) FROM inbox_routing_log WHERE conversation_id = c.id AND decision IN ('taken', 'transferred')),
			c.last_seq - (SELECT count(*) FROM inbox_messages WHERE conversation_id = c.id)
			FROM inbox_conversations c WHERE id = $1`, id).Scan(&assignee, &status, &system, &routed, &gap); err != nil {
			t.Fatal(err)
		}
		moves := 1
		if id == c1 || id == c3 {
			moves = 2 // taken, then transferred
		}
		if assignee != op || status != "active" || system != moves || routed != moves || gap != 0 {
			t.Errorf("conversation %s: %s %s, %d system messages, %d routing rows, seq gap %d; want %s active, %d, %d, 0",
				id, assignee, status, system, routed, gap, op, moves, moves)
		}
	}
	var goneMessages int
	if err := n.DB.QueryRowContext(ctx, `SELECT count(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'system'`, gone).Scan(&goneMessages); err != nil || goneMessages != 0 {
		t.Errorf("the refused take wrote %d system messages (%v)", goneMessages, err)
	}
	if got := metric("profhub_inbox_write_groups_redone_total") - redone0; got != 0 {
		t.Errorf("groups written again: %v, want 0 (a refusal is no failure)", got)
	}
	stored := metric("profhub_inbox_assignments_stored_together_total") - together0
	if n.DB.Dialect == db.Postgres && stored != 7 {
		t.Errorf("assignments stored together: %v, want 7 (five takes, two transfers)", stored)
	} else if n.DB.Dialect != db.Postgres && stored != 0 {
		t.Errorf("assignments stored together on SQLite: %v", stored)
	}
	// Each conversation's events came once, in seq order.
	rows, err := n.DB.QueryContext(ctx, `SELECT conversation_id, payload FROM inbox_events WHERE kind = 'message' ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	last := map[string]int64{}
	for rows.Next() {
		var conv, payload string
		if err := rows.Scan(&conv, &payload); err != nil {
			t.Fatal(err)
		}
		var ev struct {
			Message struct{ Seq int64 } `json:"message"`
		}
		if err := json.Unmarshal([]byte(payload), &ev); err != nil {
			t.Fatal(err)
		}
		if _, ok := want[conv]; ok && ev.Message.Seq <= last[conv] {
			t.Errorf("conversation %s: message event seq %d after %d", conv, ev.Message.Seq, last[conv])
		}
		last[conv] = ev.Message.Seq
	}
}

// heldRequest is an operator's POST: token, path, JSON body.
type heldRequest struct{ token, path, body string }

// sendHeld sends reqs at once while n's group writers are held, lets the
// writers go once all are queued (running during, if not nil, first), so
// that the writes share one group, and returns the answers' status codes.
func sendHeld(n *hubtest.Node, reqs []heldRequest, during func()) []int {
	release := inbox.HoldWriteGroups(n.Inbox.Actions)
	codes := make([]int, len(reqs))
	var wg sync.WaitGroup
	for i, r := range reqs {
		wg.Go(func() {
			req, _ := http.NewRequest("POST", n.Server.URL+r.path, strings.NewReader(r.body))
			req.Header.Set("Authorization", "Bearer "+r.token)
			req.Header.Set("Content-Type", "application/json")
			if resp, err := http.DefaultClient.Do(req); err == nil {
				codes[i] = resp.StatusCode
				resp.Body.Close()
			}
		})
	}
	release(len(reqs), during)
	wg.Wait()
	return codes
}
