package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/mailing"
)

// smsGatewayFake is an SMS gateway of the generic HTTP kind (JSON {to,
// from, text, id}, as the mailing's client sends it) that can also play
// the gateway's side of an incoming SMS: a signed POST to the channel's
// webhook.
type smsGatewayFake struct {
	*httptest.Server
	mu   sync.Mutex
	sent []map[string]string
}

func newSMSGatewayFake(t *testing.T) *smsGatewayFake {
	f := &smsGatewayFake{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		_ = json.NewDecoder(r.Body).Decode(&m)
		f.mu.Lock()
		f.sent = append(f.sent, m)
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *smsGatewayFake) Sent() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]map[string]string(nil), f.sent...)
}

// deliver posts an incoming SMS to the channel's webhook, signed at the
// time given with secret.
func (f *smsGatewayFake) deliver(t *testing.T, hub string, ch inbox.Channel, secret string, at time.Time, id, from, text string) int {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"id": id, "from": from, "text": text})
	req, _ := http.NewRequest("POST", hub+"/hooks/sms/"+ch.ID, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(inbox.SignatureHeader, inbox.Sign(secret, at, body))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// An operator writes first to a member by SMS from the card: the gateway
// the mailings use receives the text once, the member's answer (the
// gateway's signed incoming-SMS call) joins the same conversation and the
// operator reads it there. Unsigned, wrongly signed and stale calls are
// refused and store nothing; the same SMS twice is one message; without
// consent to SMS nothing is sent.
func TestOutreachSMSRoundTrip(t *testing.T) {
	e := newOutreachEnv(t)
	ctx := context.Background()
	gw := newSMSGatewayFake(t)
	g, err := e.n.Mailing.SMSGateways.CreateSMSGateway(ctx, e.n.System, mailing.SMSGatewayConfig{Name: "Шлюз", Kind: "http", URL: gw.URL,
		APIKey: "k", Sender: "Profsoyuz"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.ch.LineID, Kind: inbox.KindSMS, Name: "SMS",
		Settings: map[string]string{"gateway_id": "no-such"}}); err == nil || !strings.Contains(err.Error(), "gateway") {
		t.Fatalf("a channel without a gateway: %v", err)
	}
	smsCh, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.ch.LineID, Kind: inbox.KindSMS, Name: "SMS",
		Settings: map[string]string{"gateway_id": g.ID}})
	if err != nil {
		t.Fatal(err)
	}
	full, err := e.n.Inbox.Channels.Get(ctx, smsCh.ID)
	if err != nil || full.Secrets["webhook_secret"] == "" {
		t.Fatalf("the channel has no webhook secret (%v)", err)
	}
	secret := full.Secrets["webhook_secret"]
	card := func(surname, phone string, consents ...string) crm.Member {
		t.Helper()
		in := crm.MemberInput{UnitID: e.home.ID, Surname: surname, GivenName: "Анна", Phones: []string{phone},
			Consents: crm.Consents{Mailings: map[string]crm.Consent{}}}
		for _, c := range consents {
			in.Consents.Mailings[c] = crm.Consent{Given: true, Date: "2026-01-10", Source: "заявление"}
		}
		m, err := e.n.CRM.Members.CreateMember(ctx, e.n.System, in, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	agreed := card("Егорова", "8 (912) 345-67-01", "sms")
	refused := card("Фомина", "+7 912 345-67-02", "email")

	code, body := e.call(t, "GET", "/api/v1/crm/members/"+agreed.ID+"/channels", nil)
	var reach struct{ Channels []crm.ReachChannel }
	_ = json.Unmarshal(body, &reach)
	if code != 200 || len(reach.Channels) != 1 || reach.Channels[0].Kind != inbox.KindSMS || reach.Channels[0].Address != "+79123456701" ||
		!reach.Channels[0].Consent {
		t.Fatalf("channels of a member with a phone = %d %s", code, body)
	}
	text := "Анна, добрый день! Путёвка в санаторий одобрена."
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+agreed.ID+"/conversations",
		map[string]string{"channel_id": smsCh.ID, "address": "+79123456701", "text": text})
	var conv inbox.Conversation
	_ = json.Unmarshal(body, &conv)
	if code != http.StatusCreated || conv.ChannelID != smsCh.ID || conv.AssigneeID != e.op.ID || conv.ExternalChatID != "+79123456701" {
		t.Fatalf("start on SMS = %d %s", code, body)
	}
	deadline := time.Now().Add(30 * time.Second)
	for len(gw.Sent()) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second send would show by now
	sent := gw.Sent()
	if len(sent) != 1 || sent[0]["to"] != "+79123456701" || sent[0]["text"] != text || sent[0]["from"] != "Profsoyuz" || sent[0]["id"] == "" {
		t.Fatalf("the gateway got %v", sent)
	}

	// Refused calls store nothing.
	countIn := func() int {
		var n int
		_ = e.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE channel_id = $1 AND direction = 'in'`, smsCh.ID).Scan(&n)
		return n
	}
	now := time.Now()
	for name, c := range map[string]struct {
		secret string
		at     time.Time
	}{"unsigned": {"", now}, "wrong key": {"not-the-secret", now}, "stale": {secret, now.Add(-10 * time.Minute)}} {
		if code := gw.deliver(t, e.n.Server.URL, smsCh, c.secret, c.at, "in-0", "79123456701", "подделка"); code != http.StatusForbidden {
			t.Fatalf("%s incoming SMS = %d", name, code)
		}
	}
	if n := countIn(); n != 0 {
		t.Fatalf("%d messages stored by refused calls", n)
	}

	// The member answers (the gateway writes the number without +): the
	// answer joins the started conversation, once however often it comes.
	for range 2 {
		if code := gw.deliver(t, e.n.Server.URL, smsCh, secret, time.Now(), "in-1", "79123456701", "Спасибо! Когда забрать?"); code != 200 {
			t.Fatalf("incoming SMS = %d", code)
		}
	}
	var joined string
	if err := e.n.DB.QueryRow(`SELECT conversation_id FROM inbox_messages WHERE channel_id = $1 AND direction = 'in'`, smsCh.ID).Scan(&joined); err != nil ||
		joined != conv.ID {
		t.Fatalf("the answer went to %q (%v), not the started conversation %s", joined, err, conv.ID)
	}
	if n := countIn(); n != 1 {
		t.Fatalf("%d incoming messages after a redelivery, want 1", n)
	}
	code, body = e.call(t, "GET", "/api/v1/inbox/conversations/"+conv.ID+"/messages", nil)
	if code != 200 || !strings.Contains(string(body), "Когда забрать?") || !strings.Contains(string(body), "санаторий") {
		t.Fatalf("messages = %d %s", code, body)
	}
	code, body = e.call(t, "GET", "/api/v1/inbox/conversations/"+conv.ID, nil)
	if code != 200 || !strings.Contains(string(body), `"contact_name":"Егорова Анна"`) {
		t.Fatalf("the conversation after the answer = %d %s", code, body)
	}

	// Without consent to SMS: refused, nothing stored, nothing sent.
	convs := e.conversations(t)
	code, body = e.call(t, "POST", "/api/v1/crm/members/"+refused.ID+"/conversations",
		map[string]string{"channel_id": smsCh.ID, "address": "+79123456702", "text": "Добрый день"})
	if code != http.StatusForbidden || !strings.Contains(string(body), "согласия") {
		t.Fatalf("without consent to SMS = %d %s", code, body)
	}
	time.Sleep(500 * time.Millisecond)
	if n := e.conversations(t); n != convs || len(gw.Sent()) != 1 {
		t.Fatalf("a refused start stored %d conversations, sent %d SMS", n-convs, len(gw.Sent())-1)
	}
}
