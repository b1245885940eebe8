package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/web/browsertest"
)

// TestPrivacyInChromium: the chairman opens a member's card, reads the
// subject report, anonymises the member (asked first to choose about the
// open appeal), and finds the card's reads in the access log of
// /admin/privacy with full names (web/browsertest/privacy.test.mjs;
// screenshots privacy-card.png, privacy-access.png, privacy-consents.png).
func TestPrivacyInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "privacy-password"
	browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "chair", Role: access.Chairman})
	unit := n.AddUnit(t, n.Root.ID, org.Primary, "ППО АО «Уральская Сталь»")
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit.ID, Surname: "Белова", GivenName: "Анна", Patronymic: "Сергеевна",
		Phones: []string{"+79225550177"}, Emails: []string{"belova@example.org"}, Position: "крановщица"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{MemberID: m.ID, Channel: "visit", Subject: "Перерасчёт отпускных"}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Privacy.SetConsentText(ctx, n.System, "processing", "Согласие на обработку персональных данных членом профсоюза, редакция 2026 г."); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Privacy.RecordConsent(ctx, n.System, privacy.ConsentInput{MemberID: m.ID, Kind: "processing", Given: true, Channel: "paper",
		Address: "заявление в ППО"}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "privacy.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw}})
}
