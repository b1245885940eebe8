package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// mustRun runs a CLI step that must succeed with want in its stdout.
func mustRun(t *testing.T, env []string, want string, args ...string) string {
	t.Helper()
	code, out, errOut := runCLI(t, env, args...)
	if code != 0 || !strings.Contains(out, want) {
		t.Fatalf("profhub %s: exit %d, out %q, err %q; want %q", strings.Join(args, " "), code, out, errOut, want)
	}
	return out
}

func TestInboxScriptedSetup(t *testing.T) {
	env := testEnv(t)
	mustRun(t, env, "created unit", "unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation")
	mustRun(t, env, "created unit", "unit", "add", "--name", "Обком образования", "--kind", "committee")
	mustRun(t, env, "created user", "user", "add", "--login", "ivanova", "--name", "Иванова Анна", "--password", "long password")
	mustRun(t, env, "created user", "user", "add", "--login", "petrov", "--name", "Петров Пётр", "--password", "long password")
	mustRun(t, env, `created line "Горячая линия"`, "line", "add", "--name", "Горячая линия", "--unit", "Обком образования",
		"--mode", "least_busy", "--max-active", "3", "--offer-timeout", "45s", "--operators", "ivanova,petrov:2:supervisor",
		"--welcome", "Здравствуйте!", "--off-hours", "Ответим утром", "--hours", "mon-fri 09:00-13:00 14:00-18:00; sat 10:00-14:00",
		"--sticky=false", "--holidays", "2026-01-01,2026-01-02")
	mustRun(t, env, "least_busy", "line", "list")

	// set changes only what it is given
	mustRun(t, env, `updated line "Горячая линия"`, "line", "set", "Горячая линия", "--mode", "strict", "--auto-close", "0",
		"--queue-alert", "5m", "--ask-rating")
	show := mustRun(t, env, "mode:", "line", "show", "горячая линия")
	for _, want := range []string{"mode:           strict", "max-active:     3", "offer-timeout:  45s", "queue-alert:    5m",
		"sticky:         false", "auto-close:     0", "ask-rating:     true", `welcome:        "Здравствуйте!"`,
		"hours:          mon-fri 09:00-13:00 14:00-18:00; sat 10:00-14:00", "holidays:       2026-01-01,2026-01-02",
		"operators:      ivanova,petrov:2:supervisor", "unit:           Обком образования"} {
		if !strings.Contains(show, want) {
			t.Errorf("line show lacks %q:\n%s", want, show)
		}
	}
	mustRun(t, env, "updated line", "line", "set", "Горячая линия", "--operators", "petrov", "--hours", "always", "--holidays", "")
	show = mustRun(t, env, "operators:      petrov\n", "line", "show", "Горячая линия")
	if !strings.Contains(show, "hours:          always") || !strings.Contains(show, "mode:           strict") {
		t.Errorf("after the second set:\n%s", show)
	}

	out := mustRun(t, env, "/hooks/api/", "channel", "add", "--line", "Горячая линия", "--name", "Сайт", "--webhook-url", "https://crm.example/profhub")
	id := regexp.MustCompile(`id=(\S+)`).FindStringSubmatch(out)
	secret := regexp.MustCompile(`webhook secret .*: (\S+)`).FindStringSubmatch(out)
	if id == nil || secret == nil || !strings.Contains(out, "channel token (shown only once): phc_") {
		t.Fatalf("channel add printed:\n%s", out)
	}
	if !strings.Contains(out, "/hooks/api/"+id[1]+"/messages") {
		t.Errorf("no inbound URL path for %s:\n%s", id[1], out)
	}
	mustRun(t, env, "https://crm.example/profhub", "channel", "list")
	mustRun(t, env, "disabled channel "+id[1], "channel", "disable", id[1])
	if out := mustRun(t, env, "Сайт", "channel", "list", "--line", "Горячая линия"); !regexp.MustCompile(`Сайт\s+disabled`).MatchString(out) {
		t.Errorf("channel list after disable:\n%s", out)
	}
	mustRun(t, env, "enabled channel", "channel", "enable", id[1])
	mustRun(t, env, secret[1], "channel", "webhook-secret", id[1])

	// Only a mail channel may send documents.
	mustRun(t, env, "none", "documents", "mail-channel")
	if code, _, errOut := runCLI(t, env, "documents", "mail-channel", id[1]); code == 0 || !strings.Contains(errOut, "through a mail channel") {
		t.Errorf("an api channel was accepted for documents: exit %d, %s", code, errOut)
	}
	if code, _, errOut := runCLI(t, env, "documents", "mail-channel", "no-such-id"); code == 0 || !strings.Contains(errOut, "no channel no-such-id") {
		t.Errorf("an unknown channel was accepted: exit %d, %s", code, errOut)
	}
	mustRun(t, env, "none", "documents", "mail-channel")
}

func TestInboxCLIErrorsAreClear(t *testing.T) {
	env := testEnv(t)
	mustRun(t, env, "created unit", "unit", "add", "--name", "Федерация", "--kind", "federation")
	mustRun(t, env, "created user", "user", "add", "--login", "ivanova", "--name", "Иванова Анна", "--password", "long password")
	mustRun(t, env, "created line", "line", "add", "--name", "Линия")
	mustRun(t, env, "created line", "line", "add", "--name", "Дубль")
	mustRun(t, env, "created line", "line", "add", "--name", "дубль")
	tests := []struct {
		args []string
		want string // in stderr
	}{
		{[]string{"line"}, "missing action"},
		{[]string{"line", "add"}, "name must have 1 to 200 characters"},
		{[]string{"line", "add", "--name", "X", "--mode", "sometimes"}, "routing mode must be one of"},
		{[]string{"line", "add", "--name", "X", "--operators", "nobody"}, `no user "nobody"`},
		{[]string{"line", "add", "--name", "X", "--operators", "ivanova:many"}, "after the login give a capacity"},
		{[]string{"line", "add", "--name", "X", "--offer-timeout", "1500ms"}, "--offer-timeout must be a whole number of seconds"},
		{[]string{"line", "add", "--name", "X", "--offer-timeout", "2s"}, "offer_timeout_s must be 5 to 3600"},
		{[]string{"line", "add", "--name", "X", "--auto-close", "90m"}, "--auto-close must be a whole number of hours"},
		{[]string{"line", "add", "--name", "X", "--hours", "someday 09:00-18:00"}, "not a day or range of days"},
		{[]string{"line", "add", "--name", "X", "--hours", "mon-fri"}, "needs days and at least one period"},
		{[]string{"line", "add", "--name", "X", "--hours", "mon 18:00-09:00"}, "bad period"},
		{[]string{"line", "add", "--name", "X", "--tz", "Mars/Olympus"}, "unknown time zone"},
		{[]string{"line", "add", "--name", "X", "--unit", "Нет такого"}, `no unit "Нет такого"`},
		{[]string{"line", "set", "Нет такой", "--mode", "strict"}, `no line "Нет такой"`},
		{[]string{"line", "set", "Дубль", "--mode", "strict"}, `2 lines are named "Дубль"; give the id`},
		{[]string{"line", "set"}, "expected 1 argument(s)"},
		{[]string{"channel", "add", "--name", "X"}, "--line is required"},
		{[]string{"channel", "add", "--line", "Линия", "--name", "X", "--kind", "telegram"}, "only api channels"},
		{[]string{"channel", "add", "--line", "Линия", "--name", "X", "--webhook-url", "ftp://x"}, "webhook_url must be an absolute http(s) address"},
		{[]string{"channel", "add", "--line", "Линия"}, "name must have 1 to 200 characters"},
		{[]string{"channel", "disable", "nope"}, `no channel "nope"`},
		{[]string{"channel", "frobnicate"}, "unknown action"},
	}
	for _, tc := range tests {
		code, _, errOut := runCLI(t, env, tc.args...)
		if code != 1 || !strings.Contains(errOut, tc.want) {
			t.Errorf("profhub %s: exit %d, stderr %q; want exit 1 and %q", strings.Join(tc.args, " "), code, errOut, tc.want)
		}
	}
	if _, out, _ := runCLI(t, env, "line", "list"); regexp.MustCompile(`(?m)^X\s`).MatchString(out) {
		t.Errorf("a refused line was stored:\n%s", out)
	}
}

// TestInboxCLIReachesRunningNode sets up a line and a channel from the
// command line beside a running node that shares its database and Redis:
// the node takes the channel's messages at once (the secrets opened with
// its key) and its operators can take them (the operator list reached the
// node's routing).
func TestInboxCLIReachesRunningNode(t *testing.T) {
	s, _ := hubtest.NewSharedStorage(t)
	n := hubtest.StartOn(t, s)
	op := n.AddUser(t, "ivanova", access.Operator, n.Root.ID, "password-1")
	env := []string{"PROFHUB_DATA_DIR=" + s.DataDir, "PROFHUB_DATABASE_URL=" + s.DatabaseURL, "PROFHUB_REDIS_URL=" + s.RedisURL,
		"PROFHUB_REDIS_PREFIX=" + s.RedisPrefix, "PROFHUB_SECRET_KEY=hubtest secret key, not for production"}
	if code, _, errOut := runCLI(t, env, "line", "add", "--name", "Горячая линия", "--mode", "manual", "--operators", "ivanova"); code != 0 {
		t.Fatalf("line add: %s", errOut)
	}
	out := mustRun(t, env, "phc_", "channel", "add", "--line", "Горячая линия", "--name", "Сайт")
	id := regexp.MustCompile(`id=(\S+)`).FindStringSubmatch(out)[1]
	token := regexp.MustCompile(`(phc_\S+)`).FindStringSubmatch(out)[1]

	post := func(token, msgID string) (int, inbox.IngestResult) {
		body := `{"contact": {"id": "m-1", "name": "Ковалёва Марина"}, "message": {"id": "` + msgID + `", "text": "Здравствуйте!"}}`
		req, _ := http.NewRequest(http.MethodPost, n.Server.URL+"/hooks/api/"+id+"/messages", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		var res inbox.IngestResult
		_ = json.Unmarshal(b, &res)
		return resp.StatusCode, res
	}
	if code, _ := post("phc_wrong", "site-0"); code != http.StatusUnauthorized {
		t.Errorf("wrong channel token: %d, want 401", code)
	}
	code, res := post(token, "site-1")
	if code != http.StatusCreated || res.ConversationID == "" {
		t.Fatalf("inbound message through the CLI's channel: %d %+v", code, res)
	}
	if code, again := post(token, "site-1"); code != http.StatusOK || !again.Duplicate || again.MessageID != res.MessageID {
		t.Errorf("replay: %d %+v", code, again)
	}
	if _, err := n.Inbox.Routing.Take(context.Background(), op.Scope("test"), res.ConversationID); err != nil {
		t.Errorf("the operator cannot take a conversation of the CLI's line: %v", err)
	}

	// A channel disabled from the command line is refused once the node's
	// few-second cache expires.
	mustRun(t, env, "disabled channel", "channel", "disable", id)
	deadline := time.Now().Add(6 * time.Second)
	for i := 2; ; i++ {
		code, _ := post(token, fmt.Sprintf("site-%d", i))
		if code == http.StatusForbidden {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the node still takes messages of a disabled channel: %d", code)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// checkDemoInbox verifies what the demo put into the inbox.
func checkDemoInbox(t *testing.T, env []string) {
	t.Helper()
	lines := mustRun(t, env, "Горячая линия федерации", "line", "list")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Горячая линия федерации\s+evenly\s+\d+\s+operator1,operator2`),
		regexp.MustCompile(`Правовая консультация\s+least_busy\s+\d+\s+operator2,executor`),
	} {
		if !want.MatchString(lines) {
			t.Errorf("demo lines lack %s:\n%s", want, lines)
		}
	}
	show := mustRun(t, env, "mon-fri 09:00-18:00", "line", "show", "Правовая консультация")
	if strings.Contains(show, `off-hours:      ""`) {
		t.Errorf("the legal line has no off-hours reply:\n%s", show)
	}
	if chs := mustRun(t, env, "api", "channel", "list"); strings.Count(chs, " api ") != 2 {
		t.Errorf("demo channels:\n%s", chs)
	}

	cfg, err := config.Load(env, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	d, err := db.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	c := &cli{out: io.Discard, errOut: &bytes.Buffer{}}
	e, closeKV, err := c.openInbox(ctx, cfg, d, slog.LevelError)
	if err != nil {
		t.Fatal(err)
	}
	defer closeKV()
	sys := access.System("test")
	convs, err := e.Conversations.List(ctx, sys, inbox.ConversationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	external := map[string]bool{}
	count := map[string]int{}
	history := 0
	for _, conv := range convs {
		// The reports' weeks of past conversations (inbox.AddHistory) are
		// counted apart: they are closed, some missed, and stored as
		// history rather than received through a channel.
		if strings.HasPrefix(conv.ExternalChatID, "history-") {
			history++
			continue
		}
		count[conv.Status]++
		msgs, err := e.Conversations.Messages(ctx, sys, conv.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		answered := false
		for _, m := range msgs {
			if m.Direction == inbox.DirIn {
				if external[m.ExternalID] {
					t.Errorf("external id %s used twice", m.ExternalID)
				}
				external[m.ExternalID] = true
			}
			answered = answered || (m.Direction == inbox.DirOut && m.AuthorID != "" && m.AuthorID == conv.AssigneeID)
		}
		if conv.Status != inbox.StatusWaiting && !answered {
			t.Errorf("%s conversation %q has no answer from its operator", conv.Status, conv.Subject)
		}
	}
	if len(convs)-history < 8 || count[inbox.StatusClosed] != 1 || count[inbox.StatusWaiting] == 0 || count[inbox.StatusActive] == 0 {
		t.Errorf("demo conversations by status: %v", count)
	}
	var past int // the list above stops at a page; count them all
	if err := d.QueryRow(`SELECT COUNT(*) FROM inbox_conversations WHERE external_chat_id LIKE 'history-%'`).Scan(&past); err != nil || past < 100 {
		t.Errorf("the demo has %d past conversations for the reports, want at least 100 (%v)", past, err)
	}
	// The demo command fills the mailings too, not only `serve --demo`.
	var campaigns, accounts int
	if err := d.QueryRow(`SELECT (SELECT COUNT(*) FROM mailing_campaigns WHERE status = 'draft'),
		(SELECT COUNT(*) FROM mailing_smtp_accounts)`).Scan(&campaigns, &accounts); err != nil || campaigns == 0 || accounts == 0 {
		t.Errorf("demo mailings: %d draft campaigns, %d SMTP accounts, %v", campaigns, accounts, err)
	}
}
