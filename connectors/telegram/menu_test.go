package telegram_test

import (
	"context"
	"strings"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// The bot menu: a new member's messages wait (out of the queue) while the
// bot offers topics; the choice opens the conversation on the topic's
// line with the topic as its subject, holding everything written before;
// follow-ups join it; a replay changes nothing; a bad menu is refused.
func TestBotMenuRoutesByTopic(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Материальная помощь", e.n.Root.ID
	help, err := e.n.Inbox.Lines.Create(ctx, e.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": e.tg.URL, "menu_topics": "Помощь | no-such-line"},
		Secrets:  map[string]string{"bot_token": e.tg.Token}})
	if err == nil || !strings.Contains(err.Error(), "no-such-line") {
		t.Fatalf("a topic naming a missing line: %v", err)
	}
	ch, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": e.tg.URL, "menu_greeting": "Профсоюз на связи. О чём вопрос?",
			"menu_topics": "Материальная помощь | " + help.ID + "\nДругое", "menu_phone": "1"},
		Secrets: map[string]string{"bot_token": e.tg.Token}})
	if err != nil {
		t.Fatal(err)
	}
	first := e.tg.Update(tgtest.TextMessage(777040, 1, "Здравствуйте"))
	for _, u := range []map[string]any{first, e.tg.Update(tgtest.TextMessage(777040, 2, "Нужна помощь после пожара")), first} {
		if code := e.hook(t, ch, e.tg.WebhookSecret, u); code != 200 {
			t.Fatalf("webhook: %d", code)
		}
	}
	if got := e.inbound(t, ch); len(got) != 0 {
		t.Fatalf("%d messages in the inbox before a topic was chosen", len(got))
	}
	sent := e.tg.SentCalls()
	if len(sent) != 1 || sent[0].Text != "Профсоюз на связи. О чём вопрос?" || !strings.Contains(sent[0].Markup, `"text":"Материальная помощь"`) ||
		!strings.Contains(sent[0].Markup, `"request_contact":true`) {
		t.Fatalf("menu sent: %+v", sent)
	}
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777040, 3, "Материальная помощь")))
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(tgtest.TextMessage(777040, 4, "Спасибо")))
	in := e.inbound(t, ch)
	if len(in) != 4 {
		t.Fatalf("%d messages, want 4: %+v", len(in), in)
	}
	var texts []string
	for _, m := range in {
		texts = append(texts, m.Text)
		if m.ConversationID != in[0].ConversationID {
			t.Fatalf("messages in several conversations: %+v", in)
		}
	}
	if strings.Join(texts, "|") != "Здравствуйте|Нужна помощь после пожара|Материальная помощь|Спасибо" {
		t.Fatalf("texts %q", texts)
	}
	var line, subject string
	if err := e.n.DB.QueryRow(`SELECT line_id, subject FROM inbox_conversations WHERE id = $1`, in[0].ConversationID).Scan(&line, &subject); err != nil {
		t.Fatal(err)
	}
	if line != help.ID || subject != "Материальная помощь" {
		t.Fatalf("conversation on line %s with subject %q, want %s", line, subject, help.ID)
	}
	var held int
	_ = e.n.DB.QueryRow(`SELECT COUNT(*) FROM telegram_menu_pending`).Scan(&held)
	if held != 0 {
		t.Fatalf("%d messages still held", held)
	}
}
