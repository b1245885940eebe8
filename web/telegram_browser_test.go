package web_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/web/browsertest"
)

// TestTelegramLinkInChromium: the profile's Telegram section in real
// Chromium (web/browsertest/telegram.test.mjs), against a bot on a fake
// Bot API: a code and its deep link for the chairman, the secretary's
// linked account unlinked. Runs with PROFHUB_TEST_BROWSER=1.
func TestTelegramLinkInChromium(t *testing.T) {
	tg := tgtest.New(t) // first: the hub stops before the fake closes
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "telegram-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "chair", Role: access.Chairman},
		browsertest.User{Login: "sec", Role: access.Secretary})
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Телеграм", n.Root.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот профсоюза",
		Settings: map[string]string{"mode": "polling", "api_url": tg.URL}, Secrets: map[string]string{"bot_token": tg.Token}})
	if err != nil {
		t.Fatal(err)
	}
	sec, err := n.Org.AuthByID(ctx, users["sec"].ID)
	if err != nil {
		t.Fatal(err)
	}
	code, err := n.Notify.Telegram().CreateTelegramCode(ctx, sec.User.Scope("test"))
	if err != nil {
		t.Fatal(err)
	}
	if _, handled, err := n.Notify.Telegram().BotMessage(ctx, ch.ID, 8001, 8001, "Ирина Петрова @petrova", "/start "+code.Code); err != nil || !handled {
		t.Fatalf("linking the secretary: %v %v", handled, err)
	}
	browsertest.Run(t, browsertest.Script{Name: "telegram.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + pw}})

	var codes, links int
	if err := n.DB.QueryRow(`SELECT COUNT(*) FROM notify_tg_codes WHERE user_id = $1 AND used_at = 0`, users["chair"].ID).Scan(&codes); err != nil {
		t.Fatal(err)
	}
	if err := n.DB.QueryRow(`SELECT COUNT(*) FROM notify_tg_links`).Scan(&links); err != nil {
		t.Fatal(err)
	}
	if codes != 1 || links != 0 {
		t.Fatalf("after the page: %d unused codes of the chairman (want 1), %d links (want 0: the secretary unlinked)", codes, links)
	}
}
