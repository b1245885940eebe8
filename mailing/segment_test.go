package mailing_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// A saved CRM filter is a segment: it selects what it selected on the
// members page, under the campaign owner's scope; another unit's private
// filter is not found.
func TestSavedFilterSegment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 1)
		f.member(f.a1, "Орлова", "orlova@example.net", true, false)
		f.member(f.a1, "Орлов", "orlov@example.net", true, false)
		f.member(f.a1, "Орловская", "no-consent@example.net", false, false)
		f.member(f.a1, "Петрова", "petrova@example.net", true, false)
		saved, err := f.crm.SavedFilters.SaveFilter(f.ctx, f.secA1, "Орловы", false, crm.MemberFilter{Query: "орлов", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		in := mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Segments: []mailing.Segment{{SavedFilterID: saved.ID}},
			Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}}
		count, err := f.svc.Audience.CountAudience(f.ctx, f.secA1, in)
		if err != nil {
			t.Fatal(err)
		}
		// The saved page size does not cap a segment.
		if count.Total != 2 || count.Excluded != 1 {
			t.Fatalf("audience %+v, want 2 and 1 excluded", count)
		}
		if _, err := f.svc.Audience.CountAudience(f.ctx, f.secB1, in); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("another unit's private filter: %v", err)
		}
	})
}

// A bounce of a campaign letter, reported by its Message-ID, marks the
// recipient and keeps the address out of the next campaign.
func TestBounceSuppressesAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 1)
		l := f.list(3)
		f.run(f.svc)
		send := func() {
			t.Helper()
			c := f.emailCampaign(f.sys, mailing.Informational, []mailing.Segment{{ListID: l.ID}}, acc)
			if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Time{}); err != nil {
				t.Fatal(err)
			}
			f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
		}
		send()
		raw := string(f.sink.Raw("p1@example.net"))
		i := strings.Index(raw, "Message-Id: <")
		if i < 0 {
			i = strings.Index(raw, "Message-ID: <")
		}
		if i < 0 {
			t.Fatalf("no Message-ID in %.300q", raw)
		}
		id := raw[i+len("Message-Id: <"):]
		id = id[:strings.Index(id, ">")]
		if err := f.svc.Suppressions.RecordBounce(f.ctx, "<"+id+">", "550 5.1.1 user unknown"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Suppressions.RecordBounce(f.ctx, "m.1.nosuchcampaign@x", "550"); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("unknown campaign letter: %v", err)
		}
		send()
		if got := []int{f.sink.Got("p0@example.net"), f.sink.Got("p1@example.net"), f.sink.Got("p2@example.net")}; got[0] != 2 || got[1] != 1 || got[2] != 2 {
			t.Fatalf("copies per address after the bounce: %v, want [2 1 2]", got)
		}
	})
}

// A campaign whose segment is a saved filter reaches exactly the members
// the filter selects on the members page (those with the e-mail consent),
// under the owner's scope: a namesake in another committee gets nothing;
// a filter shared by a colleague of the unit serves as well, and one that
// was deleted refuses the start.
func TestSavedFilterSegmentSends(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 1)
		f.member(f.a1, "Орлова", "orlova@example.net", true, false)
		f.member(f.a1, "Орлов", "orlov@example.net", true, false)
		f.member(f.a1, "Орловская", "no-consent@example.net", false, false)
		f.member(f.a1, "Петрова", "petrova@example.net", true, false)
		f.member(f.b1, "Орлова", "orlova-b@example.net", true, false)
		yes := true
		colleague := f.secA1
		colleague.UserID = "u-colleague"
		saved, err := f.crm.SavedFilters.SaveFilter(f.ctx, colleague, "Орловы", true, crm.MemberFilter{Query: "орлов"})
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.crm.SavedFilters.SaveFilter(f.ctx, f.secA1, "Активисты", false, crm.MemberFilter{Activist: &yes})
		if err != nil {
			t.Fatal(err)
		}
		f.run(f.svc)
		c := f.emailCampaign(f.secA1, mailing.Informational, []mailing.Segment{{SavedFilterID: saved.ID}}, acc)
		if _, err := f.svc.Actions.Start(f.ctx, f.secA1, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		done := f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
		if done.Total != 2 {
			t.Errorf("campaign total %d, want 2", done.Total)
		}
		f.waitSink(2, 5*time.Second)
		for addr, want := range map[string]int{"orlova@example.net": 1, "orlov@example.net": 1, "no-consent@example.net": 0,
			"petrova@example.net": 0, "orlova-b@example.net": 0} {
			if got := f.sink.Got(addr); got != want {
				t.Errorf("%s got %d letters, want %d", addr, got, want)
			}
		}
		if n := f.sink.Accepted(); n != 2 {
			t.Errorf("the sink accepted %d letters, want 2", n)
		}

		// Deleted after the draft was written: the start is refused.
		c2 := f.emailCampaign(f.secA1, mailing.Informational, []mailing.Segment{{SavedFilterID: other.ID}}, acc)
		if err := f.crm.SavedFilters.DeleteSavedFilter(f.ctx, f.secA1, other.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Actions.Start(f.ctx, f.secA1, c2.ID, time.Time{}); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("start with a deleted saved filter: %v", err)
		}
		// Another committee's secretary cannot name the shared filter.
		if _, err := f.svc.Campaigns.CreateCampaign(f.ctx, f.secB1, mailing.CampaignInput{Name: "x", Channels: []string{"email"},
			Segments: []mailing.Segment{{SavedFilterID: saved.ID}}, Accounts: []string{acc},
			Content: mailing.Content{Subject: "s", Text: "t"}}); !errors.Is(err, db.ErrNotFound) || !strings.Contains(fmt.Sprint(err), "saved filter") {
			t.Fatalf("another committee's campaign by the shared filter: %v", err)
		}
	})
}
