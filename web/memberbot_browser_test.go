package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestMemberOfficeInChromium: a partner's phone opens the verify page of
// a member's card (valid, initials and organisation only; screenshots
// verify-page.png and verify-page-390.png), a forged one says not valid,
// and a chairman sees on the member card the chat linked through the bot
// and the card's PNG (web/browsertest/memberbot.test.mjs).
func TestMemberOfficeInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "office-password"
	unit := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода «Стройдеталь»")
	browsertest.Users(t, n, unit.ID, pw, browsertest.User{Login: "chair", Role: access.Chairman})
	m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit.ID, Surname: "Ковалёва", GivenName: "Марина",
		Patronymic: "Игоревна", BirthDate: "1985-03-14", Phones: []string{"+7 912 345-67-89"}, Status: crm.StatusMember, CardNumber: "56-001234"}, true)
	if err != nil {
		t.Fatal(err)
	}
	om, err := n.MemberBot.Member(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	card, err := n.MemberBot.Cards.IssueCard(ctx, om)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.MemberBot.LinkByOperator(ctx, "telegram", "tg-demo", "777100", "777100", m.ID, "code"); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "memberbot.test.mjs", Base: n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_TOKEN=" + card.Token, "PROFHUB_MEMBER=" + m.ID}})
}
