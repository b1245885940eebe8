package mailing_test

import (
	"errors"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/db"
	"github.com/profhub/profhub/db/dbtest"
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
		saved, err := f.crm.SaveFilter(f.ctx, f.secA1, "Орловы", false, crm.MemberFilter{Query: "орлов", Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		in := mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Segments: []mailing.Segment{{SavedFilterID: saved.ID}},
			Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}}
		count, err := f.svc.CountAudience(f.ctx, f.secA1, in)
		if err != nil {
			t.Fatal(err)
		}
		// The saved page size does not cap a segment.
		if count.Total != 2 || count.Excluded != 1 {
			t.Fatalf("audience %+v, want 2 and 1 excluded", count)
		}
		if _, err := f.svc.CountAudience(f.ctx, f.secB1, in); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("another unit's private filter: %v", err)
		}
	})
}
