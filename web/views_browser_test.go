package web_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestViewsInChromium: an operator labels a contact in the console, sees
// the chip on the list row, filters by it, saves the filter as a view and
// opens it again from the menu; a colleague's shared view is listed with
// its count, and a view whose label was deleted opens and says so
// (web/browsertest/views.test.mjs; screenshots console-views.png and
// console-views-390.png).
func TestViewsInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "views-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "op2", Role: access.Operator})
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Общая линия", n.Root.ID
	l.Operators = []inbox.LineOperator{{UserID: users["op1"].ID}, {UserID: users["op2"].ID}}
	general, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: general.ID, Kind: inbox.KindAPI, Name: "Сайт профсоюза"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lb := range []inbox.Label{{Name: "Срочно", Color: "#c62828"}, {Name: "Постоянный", Color: "#6a1b9a"}} {
		if _, err := n.Inbox.Labels.Save(ctx, n.System, lb); err != nil {
			t.Fatal(err)
		}
	}
	temp, err := n.Inbox.Labels.Save(ctx, n.System, inbox.Label{Name: "Временная", Color: "#2e7d32"})
	if err != nil {
		t.Fatal(err)
	}
	anyFilter := func(url.Values) error { return nil }
	op1, op2 := users["op1"].Scope("test"), users["op2"].Scope("test")
	if _, err := n.Inbox.Views.Save(ctx, op1, "Старый вид", false, inbox.ViewFilter{Tab: "all", LabelID: temp.ID}, anyFilter); err != nil {
		t.Fatal(err)
	}
	if err := n.Inbox.Labels.Delete(ctx, n.System, temp.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Inbox.Views.Save(ctx, op2, "Вся общая линия", true, inbox.ViewFilter{Tab: "all", LineID: general.ID}, anyFilter); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Inbox.Views.Save(ctx, op2, "Личный вид коллеги", false, inbox.ViewFilter{Tab: "mine"}, anyFilter); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "views.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token}})
}
