package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
	"github.com/profhub/profhub/webhooks"
)

// TestAutomationInChromium: an administrator builds, in the rules
// editor, the rule that labels messages with "взнос" and routes them to
// the dues line; a member's message through the API channel ends up
// there, labelled; an operator runs a macro on a conversation and closes
// two others at once from the list; the administrator also builds the
// appeal rule «Обращение заведено — поблагодарить» (a quick answer), which
// answers when the operator files an appeal from the conversation
// (web/browsertest/automation.test.mjs; screenshots rules-editor*.png,
// automation-rules*.png).
func TestAutomationInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "automation-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "boss", Role: access.Administrator},
		browsertest.User{Login: "op1", Role: access.Operator}, browsertest.User{Login: "op2", Role: access.Operator})
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Общая линия", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: users["op1"].ID}, {UserID: users["op2"].ID}}
	general, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	l = inbox.DefaultLine()
	l.Name, l.UnitID = "Взносы", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: users["op2"].ID}}
	if _, err := n.Inbox.Lines.Create(ctx, n.System, l); err != nil {
		t.Fatal(err)
	}
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: general.ID, Kind: inbox.KindAPI, Name: "Сайт профсоюза"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lb := range []inbox.Label{{Name: "Взносы", Color: "#2e7d32"}, {Name: "Срочно", Color: "#c62828"}, {Name: "Юристу", Color: "#6a1b9a"}} {
		if _, err := n.Inbox.Labels.Save(ctx, n.System, lb); err != nil {
			t.Fatal(err)
		}
	}
	// What the appeal rule's steps pick: a line's quick answer, and an
	// endpoint (the editor lists it; the test's rule does not call it).
	if _, err := n.Inbox.QuickAnswers.Create(ctx, n.System, inbox.QuickAnswer{LineID: general.ID, Shortcut: "spasibo",
		Text: "Спасибо! Ваше обращение зарегистрировано, о ходе рассмотрения мы сообщим."}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Webhooks.Create(ctx, n.System, webhooks.Input{URL: "https://crm.example.org/hooks/profhub", Events: []string{webhooks.AppealChanged}}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Automation.SaveMacro(ctx, n.System, automation.Macro{Name: "Ответить и закрыть", Actions: []automation.Action{
		{Kind: automation.DoReply, Value: "Спасибо за обращение! Если появятся вопросы — пишите."}, {Kind: automation.DoClose}}}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "automation.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token}})
}
