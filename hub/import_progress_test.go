package hub_test

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

// An import runs on one node while the secretary's browser follows its
// progress through another (behind a balancer): the count moves there
// too, read from Redis where the running node posts it, never goes back,
// and the stream ends with the batch done and every row counted.
func TestImportProgressOnAnotherNode(t *testing.T) {
	storage, _ := hubtest.NewSharedStorage(t)
	runner, viewer := hubtest.StartOn(t, storage), hubtest.StartOn(t, storage)
	ctx := context.Background()
	school := runner.AddUnit(t, runner.Root.ID, org.Primary, "ППО школы")
	sec := runner.AddUser(t, "sec", access.Secretary, school.ID, "password-sec-1")
	tok, _, err := runner.Auth.CreateToken(ctx, runner.System, sec.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	var csv strings.Builder
	csv.WriteString("Фамилия;Имя;№ профбилета\n")
	const rows = 40000
	for i := range rows {
		fmt.Fprintf(&csv, "Иванова;Мария;P-%06d\n", i)
	}
	sc := sec.Scope("test")
	a, err := runner.CRM.ImportSessions.Upload(ctx, sc, "реестр.csv", []byte(csv.String()))
	if err != nil {
		t.Fatal(err)
	}
	plan := crm.ImportPlan{UnitID: school.ID, Mapping: map[string]string{}}
	for _, c := range a.Columns {
		plan.Mapping[c.Heading] = c.Field
	}
	b, err := runner.CRM.ImportSessions.Run(ctx, sc, a.Session, plan)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = runner.CRM.ImportSessions.Wait(context.Background()) })
	req, _ := http.NewRequest("GET", viewer.Server.URL+"/api/v1/crm/import-batches/"+b.ID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	var events []crm.ImportBatch
	for len(events) == 0 || events[len(events)-1].Status == crm.BatchRunning { // a stream lasts 30 s at most; the browser reconnects
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("stream on the other node = %d", resp.StatusCode)
		}
		lines := bufio.NewScanner(resp.Body)
		event := ""
		for lines.Scan() {
			line := lines.Text()
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
		resp.Body.Close()
	}
	moved := false
	for i, e := range events {
		if e.Status == crm.BatchRunning && e.Done > 0 && e.Done < rows {
			moved = true
		}
		if i > 0 && e.Status == crm.BatchRunning && e.Done < events[i-1].Done {
			t.Errorf("progress went back: %+v", events)
		}
	}
	last := events[len(events)-1]
	if last.Status != crm.BatchDone || last.Created != rows {
		t.Fatalf("last event = %+v", last)
	}
	if !moved {
		t.Fatalf("the other node never showed the count moving: %+v", events)
	}
	t.Logf("%d progress events on the other node for %d rows", len(events), rows)
}
