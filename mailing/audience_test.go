package mailing_test

import (
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// The audience preview counts exactly the people the send reaches: not
// those without consent (or, for advertising, without advertising
// consent), once however many segments list them, and not those on the
// suppression list (unsubscribed, bounced, complained).
func TestAudienceCountIsWhatIsSent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 2)
		l := f.list(6) // p0…p5@example.net, all with e-mail consent
		f.member(f.a1, "Иванова", "ivanova@example.net", true, true)
		f.member(f.a1, "Сидорова", "sidorova@example.net", true, false)
		f.member(f.a1, "Без согласия", "none@example.net", false, true)
		f.member(f.a1, "Отписанная", "p1@example.net", true, true) // also in the list
		for _, s := range []struct{ addr, reason string }{
			{"p1@example.net", mailing.ReasonUnsubscribe},
			{"p2@example.net", mailing.ReasonBounce},
			{"sidorova@example.net", mailing.ReasonComplaint},
		} {
			if err := f.svc.Suppressions.Suppress(f.ctx, f.sys, "email", s.addr, s.reason); err != nil {
				t.Fatal(err)
			}
		}
		segs := []mailing.Segment{{ListID: l.ID}, {Filter: &mailing.FilterSpec{UnitID: f.a1.ID}}}
		f.run(f.svc)
		for _, tc := range []struct {
			kind mailing.Kind
			want mailing.AudienceCount
		}{
			// list: p0, p3, p4, p5 sent; p1, p2 suppressed. Members:
			// Иванова sent; Сидорова suppressed; "Без согласия" excluded;
			// p1 again: a duplicate.
			{mailing.Informational, mailing.AudienceCount{Total: 5, Excluded: 1, Duplicate: 1, Suppressed: 3}},
			// Advertising: the list entries have no advertising consent.
			{mailing.Advertising, mailing.AudienceCount{Total: 1, Excluded: 8, Duplicate: 0, Suppressed: 1}},
		} {
			in := mailing.CampaignInput{Name: "x", Kind: tc.kind, Channels: []string{"email"}, Segments: segs, Accounts: []string{acc},
				Content: mailing.Content{Subject: "s", Text: "t"}}
			got, err := f.svc.Audience.CountAudience(f.ctx, f.sys, in)
			if err != nil {
				t.Fatal(err)
			}
			if got.Total != tc.want.Total || got.Excluded != tc.want.Excluded || got.Duplicate != tc.want.Duplicate ||
				got.Suppressed != tc.want.Suppressed || got.ByChannel["email"] != tc.want.Total {
				t.Fatalf("%s: audience %+v, want %+v", tc.kind, got, tc.want)
			}
			before := f.sink.Counts().Messages
			c := f.emailCampaign(f.sys, tc.kind, segs, acc)
			if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
			st, err := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if sent := f.sink.Counts().Messages - before; sent != int64(got.Total) || st.ByChannel["email"]["sent"] != got.Total {
				t.Fatalf("%s: the preview said %d, the send sent %d (ledger %+v)", tc.kind, got.Total, sent, st)
			}
		}
		for _, a := range []string{"p1@example.net", "p2@example.net", "sidorova@example.net", "none@example.net"} {
			if n := f.sink.Got(a); n != 0 {
				t.Fatalf("%s got %d letters", a, n)
			}
		}
	})
}
