package workflow_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/workflow"
)

type alertLog struct {
	mu  sync.Mutex
	got []workflow.Alert
}

func (l *alertLog) Alert(_ context.Context, tx db.Execer, a workflow.Alert) error {
	if tx == nil {
		panic("a workflow alert outside its transaction")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, a)
	return nil
}

func (l *alertLog) take() []workflow.Alert {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.got
	l.got = nil
	return out
}

// The workflow tells the notification centre, in its own transactions,
// what each new task asks of its holder, and of deadlines: the day before
// to the holder, once past to the holder and the chairman, each once
// (keyed by the task) however often the sweep runs.
func TestAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		bl, err := blob.NewDir(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		log := &alertLog{}
		if f.s, err = workflow.New(f.ctx, workflow.Deps{DB: d, Blobs: bl, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Alerts: log}); err != nil {
			t.Fatal(err)
		}
		doc := f.register(t, workflow.DocumentInput{Kind: workflow.KindIncoming, Title: "Запрос прокуратуры"})
		got := log.take()
		if len(got) != 1 || got[0].UserID != f.chair.UserID || got[0].Kind != workflow.AlertResolution ||
			got[0].Link != "/documents#doc/"+doc.ID || !strings.Contains(got[0].Text, "Запрос прокуратуры") || !strings.HasPrefix(got[0].Key, "wf-task:") {
			t.Fatalf("registration alerts: %+v", got)
		}
		f.decide(t, f.chair, doc.ID, workflow.DecisionInput{Decision: "resolve_executors", Assignees: []string{f.exec1.UserID},
			Resolution: &workflow.Resolution{Text: "Исполнить", Deadline: "2099-01-01"}})
		if got = log.take(); len(got) != 1 || got[0].UserID != f.exec1.UserID || got[0].Kind != workflow.AlertTask {
			t.Fatalf("resolution alerts: %+v", got)
		}
		// Due within a day: a reminder, once.
		soon := time.Now().Add(2 * time.Hour).UnixMilli()
		if _, err := d.ExecContext(f.ctx, `UPDATE wf_tasks SET deadline = $1 WHERE document_id = $2 AND status = 'open'`, soon, doc.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.s.Deadlines.Sweep(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		if got = log.take(); len(got) != 1 || got[0].Kind != workflow.AlertTomorrow || got[0].UserID != f.exec1.UserID {
			t.Fatalf("reminder alerts: %+v", got)
		}
		// Past it: the holder and the chairman, once.
		if _, err := d.ExecContext(f.ctx, `UPDATE wf_tasks SET deadline = $1 WHERE document_id = $2 AND status = 'open'`,
			time.Now().Add(-time.Hour).UnixMilli(), doc.ID); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if _, err := f.s.Deadlines.Sweep(f.ctx); err != nil {
				t.Fatal(err)
			}
		}
		got = log.take()
		to := map[string]string{}
		for _, a := range got {
			to[a.UserID] = a.Kind
		}
		if len(got) != 2 || to[f.exec1.UserID] != workflow.AlertOverdue || to[f.chair.UserID] != workflow.AlertOverdue {
			t.Fatalf("overdue alerts: %+v", got)
		}
		// An internal document asks the chairman's signature; its
		// acquaintance asks the people chosen to acknowledge it.
		memo := f.register(t, workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Приказ"})
		if got = log.take(); len(got) != 1 || got[0].Kind != workflow.AlertApproval {
			t.Fatalf("signature alert: %+v", got)
		}
		f.decide(t, f.chair, memo.ID, workflow.DecisionInput{Decision: "sign"})
		log.take()
		f.decide(t, f.sec, memo.ID, workflow.DecisionInput{Decision: "acquaint", Assignees: []string{f.exec1.UserID, f.exec2.UserID}})
		if got = log.take(); len(got) != 2 || got[0].Kind != workflow.AlertAcquaintance || got[1].Kind != workflow.AlertAcquaintance {
			t.Fatalf("acquaintance alerts: %+v", got)
		}
	})
}
