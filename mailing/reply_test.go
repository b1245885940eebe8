package mailing_test

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	stdmail "net/mail"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/imaptest"
	"github.com/profhub/profhub/mailing"
)

// post sends a webhook body to the hub as Telegram or VK would.
func (e *msgEnv) post(path string, body any, header map[string]string) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", e.n.Server.URL+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		e.t.Fatalf("%s: %d", path, resp.StatusCode)
	}
}

func (e *msgEnv) telegramUpdate(id int, chat int64, text string, replyTo int) {
	e.t.Helper()
	msg := map[string]any{"message_id": 9000 + id, "date": time.Now().Unix(), "text": text,
		"chat": map[string]any{"id": chat, "type": "private"}, "from": map[string]any{"id": chat, "is_bot": false, "first_name": "Член"}}
	if replyTo != 0 {
		msg["reply_to_message"] = map[string]any{"message_id": replyTo, "date": time.Now().Unix(), "text": "Собрание в пятницу",
			"chat": map[string]any{"id": chat, "type": "private"}}
	}
	e.tg.Mu.Lock()
	secret := e.tg.WebhookSecret
	e.tg.Mu.Unlock()
	e.post("/hooks/telegram/"+e.tgCh.ID, map[string]any{"update_id": id, "message": msg}, map[string]string{"X-Telegram-Bot-Api-Secret-Token": secret})
}

// conversation reads what the console reads of the newest conversation
// of a chat on a channel.
func (e *msgEnv) conversation(ch inbox.Channel, chat string) inbox.Conversation {
	e.t.Helper()
	var id string
	if err := e.n.DB.QueryRow(`SELECT id FROM inbox_conversations WHERE channel_id = $1 AND external_chat_id = $2
		ORDER BY created_at DESC LIMIT 1`, ch.ID, chat).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	c, err := e.n.Inbox.Conversations.Get(e.ctx, e.n.System, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// Members' answers to a Telegram and VK campaign arrive as each member's
// own conversation linked to the campaign: a reply quoting the campaign
// message links even a conversation that was open, the first word after
// the send links the conversation it (re)opens, and a message in a
// dialogue that was already going on stays unlinked.
func TestMessengerRepliesAreLinkedToTheCampaign(t *testing.T) {
	e := newMsgEnv(t)
	quoting := e.member("Алексеева", "Анна", "", "telegram")
	e.link(e.tgCh, "1001", quoting)
	returning := e.member("Борисов", "Борис", "", "telegram")
	closed := e.link(e.tgCh, "1002", returning)
	talking := e.member("Васильев", "Виктор", "", "telegram")
	e.link(e.tgCh, "1003", talking)
	vkMember := e.member("Григорьева", "Галина", "", "vk")
	e.link(e.vkCh, "2004", vkMember)
	if _, err := e.n.Inbox.Actions.Close(e.ctx, e.n.System, closed); err != nil {
		t.Fatal(err)
	}
	c := e.start("Собрание в пятницу", "telegram", "vk")
	e.waitFinished(c.ID, 30*time.Second)
	sentTo := map[int64]int{}
	for _, m := range e.tg.SentCalls() {
		sentTo[m.ChatID] = m.MessageID
	}
	if len(sentTo) != 3 {
		t.Fatalf("Telegram got %v", sentTo)
	}

	e.telegramUpdate(1, 1001, "Приду!", sentTo[1001])
	e.telegramUpdate(2, 1002, "А во сколько?", 0)
	e.telegramUpdate(3, 1003, "Ещё про мой отпуск", 0)
	e.vk.Mu.Lock()
	vkID := e.vk.LastID[2004]
	e.vk.Mu.Unlock()
	e.post("/hooks/vk/"+e.vkCh.ID, map[string]any{"type": "message_new", "group_id": 77, "secret": "vk-secret", "event_id": "ev1", "v": "5.199",
		"object": map[string]any{"message": map[string]any{"id": 555, "date": time.Now().Unix(), "peer_id": 2004, "from_id": 2004,
			"text": "Спасибо", "reply_message": map[string]any{"id": vkID, "date": time.Now().Unix(), "peer_id": 2004, "from_id": -77, "text": "Собрание"}}}}, nil)

	convs := map[string]bool{}
	for _, tc := range []struct {
		ch     inbox.Channel
		chat   string
		linked bool
	}{{e.tgCh, "1001", true}, {e.tgCh, "1002", true}, {e.tgCh, "1003", false}, {e.vkCh, "2004", true}} {
		conv := e.conversation(tc.ch, tc.chat)
		convs[conv.ID] = true
		if got := conv.CampaignID == c.ID && conv.CampaignName == "Собрание в пятницу"; got != tc.linked {
			t.Errorf("chat %s: conversation linked to %q «%s», want linked=%v", tc.chat, conv.CampaignID, conv.CampaignName, tc.linked)
		}
	}
	if len(convs) != 4 {
		t.Errorf("%d conversations for four members: replies were merged", len(convs))
	}
}

// An e-mail answer to a campaign letter (In-Reply-To its per-recipient
// Message-ID) arrives through the campaign's mailbox as the member's own
// conversation, linked to the campaign; a letter from another member
// answering nothing of the campaign's is not linked.
func TestEmailReplyIsLinkedToTheCampaign(t *testing.T) {
	e := newMsgEnv(t)
	sink, acc := e.smtpSink()
	sinkHost, sinkPort, _ := net.SplitHostPort(sink.Addr)
	mbox := imaptest.Start(t, "news", imaptest.Options{})
	imapAddr, deliver := mbox.Addr, func(raw string) { t.Helper(); mbox.Deliver(t, raw) }
	imapHost, imapPort, _ := net.SplitHostPort(imapAddr)
	mailCh, _, err := e.n.Inbox.Channels.Create(e.ctx, e.n.System, inbox.NewChannel{LineID: e.tgCh.LineID, Kind: inbox.KindMail, Name: "news@",
		Settings: map[string]string{"imap_host": imapHost, "imap_port": imapPort, "imap_tls": "none", "smtp_host": sinkHost, "smtp_port": sinkPort,
			"smtp_tls": "none", "username": "news", "from_address": "news@union.example.org", "from_name": "Профсоюз"},
		Secrets: map[string]string{"password": "mailbox-password"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct{ surname, email string }{{"Алексеева", "anna@example.org"}, {"Борисов", "boris@example.org"}} {
		if _, err := e.n.CRM.Members.CreateMember(e.ctx, e.n.System, crm.MemberInput{UnitID: e.n.Root.ID, Surname: m.surname, GivenName: "Член",
			Emails: []string{m.email}, Consents: crm.Consents{Mailings: map[string]crm.Consent{"email": {Given: true, Date: "2026-01-10"}}}}, true); err != nil {
			t.Fatal(err)
		}
	}
	c, err := e.n.Mailing.Campaigns.CreateCampaign(e.ctx, e.sec, mailing.CampaignInput{Name: "Новости профсоюза", Channels: []string{"email"},
		Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: e.n.Root.ID}}}, Accounts: []string{acc},
		Content: mailing.Content{Subject: "Новости", Text: "Здравствуйте, {{.GivenName}}!"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.n.Mailing.Actions.Start(e.ctx, e.sec, c.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	e.waitFinished(c.ID, 30*time.Second)
	msg, err := stdmail.ReadMessage(bytes.NewReader(sink.Raw("anna@example.org")))
	if err != nil {
		t.Fatal(err)
	}
	sentID := msg.Header.Get("Message-ID")

	deliver("From: Anna <anna@example.org>\r\nTo: news@union.example.org\r\nSubject: Re: Новости\r\nMessage-ID: <reply-1@example.org>\r\n" +
		"In-Reply-To: " + sentID + "\r\nReferences: " + sentID + "\r\nDate: " + time.Now().Format(time.RFC1123Z) +
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСпасибо, приду.\r\n")
	deliver("From: Boris <boris@example.org>\r\nTo: news@union.example.org\r\nSubject: Вопрос\r\nMessage-ID: <q-1@example.org>\r\n" +
		"Date: " + time.Now().Format(time.RFC1123Z) + "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nКак вступить?\r\n")
	var anna, boris inbox.Conversation
	waitFor(t, func() bool {
		var n int
		_ = e.n.DB.QueryRow(`SELECT count(*) FROM inbox_conversations WHERE channel_id = $1`, mailCh.ID).Scan(&n)
		return n == 2
	})
	anna, boris = e.conversation(mailCh, "anna@example.org"), e.conversation(mailCh, "boris@example.org")
	if anna.CampaignID != c.ID || anna.CampaignName != "Новости профсоюза" {
		t.Errorf("the reply's conversation is linked to %q «%s», want %s", anna.CampaignID, anna.CampaignName, c.ID)
	}
	if boris.CampaignID != "" || boris.ID == anna.ID {
		t.Errorf("an unrelated letter: conversation %s linked to %q", boris.ID, boris.CampaignID)
	}
}
