package mailing_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// listCampaign starts an e-mail campaign to a new list of n people.
func (f *fixture) listCampaign(n, rate, conns int) mailing.Campaign {
	f.t.Helper()
	l := f.list(n)
	c := f.emailCampaign(f.sys, mailing.Informational, []mailing.Segment{{ListID: l.ID}}, f.account(rate, conns))
	if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Time{}); err != nil {
		f.t.Fatal(err)
	}
	return c
}

func (f *fixture) expectAllOnce(n int) {
	f.t.Helper()
	got := f.sink.Counts()
	if got.Recipients != n || got.Duplicates != 0 || got.Mismatched != 0 {
		f.t.Fatalf("sink %+v, want %d recipients, each once", got, n)
	}
}

// Pausing and resuming five times sends nobody a second copy and loses
// nobody.
func TestPauseResumeFiveTimes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		n := 3000 / raceScale
		c := f.listCampaign(n, 1500/raceScale, 4)
		f.run(f.svc)
		for i := range 5 {
			f.waitSink(int64(n/10*(i+1)), 20*time.Second)
			if _, err := f.svc.Actions.Pause(f.ctx, f.sys, c.ID); err != nil {
				t.Fatal(err)
			}
			for f.svc.ActiveForTest(c.ID) {
				time.Sleep(5 * time.Millisecond)
			}
			before := f.sink.Accepted()
			time.Sleep(100 * time.Millisecond)
			if after := f.sink.Accepted(); after != before {
				t.Fatalf("pause %d: %d messages sent while paused", i, after-before)
			}
			if _, err := f.svc.Actions.Resume(f.ctx, f.sys, c.ID); err != nil {
				t.Fatal(err)
			}
		}
		f.wait(c.ID, mailing.StatusFinished, 30*time.Second)
		f.expectAllOnce(n)
	})
}

// The SMTP server drops the connection every 250 messages: sending goes on
// over new connections and nobody is lost.
func TestSMTPDropsConnections(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		f.sink.DropEvery = int64(250 / raceScale)
		n := 3000 / raceScale
		c := f.listCampaign(n, 0, 4)
		f.run(f.svc)
		f.wait(c.ID, mailing.StatusFinished, 30*time.Second)
		f.expectAllOnce(n)
	})
}

// An SMTP outage longer than the retry budget pauses the campaign with an
// alert; resumed, it sends only the rows still pending.
func TestOutagePausesCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		n := 1500 / raceScale
		c := f.listCampaign(n, 1000/raceScale, 2)
		f.run(f.svc)
		f.waitSink(int64(n/8), 20*time.Second)
		f.sink.SetDown(true)
		paused := f.wait(c.ID, mailing.StatusPaused, 20*time.Second)
		if paused.PauseReason != "smtp_outage" || !strings.Contains(paused.Alert, "SMTP") {
			t.Fatalf("paused with %q / %q", paused.PauseReason, paused.Alert)
		}
		st, _ := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, c.ID)
		if st.Pending == 0 || st.ByChannel["email"]["failed"] != 0 {
			t.Fatalf("after the outage: %+v", st)
		}
		f.sink.SetDown(false)
		if _, err := f.svc.Actions.Resume(f.ctx, f.sys, c.ID); err != nil {
			t.Fatal(err)
		}
		f.wait(c.ID, mailing.StatusFinished, 30*time.Second)
		f.expectAllOnce(n)
	})
}

// Two nodes: one runner at a time; when it stops, the other takes over
// and finishes, with nobody sent twice.
func TestTwoNodesOneRunner(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		n := 3000 / raceScale
		c := f.listCampaign(n, 1500/raceScale, 4)
		other := f.newService("node-2", testTune)
		f.run(f.svc)
		f.run(other)
		stopWatch := make(chan struct{})
		both := make(chan bool, 1)
		go func() {
			saw := false
			for {
				select {
				case <-stopWatch:
					both <- saw
					return
				default:
				}
				if f.svc.ActiveForTest(c.ID) && other.ActiveForTest(c.ID) {
					saw = true
				}
				time.Sleep(time.Millisecond)
			}
		}()
		f.waitSink(int64(n/4), 20*time.Second)
		holder := f.svc
		if other.ActiveForTest(c.ID) {
			holder = other
		}
		holder.Stop()
		f.wait(c.ID, mailing.StatusFinished, 30*time.Second)
		close(stopWatch)
		if <-both {
			t.Fatal("both nodes ran the campaign at once")
		}
		f.expectAllOnce(n)
	})
}

// An unsubscribe that arrives mid-campaign stops every later send to that
// person; the link's GET only asks, and a forged token is refused.
func TestUnsubscribeMidCampaign(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		n := 2000 / raceScale
		c := f.listCampaign(n, 800/raceScale, 2)
		mux := http.NewServeMux()
		f.svc.Routes(mux)
		srv := httptest.NewServer(mux)
		defer srv.Close()
		link := func(seq int64) string {
			return srv.URL + "/hooks/mailing/unsubscribe/" + f.svc.UnsubscribeTokenForTest(c.ID, seq)
		}
		f.run(f.svc)
		f.waitSink(int64(n/20), 20*time.Second)

		// Seq k+1 is p<k> (lists keep their order).
		late, later := n*3/4, n*4/5
		resp, err := http.Get(link(int64(later + 1)))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET: %v %v", resp, err)
		}
		resp.Body.Close()
		resp, err = http.Post(link(int64(late+1)), "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("one-click POST: %v %v", resp, err)
		}
		resp.Body.Close()
		bad := link(int64(late + 2))
		bad = bad[:len(bad)-3] + "AAA"
		resp, err = http.Post(bad, "application/x-www-form-urlencoded", strings.NewReader("List-Unsubscribe=One-Click"))
		if err != nil || resp.StatusCode != 404 {
			t.Fatalf("forged token: %v %v", resp, err)
		}
		resp.Body.Close()

		f.wait(c.ID, mailing.StatusFinished, 30*time.Second)
		addr := func(k int) string { return fmt.Sprintf("p%d@example.net", k) }
		if f.sink.Got(addr(late)) != 0 {
			t.Fatal("a message went to a person after they unsubscribed")
		}
		if f.sink.Got(addr(later)) != 1 || f.sink.Got(addr(late+1)) != 1 {
			t.Fatal("the GET page or a forged token unsubscribed someone")
		}
		st, _ := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, c.ID)
		if st.ByChannel["email"]["skipped"] != 1 || st.ByChannel["email"]["sent"] != n-1 {
			t.Fatalf("ledger %+v", st)
		}
		// The next campaign to the same person skips them too.
		c2 := f.emailCampaign(f.sys, mailing.Informational, c.Segments, c.Accounts...)
		if _, err := f.svc.Actions.Start(f.ctx, f.sys, c2.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		f.wait(c2.ID, mailing.StatusFinished, 30*time.Second)
		if f.sink.Got(addr(late)) != 0 || f.sink.Got(addr(late-1)) != 2 {
			t.Fatal("the suppression list was not honoured by the next campaign")
		}
	})
}
