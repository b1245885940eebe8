package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// fakeBotAPI is a Bot API that knows one token, for the token check of
// `channel telegram add`; calls counts the getMe and deleteWebhook calls
// with any token.
func fakeBotAPI(t *testing.T, token string) (*tgtest.Server, func() map[string]int) {
	api := tgtest.New(t)
	api.Set(func(f *tgtest.Server) {
		f.Token, f.Bot = token, tgtest.Bot{ID: 1, FirstName: "Профбот", Username: "prof_cli_bot"}
	})
	return api, func() map[string]int {
		return map[string]int{"getMe": api.Requests("getMe"), "deleteWebhook": api.Requests("deleteWebhook")}
	}
}

func TestChannelTelegramCLI(t *testing.T) {
	env := testEnv(t)
	const token = "4242:CLI-token"
	api, calls := fakeBotAPI(t, token)
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "token"), filepath.Join(dir, "bad")
	os.WriteFile(good, []byte(token+"\n"), 0o600)
	os.WriteFile(bad, []byte("4242:wrong"), 0o600)
	mustRun(t, env, "created unit", "unit", "add", "--name", "Федерация", "--kind", "federation")
	mustRun(t, env, "created line", "line", "add", "--name", "Бот-линия")

	code, _, errOut := runCLI(t, env, "channel", "telegram", "add", "--line", "Бот-линия", "--name", "Бот", "--token-file", bad,
		"--mode", "polling", "--api-url", api.URL)
	if code == 0 || !strings.Contains(errOut, "does not accept this bot token") {
		t.Fatalf("a wrong token: exit %d, %q", code, errOut)
	}
	out := mustRun(t, env, `created telegram channel "Бот"`, "channel", "telegram", "add", "--line", "Бот-линия", "--name", "Бот",
		"--token-file", good, "--mode", "polling", "--api-url", api.URL, "--menu-topics", "Помощь; Другое", "--menu-phone", "1")
	for _, want := range []string{"bot_username:  prof_cli_bot", "mode:          polling", "menu_topics:   Помощь; Другое", "last update:   never"} {
		if !strings.Contains(out, want) {
			t.Errorf("add output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, token) {
		t.Fatalf("the token was printed:\n%s", out)
	}
	if c := calls(); c["getMe"] < 2 || c["deleteWebhook"] != 1 {
		t.Fatalf("Bot API calls %v", c)
	}
	id := ""
	for _, l := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(l, "id:"); ok {
			id = strings.TrimSpace(v)
		}
	}
	list := mustRun(t, env, "prof_cli_bot", "channel", "telegram", "list")
	if !strings.Contains(list, id) || !strings.Contains(list, "enabled") {
		t.Fatalf("list:\n%s", list)
	}
	mustRun(t, env, "menu_topics:   Другое", "channel", "telegram", "update", id, "--menu-topics", "Другое", "--name", "Бот 2")
	code, _, errOut = runCLI(t, env, "channel", "vk", "update", id, "--mode", "longpoll")
	if code == 0 || !strings.Contains(errOut, "no vk channel") {
		t.Fatalf("updating a telegram channel as vk: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI(t, env, "channel", "telegram", "update", id, "--menu-topics", strings.Repeat("длинная тема ", 10))
	if code == 0 || !strings.Contains(errOut, "longer than") {
		t.Fatalf("a too long topic: exit %d, %q", code, errOut)
	}
}
