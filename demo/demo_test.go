package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workflow"
)

// TestFillOnRunningNode is `serve --demo`: the demo fills a node whose
// inbox engine runs, and a second fill changes nothing.
func TestFillOnRunningNode(t *testing.T) {
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL // campaigns are scheduled only with links that work
	ctx := context.Background()
	var out bytes.Buffer
	env := demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Docs: n.Docs, Mailing: n.Mailing, Notify: n.Notify, Calendar: n.Calendar, Worktime: n.Worktime, Tasks: n.Tasks, Chat: n.Chat, Out: &out, Params: auth.CheapPasswordParams,
		Telegram: demo.TelegramBot{Token: "123:demo", APIURL: fakeBotAPI(t)}, Absences: n.Absences, Zone: n.Config.Zone(), Feed: n.Feed, Help: n.Help}
	env.Privacy = n.Privacy
	env.Automation = n.Automation
	env.Office = n.MemberBot
	if err := demo.Fill(ctx, env); err != nil {
		t.Fatal(err)
	}
	checkPrivacy(t, n)
	checkTelegramCampaign(t, n)
	checkCampaignsReach(t, n)
	checkWidget(t, n)
	checkBlockLetter(t, n)
	checkTelephony(t, n)
	checkNoticesAndHomes(t, n)
	checkAbsences(t, n)
	checkWorktime(t, n)
	checkCalendar(t, n)
	checkFeed(t, n)
	checkTasks(t, n)
	checkChat(t, n)
	checkOffice(t, n)
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
	// Today's conversations; the past weeks' are the reports' (history.go).
	byStatus, today, due := map[string]int{}, 0, 0
	for _, c := range convs {
		if time.Since(c.CreatedAt) < 24*time.Hour {
			byStatus[c.Status]++
			today++
			if !c.ResolutionDueAt.IsZero() {
				due++
			}
		}
	}
	// Both lines promise service levels, so today's conversations are due
	// (the legal line's only within its working hours: some may not be).
	if due == 0 {
		t.Errorf("no demo conversation has a resolution due time")
	}
	if today != 8 || byStatus[inbox.StatusClosed] != 1 || byStatus[inbox.StatusActive] != 4 || byStatus[inbox.StatusWaiting] != 3 {
		t.Errorf("demo conversations by status: %v", byStatus)
	}
	// The reports page has weeks of history to show.
	rep, err := n.Inbox.Stats.Report(ctx, n.System, inbox.StatsFilter{From: time.Now().AddDate(0, 0, -43), To: time.Now()})
	if err != nil || rep.Total.Received < 100 || rep.Total.Rated == 0 || rep.Total.FirstResponse.Count < 100 || len(rep.Operators) != 3 {
		t.Errorf("demo report: %+v, %v", rep.Total, err)
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
	checkAutomation(t, n)
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

// checkBlockLetter: the demo has a block editor template and a draft
// built from it that previews with a member's name.
func checkBlockLetter(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	ts, err := n.Mailing.Templates.Templates(ctx, n.System)
	if err != nil || len(ts) != 1 || len(ts[0].Blocks) != 6 {
		t.Fatalf("demo templates %+v, %v", ts, err)
	}
	cs, err := n.Mailing.Campaigns.ListCampaigns(ctx, n.System, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Content.IsBlocks() {
			r, err := n.Mailing.Previews.Preview(ctx, n.System, c.ID, "")
			if err != nil || r.Subject != "Мария, приглашаем на отчётно-выборную конференцию" || !strings.Contains(r.HTML, "Подтвердить участие") {
				t.Errorf("demo block letter: %q, %v", r.Subject, err)
			}
			return
		}
	}
	t.Errorf("no demo block letter among %d campaigns", len(cs))
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
		// The four roles' pages shown in docs/screenshots have something in every section.
		if want := map[bool]int{true: len(page.Sections), false: 2}[login != "operator2"]; filled < want {
			t.Errorf("%s's home page (%s) has %d sections with items of %d: %+v", login, page.Role, filled, len(page.Sections), page.Sections)
		}
	}
	// The chairman chose push to the phone for documents waiting for him.
	rec, err := n.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		t.Fatal(err)
	}
	prefs, err := n.Notify.Prefs(ctx, rec.User.Scope("test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range prefs {
		if p.Kind == notify.DocumentResolution && !p.Push {
			t.Errorf("the demo chairman does not push resolutions to his phone: %+v", p)
		}
	}
}

// checkCampaignsReach: every demo campaign reaches someone — the member
// segments match demo members who have an address and the consent.
func checkCampaignsReach(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	cs, err := n.Mailing.Campaigns.ListCampaigns(ctx, n.System, 20, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) < 4 {
		t.Errorf("demo campaigns: %d", len(cs))
	}
	for _, c := range cs {
		ac, err := n.Mailing.Audience.CountAudience(ctx, n.System, c.CampaignInput)
		if err != nil || ac.Total == 0 {
			t.Errorf("demo campaign %q reaches %+v, %v", c.Name, ac, err)
		}
	}
}

// checkWidget: the site chat channel that /widget/demo embeds, and its
// visitor, whose phone proposes a member card to the hotline's operator.
func checkWidget(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	chans, err := n.Inbox.Channels.OfKind(ctx, inbox.KindWidget)
	if err != nil || len(chans) != 1 {
		t.Fatalf("demo widget channels: %+v, %v", chans, err)
	}
	convs, err := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{ChannelKind: inbox.KindWidget})
	if err != nil || len(convs) != 1 {
		t.Fatalf("demo widget conversations: %d, %v", len(convs), err)
	}
	rec, err := n.Org.AuthByLogin(ctx, "operator1")
	if err != nil {
		t.Fatal(err)
	}
	c, err := n.CRM.ConversationPanel.Contact(ctx, rec.User.Scope("test"), convs[0].ID)
	if err != nil || !c.FromForm || len(c.Proposals) != 1 || c.Proposals[0].FullName != "Петров Дмитрий Александрович" {
		t.Errorf("the demo visitor's panel: %+v, %v", c, err)
	}
}

// checkAbsences: the executor is on sick leave today, and the chairman has
// two requests to decide.
func checkAbsences(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	ex, err := n.Org.AuthByLogin(ctx, "executor")
	if err != nil {
		t.Fatal(err)
	}
	if kind, _, err := n.Absences.AbsentNow(ctx, ex.ID); err != nil || kind != "sick_leave" {
		t.Errorf("the executor's absence today: %q, %v", kind, err)
	}
	ch, err := n.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		t.Fatal(err)
	}
	if reqs, err := n.Absences.Requests(ctx, ch.Scope("test")); err != nil || len(reqs) != 2 {
		t.Errorf("the chairman's requests: %d, %v", len(reqs), err)
	}
}

// checkWorktime: the chairman's time sheet has the staff's hours and one
// corrected cell (this month's or, early in a month, the last one's).
func checkWorktime(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	ch, err := n.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		t.Fatal(err)
	}
	minutes, fixed := 0, 0
	for _, month := range []string{time.Now().AddDate(0, 0, -21).Format("2006-01"), time.Now().Format("2006-01")} {
		sh, err := n.Worktime.Month(ctx, ch.Scope("test"), "", month)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sh.Rows {
			minutes += r.Minutes
			for _, c := range r.Cells {
				if c.Correction != nil {
					fixed++
				}
			}
		}
	}
	if minutes < 60*60 || fixed == 0 {
		t.Errorf("the demo's time sheet: %d minutes, %d corrected", minutes, fixed)
	}
}

// checkTasks: the chairman's "assigned by me" has tasks in every state,
// the one from a document links back to it, the sick executor is flagged
// and the secretary's task is overdue.
func checkTasks(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	ch, err := n.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		t.Fatal(err)
	}
	list, err := n.Tasks.List(ctx, ch.Scope("test"), tasks.Filter{View: tasks.ViewAssigned})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tk := range list {
		seen[tk.Status] = true
		if tk.Source != nil && tk.Source.Kind == tasks.FromDocument && !strings.Contains(tk.Source.Title, "Смета расходов на спартакиаду") {
			t.Errorf("the document's task links to %+v", tk.Source)
		}
		if tk.Assignee.Name == "Николаев Павел Игоревич" && (tk.Absent == nil || tk.Absent.Kind != "sick_leave") {
			t.Errorf("the sick executor is not flagged: %+v", tk.Absent)
		}
	}
	for _, s := range []string{tasks.StatusNew, tasks.InProgress, tasks.Returned, tasks.Done} {
		if !seen[s] {
			t.Errorf("no %s task among the chairman's %d", s, len(list))
		}
	}
	sec, err := n.Org.AuthByLogin(ctx, "secretary")
	if err != nil {
		t.Fatal(err)
	}
	if late, err := n.Tasks.List(ctx, sec.Scope("test"), tasks.Filter{View: tasks.ViewAssigned, Overdue: true}); err != nil || len(late) != 1 {
		t.Errorf("the secretary's overdue tasks: %d %v", len(late), err)
	}
}

// checkOffice: Ковалёва holds a card whose verify page says valid, her
// Telegram chat with the demo bot is linked to her card, and the bot's
// statistics have four weeks.
func checkOffice(t *testing.T, n *hubtest.Node) {
	t.Helper()
	var member, token string
	if err := n.DB.QueryRow(`SELECT m.id FROM crm_members m JOIN memberbot_cards c ON c.member_id = m.id WHERE m.surname = 'Ковалёва'`).Scan(&member); err != nil {
		t.Fatalf("no demo card: %v", err)
	}
	links, err := n.MemberBot.LinksOf(context.Background(), member)
	if err != nil || len(links) != 1 || links[0].Kind != "telegram" {
		t.Fatalf("demo links %+v %v", links, err)
	}
	m, _ := n.MemberBot.Member(context.Background(), member)
	c, err := n.MemberBot.Cards.IssueCard(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	token = c.Token
	if v, err := n.MemberBot.Cards.Verify(context.Background(), token); err != nil || !v.Valid() {
		t.Fatalf("demo card: %+v %v", v, err)
	}
	var days int
	if err := n.DB.QueryRow(`SELECT COUNT(DISTINCT day) FROM memberbot_actions`).Scan(&days); err != nil || days != 28 {
		t.Fatalf("bot statistics over %d days (%v)", days, err)
	}
	// The help centre: three sections, seven published articles and a
	// draft, found by another form of their words.
	cats, err := n.Help.Categories(context.Background(), access.Scope{})
	hits, _ := n.Help.Suggest(context.Background(), "взносов")
	if err != nil || len(cats) != 3 || len(hits) < 2 || hits[0].Category != "Членские взносы" {
		t.Errorf("demo help centre: %+v %+v %v", cats, hits, err)
	}
}
