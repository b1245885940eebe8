package widget_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// admin signs an administrator in for the widget's API.
func (f *fixture) admin(t *testing.T) *hubtest.Browser {
	t.Helper()
	f.n.AddUser(t, "adm1", access.Administrator, f.n.Root.ID, "admin-password-1")
	b := f.n.NewBrowser(t)
	b.Login(t, "adm1", "admin-password-1")
	return b
}

// operator signs the fixture's operator in.
func (f *fixture) operator(t *testing.T) *hubtest.Browser {
	t.Helper()
	b := f.n.NewBrowser(t)
	b.Login(t, "op1", "password-1")
	return b
}

func decode(t *testing.T, body string) map[string]any {
	t.Helper()
	var out map[string]any
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return out
}

// eventually polls cond until it holds, with a deadline generous enough
// for a loaded CI machine.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// An administrator sets a trigger; the browser gets it with the chat's
// settings and reports a show; the visitor's answer starts the
// conversation with the proactive text first, from nobody (so it is not
// the operators' first response), shown to the visitor with the
// trigger's sender; the trigger counts the show and the answer.
func TestProactiveAnswerStartsWithTheMessage(t *testing.T) {
	f := newFixture(t)
	adm := f.admin(t)
	path := "/api/v1/widget/channels/" + f.ch.ID + "/triggers"
	if code, body := adm.Do(t, "POST", path, `{"url_pattern":"/join*","after_s":5,"visitors":"sometimes","text":"x"}`); code != 422 {
		t.Fatalf("a bad trigger: %d %s", code, body)
	}
	if code, body := f.operator(t).Do(t, "POST", path, `{"text":"x"}`); code != 403 {
		t.Fatalf("an operator sets a trigger: %d %s", code, body)
	}
	code, body := adm.Do(t, "POST", path, `{"url_pattern":"/join*","after_s":5,"visitors":"new","text":"Хотите вступить в профсоюз? Спросите нас!",
		"sender_name":"Ольга, юрист","once_days":7,"enabled":true}`)
	if code != 201 {
		t.Fatalf("trigger: %d %s", code, body)
	}
	trigger := decode(t, body)["id"].(string)

	code, cfg, _ := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, siteOrigin, nil)
	ps, _ := cfg["proactive"].([]any)
	if code != 200 || len(ps) != 1 || ps[0].(map[string]any)["text"] != "Хотите вступить в профсоюз? Спросите нас!" {
		t.Fatalf("config: %d %v", code, cfg)
	}
	if code, out, _ := f.req(t, "POST", "/widget/v1/proactive/"+f.ch.ID+"?trigger="+trigger, siteOrigin, nil); code != 204 {
		t.Fatalf("show: %d %v", code, out)
	}
	if code, _, _ := f.req(t, "POST", "/widget/v1/proactive/"+f.ch.ID+"?trigger=nope", siteOrigin, nil); code != 404 {
		t.Fatalf("show of an unknown trigger: %d", code)
	}

	s := f.mustDial(t, f.session(t), "")
	s.send(map[string]any{"type": "message", "client_id": "a1", "text": "Да, как вступить?", "proactive": trigger})
	var got []frameMsg
	var proactive string
	for len(got) < 2 {
		fr := s.next(func(fr frame) bool { return fr.Type == "messages" || fr.Type == "error" })
		if fr.Type == "error" {
			t.Fatalf("error frame: %+v", fr)
		}
		got = append(got, fr.Messages...)
	}
	if got[0].Direction != "out" || got[0].Text != "Хотите вступить в профсоюз? Спросите нас!" || got[0].Author != "Ольга, юрист" ||
		got[1].Direction != "in" || got[1].Seq != got[0].Seq+1 {
		t.Fatalf("the conversation starts with %+v", got)
	}
	var conv string
	if err := f.n.DB.QueryRow(`SELECT conversation_id, external_id FROM inbox_messages WHERE direction = 'out' AND channel_id = $1`, f.ch.ID).
		Scan(&conv, &proactive); err != nil || !strings.HasPrefix(proactive, "preface:"+trigger+":") {
		t.Fatalf("the stored preface: %q %v", proactive, err)
	}
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_conversations WHERE id = $1 AND first_response_at = 0`, conv); n != 1 {
		t.Fatal("the proactive message counted as the first response")
	}
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND seq = 1 AND author_id = '' AND status = 'sent'`, conv); n != 1 {
		t.Fatal("the proactive message is not the conversation's first, sent by nobody")
	}

	// A second answer in the open conversation adds no second preface.
	s.exchange("a2", "И сколько стоит?")
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'out'`, conv); n != 1 {
		t.Fatalf("%d prefaces", n)
	}
	// The operator's reply is the first response.
	f.reply(t, conv, "Заполните заявление.")
	if n := f.count(t, `SELECT COUNT(*) FROM inbox_conversations WHERE id = $1 AND first_response_at > 0`, conv); n != 1 {
		t.Fatal("the operator's reply is not the first response")
	}
	code, body = adm.Do(t, "GET", path, "")
	ts := decode(t, body)["triggers"].([]any)
	if code != 200 || len(ts) != 1 || ts[0].(map[string]any)["shows"] != 1.0 || ts[0].(map[string]any)["answers"] != 1.0 {
		t.Fatalf("counts: %d %s", code, body)
	}
	// A disabled trigger is not offered and starts nothing.
	if code, body := adm.Do(t, "PUT", path+"/"+trigger, `{"text":"Хотите вступить?","visitors":"all","enabled":false}`); code != 200 {
		t.Fatalf("disable: %d %s", code, body)
	}
	if _, cfg, _ := f.req(t, "GET", "/widget/v1/config/"+f.ch.ID, siteOrigin, nil); len(cfg["proactive"].([]any)) != 0 {
		t.Fatalf("a disabled trigger offered: %v", cfg["proactive"])
	}
	if code, _ := adm.Do(t, "DELETE", path+"/"+trigger, ""); code != 204 {
		t.Fatalf("delete: %d", code)
	}
}

// The transcript letter: the visitor asks for it in the chat; it goes
// through the mail channel's SMTP account to their own address, with the
// visitor's and the operator's messages, an HTML version that escapes
// what they wrote, and an entry in the conversation's history.
func TestTranscriptLetter(t *testing.T) {
	f := newFixture(t)
	_, sink, _ := f.withMailbox(t)
	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, _ := s.exchange("t1", `Что значит <script>alert("x")</script> & <b>жирный</b>?`)
	f.reply(t, ack.ConversationID, "Это разметка, <i>не бойтесь</i>.")
	code, out, _ := f.req(t, "POST", "/widget/v1/transcript/"+f.ch.ID+"?token="+token, siteOrigin, map[string]any{})
	if code != 200 || out["to"] != "anna@example.org" {
		t.Fatalf("transcript: %d %v", code, out)
	}
	var l letter
	select {
	case l = <-sink.got:
	case <-time.After(60 * time.Second):
		t.Fatal("no transcript letter")
	}
	if l.to != "anna@example.org" || !strings.Contains(l.subject, "=?") && !strings.Contains(l.subject, "переписка") {
		t.Fatalf("letter: %+v", l)
	}
	if !strings.Contains(l.text, `<script>alert("x")</script>`) || !strings.Contains(l.text, "Это разметка") || !strings.Contains(l.text, f.op.FullName) {
		t.Fatalf("text of the letter: %s", l.text)
	}
	if strings.Contains(l.html, "<script>") || strings.Contains(l.html, "<b>жирный") || strings.Contains(l.html, "<i>не") ||
		!strings.Contains(l.html, "&lt;script&gt;") || !strings.Contains(l.html, "&lt;i&gt;не бойтесь&lt;/i&gt;") {
		t.Fatalf("HTML of the letter is not escaped: %s", l.html)
	}
	eventually(t, "the history entry", func() bool {
		return f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'system'
			AND text LIKE '%transcript_sent%' AND text LIKE '%anna@example.org%'`, ack.ConversationID) == 1
	})
	// The operator's console sends it to the same address, never another.
	op := f.operator(t)
	code, body := op.Do(t, "GET", "/api/v1/widget/conversations/"+ack.ConversationID+"/transcript", "")
	if st := decode(t, body); code != 200 || st["to"] != "anna@example.org" || st["offered"] != true {
		t.Fatalf("console state: %d %s", code, body)
	}
	code, body = op.Do(t, "POST", "/api/v1/widget/conversations/"+ack.ConversationID+"/transcript", `{"email":"other@example.org"}`)
	if code != 200 || decode(t, body)["to"] != "anna@example.org" {
		t.Fatalf("console transcript: %d %s", code, body)
	}
	select {
	case l = <-sink.got:
		if l.to != "anna@example.org" {
			t.Fatalf("the console's transcript went to %s", l.to)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no transcript letter from the console")
	}
}

// The limits: three letters of a conversation an hour, whoever asks;
// two a day to addresses typed in the chat, per visitor and per address.
func TestTranscriptLimits(t *testing.T) {
	f := newFixture(t)
	_, sink, _ := f.withMailbox(t)
	ask := func(token, email string) (int, map[string]any) {
		code, out, _ := f.req(t, "POST", "/widget/v1/transcript/"+f.ch.ID+"?token="+token, siteOrigin, map[string]any{"email": email})
		return code, out
	}
	visitor := func(contact, text string) (string, string) {
		code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"name": "Анна", "contact": contact, "consent": true})
		if code != 201 {
			t.Fatalf("session: %d %v", code, out)
		}
		token := out["token"].(string)
		ack, _ := f.mustDial(t, token, "").exchange("m1", text)
		return token, ack.ConversationID
	}
	if code, _ := ask(f.session(t), ""); code != 409 {
		t.Fatalf("a transcript with no conversation: %d", code)
	}
	a, conv := visitor("anna@example.org", "Вопрос о взносах")
	if code, body := f.operator(t).Do(t, "POST", "/api/v1/widget/conversations/"+conv+"/transcript", ""); code != 200 {
		t.Fatalf("operator: %d %s", code, body)
	}
	for i := 0; i < 2; i++ {
		if code, out := ask(a, ""); code != 200 {
			t.Fatalf("letter %d: %d %v", i+2, code, out)
		}
	}
	code, out := ask(a, "")
	if code != 409 || !strings.Contains(fmt.Sprint(out), "3") {
		t.Fatalf("a fourth letter in an hour: %d %v", code, out)
	}
	if code, _ := ask(a, "not an address"); code != 422 {
		t.Fatalf("a bad address: %d", code)
	}

	b, _ := visitor("+7 900 111-22-33", "Вопрос об отпуске")
	if code, out := ask(b, ""); code != 409 {
		t.Fatalf("a visitor with no address and none typed: %d %v", code, out)
	}
	for i := 0; i < 2; i++ {
		if code, out := ask(b, "friend@example.org"); code != 200 {
			t.Fatalf("typed letter %d: %d %v", i+1, code, out)
		}
	}
	if code, out := ask(b, "friend2@example.org"); code != 409 {
		t.Fatalf("a third typed letter of a visitor: %d %v", code, out)
	}
	c, _ := visitor("+7 900 444-55-66", "Вопрос о путёвке")
	if code, out := ask(c, "friend@example.org"); code != 409 {
		t.Fatalf("a third letter to a typed address: %d %v", code, out)
	}
	if code, out := ask(c, "colleague@example.org"); code != 200 {
		t.Fatalf("another visitor's own typed address: %d %v", code, out)
	}
	want := map[string]int{"anna@example.org": 3, "friend@example.org": 2, "colleague@example.org": 1}
	got := map[string]int{}
	for i := 0; i < 6; i++ {
		select {
		case l := <-sink.got:
			got[l.to]++
		case <-time.After(60 * time.Second):
			t.Fatalf("letters: %v, want %v", got, want)
		}
	}
	select {
	case l := <-sink.got:
		t.Fatalf("a letter over the limits: %+v", l)
	case <-time.After(time.Second):
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("letters: %v, want %v", got, want)
	}
}

// A channel that sends transcripts on close mails the visitor's own
// address when the operator closes the conversation, once, with the
// entry in the history; a visitor with no address gets none.
func TestTranscriptOnClose(t *testing.T) {
	f := newFixture(t)
	_, sink, _ := f.withMailbox(t)
	if _, err := f.n.Inbox.Channels.Update(t.Context(), f.n.System, f.ch.ID, inbox.ChannelChanges{Settings: map[string]string{"transcript_on_close": "true"}}); err != nil {
		t.Fatal(err)
	}
	token := f.session(t)
	s := f.mustDial(t, token, "")
	ack, _ := s.exchange("c1", "Спасибо, всё понятно.")
	f.reply(t, ack.ConversationID, "Обращайтесь!")
	if _, err := f.n.Inbox.Actions.Close(t.Context(), f.opScope, ack.ConversationID); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-sink.got:
		if l.to != "anna@example.org" || !strings.Contains(l.text, "Обращайтесь!") || !strings.Contains(l.text, "Спасибо, всё понятно.") {
			t.Fatalf("letter on close: %+v", l)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("no letter on close")
	}
	eventually(t, "the history entry", func() bool {
		return f.count(t, `SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND direction = 'system'
			AND text LIKE '%transcript_sent%' AND text LIKE '%close%'`, ack.ConversationID) == 1
	})
	if n := f.count(t, `SELECT COUNT(*) FROM widget_transcripts WHERE conversation_id = $1 AND source = 'close' AND status = 'sent'`, ack.ConversationID); n != 1 {
		t.Fatalf("%d letters on close recorded", n)
	}

	// A visitor who left a phone number only.
	code, out, _ := f.req(t, "POST", "/widget/v1/session/"+f.ch.ID, siteOrigin, map[string]any{"name": "Пётр", "contact": "+7 900 000-11-22", "consent": true})
	if code != 201 {
		t.Fatalf("session: %d %v", code, out)
	}
	ack2, _ := f.mustDial(t, out["token"].(string), "").exchange("p1", "Вопрос")
	if _, err := f.n.Inbox.Actions.Close(t.Context(), f.opScope, ack2.ConversationID); err != nil {
		t.Fatal(err)
	}
	select {
	case l := <-sink.got:
		t.Fatalf("a letter to a visitor with no address: %+v", l)
	case <-time.After(2 * time.Second):
	}
}
