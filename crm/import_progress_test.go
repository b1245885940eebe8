package crm_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// TestImportProgressStream: the wizard's live progress is a stream of
// server-sent events: the batch at once, then each change of its count,
// never going back, until the last event says it is done with every row
// counted; then the stream ends. Another organisation's user gets no
// stream of it.
func TestImportProgressStream(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	school := n.AddUnit(t, n.Root.ID, org.Primary, "ППО школы")
	other := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода")
	sec := n.AddUser(t, "sec", access.Secretary, school.ID, "password-sec-1")
	stranger := n.AddUser(t, "stranger", access.Secretary, other.ID, "password-sec-2")
	var csv strings.Builder
	csv.WriteString("Фамилия;Имя;№ профбилета\n")
	const rows = 6000
	for i := range rows {
		fmt.Fprintf(&csv, "Иванова;Мария;P-%05d\n", i)
	}
	sc := sec.Scope("test")
	a, err := n.CRM.ImportSessions.Upload(ctx, sc, "реестр.csv", []byte(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	plan := crm.ImportPlan{UnitID: school.ID, Mapping: map[string]string{}}
	for _, c := range a.Columns {
		plan.Mapping[c.Heading] = c.Field
	}
	b, err := n.CRM.ImportSessions.Run(ctx, sc, a.Session, plan)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/crm/import-batches/" + b.ID + "/events"
	if code, _ := httpCall(t, n.Server.URL, apiToken(t, n, stranger), "GET", path, nil); code != http.StatusNotFound {
		t.Errorf("another organisation's stream = %d", code)
	}
	req, _ := http.NewRequest("GET", n.Server.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+apiToken(t, n, sec))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream = %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var events []crm.ImportBatch
	sc2 := bufio.NewScanner(resp.Body)
	event := ""
	for sc2.Scan() { // ends when the server closes the stream
		line := sc2.Text()
		if e, ok := strings.CutPrefix(line, "event: "); ok {
			event = e
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok && event == "progress" {
			var x crm.ImportBatch
			if err := json.Unmarshal([]byte(d), &x); err != nil {
				t.Fatal(err)
			}
			events = append(events, x)
		}
	}
	if len(events) == 0 {
		t.Fatal("no progress events")
	}
	for i := 1; i < len(events); i++ {
		if events[i].Done < events[i-1].Done && events[i].Status == crm.BatchRunning {
			t.Errorf("progress went back: %+v", events)
		}
	}
	last := events[len(events)-1]
	if last.Status != crm.BatchDone || last.Created != rows || last.Total != rows {
		t.Errorf("last event = %+v (of %d)", last, len(events))
	}
	t.Logf("%d progress events for %d rows", len(events), rows)
}
