package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestOutreachInChromium walks an operator's first message to a member
// in real Chromium (web/browsertest/outreach.test.mjs): from the member's
// card she picks the Telegram channel, writes, sends, and lands in the
// console on the new conversation; on a desktop and at 390 px. The fake
// Bot API receives each message once, to the member's chat.
func TestOutreachInChromium(t *testing.T) {
	tg := tgtest.New(t) // first: its cleanup runs after the hub's
	n := browsertest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	unit := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода «Гидропресс»")
	op := n.AddUser(t, "operator", access.Operator, unit.ID, "operator-password")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Гидропресс", unit.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот профкома",
		Settings: map[string]string{"mode": "webhook", "api_url": tg.URL}, Secrets: map[string]string{"bot_token": tg.Token}})
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]string{}
	for i, name := range [][2]string{{"Ковалёва", "Марина"}, {"Лебедев", "Артём"}} {
		m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit.ID, Surname: name[0], GivenName: name[1],
			Consents: crm.Consents{Mailings: map[string]crm.Consent{"telegram": {Given: true, Date: "2026-01-10", Source: "заявление"}}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		chat := int64(880001 + i)
		b, _ := json.Marshal(tg.Update(tgtest.TextMessage(chat, 1, "Здравствуйте")))
		req, _ := http.NewRequest("POST", n.Server.URL+"/hooks/telegram/"+ch.ID, strings.NewReader(string(b)))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", tg.WebhookSecret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("webhook: %v %v", resp, err)
		}
		resp.Body.Close()
		var conv string
		if err := n.DB.QueryRow(`SELECT id FROM inbox_conversations WHERE external_chat_id = $1`, fmt.Sprint(chat)).Scan(&conv); err != nil {
			t.Fatal(err)
		}
		if _, err := n.Inbox.Actions.LinkMember(ctx, n.System, conv, m.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := n.DB.Exec(`UPDATE inbox_conversations SET status = 'closed', closed_at = $2 WHERE id = $1`, conv, time.Now().UnixMilli()); err != nil {
			t.Fatal(err)
		}
		members[name[0]] = m.ID
	}
	browsertest.Run(t, browsertest.Script{Name: "outreach.test.mjs", Base: n.Server.URL,
		Env:     []string{"PROFHUB_PASSWORD=operator-password", "MEMBER_DESKTOP=" + members["Ковалёва"], "MEMBER_PHONE=" + members["Лебедев"]},
		Explain: func() string { return fmt.Sprintf("sent to Telegram: %+v", tg.SentCalls()) }})
	deadline := time.Now().Add(10 * time.Second)
	for len(tg.SentCalls()) < 2 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	sent := tg.SentCalls()
	if len(sent) != 2 || sent[0].ChatID != 880001 || sent[1].ChatID != 880002 || !strings.HasPrefix(sent[0].Text, "Марина, добрый день") {
		t.Fatalf("sent to Telegram: %+v", sent)
	}
}
