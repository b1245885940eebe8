package mailing_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// A campaign to a CRM filter reaches each consenting member once, by a
// well-formed letter with RFC 8058 headers and a visible unsubscribe link;
// members without consent, or outside the owner's subtree, get nothing.
func TestCampaignReachesEveryConsentingMemberOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 2)
		var want []string
		for i := range 40 {
			consent := i%4 != 0
			email := fmt.Sprintf("m%d@example.net", i)
			f.member(f.a1, fmt.Sprintf("Смирнова%d", i), email, consent, false)
			if consent {
				want = append(want, email)
			}
		}
		hostile := f.member(f.a1, `<script>alert(1)</script>`, "hostile@example.net", true, false)
		want = append(want, "hostile@example.net")
		f.member(f.b1, "Чужая", "other@example.net", true, false) // outside A1's subtree

		// Two segments that overlap: everyone is still counted and sent once.
		segs := []mailing.Segment{{Filter: &mailing.FilterSpec{}}, {Filter: &mailing.FilterSpec{UnitID: f.a1.ID}}}
		in := mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Segments: segs, Accounts: []string{acc},
			Content: mailing.Content{Subject: "s", Text: "t"}}
		count, err := f.svc.Audience.CountAudience(f.ctx, f.secA1, in)
		if err != nil {
			t.Fatal(err)
		}
		if count.Total != len(want) || count.Excluded != 10*2 || count.Duplicate != len(want) {
			t.Fatalf("audience %+v, want %d (excluded 20, duplicates %d)", count, len(want), len(want))
		}
		c := f.emailCampaign(f.secA1, mailing.Informational, segs, acc)
		if _, err := f.svc.Actions.Start(f.ctx, f.secA1, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		f.run(f.svc)
		done := f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
		if done.Total != len(want) {
			t.Fatalf("total %d, want %d", done.Total, len(want))
		}
		got := f.sink.Counts()
		if got.Recipients != len(want) || got.Duplicates != 0 || got.Messages != int64(len(want)) {
			t.Fatalf("sink %+v, want %d recipients once", got, len(want))
		}
		for _, e := range want {
			if f.sink.Got(e) != 1 {
				t.Fatalf("%s got %d copies", e, f.sink.Got(e))
			}
		}
		if f.sink.Got("other@example.net") != 0 || f.sink.Got("m0@example.net") != 0 {
			t.Fatal("a message went outside the scope or without consent")
		}
		st, err := f.svc.Campaigns.CampaignStats(f.ctx, f.secA1, c.ID)
		if err != nil || st.Pending != 0 || st.ByChannel["email"]["sent"] != len(want) {
			t.Fatalf("stats %+v %v", st, err)
		}

		// The letter: headers, both alternatives, the name escaped in HTML.
		raw := f.sink.Raw("hostile@example.net")
		mr, err := gomail.CreateReader(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		h := mr.Header
		if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" ||
			!strings.HasPrefix(h.Get("List-Unsubscribe"), "<https://hub.example.org/hooks/mailing/unsubscribe/") {
			t.Fatalf("unsubscribe headers: %q %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
		}
		if id, _ := h.MessageID(); !strings.HasPrefix(id, "m.") || !strings.Contains(id, c.ID) {
			t.Fatalf("Message-ID %q", id)
		}
		if subj, _ := h.Subject(); subj != "Новости для Анна" {
			t.Fatalf("subject %q", subj)
		}
		parts := map[string]string{}
		for {
			p, err := mr.NextPart()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			ct, _, _ := p.Header.(*gomail.InlineHeader).ContentType()
			b, _ := io.ReadAll(p.Body)
			parts[ct] = string(b)
		}
		if strings.Contains(parts["text/html"], "<script>") || !strings.Contains(parts["text/html"], "Отписаться от рассылки") {
			t.Fatalf("html part unsafe or without link: %s", parts["text/html"])
		}
		if !strings.Contains(parts["text/plain"], "Здравствуйте, Анна Сергеевна!") ||
			!strings.Contains(parts["text/plain"], "https://hub.example.org/hooks/mailing/unsubscribe/") {
			t.Fatalf("text part: %s", parts["text/plain"])
		}
		_ = hostile
	})
}

// Advertising goes only to people with advertising consent, however the
// segment mixes them.
func TestAdvertisingOnlyWithAdvertisingConsent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		acc := f.account(0, 2)
		for i := range 30 {
			f.member(f.a1, fmt.Sprintf("Иванов%d", i), fmt.Sprintf("a%d@example.net", i), true, i%3 == 0)
		}
		c := f.emailCampaign(f.sys, mailing.Advertising, []mailing.Segment{{Filter: &mailing.FilterSpec{}}}, acc)
		if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		f.run(f.svc)
		f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
		for i := range 30 {
			if got, want := f.sink.Got(fmt.Sprintf("a%d@example.net", i)), map[bool]int{true: 1, false: 0}[i%3 == 0]; got != want {
				t.Fatalf("a%d got %d, want %d", i, got, want)
			}
		}
	})
}

// Bad input is refused with a clear error and nothing stored; other
// units' campaigns are invisible; operators may not send.
func TestCampaignValidationAndScope(t *testing.T) {
	d := dbtest.Open(t)
	f := newFixture(t, d)
	acc := f.account(0, 1)
	seg := []mailing.Segment{{Filter: &mailing.FilterSpec{}}}
	for name, in := range map[string]mailing.CampaignInput{
		"no channel":    {Name: "x", Segments: seg, Content: mailing.Content{Subject: "s", Text: "t"}},
		"bad channel":   {Name: "x", Channels: []string{"fax"}, Segments: seg},
		"no segment":    {Name: "x", Channels: []string{"email"}, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}},
		"no subject":    {Name: "x", Channels: []string{"email"}, Segments: seg, Accounts: []string{acc}, Content: mailing.Content{Text: "t"}},
		"bad template":  {Name: "x", Channels: []string{"email"}, Segments: seg, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "{{.Nope}}"}},
		"unclosed tmpl": {Name: "x", Channels: []string{"email"}, Segments: seg, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", HTML: "{{if}}"}},
		"no account":    {Name: "x", Channels: []string{"email"}, Segments: seg, Content: mailing.Content{Subject: "s", Text: "t"}},
		"two kinds":     {Name: "x", Channels: []string{"email"}, Segments: []mailing.Segment{{ListID: "l", SavedFilterID: "f"}}, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}},
		"bad kind":      {Name: "x", Kind: "spam", Channels: []string{"email"}, Segments: seg, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}},
	} {
		if _, err := f.svc.Campaigns.CreateCampaign(f.ctx, f.sys, in); !valid.Is(err) {
			t.Errorf("%s: got %v, want a validation error", name, err)
		}
	}
	c := f.emailCampaign(f.secA1, mailing.Informational, seg, acc)
	if _, err := f.svc.Campaigns.GetCampaign(f.ctx, f.secB1, c.ID); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("other unit sees the campaign: %v", err)
	}
	op := f.secA1
	op.Role = access.Operator
	if _, err := f.svc.Actions.Start(f.ctx, op, c.ID, time.Time{}); !errors.Is(err, access.ErrForbidden) {
		t.Fatalf("operator started a campaign: %v", err)
	}
	if _, err := f.svc.Actions.Resume(f.ctx, f.secA1, c.ID); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("resume of a draft: %v", err)
	}
	// A segment naming a saved filter the caller cannot open is refused.
	if _, err := f.svc.Campaigns.CreateCampaign(f.ctx, f.secA1, mailing.CampaignInput{Name: "x", Channels: []string{"email"},
		Segments: []mailing.Segment{{SavedFilterID: "f"}}, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"}}); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("a segment by an unknown saved filter: %v", err)
	}
}

func TestSMSSegments(t *testing.T) {
	for _, c := range []struct {
		text string
		enc  string
		n    int
	}{
		{"Hello", "gsm7", 1},
		{strings.Repeat("a", 160), "gsm7", 1},
		{strings.Repeat("a", 161), "gsm7", 2},
		{strings.Repeat("€", 80), "gsm7", 1},
		{strings.Repeat("€", 81), "gsm7", 2},
		{"Привет", "ucs2", 1},
		{strings.Repeat("я", 70), "ucs2", 1},
		{strings.Repeat("я", 71), "ucs2", 2},
		{strings.Repeat("я", 135), "ucs2", 3},
	} {
		enc, n := mailing.SMSSegmentsForTest(c.text)
		if enc != c.enc || n != c.n {
			t.Errorf("%q…(%d): %s/%d, want %s/%d", c.text[:min(len(c.text), 6)], len([]rune(c.text)), enc, n, c.enc, c.n)
		}
	}
}
