package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/workflow"
)

// TestFillOnRunningNode is `serve --demo`: the demo fills a node whose
// inbox engine runs, and a second fill changes nothing.
func TestFillOnRunningNode(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	var out bytes.Buffer
	env := demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Docs: n.Docs, Mailing: n.Mailing, Notify: n.Notify, Calendar: n.Calendar, Out: &out, Params: auth.CheapPasswordParams,
		Telegram: demo.TelegramBot{Token: "123:demo", APIURL: fakeBotAPI(t)}}
	if err := demo.Fill(ctx, env); err != nil {
		t.Fatal(err)
	}
	checkTelegramCampaign(t, n)
	checkTelephony(t, n)
	checkNoticesAndHomes(t, n)
	checkCalendar(t, n)
	lines, err := n.Inbox.Lines.List(ctx, n.System)
	if err != nil {
		t.Fatal(err)
	}
	modes := map[string]inbox.RoutingMode{}
	for _, l := range lines {
		modes[l.Name] = l.Mode
		if len(l.Operators) != 2 {
			t.Errorf("line %q has %d operators", l.Name, len(l.Operators))
		}
	}
	if modes["Горячая линия федерации"] != inbox.Evenly || modes["Правовая консультация"] != inbox.LeastBusy {
		t.Errorf("demo lines: %v", modes)
	}
	convs, err := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{ChannelKind: inbox.KindAPI})
	if err != nil {
		t.Fatal(err)
	}
	byStatus := map[string]int{}
	for _, c := range convs {
		byStatus[c.Status]++
	}
	if len(convs) != 8 || byStatus[inbox.StatusClosed] != 1 || byStatus[inbox.StatusActive] != 4 || byStatus[inbox.StatusWaiting] != 3 {
		t.Errorf("demo conversations by status: %v", byStatus)
	}

	docs, err := n.Docs.Journal.Journal(ctx, n.System, workflow.JournalFilter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	docStates := map[string]int{}
	for _, d := range docs.Documents {
		docStates[string(d.Kind)+"/"+d.Step]++
	}
	if docs.Total != 15 || docStates["incoming/execution"] != 1 || docStates["internal/acquaintance"] != 1 ||
		docStates["outgoing/rejected"] != 1 || docStates["outgoing/dispatch"] != 1 {
		t.Errorf("demo documents: %d, by state %v", docs.Total, docStates)
	}

	// The CRM part's ten members and the telephony part's two callers.
	members, err := n.CRM.Members.ListMembers(ctx, n.System, crm.MemberFilter{Kind: crm.KindMember})
	if err != nil || members.Total != 12 {
		t.Errorf("demo members: %d, %v", members.Total, err)
	}
	appeals, err := n.CRM.Appeals.ListAppeals(ctx, n.System, crm.AppealFilter{})
	if err != nil || appeals.Total != 6 {
		t.Errorf("demo appeals: %d, %v", appeals.Total, err)
	}
	if overdue, _ := n.CRM.Appeals.ListAppeals(ctx, n.System, crm.AppealFilter{Overdue: true}); overdue.Total != 1 {
		t.Errorf("demo overdue appeals: %d", overdue.Total)
	}
	if fromChat, _ := n.CRM.Appeals.ListAppeals(ctx, n.System, crm.AppealFilter{Channel: "api"}); fromChat.Total != 3 {
		t.Errorf("demo appeals from conversations: %d", fromChat.Total)
	}

	if lists, _ := n.CRM.Lists.Lists(ctx, n.System); len(lists) != 1 {
		t.Errorf("demo lists: %+v", lists)
	} else if _, recs, err := n.CRM.Lists.Records(ctx, n.System, lists[0].ID, crm.RecordFilter{}); err != nil || recs.Total != 3 {
		t.Errorf("demo awards: %d, %v", recs.Total, err)
	}

	out.Reset()
	if err := demo.Fill(ctx, env); err != nil || !strings.Contains(out.String(), "already present") {
		t.Fatalf("second fill: %v %q", err, out.String())
	}
	if again, _ := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{ChannelKind: inbox.KindAPI}); len(again) != len(convs) {
		t.Errorf("second fill: %d conversations, had %d", len(again), len(convs))
	}
}

// fakeBotAPI answers what saving and polling the demo's bot asks of the
// Bot API.
func fakeBotAPI(t *testing.T) string {
	api := tgtest.New(t)
	api.Set(func(f *tgtest.Server) {
		f.Token, f.Bot = "123:demo", tgtest.Bot{ID: 123, FirstName: "Федерация", Username: "fed_demo_bot"}
	})
	return api.URL
}

// checkTelegramCampaign: with a bot, the demo has a draft invitation
// that goes by Telegram, else by e-mail.
func checkTelegramCampaign(t *testing.T, n *hubtest.Node) {
	t.Helper()
	cs, err := n.Mailing.Campaigns.ListCampaigns(context.Background(), n.System, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Name == "Приглашение на собрание профактива" {
			if len(c.Channels) != 2 || c.Channels[0] != "telegram" || c.Messengers["telegram"] == "" || c.Status != "draft" {
				t.Errorf("demo Telegram campaign: %+v", c)
			}
			return
		}
	}
	t.Errorf("no demo Telegram campaign among %d", len(cs))
}

// checkNoticesAndHomes: the demo rings bells (the chairman's documents,
// the operator's mention, the administrators' failing channel) and leaves
// something on every role's home page.
func checkNoticesAndHomes(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	want := map[string]string{"chairman": notify.DocumentResolution, "secretary": notify.DocumentTask, "operator1": notify.Mention,
		"operator2": notify.ConversationOffered, "admin": notify.ChannelFailing}
	for login, kind := range want {
		rec, err := n.Org.AuthByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		sc := rec.User.Scope("test")
		items, _, err := n.Notify.List(ctx, sc, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]bool{}
		for _, it := range items {
			kinds[it.Kind] = true
		}
		if !kinds[kind] {
			t.Errorf("%s has no %s notice: %v", login, kind, kinds)
		}
		page, err := n.Home.Page(ctx, sc)
		if err != nil {
			t.Fatal(err)
		}
		filled := 0
		for _, s := range page.Sections {
			if len(s.Items) > 0 {
				filled++
			}
		}
		if filled < 2 {
			t.Errorf("%s's home page (%s) has %d sections with items: %+v", login, page.Role, filled, page.Sections)
		}
	}
}
