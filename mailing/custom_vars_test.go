package mailing_test

import (
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// A member's custom fields are template variables by key, as people read
// them; a key the member has no value for renders as nothing.
func TestCustomFieldsAreTemplateVariables(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		for _, in := range []crm.CustomFieldInput{
			{Entity: crm.EntityMember, Key: "stazh", Label: "Стаж в профсоюзе, лет", Kind: crm.CustomNumber},
			{Entity: crm.EntityMember, Key: "youth", Label: "Член молодёжного совета", Kind: crm.CustomBool},
			{Entity: crm.EntityMember, Key: "medical", Label: "Медосмотр", Kind: crm.CustomDate},
		} {
			if _, err := f.crm.CustomFields.CreateCustomField(f.ctx, f.sys, in); err != nil {
				t.Fatal(err)
			}
		}
		m := f.member(f.a1, "Стажева", "stazheva@example.net", true, false)
		in := m.MemberInput
		in.Custom = map[string]any{"stazh": "12,5", "youth": true, "medical": "31.01.2026"}
		if _, err := f.crm.Members.UpdateMember(f.ctx, f.sys, m.ID, in); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Previews.PreviewContent(f.ctx, f.secA1, mailing.Content{Subject: "Стаж {{.Custom.stazh}} лет",
			Text: "Совет: {{.Custom.youth}}; медосмотр {{.Custom.medical}}; размер «{{.Custom.size}}»"}, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject != "Стаж 12,5 лет" || !strings.Contains(r.Text, "Совет: да; медосмотр 31.01.2026; размер «»") {
			t.Fatalf("rendered %q / %q", r.Subject, r.Text)
		}

		// A segment selects by a custom field; an archived card is left out.
		f.member(f.a1, "Бессоветова", "bess@example.net", true, false) // no custom values: not selected
		acc := f.account(0, 1)
		count := func(value string) int {
			t.Helper()
			in := mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Accounts: []string{acc}, Content: mailing.Content{Subject: "s", Text: "t"},
				Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: f.a1.ID, CustomKey: "youth", CustomValue: value}}}}
			n, err := f.svc.Audience.CountAudience(f.ctx, f.secA1, in)
			if err != nil {
				t.Fatal(err)
			}
			return n.Total
		}
		if n := count("да"); n != 1 {
			t.Fatalf("members of the youth council: %d", n)
		}
		if _, err := f.crm.Cards.ArchiveMember(f.ctx, f.sys, m.ID, true); err != nil {
			t.Fatal(err)
		}
		if n := count("да"); n != 0 {
			t.Fatalf("an archived member is in the audience: %d", n)
		}
	})
}
