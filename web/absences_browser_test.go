package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestAbsencesInChromium: an operator requests a vacation from today on
// the absences page (a request that ends before it starts is refused in
// Russian), the chairman approves it there, and then a message to the
// operators' line is offered to the other operator and never to the
// absent one, whom the supervisor sees flagged; the administrator's
// production calendar page refuses a broken file in Russian
// (web/browsertest/absences.test.mjs).
func TestAbsencesInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "absence-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "op2", Role: access.Operator}, browsertest.User{Login: "chair", Role: access.Chairman})
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Горячая линия", n.Root.ID, inbox.Strict
	l.Operators = []inbox.LineOperator{{UserID: users["op1"].ID}, {UserID: users["op2"].ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, token, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(n.Config.Zone())
	browsertest.Run(t, browsertest.Script{Name: "absences.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_CHANNEL=" + ch.ID, "PROFHUB_CHANNEL_TOKEN=" + token, "PROFHUB_PASSWORD=" + pw,
			"PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword,
			"PROFHUB_TODAY=" + now.Format(time.DateOnly), "PROFHUB_UNTIL=" + now.AddDate(0, 0, 9).Format(time.DateOnly),
			"PROFHUB_BEFORE=" + now.AddDate(0, 0, -3).Format(time.DateOnly)}})
}
