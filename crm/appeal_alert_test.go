package crm_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

type appealAlerts struct{ got []crm.Alert }

func (l *appealAlerts) Alert(_ context.Context, tx db.Execer, a crm.Alert) error {
	if tx == nil {
		panic("an appeal alert outside its transaction")
	}
	l.got = append(l.got, a)
	return nil
}

// The people an appeal is given to hear of it once: the responsible
// person and co-executors when named, a newly named one later, never the
// person who gave it, and nobody again when the appeal is edited.
func TestAppealAssignedAlerts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		log := &appealAlerts{}
		f.s = crm.New(crm.Deps{DB: d, Alerts: log})
		resp := f.user(t, "resp", access.Operator, f.a1)
		co := f.user(t, "co", access.Executor, f.a1)
		head := f.user(t, "head", access.Chairman, f.a)
		in := crm.AppealInput{UnitID: f.a1.ID, Applicant: "Сидорова", Subject: "Охрана труда в цеху", ResponsibleID: resp.UserID,
			CoExecutorIDs: []string{head.UserID}}
		a, err := f.s.Appeals.CreateAppeal(f.ctx, head, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(log.got) != 1 || log.got[0].UserID != resp.UserID || log.got[0].Kind != crm.AlertAppealAssigned ||
			log.got[0].Link != "/appeals?id="+a.ID || log.got[0].Text != a.Number+" · Охрана труда в цеху" {
			t.Fatalf("alerts on filing: %+v", log.got)
		}
		log.got = nil
		in.CoExecutorIDs = []string{head.UserID, co.UserID}
		in.Subject = "Охрана труда в цехе № 2"
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, head, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if len(log.got) != 1 || log.got[0].UserID != co.UserID {
			t.Fatalf("alerts on adding a co-executor: %+v", log.got)
		}
		log.got = nil
		in.Text = "Подробности"
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, head, a.ID, in); err != nil {
			t.Fatal(err)
		}
		if len(log.got) != 0 {
			t.Fatalf("alerts on an edit: %+v", log.got)
		}
	})
}
