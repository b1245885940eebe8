package automation_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/webhooks"
)

func allowPrivate(c *config.Config) { c.WebhooksAllowPrivate = true }

// endpoint subscribes a webhook endpoint at url (to mailings only: the
// rule's event comes whatever the endpoint subscribed to).
func (r *rig) endpoint(t *testing.T, url string) webhooks.Endpoint {
	t.Helper()
	e, err := r.n.Webhooks.Create(context.Background(), r.n.System, webhooks.Input{URL: url, Events: []string{webhooks.MailingChanged}})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (r *rig) quickAnswer(t *testing.T, shortcut, text string) inbox.QuickAnswer {
	t.Helper()
	q, err := r.n.Inbox.QuickAnswers.Create(context.Background(), r.n.System, inbox.QuickAnswer{LineID: r.general.ID, Shortcut: shortcut, Text: text})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func refusedWith(err error, key string) bool {
	f, ok := valid.AsRefusal(err)
	return ok && f.Key == key
}

// The webhook and template steps name things that must exist when the
// rule is saved (a disabled endpoint counts as gone, a personal quick
// answer is not a line's); macros cannot use them; the refusal reaches
// the editor in Russian.
func TestNewStepsAreValidated(t *testing.T) {
	r := newRigOn(t, hubtest.StartWith(t, hubtest.NewStorage(t), allowPrivate))
	ctx := context.Background()
	on := r.endpoint(t, "http://127.0.0.1:9/on")
	off := r.endpoint(t, "http://127.0.0.1:9/off")
	if err := r.n.Webhooks.SetEnabled(ctx, r.n.System, off.ID, false); err != nil {
		t.Fatal(err)
	}
	line := r.quickAnswer(t, "spasibo", "Спасибо за обращение!")
	personal, err := r.n.Inbox.QuickAnswers.Create(ctx, r.sc1, inbox.QuickAnswer{Shortcut: "moe", Text: "Личный ответ"})
	if err != nil {
		t.Fatal(err)
	}
	rule := func(a automation.Action) automation.Rule {
		return automation.Rule{Name: "x", On: automation.OnAppeal, Actions: []automation.Action{a}}
	}
	for name, tc := range map[string]struct {
		a   automation.Action
		key string
	}{
		"missing endpoint":       {automation.Action{Kind: automation.DoWebhook, Value: "nope"}, "automation_webhook_gone"},
		"disabled endpoint":      {automation.Action{Kind: automation.DoWebhook, Value: off.ID}, "automation_webhook_gone"},
		"missing quick answer":   {automation.Action{Kind: automation.DoTemplate, Value: "nope"}, "automation_template_gone"},
		"personal quick answer":  {automation.Action{Kind: automation.DoTemplate, Value: personal.ID}, "automation_template_gone"},
		"webhook without value":  {automation.Action{Kind: automation.DoWebhook}, ""},
		"template without value": {automation.Action{Kind: automation.DoTemplate}, ""},
	} {
		_, err := r.n.Automation.SaveRule(ctx, r.n.System, rule(tc.a))
		if _, isValid := valid.As(err); tc.key == "" && !isValid || tc.key != "" && !refusedWith(err, tc.key) {
			t.Errorf("%s: err %v, want %q", name, err, tc.key)
		}
	}
	for _, a := range []automation.Action{{Kind: automation.DoWebhook, Value: on.ID}, {Kind: automation.DoTemplate, Value: line.ID}} {
		if _, err := r.n.Automation.SaveMacro(ctx, r.n.System, automation.Macro{Name: "m", Actions: []automation.Action{a}}); err == nil {
			t.Errorf("a macro with a %s step was saved", a.Kind)
		}
	}
	if rs, _ := r.n.Automation.Rules(ctx, r.n.System); len(rs) != 0 {
		t.Fatalf("%d rules saved", len(rs))
	}
	saved, err := r.n.Automation.SaveRule(ctx, r.n.System, automation.Rule{Name: "Обращение заведено", On: automation.OnAppeal,
		Actions: []automation.Action{{Kind: automation.DoWebhook, Value: on.ID}, {Kind: automation.DoTemplate, Value: line.ID}}})
	if err != nil || saved.On != automation.OnAppeal {
		t.Fatalf("a good rule: %+v %v", saved, err)
	}
	// The editor's lists, and the refusal in Russian over the API.
	c, err := r.n.Automation.Choices(ctx, r.n.System)
	if err != nil || len(c.Webhooks) != 1 || c.Webhooks[0].ID != on.ID || len(c.QuickAnswers) != 1 || c.QuickAnswers[0].ID != line.ID {
		t.Fatalf("choices: %+v %v", c, err)
	}
	adm := r.n.NewBrowser(t)
	adm.Login(t, "admin", hubtest.AdminPassword)
	code, body := adm.Do(t, "POST", "/api/v1/automation/rules", `{"name":"y","on":"appeal","actions":[{"kind":"webhook","value":"`+off.ID+`"}]}`)
	if code != http.StatusConflict || !strings.Contains(body, "вебхук") {
		t.Fatalf("a disabled endpoint over the API: %d %s", code, body)
	}
}

// receiver is a loopback webhook endpoint that checks each signature with
// the webhooks package's own signing.
type receiver struct {
	mu     sync.Mutex
	secret string
	got    []map[string]any
	bad    []string
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	sig := r.Header.Get(webhooks.SignatureHeader)
	ts, _, _ := strings.Cut(strings.TrimPrefix(sig, "t="), ",")
	sec, _ := strconv.ParseInt(ts, 10, 64)
	if webhooks.Sign(rc.secret, time.Unix(sec, 0), body) != sig {
		rc.bad = append(rc.bad, sig)
	}
	var env map[string]any
	_ = json.Unmarshal(body, &env)
	rc.got = append(rc.got, env)
}

func (rc *receiver) events(eventType string) []map[string]any {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []map[string]any
	for _, e := range rc.got {
		if e["type"] == eventType {
			out = append(out, e)
		}
	}
	return out
}

// The webhook step queues one signed automation.rule event for the one
// endpoint it names, through the webhooks' outbox; an endpoint disabled
// later is a webhook_failed entry in the history, and the rule's other
// steps still run.
func TestWebhookActionDeliversSignedEvent(t *testing.T) {
	r := newRigOn(t, hubtest.StartWith(t, hubtest.NewStorage(t), allowPrivate))
	ctx := context.Background()
	rc := &receiver{}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	e := r.endpoint(t, srv.URL+"/hook?key=1")
	other := r.endpoint(t, srv.URL+"/other")
	rc.mu.Lock()
	rc.secret = e.Secret
	rc.mu.Unlock()
	r.rule(t, automation.Rule{Name: "Сообщить CRM", On: automation.OnMessage,
		Actions: []automation.Action{{Kind: automation.DoWebhook, Value: e.ID}, {Kind: automation.DoLabel, Value: r.label.ID}}})
	id := r.write(t, "a", "вопрос о выплате")
	r.run(t)
	eventually(t, "the rule's event at the endpoint", func() bool { return len(rc.events(webhooks.AutomationRule)) > 0 })
	r.run(t)
	evs := rc.events(webhooks.AutomationRule)
	data, _ := evs[0]["data"].(map[string]any)
	if len(evs) != 1 || data["rule"] != "Сообщить CRM" || data["conversation_id"] != id || data["trigger"] != automation.OnMessage {
		t.Fatalf("events: %v", evs)
	}
	rc.mu.Lock()
	bad := rc.bad
	rc.mu.Unlock()
	if len(bad) > 0 {
		t.Fatalf("bad signatures: %v", bad)
	}
	var queued, toOther int
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE event_type = $1 AND endpoint_id = $2`, webhooks.AutomationRule, e.ID).Scan(&queued)
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE endpoint_id = $1`, other.ID).Scan(&toOther)
	if queued != 1 || toOther != 0 {
		t.Fatalf("queued %d for the endpoint (want 1), %d for the other (want 0)", queued, toOther)
	}
	if h := r.history(t, id); !strings.Contains(h, `"action":"webhook"`) || !strings.Contains(h, `"detail":"127.0.0.1`) {
		t.Fatalf("history:\n%s", h)
	}

	// Disabled since: logged as failed, the label still put on.
	if err := r.n.Webhooks.SetEnabled(ctx, r.n.System, e.ID, false); err != nil {
		t.Fatal(err)
	}
	later := r.write(t, "b", "ещё вопрос")
	r.run(t)
	if h := r.history(t, later); !strings.Contains(h, `"action":"webhook_failed"`) || !strings.Contains(h, `"action":"label"`) {
		t.Fatalf("history after the endpoint was disabled:\n%s", h)
	}
	if c := r.conv(t, later); !has(c.Labels, r.label.ID) {
		t.Fatal("the step after the failed webhook did not run")
	}
	_ = r.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM webhook_deliveries WHERE event_type = $1`, webhooks.AutomationRule).Scan(&queued)
	if queued != 1 {
		t.Fatalf("%d rule events queued, want 1", queued)
	}
}

// The template step sends a line's quick answer as the rule's reply; a
// quick answer deleted since is a template_failed entry, and the rule's
// other steps still run.
func TestTemplateActionSendsTheTemplate(t *testing.T) {
	r := newRig(t)
	ctx := context.Background()
	q := r.quickAnswer(t, "priem", "Здравствуйте! Приём в профком — по вторникам с 10 до 13.")
	r.rule(t, automation.Rule{Name: "Часы приёма", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "приём"}},
		Actions:    []automation.Action{{Kind: automation.DoTemplate, Value: q.ID}, {Kind: automation.DoLabel, Value: r.label.ID}}})
	id := r.write(t, "a", "Когда приём у председателя?")
	r.run(t)
	ms, err := r.n.Inbox.Conversations.Messages(ctx, r.n.System, id, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, m := range ms {
		if m.Direction == inbox.DirOut && m.Text == q.Text {
			sent++
		}
	}
	if sent != 1 {
		t.Fatalf("the quick answer was sent %d times", sent)
	}
	if h := r.history(t, id); !strings.Contains(h, `"action":"template"`) || !strings.Contains(h, `"detail":"priem"`) {
		t.Fatalf("history:\n%s", h)
	}
	if c := r.conv(t, id); c.AssigneeID != "" || c.Status != inbox.StatusWaiting {
		t.Fatalf("the rule's reply took the conversation: %s %s", c.AssigneeID, c.Status)
	}
	if err := r.n.Inbox.QuickAnswers.Delete(ctx, r.n.System, q.ID); err != nil {
		t.Fatal(err)
	}
	later := r.write(t, "b", "А приём в субботу есть?")
	r.run(t)
	if h := r.history(t, later); !strings.Contains(h, `"action":"template_failed"`) || !strings.Contains(h, `"action":"label"`) {
		t.Fatalf("history after the quick answer was deleted:\n%s", h)
	}
	if c := r.conv(t, later); !has(c.Labels, r.label.ID) {
		t.Fatal("the step after the failed template did not run")
	}
}

// An appeal filed from a conversation runs the appeal rules once, on two
// nodes following one log; an appeal a rule files does not (the loop
// guard), though it is in the history too.
func TestAppealTriggerRunsOnceAndNotOnRulesAppeals(t *testing.T) {
	storage, _ := hubtest.NewSharedStorage(t)
	r := newRigOn(t, hubtest.StartOn(t, storage))
	other := hubtest.StartOn(t, storage)
	ctx := context.Background()
	r.rule(t, automation.Rule{Name: "Жалоба — обращение", On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "жалоба"}},
		Actions:    []automation.Action{{Kind: automation.DoAppeal, Value: "Жалоба из чата"}}})
	r.rule(t, automation.Rule{Name: "Обращение заведено — поблагодарить", On: automation.OnAppeal,
		Actions: []automation.Action{{Kind: automation.DoReply, Value: "Спасибо! Ваше обращение зарегистрировано."}, {Kind: automation.DoLabel, Value: r.label.ID}}})
	byOperator := r.write(t, "a", "Прошу разобраться с начислением зарплаты")
	byRule := r.write(t, "b", "Это жалоба на работодателя")
	// Both nodes' workers run, and the test runs passes on both at once
	// until the appeals' entries are logged and run.
	runBoth := func() {
		var wg sync.WaitGroup
		for _, n := range []*hubtest.Node{r.n, other, r.n, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := n.Automation.RunEvents(ctx); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	runBoth()
	if _, err := r.n.CRM.Appeals.CreateAppealFromConversation(ctx, r.n.System, byOperator, crm.FromConversation{
		AppealInput: crm.AppealInput{Subject: "Начисление зарплаты"}}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the appeal rule on the operator's appeal", func() bool {
		runBoth()
		return strings.Contains(r.history(t, byOperator), `"rule":"Обращение заведено — поблагодарить"`)
	})
	eventually(t, "the rule's appeal in the history", func() bool {
		runBoth()
		return strings.Contains(r.history(t, byRule), `"event":"appeal_created"`)
	})
	runBoth()
	runBoth()
	h := r.history(t, byOperator)
	if n := strings.Count(h, `"rule":"Обращение заведено — поблагодарить"`); n != 2 || !strings.Contains(h, `"event":"appeal_created"`) {
		t.Fatalf("the appeal rule's two steps logged %d times, want once each:\n%s", n, h)
	}
	if c := r.conv(t, byOperator); !has(c.Labels, r.label.ID) {
		t.Fatalf("labels %v", c.Labels)
	}
	h = r.history(t, byRule)
	if !strings.Contains(h, `"action":"appeal"`) || strings.Contains(h, "поблагодарить") {
		t.Fatalf("a rule's appeal ran the appeal rule:\n%s", h)
	}
	if c := r.conv(t, byRule); has(c.Labels, r.label.ID) {
		t.Fatal("a rule's appeal labelled the conversation")
	}
}
