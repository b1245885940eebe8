package web_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/web/browsertest"
)

// TestSavedFiltersInChromium walks the secretary's saved filters in real
// Chromium on the demo federation (web/browsertest/savedfilters.test.mjs),
// then checks what the page left behind: the renamed filter, shared, seen
// by an operator of a committee below, and as a mailing segment reaching
// the members the filter selects.
func TestSavedFiltersInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	var out bytes.Buffer
	if err := demo.Fill(ctx, demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Mailing: n.Mailing, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "savedfilters.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + demo.Password}})

	scope := func(login string) access.Scope {
		t.Helper()
		a, err := n.Org.AuthByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		return a.User.Scope("test")
	}
	sec, op2 := scope("secretary"), scope("operator2")
	var saved crm.SavedFilter
	fs, err := n.CRM.SavedFilters.SavedFilters(ctx, op2)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Name == "Члены профсоюза СОШ № 1" {
			saved = f
		}
		if f.Name == "Временный" || f.Name == "Школа № 1" {
			t.Errorf("a deleted or renamed filter is left: %+v", f)
		}
	}
	if !saved.Shared || saved.Mine || saved.Filter.UnitID == "" {
		t.Fatalf("the secretary's shared filter as an operator below sees it: %+v (of %d)", saved, len(fs))
	}
	page, err := n.CRM.Members.ListMembers(ctx, sec, saved.Filter)
	if err != nil || page.Total != 4 {
		t.Fatalf("the filter selects %d members, %v", page.Total, err)
	}
	in := mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Segments: []mailing.Segment{{SavedFilterID: saved.ID}},
		Accounts: []string{"-"}, Content: mailing.Content{Subject: "s", Text: "t"}}
	count, err := n.Mailing.Audience.CountAudience(ctx, sec, in)
	if err != nil || count.Total+count.Excluded != page.Total {
		t.Fatalf("the segment reaches %+v of the filter's %d members: %v", count, page.Total, err)
	}
}
