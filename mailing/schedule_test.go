package mailing_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/mailing"
)

// A scheduled campaign whose time passed long ago (a restored backup)
// waits for a person; confirmed, it runs. Cancelling skips what is left.
func TestStaleScheduleWaitsForConfirmation(t *testing.T) {
	f := newFixture(t, dbtest.Open(t))
	c := f.emailCampaign(f.sys, mailing.Informational, []mailing.Segment{{ListID: f.list(20).ID}}, f.account(0, 1))
	if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	// As if the backup was taken two days before the planned time passed.
	if _, err := f.d.ExecContext(f.ctx, `UPDATE mailing_campaigns SET scheduled_at = $2 WHERE id = $1`, c.ID,
		time.Now().Add(-48*time.Hour).UnixMilli()); err != nil {
		t.Fatal(err)
	}
	f.run(f.svc)
	deadline := time.Now().Add(5 * time.Second)
	for {
		got, _ := f.svc.Campaigns.GetCampaign(f.ctx, f.sys, c.ID)
		if got.NeedsConfirm && got.Status == mailing.StatusScheduled {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %+v did not ask for confirmation", got)
		}
		time.Sleep(20 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if f.sink.Accepted() != 0 {
		t.Fatal("a stale schedule sent without confirmation")
	}
	if _, err := f.svc.Actions.Confirm(f.ctx, f.sys, c.ID); err != nil {
		t.Fatal(err)
	}
	f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
	f.expectAllOnce(20)

	// Cancel a paused campaign: its pending rows are skipped for good.
	c2 := f.emailCampaign(f.sys, mailing.Informational, c.Segments, c.Accounts...)
	if _, err := f.svc.Actions.Start(f.ctx, f.sys, c2.ID, time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Actions.Cancel(f.ctx, f.sys, c2.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Actions.Resume(f.ctx, f.sys, c2.ID); err == nil {
		t.Fatal("a cancelled campaign resumed")
	}
}

// SMS through the generic HTTP gateway: "SMS if no e-mail" priority, the
// same idempotency key on every try, and a permanent refusal marks the
// row failed without stopping the campaign.
func TestSMSThroughHTTPGateway(t *testing.T) {
	f := newFixture(t, dbtest.Open(t))
	var mu sync.Mutex
	got := map[string][]string{}
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct{ To, From, Text, ID string }
		_ = json.NewDecoder(r.Body).Decode(&m)
		if r.Header.Get("Authorization") != "Bearer gw-key" || r.Header.Get("Idempotency-Key") != m.ID {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if m.To == "+79990000002" {
			http.Error(w, "number blocked", http.StatusUnprocessableEntity)
			return
		}
		mu.Lock()
		got[m.To] = append(got[m.To], m.Text)
		mu.Unlock()
	}))
	defer gw.Close()
	g, err := f.svc.SMSGateways.CreateSMSGateway(f.ctx, f.sys, mailing.SMSGatewayConfig{Name: "gw", Kind: "http", URL: gw.URL, APIKey: "gw-key", Sender: "PROFSOYUZ"})
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []struct{ email, phone string }{{"e1@example.net", "+79990000001"}, {"", "+79990000002"}, {"", "+79990000003"}} {
		in := crm.MemberInput{UnitID: f.a1.ID, Surname: "Сидоров", GivenName: "Иван", Phones: []string{p.phone},
			Consents: crm.Consents{Mailings: map[string]crm.Consent{"email": {Given: true}, "sms": {Given: true}}}}
		if p.email != "" {
			in.Emails = []string{p.email}
		}
		in.CardNumber = "S-" + string(rune('a'+i))
		if _, err := f.crm.Members.CreateMember(f.ctx, f.sys, in, true); err != nil {
			t.Fatal(err)
		}
	}
	c, err := f.svc.Campaigns.CreateCampaign(f.ctx, f.sys, mailing.CampaignInput{Name: "SMS", Channels: []string{"email", "sms"},
		Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{}}}, Accounts: []string{f.account(0, 1)}, SMSGate: g.ID,
		Content: mailing.Content{Subject: "s", Text: "t", SMS: "{{.GivenName}}, собрание в пятницу"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Actions.Start(f.ctx, f.sys, c.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	f.run(f.svc)
	f.wait(c.ID, mailing.StatusFinished, 20*time.Second)
	mu.Lock()
	defer mu.Unlock()
	if f.sink.Got("e1@example.net") != 1 || len(got["+79990000001"]) != 0 || len(got["+79990000003"]) != 1 ||
		got["+79990000003"][0] != "Иван, собрание в пятницу" {
		t.Fatalf("sms %v, e-mail %d", got, f.sink.Got("e1@example.net"))
	}
	st, _ := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, c.ID)
	if st.ByChannel["sms"]["failed"] != 1 || st.ByChannel["sms"]["sent"] != 1 || st.ByChannel["email"]["sent"] != 1 {
		t.Fatalf("ledger %+v", st)
	}
}
