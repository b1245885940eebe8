package crm_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// TestAppealNoticesOnce: the day before the deadline the executors are
// reminded; once it has passed they and the head of the committee are
// told it is overdue — once, though two hub nodes (two stores, two
// notifiers) sweep at the same moment and again later; a moved deadline
// is noticed anew.
func TestAppealNoticesOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		resp := f.user(t, "resp", access.Operator, f.a1)
		co := f.user(t, "co", access.Executor, f.a1)
		head := f.user(t, "head", access.Chairman, f.a)
		_ = f.user(t, "other-head", access.Chairman, f.b1) // another committee's: not told
		nodes := make([]*crm.Services, 2)
		notifiers := make([]*workflow.Notices, 2)
		for i := range nodes {
			blobs, err := blob.NewDir(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			wf, err := workflow.New(f.ctx, workflow.Deps{DB: d, Blobs: blobs, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			nodes[i], notifiers[i] = crm.New(crm.Deps{DB: d, Notifier: wf.Notices}), wf.Notices
		}
		sweepAll := func() int {
			var mu sync.Mutex
			var wg sync.WaitGroup
			total := 0
			for _, n := range nodes {
				for range 3 {
					wg.Add(1)
					go func() {
						defer wg.Done()
						sent, err := n.AppealNotices.SweepAppeals(f.ctx)
						if err != nil {
							t.Error(err)
						}
						mu.Lock()
						total += sent
						mu.Unlock()
					}()
				}
			}
			wg.Wait()
			return total
		}
		tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
		a, err := f.s.Appeals.CreateAppeal(f.ctx, head, crm.AppealInput{UnitID: f.a1.ID, Applicant: "Сидорова", Subject: "Охрана труда в цеху",
			ResponsibleID: resp.UserID, CoExecutorIDs: []string{co.UserID}, DueOn: tomorrow})
		if err != nil {
			t.Fatal(err)
		}
		notes := func(sc access.Scope) []workflow.Notification {
			ns, _, err := notifiers[0].Notifications(f.ctx, sc, "", 50)
			if err != nil {
				t.Fatal(err)
			}
			return ns
		}
		if n := sweepAll(); n != 2 {
			t.Errorf("reminders sent = %d, want 2 (responsible, co-executor)", n)
		}
		if ns := notes(resp); len(ns) != 1 || ns[0].Kind != "reminder" || ns[0].AppealID != a.ID || !strings.Contains(ns[0].Text, a.Number) {
			t.Errorf("responsible's notices = %+v", ns)
		}
		if ns := notes(head); len(ns) != 0 {
			t.Errorf("head reminded: %+v", ns)
		}

		in := a.AppealInput
		in.DueOn = time.Now().AddDate(0, 0, -1).Format(time.DateOnly)
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, head, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := sweepAll(); n != 3 {
			t.Errorf("overdue notices sent = %d, want 3 (responsible, co-executor, head)", n)
		}
		if n := sweepAll(); n != 0 {
			t.Errorf("second sweep sent %d", n)
		}
		for _, sc := range []access.Scope{resp, co, head} {
			var overdue int
			for _, n := range notes(sc) {
				if n.Kind == "overdue" && n.AppealID == a.ID {
					overdue++
				}
			}
			if overdue != 1 {
				t.Errorf("%s has %d overdue notices", sc.UserName, overdue)
			}
		}
		var total int
		if err := d.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM wf_notifications WHERE appeal_id = $1`, a.ID).Scan(&total); err != nil || total != 5 {
			t.Errorf("notices in all = %d, %v", total, err)
		}
		// A closed appeal is not overdue; the card's history shows the notices.
		in.DueOn = time.Now().AddDate(0, 0, -3).Format(time.DateOnly)
		in.Status, in.Resolution = crm.AppealResolved, "Разъяснено"
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, head, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if n := sweepAll(); n != 0 {
			t.Errorf("closed appeal noticed %d times", n)
		}
		h, _ := f.s.AppealDetails.AppealHistory(f.ctx, head, a.ID)
		var kinds []string
		for _, e := range h {
			if e.Action == "notice" {
				kinds = append(kinds, e.Note)
			}
		}
		if strings.Join(kinds, ",") != "reminder,overdue" {
			t.Errorf("notices in the history: %v", kinds)
		}
	})
}

// TestAppealNoticeReachesTheHead runs on a whole hub: the node's notifier
// is the workflow's list, where the head of the committee reads that an
// appeal of a primary organisation is overdue, with a link to it.
func TestAppealNoticeReachesTheHead(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	school := n.AddUnit(t, committee.ID, org.Primary, "ППО школы")
	op := n.AddUser(t, "op", access.Operator, school.ID, "password-op-1")
	head := n.AddUser(t, "head", access.Chairman, committee.ID, "password-head-1")
	a, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{UnitID: school.ID, Applicant: "Орлов", Subject: "Увольнение по сокращению",
		ResponsibleID: op.ID, DueOn: time.Now().AddDate(0, 0, -1).Format(time.DateOnly)})
	if err != nil {
		t.Fatal(err)
	}
	if sent, err := n.CRM.AppealNotices.SweepAppeals(ctx); err != nil || sent != 2 {
		t.Fatalf("sweep = %d, %v", sent, err)
	}
	for _, u := range []org.User{op, head} {
		code, body := httpCall(t, n.Server.URL, apiToken(t, n, u), "GET", "/api/v1/workflow/notifications", nil)
		if code != http.StatusOK || !strings.Contains(string(body), `"appeal_id":"`+a.ID+`"`) || !strings.Contains(string(body), `"kind":"overdue"`) ||
			strings.Contains(string(body), `"document_id"`) {
			t.Errorf("%s's notifications = %d %s", u.Login, code, body)
		}
	}
}
