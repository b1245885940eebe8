package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/tgtest"
	"github.com/profhub/profhub/internal/testkit/vktest"
	"github.com/profhub/profhub/org"
)

const ratingVKSecret = "cb-secret-rating"

// ratingEnv is a hub whose line asks for a rating on close, with a
// Telegram bot and a VK community on the loopback fakes and an operator.
type ratingEnv struct {
	n      *hubtest.Node
	tg     *tgtest.Server
	vk     *vktest.Server
	tgCh   inbox.Channel
	vkCh   inbox.Channel
	opTok  string
	events int
}

func newRatingEnv(t *testing.T) *ratingEnv {
	t.Helper()
	tg, v := tgtest.New(t), vktest.New(t) // first: their cleanups run after the hub's
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	e := &ratingEnv{n: n, tg: tg, vk: v}
	unit := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода")
	op := n.AddUser(t, "op-rating", access.Operator, unit.ID, "password-1")
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode, l.AskRating = "Завод", unit.ID, inbox.Manual, true
	l.Operators = []inbox.LineOperator{{UserID: op.ID}}
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	if e.tgCh, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindTelegram, Name: "Бот",
		Settings: map[string]string{"mode": "webhook", "api_url": tg.URL}, Secrets: map[string]string{"bot_token": tg.Token}}); err != nil {
		t.Fatal(err)
	}
	if e.vkCh, _, err = n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindVK, Name: "Сообщество",
		Settings: map[string]string{"mode": "callback", "confirmation": "a1b2c3d4", "api_url": v.APIURL(), "member_office": "0"},
		Secrets:  map[string]string{"access_token": vktest.DefaultToken, "secret": ratingVKSecret}}); err != nil {
		t.Fatal(err)
	}
	if e.opTok, _, err = n.Auth.CreateToken(ctx, n.System, op.ID, "test", 0); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *ratingEnv) call(t *testing.T, method, path string, body any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.n.Server.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.opTok)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s = %d %s", method, path, resp.StatusCode, out)
	}
	return out
}

// tgUpdate posts an update to the bot's webhook.
func (e *ratingEnv) tgUpdate(t *testing.T, u map[string]any) {
	t.Helper()
	b, _ := json.Marshal(u)
	req, _ := http.NewRequest("POST", e.n.Server.URL+"/hooks/telegram/"+e.tgCh.ID, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", e.tg.WebhookSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("telegram webhook = %d", resp.StatusCode)
	}
}

// vkEvent posts a Callback API event of the community.
func (e *ratingEnv) vkEvent(t *testing.T, typ string, object any) {
	t.Helper()
	resp, err := http.Post(e.n.Server.URL+"/hooks/vk/"+e.vkCh.ID, "application/json",
		strings.NewReader(vktest.Callback(typ, ratingVKSecret, e.vk.GroupID, object)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "ok" {
		t.Fatalf("vk callback %s = %d %s", typ, resp.StatusCode, b)
	}
}

// conversationOf is the conversation a contact's message joined.
func (e *ratingEnv) conversationOf(t *testing.T, text string) string {
	t.Helper()
	var conv string
	if err := e.n.DB.QueryRow(`SELECT conversation_id FROM inbox_messages WHERE direction = 'in' AND text = $1`, text).Scan(&conv); err != nil {
		t.Fatalf("message %q not stored: %v", text, err)
	}
	return conv
}

// answerAndClose is the operator's part: a reply, then close.
func (e *ratingEnv) answerAndClose(t *testing.T, conv string) {
	t.Helper()
	e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages", map[string]any{"text": "Взносы платятся до 10 числа."})
	e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/close", nil)
}

func (e *ratingEnv) stats(t *testing.T) inbox.Figures {
	t.Helper()
	var st inbox.Stats
	if err := json.Unmarshal(e.call(t, "GET", "/api/v1/inbox/stats", nil), &st); err != nil {
		t.Fatal(err)
	}
	return st.Total
}

// history is the codes of a conversation's system entries about ratings.
func (e *ratingEnv) history(t *testing.T, conv string) []string {
	t.Helper()
	rows, err := e.n.DB.Query(`SELECT text FROM inbox_messages WHERE conversation_id = $1 AND direction = 'system' ORDER BY seq`, conv)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		var d struct {
			Event  string `json:"event"`
			Rating int    `json:"rating"`
		}
		_ = json.Unmarshal([]byte(s), &d)
		if strings.HasPrefix(d.Event, "rat") {
			out = append(out, d.Event+":"+string(rune('0'+d.Rating)))
		}
	}
	return out
}

// waitFor polls cond until it holds: the dispatcher sends after commit,
// on its own worker.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tgRatingRequest waits for the message with the rating buttons in chat
// and returns its id and its buttons' callback data, 1 to 5.
func (e *ratingEnv) tgRatingRequest(t *testing.T, chat int64) (int, []string) {
	t.Helper()
	var got tgtest.Sent
	waitFor(t, "the rating buttons in Telegram", func() bool {
		for _, s := range e.tg.SentCalls() {
			if s.ChatID == chat && strings.Contains(s.Markup, "rate:") {
				got = s
				return true
			}
		}
		return false
	})
	var kb struct {
		InlineKeyboard [][]struct {
			Text         string `json:"text"`
			CallbackData string `json:"callback_data"`
		} `json:"inline_keyboard"`
	}
	if err := json.Unmarshal([]byte(got.Markup), &kb); err != nil || len(kb.InlineKeyboard) != 1 || len(kb.InlineKeyboard[0]) != 5 {
		t.Fatalf("rating keyboard %s: %v", got.Markup, err)
	}
	var data []string
	for i, b := range kb.InlineKeyboard[0] {
		if b.Text != string(rune('1'+i)) || len(b.CallbackData) > 64 {
			t.Fatalf("button %d = %+v", i+1, b)
		}
		data = append(data, b.CallbackData)
	}
	if !strings.Contains(got.Text, "оцените") {
		t.Fatalf("rating request text %q", got.Text)
	}
	return got.MessageID, data
}

// press presses a button and returns the callback query's answer.
func (e *ratingEnv) press(t *testing.T, chat int64, msgID int, data string) string {
	t.Helper()
	e.events++
	id := "cq" + string(rune('a'+e.events))
	e.tgUpdate(t, e.tg.Callback(id, chat, msgID, data))
	for _, a := range e.tg.CallbackAnswers() {
		if a.ID == id {
			return a.Text
		}
	}
	t.Fatalf("callback query %s not answered", id)
	return ""
}

func (e *ratingEnv) rating(t *testing.T, conv string) (int, string) {
	t.Helper()
	var r int
	var comment string
	if err := e.n.DB.QueryRow(`SELECT rating, rating_comment FROM inbox_conversations WHERE id = $1`, conv).Scan(&r, &comment); err != nil {
		t.Fatal(err)
	}
	return r, comment
}

// The done-when path: a Telegram and a VK conversation get the rating
// request after close through the fakes, a forged press is refused, and
// the ratings show in the report.
func TestRatingAfterClose(t *testing.T) {
	e := newRatingEnv(t)
	const chat = 7001
	e.tgUpdate(t, e.tg.Update(tgtest.TextMessage(chat, 1, "Когда платить взносы?")))
	conv := e.conversationOf(t, "Когда платить взносы?")
	e.answerAndClose(t, conv)
	msgID, buttons := e.tgRatingRequest(t, chat)

	// Forged: a token signed by nobody, and a real one pressed from
	// another chat.
	tok := strings.Split(strings.TrimPrefix(buttons[4], "rate:"), ":")[0]
	forged := "rate:" + strings.Split(tok, ".")[0] + ".AAAAAAAAAAAAAA:5"
	if got := e.press(t, chat, msgID, forged); got != "Эта кнопка недействительна" {
		t.Fatalf("forged press answered %q", got)
	}
	if got := e.press(t, 7002, msgID, buttons[4]); got != "Эта кнопка недействительна" {
		t.Fatalf("a press from another chat answered %q", got)
	}
	if r, _ := e.rating(t, conv); r != 0 {
		t.Fatalf("a refused press rated %d", r)
	}

	if got := e.press(t, chat, msgID, buttons[3]); got != "Спасибо за оценку: 4 из 5" {
		t.Fatalf("press 4 answered %q", got)
	}
	e.tg.Mu.Lock()
	edits := append([]tgtest.Edit(nil), e.tg.Edits...)
	e.tg.Mu.Unlock()
	if len(edits) == 0 || edits[len(edits)-1].MessageID != msgID || !strings.Contains(edits[len(edits)-1].Markup, "Спасибо за оценку: 4 из 5") {
		t.Fatalf("the keyboard was not replaced: %+v", edits)
	}
	if f := e.stats(t); f.Rated != 1 || f.RatingAvg != 4 {
		t.Fatalf("stats after Telegram: rated=%d avg=%v", f.Rated, f.RatingAvg)
	}

	// VK: callback buttons, answered with a snackbar.
	const peer = 52001
	e.vkEvent(t, "message_new", vktest.MessageNew(peer, 1, "Где получить профбилет?"))
	vconv := e.conversationOf(t, "Где получить профбилет?")
	e.answerAndClose(t, vconv)
	var keyboard string
	waitFor(t, "the rating buttons in VK", func() bool {
		sends, _ := e.vk.Snapshot()
		for _, s := range sends {
			if s.PeerID == peer && strings.Contains(s.Keyboard, `"callback"`) {
				keyboard = s.Keyboard
				return true
			}
		}
		return false
	})
	var kb struct {
		Inline  bool `json:"inline"`
		Buttons [][]struct {
			Action struct {
				Type, Label, Payload string
			} `json:"action"`
		} `json:"buttons"`
	}
	if err := json.Unmarshal([]byte(keyboard), &kb); err != nil || !kb.Inline || len(kb.Buttons) != 1 || len(kb.Buttons[0]) != 5 {
		t.Fatalf("VK keyboard %s: %v", keyboard, err)
	}
	snackbar := func(eventID, payload string) string {
		e.vkEvent(t, "message_event", vktest.MessageEvent(peer, 10, eventID, payload))
		e.vk.Mu.Lock()
		defer e.vk.Mu.Unlock()
		for _, a := range e.vk.EventAnswers {
			if a.EventID == eventID {
				var d struct{ Type, Text string }
				_ = json.Unmarshal([]byte(a.Data), &d)
				if d.Type != "show_snackbar" {
					t.Fatalf("event answer %s", a.Data)
				}
				return d.Text
			}
		}
		t.Fatalf("event %s not answered", eventID)
		return ""
	}
	if got := snackbar("ev-forged", `{"rate":"xxxxxxxxxxxxxxxx.AAAAAAAAAAAAAA","n":1}`); got != "Эта кнопка недействительна" {
		t.Fatalf("forged VK press answered %q", got)
	}
	if got := snackbar("ev-4", kb.Buttons[0][3].Action.Payload); got != "Спасибо за оценку: 4 из 5" {
		t.Fatalf("VK press 4 answered %q", got)
	}
	if r, _ := e.rating(t, vconv); r != 4 {
		t.Fatalf("VK conversation rated %d", r)
	}
	if f := e.stats(t); f.Rated != 2 || f.RatingAvg != 4 {
		t.Fatalf("stats after VK: rated=%d avg=%v", f.Rated, f.RatingAvg)
	}
}

// A second rating within 24 hours replaces the first, the same one again
// changes nothing, a later one is refused; the next message is the
// rating's comment, the one after it a new conversation.
func TestRatingTwiceAndComment(t *testing.T) {
	e := newRatingEnv(t)
	const chat = 7101
	e.tgUpdate(t, e.tg.Update(tgtest.TextMessage(chat, 1, "Нужна справка о членстве")))
	conv := e.conversationOf(t, "Нужна справка о членстве")
	e.answerAndClose(t, conv)
	msgID, buttons := e.tgRatingRequest(t, chat)
	for _, c := range []struct {
		button int
		want   string
	}{{3, "Спасибо за оценку: 3 из 5"}, {5, "Спасибо за оценку: 5 из 5"}, {5, "Спасибо за оценку: 5 из 5"}} {
		if got := e.press(t, chat, msgID, buttons[c.button-1]); got != c.want {
			t.Fatalf("press %d answered %q, want %q", c.button, got, c.want)
		}
	}
	if r, _ := e.rating(t, conv); r != 5 {
		t.Fatalf("rating %d, want the second, 5", r)
	}

	e.tgUpdate(t, e.tg.Update(tgtest.TextMessage(chat, 2, "Ответили быстро, спасибо")))
	if got := e.conversationOf(t, "Ответили быстро, спасибо"); got != conv {
		t.Fatalf("the comment opened conversation %s", got)
	}
	if _, comment := e.rating(t, conv); comment != "Ответили быстро, спасибо" {
		t.Fatalf("comment %q", comment)
	}
	var status string
	if err := e.n.DB.QueryRow(`SELECT status FROM inbox_conversations WHERE id = $1`, conv).Scan(&status); err != nil || status != "closed" {
		t.Fatalf("the rated conversation is %q (%v)", status, err)
	}
	if f := e.stats(t); f.Rated != 1 || f.RatingAvg != 5 {
		t.Fatalf("stats: rated=%d avg=%v", f.Rated, f.RatingAvg)
	}
	// The next message is a question again: the line's reopen window
	// puts the conversation back in the queue, the comment stays.
	e.tgUpdate(t, e.tg.Update(tgtest.TextMessage(chat, 3, "И ещё вопрос про отпуск")))
	if err := e.n.DB.QueryRow(`SELECT status FROM inbox_conversations WHERE id = $1`, e.conversationOf(t, "И ещё вопрос про отпуск")).
		Scan(&status); err != nil || status == "closed" {
		t.Fatalf("a second message after the rating is in a %q conversation (%v)", status, err)
	}
	if _, comment := e.rating(t, conv); comment != "Ответили быстро, спасибо" {
		t.Fatalf("comment after the next message %q", comment)
	}

	// A day later the rating stands.
	if _, err := e.n.DB.Exec(`UPDATE inbox_rating_requests SET rated_at = rated_at - $1`, (25 * time.Hour).Milliseconds()); err != nil {
		t.Fatal(err)
	}
	if got := e.press(t, chat, msgID, buttons[0]); got != "Оценка уже учтена" {
		t.Fatalf("a late press answered %q", got)
	}
	if r, _ := e.rating(t, conv); r != 5 {
		t.Fatalf("a late press changed the rating to %d", r)
	}
	want := []string{"rated:3", "rating_changed:5", "rating_same:5", "rating_refused:1"}
	if got := e.history(t, conv); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("history %v, want %v", got, want)
	}
}
