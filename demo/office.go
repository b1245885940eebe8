package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// fillOffice gives the member's office its demo: Марина Сергеевна
// Ковалёва holds an electronic card (its verify link is printed), her
// Telegram chat is linked to her card when the demo has a bot, and the
// statistics show four weeks of menu presses in Telegram and VK.
func fillOffice(ctx context.Context, e Env, sc access.Scope) error {
	if e.Office == nil || e.CRM == nil {
		return nil
	}
	page, err := e.CRM.Members.ListMembers(ctx, sc, crm.MemberFilter{Query: "Ковалёва Марина", Limit: 5})
	if err != nil {
		return err
	}
	if len(page.Members) == 0 {
		return fmt.Errorf("no demo member Ковалёва")
	}
	m, err := e.Office.Member(ctx, page.Members[0].ID)
	if err != nil {
		return err
	}
	card, err := e.Office.Cards.IssueCard(ctx, m)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.Out, "electronic membership card of %s: %s\n", m.FullName(), e.Office.Cards.VerifyURL(card.Token))
	bots, err := e.Inbox.Channels.OfKind(ctx, inbox.KindTelegram)
	if err != nil {
		return err
	}
	if len(bots) > 0 {
		if _, err := e.Office.LinkByOperator(ctx, "telegram", bots[0].ID, "100200300", "100200300", m.ID, "demo"); err != nil {
			return err
		}
	}
	zone := e.Zone
	if zone == nil {
		zone = time.UTC
	}
	today := time.Now().In(zone)
	// A weekday sees more presses than a weekend; the card and the appeals
	// are what members ask the bot for most.
	base := map[string]int{"menu": 40, "ask": 12, "appeals": 18, "card": 25, "org": 9, "subscriptions": 4, "operator": 6, "linked": 3}
	for d := 27; d >= 0; d-- {
		day := today.AddDate(0, 0, -d)
		weight := 3
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			weight = 1
		}
		for action, n := range base {
			for kind, share := range map[string]int{"telegram": 3, "vk": 2} {
				count := n*weight*share/9 + (d+len(action))%3
				if err := e.Office.AddCounts(ctx, day.Format("2006-01-02"), kind, action, count); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
