package hub_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/vktest"
	"github.com/profhub/profhub/memberbot"
)

const vkOfficeSecret = "cb-secret-office"

// vkOffice is the office env with a VK community on the fake VK.
type vkOffice struct {
	*officeEnv
	vk   *vktest.Server
	vkCh inbox.Channel
	cmid int
}

func newVKOffice(t *testing.T) *vkOffice {
	t.Helper()
	v := vktest.New(t)
	e := newOfficeEnv(t)
	o := &vkOffice{officeEnv: e, vk: v}
	var err error
	o.vkCh, _, err = e.n.Inbox.Channels.Create(context.Background(), e.n.System, inbox.NewChannel{LineID: e.ch.LineID, Kind: inbox.KindVK,
		Name: "Сообщество", Settings: map[string]string{"mode": "callback", "confirmation": "a1b2c3d4", "api_url": v.APIURL()},
		Secrets: map[string]string{"access_token": vktest.DefaultToken, "secret": vkOfficeSecret}})
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// say posts a member's message to the Callback API and returns the
// community's one answer.
func (o *vkOffice) say(t *testing.T, peer int, text string) vktest.SendCall {
	t.Helper()
	o.cmid++
	o.vk.Mu.Lock()
	before := len(o.vk.Sends)
	o.vk.Mu.Unlock()
	resp, err := http.Post(o.n.Server.URL+"/hooks/vk/"+o.vkCh.ID, "application/json",
		strings.NewReader(vktest.Callback("message_new", vkOfficeSecret, o.vk.GroupID, vktest.MessageNew(peer, o.cmid, text))))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Fatalf("callback = %d %s", resp.StatusCode, b)
	}
	sends, _ := o.vk.Snapshot()
	if len(sends) != before+1 {
		t.Fatalf("%q: the community answered %d messages", text, len(sends)-before)
	}
	return sends[before]
}

// The done-when path in VK: the keyboard, the phone typed, the code, the
// card sent as a photo with the verify link, valid, then revoked when the
// member is excluded; an appeal's status change reaches the VK chat.
func TestMemberOfficeVKJourney(t *testing.T) {
	o := newVKOffice(t)
	ctx := context.Background()
	const peer = 51001
	r := o.say(t, peer, "Начать") // VK's start button
	if !strings.Contains(r.Keyboard, memberbot.BtnCard) || !strings.Contains(r.Keyboard, memberbot.BtnSubs) {
		t.Fatalf("keyboard %s", r.Keyboard)
	}
	if r = o.say(t, peer, memberbot.BtnCard); !strings.Contains(r.Text, "напишите номер телефона") {
		t.Fatalf("card before linking: %q", r.Text)
	}
	if r = o.say(t, peer, "8 (912) 345-67-89"); !strings.Contains(r.Text, "отправили") {
		t.Fatalf("typed phone: %q", r.Text)
	}
	if r = o.say(t, peer, o.codes.last(o.m.ID)); !strings.Contains(r.Text, "привязан") {
		t.Fatalf("code: %q", r.Text)
	}
	r = o.say(t, peer, memberbot.BtnCard)
	if !strings.HasPrefix(r.Attachment, "photo") {
		t.Fatalf("the card came without its image: %+v", r)
	}
	mt := verifyLink.FindStringSubmatch(r.Text)
	if mt == nil {
		t.Fatalf("no verify link in %q", r.Text)
	}
	if _, p := o.get(t, "/v/"+mt[1]); !strings.Contains(p, `data-verdict="valid"`) {
		t.Fatalf("verify: %s", p)
	}

	// An appeal written in VK: its status change goes to the VK chat (the
	// member agreed to VK messages), not to Telegram.
	in := o.m.MemberInput
	in.Consents.Mailings = map[string]crm.Consent{"vk": {Given: true, Date: "2026-02-01", Source: "заявление"}}
	if _, err := o.n.CRM.Members.UpdateMember(ctx, o.n.System, o.m.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := o.n.MemberBot.SweepAppeals(ctx); err != nil {
		t.Fatal(err)
	}
	a, err := o.n.CRM.Appeals.CreateAppeal(ctx, o.n.System, crm.AppealInput{MemberID: o.m.ID, Channel: "vk", Subject: "Путёвка в санаторий", Text: "…"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.n.MemberBot.SweepAppeals(ctx); err != nil {
		t.Fatal(err)
	}
	ai := a.AppealInput
	ai.Status, ai.Resolution = crm.AppealResolved, "Путёвка выделена"
	time.Sleep(5 * time.Millisecond)
	if _, err := o.n.CRM.Appeals.UpdateAppeal(ctx, o.n.System, a.ID, ai); err != nil {
		t.Fatal(err)
	}
	if _, err := o.n.MemberBot.SweepAppeals(ctx); err != nil {
		t.Fatal(err)
	}
	o.vk.Mu.Lock()
	got := o.vk.DeliveredTo[peer]
	o.vk.Mu.Unlock()
	if last := got[len(got)-1]; !strings.Contains(last, a.Number) || !strings.Contains(last, "дан ответ") {
		t.Fatalf("the VK chat got %q", last)
	}

	// Excluded: the page says not valid at once.
	in.Status, in.LeftOn, in.LeftReason = crm.StatusExcluded, "2026-12-02", "решение профкома"
	if _, err := o.n.CRM.Members.UpdateMember(ctx, o.n.System, o.m.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, p := o.get(t, "/v/"+mt[1]); !strings.Contains(p, `data-verdict="revoked"`) {
		t.Fatalf("after exclusion: %s", p)
	}
}
