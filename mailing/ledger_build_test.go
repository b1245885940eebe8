package mailing_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// Letters go while the ledger is still being written, and a pause in the
// middle of the build, then a resume, still reaches everyone once: the
// build is taken up where it stopped.
func TestSendingFollowsLedgerBuild(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		const n = 8000 // four chunks of the build, whatever the race detector's pace
		c := f.listCampaign(n, 0, 4)
		f.run(f.svc)
		built := func() bool {
			var b bool
			if err := d.QueryRowContext(f.ctx, `SELECT built FROM mailing_campaigns WHERE id = $1`, c.ID).Scan(&b); err != nil {
				t.Fatal(err)
			}
			return b
		}
		deadline := time.Now().Add(30 * time.Second)
		for f.sink.Accepted() == 0 {
			if time.Now().After(deadline) {
				t.Fatal("no letter within 30 s")
			}
			time.Sleep(time.Millisecond)
		}
		if built() {
			t.Fatal("the first letter went only after the whole ledger was built")
		}
		if _, err := f.svc.Actions.Pause(f.ctx, f.sys, c.ID); err != nil {
			t.Fatal(err)
		}
		f.wait(c.ID, mailing.StatusPaused, 10*time.Second)
		if _, err := f.svc.Actions.Resume(f.ctx, f.sys, c.ID); err != nil {
			t.Fatal(err)
		}
		got := f.wait(c.ID, mailing.StatusFinished, 60*time.Second)
		f.expectAllOnce(n)
		if got.Total != n || got.StartedAt == nil {
			t.Fatalf("campaign total %d, started %v; want %d and a start", got.Total, got.StartedAt, n)
		}
	})
}
