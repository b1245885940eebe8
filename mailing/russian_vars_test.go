package mailing_test

import (
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// SMS, Telegram/VK texts and raw-HTML letters take the block editor's
// Russian variables, custom fields included; a value lands escaped in
// HTML; the old Go syntax still works; an unknown variable is refused
// with its name, and nothing is saved.
func TestRussianVariablesOutsideTheBlockEditor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		if _, err := f.crm.CustomFields.CreateCustomField(f.ctx, f.sys, crm.CustomFieldInput{Entity: crm.EntityMember, Key: "size",
			Label: "Размер футболки", Kind: crm.CustomText}); err != nil {
			t.Fatal(err)
		}
		m := f.member(f.a1, "Кострова", "kostrova@example.net", true, false)
		in := m.MemberInput
		in.Custom = map[string]any{"size": "<b>XL</b>"}
		if _, err := f.crm.Members.UpdateMember(f.ctx, f.sys, m.ID, in); err != nil {
			t.Fatal(err)
		}
		r, err := f.svc.Previews.PreviewContent(f.ctx, f.secA1, mailing.Content{
			Subject: "Для {{Имя}}",
			HTML:    "<p>Здравствуйте, {{Имя и отчество}}! Размер: {{ Размер футболки }}. Билет {{.CardNumber}}</p>",
			SMS:     "{{Имя}}, ваш размер {{Размер футболки}} — заберите в {{Организация}}",
			Message: "<b>{{Фамилия}}</b>, размер {{Размер футболки}}",
		}, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject != "Для Анна" || !strings.Contains(r.HTML, "Анна Сергеевна") || !strings.Contains(r.HTML, "&lt;b&gt;XL&lt;/b&gt;") ||
			strings.Contains(r.HTML, "<b>XL") || !strings.Contains(r.HTML, "Билет C-kostrova@example.net") {
			t.Fatalf("letter %q / %q", r.Subject, r.HTML)
		}
		if !strings.HasPrefix(r.SMS, "Анна, ваш размер <b>XL</b> — заберите в ППО школы № 1") || strings.Contains(r.SMS, "{{") {
			t.Fatalf("sms %q", r.SMS)
		}
		if !strings.Contains(r.Message, "<b>Кострова</b>") || !strings.Contains(r.Message, "&lt;b&gt;XL") {
			t.Fatalf("message %q", r.Message)
		}

		for field, c := range map[string]mailing.Content{
			"content.sms":     {SMS: "Привет, {{Имечко}}!"},
			"content.message": {Message: "Привет, {{Имечко}}!"},
			"content.html":    {Subject: "s", HTML: "<p>Привет, {{Имечко}}!</p>"},
		} {
			_, err := f.svc.Previews.PreviewContent(f.ctx, f.secA1, c, "")
			ve, ok := valid.As(err)
			if !ok || ve.Field != field || ve.Key != "unknown_variable" || !strings.Contains(err.Error(), "«Имечко»") {
				t.Fatalf("%s: unknown variable: %v", field, err)
			}
		}
		acc := f.account(0, 1)
		count := func() (n int) {
			_ = d.QueryRow(`SELECT COUNT(*) FROM mailing_campaigns`).Scan(&n)
			return n
		}
		before := count()
		_, err = f.svc.Campaigns.CreateCampaign(f.ctx, f.secA1, mailing.CampaignInput{Name: "x", Channels: []string{"email"}, Accounts: []string{acc},
			Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: f.a1.ID}}}, Content: mailing.Content{Subject: "s", HTML: "<p>{{Имечко}}</p>"}})
		if ve, ok := valid.As(err); !ok || ve.Key != "unknown_variable" {
			t.Fatalf("a campaign with an unknown variable: %v", err)
		}
		if count() != before {
			t.Fatal("a campaign with an unknown variable was saved")
		}
	})
}
