package hub_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/org"
)

type noticeList struct {
	Notifications []notify.Item `json:"notifications"`
	Unread        int           `json:"unread"`
}

func notices(t *testing.T, b *hubtest.Browser) noticeList {
	t.Helper()
	code, body := b.Do(t, "GET", "/api/v1/notifications", "")
	if code != http.StatusOK {
		t.Fatalf("notifications: %d %s", code, body)
	}
	var l noticeList
	if err := json.Unmarshal([]byte(body), &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// countStream reads the bell's stream and sends each count it announces.
func countStream(t *testing.T, b *hubtest.Browser) <-chan int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", b.Base+"/api/v1/notifications/stream", nil)
	resp, err := b.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	counts := make(chan int, 10)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: ") && event == "count":
				var v struct{ Unread int }
				_ = json.Unmarshal([]byte(strings.TrimPrefix(line, "data: ")), &v)
				counts <- v.Unread
			}
		}
	}()
	return counts
}

func nextCount(t *testing.T, counts <-chan int, want int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case n := <-counts:
			if n == want {
				return
			}
		case <-timeout:
			t.Fatalf("the bell's stream never said %d", want)
		}
	}
}

// A document sent for resolution rings the chairman's bell at once (the
// stream's count rises), and the notice opens the document; the
// secretary who sent it hears nothing, and the chairman's home page lists
// the document waiting for him.
func TestDocumentForResolutionRingsTheChairmansBell(t *testing.T) {
	n := hubtest.Start(t)
	const pw = "bell-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	n.AddUser(t, "sec", access.Secretary, committee.ID, pw)
	n.AddUser(t, "chair", access.Chairman, committee.ID, pw)
	sec, chair := n.NewBrowser(t), n.NewBrowser(t)
	sec.Login(t, "sec", pw)
	chair.Login(t, "chair", pw)

	counts := countStream(t, chair)
	nextCount(t, counts, 0)
	code, body := sec.Do(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","title":"Письмо о премировании"}`)
	if code != http.StatusCreated {
		t.Fatalf("register: %d %s", code, body)
	}
	var doc struct{ ID, Number string }
	_ = json.Unmarshal([]byte(body), &doc)
	nextCount(t, counts, 1)

	l := notices(t, chair)
	if l.Unread != 1 || len(l.Notifications) != 1 {
		t.Fatalf("chairman's notices: %+v", l)
	}
	it := l.Notifications[0]
	if it.Kind != notify.DocumentResolution || it.Link != "/documents#doc/"+doc.ID || !strings.Contains(it.Text, "Письмо о премировании") {
		t.Fatalf("notice: %+v", it)
	}
	if got := notices(t, sec); len(got.Notifications) != 0 {
		t.Fatalf("the secretary was notified: %+v", got)
	}
	code, body = chair.Do(t, "POST", "/api/v1/notifications/"+it.ID+"/read", "")
	if code != http.StatusOK || !strings.Contains(body, `"link":"/documents#doc/`+doc.ID+`"`) || !strings.Contains(body, `"unread":0`) {
		t.Fatalf("read: %d %s", code, body)
	}
	nextCount(t, counts, 0)

	code, body = chair.Do(t, "GET", "/api/v1/home", "")
	if code != http.StatusOK || !strings.Contains(body, `"role":"chairman"`) || !strings.Contains(body, `"link":"/documents#doc/`+doc.ID+`"`) {
		t.Fatalf("chairman's home: %d %s", code, body)
	}
	// The secretary's bell is hers alone: the chairman's notice is not found.
	if code, _ := sec.Do(t, "POST", "/api/v1/notifications/"+it.ID+"/read", ""); code != http.StatusNotFound {
		t.Fatalf("the secretary read the chairman's notice: %d", code)
	}
}

// A conversation handed to an operator and a mention in a note reach the
// people named, but a mention never reaches someone who may not see the
// conversation.
func TestInboxAlertsKeepToScope(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	const pw = "inbox-bell-password"
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	b := n.AddUnit(t, "", org.Committee, "Обком Б")
	op1 := n.AddUser(t, "op1", access.Operator, a.ID, pw)
	op2 := n.AddUser(t, "op2", access.Operator, a.ID, pw)
	n.AddUser(t, "chairb", access.Chairman, b.ID, pw)
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Линия А", a.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op1.ID}, {UserID: op2.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Сайт"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: "m1",
		From: inbox.Identity{ExternalID: "v1", Name: "Петров Пётр"}, Text: "Здравствуйте", SentAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	sc1 := op1.Scope("test")
	if _, err := n.Inbox.Routing.Take(ctx, sc1, res.ConversationID); err != nil {
		t.Fatal(err)
	}
	for range 2 { // the same note resubmitted (one client id) is one mention
		if _, err := n.Inbox.Dispatch.Note(ctx, sc1, res.ConversationID, inbox.ReplyInput{Text: "@op2 и @chairb, посмотрите", ClientID: "note-1"}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := n.Inbox.Routing.Transfer(ctx, sc1, res.ConversationID, inbox.TransferInput{OperatorID: op2.ID}); err != nil {
		t.Fatal(err)
	}

	br2, brB := n.NewBrowser(t), n.NewBrowser(t)
	br2.Login(t, "op2", pw)
	brB.Login(t, "chairb", pw)
	got := notices(t, br2)
	kinds := map[string]int{}
	for _, it := range got.Notifications {
		kinds[it.Kind]++
		if it.Link != inbox.ConversationLink(res.ConversationID) {
			t.Errorf("notice %+v does not open the conversation", it)
		}
	}
	if kinds[notify.Mention] != 1 || kinds[notify.ConversationTransferred] != 1 || len(got.Notifications) != 2 {
		t.Fatalf("op2's notices: %+v", got.Notifications)
	}
	if other := notices(t, brB); len(other.Notifications) != 0 {
		t.Fatalf("a chairman of another committee heard of the conversation: %+v", other.Notifications)
	}
}

// A channel its connector stopped rings the administrators' bells, and a
// mailing that finished its owner's; each once, however often the hub
// looks, and nobody else's.
func TestMailingAndChannelStatesRingOnce(t *testing.T) {
	n := hubtest.Start(t)
	ctx := context.Background()
	const pw = "watch-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	sec := n.AddUser(t, "sec", access.Secretary, committee.ID, pw)
	n.AddUser(t, "op", access.Operator, committee.ID, pw)
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия", committee.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Бот"})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Inbox.Channels.ReportStatus(ctx, ch.ID, inbox.ChannelStatus{FailedCode: "token_revoked", FailedReason: "Unauthorized",
		FailedAt: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	// A finished campaign, as the runner leaves one (written directly: a
	// real run needs an SMTP account and recipients).
	campaignID := "c-finished"
	if _, err := n.DB.ExecContext(ctx, `INSERT INTO mailing_campaigns (id, unit_id, owner_id, owner_role, name, kind, status,
		channels, segment, content, accounts, created_at, updated_at, sms_gateway, messengers)
		VALUES ($1, $2, $3, 'secretary', 'Собрание профактива', 'informational', 'finished', '["email"]', '[]', '{}', '[]', $4, $4, '', '{}')`,
		campaignID, committee.ID, sec.ID, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := n.WatchNotices(ctx); err != nil {
			t.Fatal(err)
		}
	}
	admin, op, secB := n.NewBrowser(t), n.NewBrowser(t), n.NewBrowser(t)
	admin.Login(t, "admin", hubtest.AdminPassword)
	op.Login(t, "op", pw)
	secB.Login(t, "sec", pw)
	if got := notices(t, admin); len(got.Notifications) != 1 || got.Notifications[0].Kind != notify.ChannelFailing ||
		!strings.Contains(got.Notifications[0].Text, "Unauthorized") {
		t.Fatalf("administrator's notices: %+v", got.Notifications)
	}
	if got := notices(t, secB); len(got.Notifications) != 1 || got.Notifications[0].Kind != notify.MailingFinished ||
		got.Notifications[0].Link != "/mailings#"+campaignID {
		t.Fatalf("the owner's notices: %+v", got.Notifications)
	}
	if got := notices(t, op); len(got.Notifications) != 0 {
		t.Fatalf("an operator heard of them: %+v", got.Notifications)
	}
}

// The same states ring at once, told by the inbox and the mailing runner
// as they happen, without the sweep (WatchNotices) ever running: the
// administrators hear of a stopped channel, the owner of a mailing that
// the runner finished.
func TestMailingAndChannelEventsRingAtOnce(t *testing.T) {
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL // a campaign starts only with absolute links
	ctx := context.Background()
	const pw = "events-password"
	committee := n.AddUnit(t, "", org.Committee, "Обком")
	sec := n.AddUser(t, "sec", access.Secretary, committee.ID, pw)
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Линия", committee.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "Бот"})
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Inbox.Channels.ReportStatus(ctx, ch.ID, inbox.ChannelStatus{FailedCode: "token_revoked", FailedReason: "Unauthorized",
		FailedAt: time.Now().UnixMilli()}); err != nil {
		t.Fatal(err)
	}
	admin := n.NewBrowser(t)
	admin.Login(t, "admin", hubtest.AdminPassword)
	if got := notices(t, admin); len(got.Notifications) != 1 || got.Notifications[0].Kind != notify.ChannelFailing {
		t.Fatalf("administrator's notices right after the failure: %+v", got.Notifications)
	}

	// A campaign to an empty list: the runner finishes it at once.
	sc := sec.Scope("test")
	acc, err := n.Mailing.Accounts.CreateAccount(ctx, n.System, mailing.SMTPAccount{Name: "Почта", Host: "127.0.0.1", Port: 1, TLS: "none",
		FromAddress: "news@example.org", FromName: "Обком"})
	if err != nil {
		t.Fatal(err)
	}
	list, err := n.Mailing.Lists.CreateList(ctx, sc, "Пустой список")
	if err != nil {
		t.Fatal(err)
	}
	c, err := n.Mailing.Campaigns.CreateCampaign(ctx, sc, mailing.CampaignInput{Name: "Собрание профактива", Kind: mailing.Informational,
		Channels: []string{mailing.ChannelEmail}, Segments: []mailing.Segment{{ListID: list.ID}}, Accounts: []string{acc.ID},
		Content: mailing.Content{Subject: "Собрание", HTML: "<p>Собрание 18 декабря.</p>"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Mailing.Actions.Start(ctx, sc, c.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	secB := n.NewBrowser(t)
	secB.Login(t, "sec", pw)
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := notices(t, secB)
		if len(got.Notifications) == 1 && got.Notifications[0].Kind == notify.MailingFinished && got.Notifications[0].Link == "/mailings#"+c.ID {
			break
		}
		if time.Now().After(deadline) {
			cur, _ := n.Mailing.Campaigns.GetCampaign(ctx, sc, c.ID)
			t.Fatalf("the owner was not told the mailing finished (status %s): %+v", cur.Status, got.Notifications)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
