package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestSMSInChromium walks SMS in real Chromium (web/browsertest/sms.test.mjs):
// an operator starts a conversation by SMS from the member card, the fake
// gateway receives it and answers with a signed incoming SMS, and the
// operator sees the answer in the console; a secretary puts a variable
// into a campaign's SMS from the list. Desktop and 390 px.
func TestSMSInChromium(t *testing.T) {
	n := browsertest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	unit := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода «Гидропресс»")
	op := n.AddUser(t, "operator", access.Operator, unit.ID, "operator-password")
	n.AddUser(t, "secretary", access.Secretary, unit.ID, "operator-password")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Гидропресс", unit.ID, inbox.Manual
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	// The gateway answers each SMS as its recipient would, through the
	// channel's signed webhook.
	var mu sync.Mutex
	var sent []map[string]string
	var channel inbox.Channel
	answers := map[string]string{"+79123456711": "Спасибо! Когда забрать путёвку?", "+79123456712": "Спасибо! Когда забрать билеты?"}
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m map[string]string
		_ = json.NewDecoder(r.Body).Decode(&m)
		mu.Lock()
		sent = append(sent, m)
		ch := channel
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		go func() {
			time.Sleep(500 * time.Millisecond)
			body, _ := json.Marshal(map[string]string{"id": "in-" + m["id"], "from": strings.TrimPrefix(m["to"], "+"), "text": answers[m["to"]]})
			req, _ := http.NewRequest("POST", n.Server.URL+"/hooks/sms/"+ch.ID, bytes.NewReader(body))
			req.Header.Set(inbox.SignatureHeader, inbox.Sign(ch.Secrets["webhook_secret"], time.Now(), body))
			if resp, err := http.DefaultClient.Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}))
	t.Cleanup(gw.Close)
	g, err := n.Mailing.SMSGateways.CreateSMSGateway(ctx, n.System, mailing.SMSGatewayConfig{Name: "Шлюз", Kind: "http", URL: gw.URL, Sender: "Profkom"})
	if err != nil {
		t.Fatal(err)
	}
	created, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindSMS, Name: "SMS профкома",
		Settings: map[string]string{"gateway_id": g.ID}})
	if err != nil {
		t.Fatal(err)
	}
	full, err := n.Inbox.Channels.Get(ctx, created.ID)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	channel = full
	mu.Unlock()
	members := map[string]string{}
	for i, name := range [][2]string{{"Егорова", "Ольга"}, {"Лебедев", "Артём"}} {
		m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit.ID, Surname: name[0], GivenName: name[1],
			Phones:   []string{fmt.Sprintf("+7912345671%d", i+1)},
			Consents: crm.Consents{Mailings: map[string]crm.Consent{"sms": {Given: true, Date: "2026-01-10", Source: "заявление"}}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		members[name[0]] = m.ID
	}
	browsertest.Run(t, browsertest.Script{Name: "sms.test.mjs", Base: n.Server.URL,
		Env:     []string{"PROFHUB_PASSWORD=operator-password", "MEMBER_DESKTOP=" + members["Егорова"], "MEMBER_PHONE=" + members["Лебедев"]},
		Explain: func() string { mu.Lock(); defer mu.Unlock(); return fmt.Sprintf("sent to the gateway: %+v", sent) }})
	mu.Lock()
	defer mu.Unlock()
	if len(sent) != 2 || sent[0]["to"] != "+79123456711" || !strings.HasPrefix(sent[0]["text"], "Ольга, добрый день") {
		t.Fatalf("sent to the gateway: %+v", sent)
	}
}
