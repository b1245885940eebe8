package chat_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// staff is a small federation: Обком А with Иванова, Петров and Сидоров,
// Обком Б with Борисова.
type staff struct {
	n              *hubtest.Node
	iv, pe, si, bo org.User
	ivW, peW, siW  *hubtest.Browser
	boW            *hubtest.Browser
}

func setup(t *testing.T) staff {
	n := hubtest.Start(t)
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	b := n.AddUnit(t, "", org.Committee, "Обком Б")
	s := staff{n: n}
	s.iv = n.AddUser(t, "chat.iv", access.Operator, a.ID, "password-chat")
	s.pe = n.AddUser(t, "chat.pe", access.Chairman, a.ID, "password-chat")
	s.si = n.AddUser(t, "chat.si", access.Operator, a.ID, "password-chat")
	s.bo = n.AddUser(t, "chat.bo", access.Chairman, b.ID, "password-chat")
	for id, name := range map[string]string{s.iv.ID: "Иванова Мария Петровна", s.pe.ID: "Петров Сергей Иванович",
		s.si.ID: "Сидоров Олег Ильич", s.bo.ID: "Борисова Анна Львовна"} {
		if _, err := n.DB.Exec(`UPDATE users SET full_name = $1 WHERE id = $2`, name, id); err != nil {
			t.Fatal(err)
		}
	}
	s.ivW, s.peW, s.siW, s.boW = login(t, n, "chat.iv"), login(t, n, "chat.pe"), login(t, n, "chat.si"), login(t, n, "chat.bo")
	return s
}

func login(t *testing.T, n *hubtest.Node, l string) *hubtest.Browser {
	t.Helper()
	br := n.NewBrowser(t)
	if resp := br.Login(t, l, "password-chat"); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s = %d", l, resp.StatusCode)
	}
	return br
}

// do sends a request and decodes the answer into out (when not nil).
func do(t *testing.T, b *hubtest.Browser, method, path, body string, want int, out any) string {
	t.Helper()
	code, got := b.Do(t, method, path, body)
	if code != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, code, want, got)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(got), out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, got)
		}
	}
	return got
}

type chatJSON struct {
	ID      string `json:"id"`
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Unread  int    `json:"unread"`
	LastNum int64  `json:"last_num"`
	Members []struct {
		ID string `json:"id"`
	} `json:"members"`
}

type messageJSON struct {
	ID       string `json:"id"`
	Num      int64  `json:"num"`
	SenderID string `json:"sender_id"`
	From     string `json:"from"`
	Text     string `json:"text"`
	EditedAt string `json:"edited_at"`
	Deleted  bool   `json:"deleted"`
	ReplyTo  *struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"reply_to"`
	Mentions []struct {
		ID string `json:"id"`
	} `json:"mentions"`
}

func (s staff) group(t *testing.T, title string, members ...string) chatJSON {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"kind": "group", "title": title, "members": members})
	var out struct{ Chat chatJSON }
	do(t, s.ivW, "POST", "/api/v1/chat/chats", string(b), http.StatusCreated, &out)
	return out.Chat
}

func send(t *testing.T, b *hubtest.Browser, chatID, body string, want int) messageJSON {
	t.Helper()
	var out struct{ Message messageJSON }
	got := do(t, b, "POST", "/api/v1/chat/chats/"+chatID+"/messages", body, want, nil)
	if want == http.StatusCreated {
		_ = json.Unmarshal([]byte(got), &out)
	}
	return out.Message
}

func (s staff) lastNum(t *testing.T, chatID string) int64 {
	var n int64
	if err := s.n.DB.QueryRowContext(context.Background(), `SELECT last_num FROM chats WHERE id = $1`, chatID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestChatMembershipAndScope: the unit chat holds the unit's staff; a
// direct chat is one per pair; a chat of another unit is not found, one
// of the caller's unit they are not in is forbidden; the sender cannot
// be forged and nobody outside the caller's reach is put in a chat.
func TestChatMembershipAndScope(t *testing.T) {
	s := setup(t)
	var list struct{ Chats []chatJSON }
	do(t, s.ivW, "GET", "/api/v1/chat/chats", "", http.StatusOK, &list)
	if len(list.Chats) != 1 || list.Chats[0].Kind != "unit" || list.Chats[0].Title != "Обком А" {
		t.Fatalf("Иванова's chats: %+v", list.Chats)
	}
	var unit struct{ Chat chatJSON }
	do(t, s.ivW, "GET", "/api/v1/chat/chats/"+list.Chats[0].ID, "", http.StatusOK, &unit)
	if len(unit.Chat.Members) != 3 {
		t.Fatalf("unit chat members: %+v", unit.Chat.Members)
	}
	// Борисова of Обком Б does not find Обком А's chat at all.
	do(t, s.boW, "GET", "/api/v1/chat/chats/"+unit.Chat.ID, "", http.StatusNotFound, nil)
	send(t, s.boW, unit.Chat.ID, `{"text":"Привет"}`, http.StatusNotFound)

	var d1, d2 struct{ Chat chatJSON }
	do(t, s.ivW, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+s.pe.ID+`"]}`, http.StatusCreated, &d1)
	do(t, s.peW, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+s.iv.ID+`"]}`, http.StatusCreated, &d2)
	if d1.Chat.ID != d2.Chat.ID || d1.Chat.Title != "Петров Сергей Иванович" || d2.Chat.Title != "Иванова Мария Петровна" {
		t.Fatalf("direct chats: %+v / %+v", d1.Chat, d2.Chat)
	}
	// Борисова is out of Иванова's reach.
	if body := do(t, s.ivW, "POST", "/api/v1/chat/chats", `{"kind":"direct","members":["`+s.bo.ID+`"]}`, http.StatusUnprocessableEntity, nil); !strings.Contains(body, "нет среди") {
		t.Fatalf("out of reach: %s", body)
	}

	g := s.group(t, "Проверка", s.pe.ID)
	// Сидоров is in Обком А but not in the group: forbidden, with why.
	code, body := s.siW.Do(t, "POST", "/api/v1/chat/chats/"+g.ID+"/messages", `{"text":"Можно к вам?"}`)
	if code != http.StatusForbidden || !strings.Contains(body, "не участник") {
		t.Fatalf("non-member posts: %d %s", code, body)
	}
	do(t, s.siW, "GET", "/api/v1/chat/chats/"+g.ID+"/messages", "", http.StatusForbidden, nil)
	do(t, s.boW, "GET", "/api/v1/chat/chats/"+g.ID+"/messages", "", http.StatusNotFound, nil)
	do(t, s.boW, "GET", "/api/v1/chat/chats/not-an-id", "", http.StatusNotFound, nil)

	// A forged sender is refused outright; the sender is the session.
	send(t, s.ivW, g.ID, `{"text":"от Петрова","sender_id":"`+s.pe.ID+`"}`, http.StatusUnprocessableEntity)
	m := send(t, s.ivW, g.ID, `{"text":"Коллеги, добрый день"}`, http.StatusCreated)
	if m.SenderID != s.iv.ID || m.From != "Иванова Мария Петровна" || m.Num != 1 {
		t.Fatalf("sent: %+v", m)
	}
	if n := s.lastNum(t, g.ID); n != 1 {
		t.Fatalf("last_num %d after refusals", n)
	}

	// Сидоров moves to Обком Б: its unit chat is his, Обком А's is gone.
	if _, err := s.n.DB.Exec(`UPDATE users SET unit_id = $1 WHERE id = $2`, s.bo.UnitID, s.si.ID); err != nil {
		t.Fatal(err)
	}
	moved := login(t, s.n, "chat.si")
	do(t, moved, "GET", "/api/v1/chat/chats", "", http.StatusOK, &list)
	if len(list.Chats) != 1 || list.Chats[0].Title != "Обком Б" {
		t.Fatalf("after the move: %+v", list.Chats)
	}
	do(t, moved, "GET", "/api/v1/chat/chats/"+unit.Chat.ID+"/messages", "", http.StatusNotFound, nil)
	do(t, s.ivW, "GET", "/api/v1/chat/chats/"+unit.Chat.ID, "", http.StatusOK, &unit)
	if len(unit.Chat.Members) != 2 {
		t.Fatalf("Обком А's chat after the move: %+v", unit.Chat.Members)
	}
}

// TestChatEditsDeletesAndReadMarks: replies quote, edits and deletions
// show as such, only the author changes a message, read marks count
// what is unread.
func TestChatEditsDeletesAndReadMarks(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Совещание", s.pe.ID)
	other := s.group(t, "Другой", s.pe.ID)
	first := send(t, s.ivW, g.ID, `{"text":"Совещание в 15:00"}`, http.StatusCreated)
	send(t, s.ivW, g.ID, `{"text":"В малом зале"}`, http.StatusCreated)

	var list struct{ Chats []chatJSON }
	do(t, s.peW, "GET", "/api/v1/chat/chats", "", http.StatusOK, &list)
	unread := map[string]int{}
	for _, c := range list.Chats {
		unread[c.ID] = c.Unread
	}
	if unread[g.ID] != 2 {
		t.Fatalf("Петров's unread: %+v", list.Chats)
	}
	do(t, s.peW, "POST", "/api/v1/chat/chats/"+g.ID+"/read", `{"num":1}`, http.StatusOK, nil)
	do(t, s.peW, "GET", "/api/v1/chat/chats", "", http.StatusOK, &list)
	for _, c := range list.Chats {
		if c.ID == g.ID && c.Unread != 1 {
			t.Fatalf("after reading 1: %+v", c)
		}
	}
	// A read mark never goes back.
	do(t, s.peW, "POST", "/api/v1/chat/chats/"+g.ID+"/read", `{"num":2}`, http.StatusOK, nil)
	do(t, s.peW, "POST", "/api/v1/chat/chats/"+g.ID+"/read", `{"num":0}`, http.StatusOK, nil)
	var rn int64
	_ = s.n.DB.QueryRow(`SELECT read_num FROM chat_members WHERE chat_id = $1 AND user_id = $2`, g.ID, s.pe.ID).Scan(&rn)
	if rn != 2 {
		t.Fatalf("read_num %d", rn)
	}

	reply := send(t, s.peW, g.ID, `{"text":"Буду","reply_to":"`+first.ID+`"}`, http.StatusCreated)
	if reply.ReplyTo == nil || reply.ReplyTo.ID != first.ID || reply.ReplyTo.Text != "Совещание в 15:00" {
		t.Fatalf("reply: %+v", reply)
	}
	// A reply to a message of another chat is refused.
	send(t, s.peW, other.ID, `{"text":"Буду","reply_to":"`+first.ID+`"}`, http.StatusUnprocessableEntity)

	// Only the author edits or deletes.
	do(t, s.peW, "PATCH", "/api/v1/chat/messages/"+first.ID, `{"text":"взлом"}`, http.StatusForbidden, nil)
	do(t, s.peW, "DELETE", "/api/v1/chat/messages/"+first.ID, "", http.StatusForbidden, nil)
	do(t, s.boW, "PATCH", "/api/v1/chat/messages/"+first.ID, `{"text":"взлом"}`, http.StatusNotFound, nil)
	var ed struct{ Message messageJSON }
	do(t, s.ivW, "PATCH", "/api/v1/chat/messages/"+first.ID, `{"text":"Совещание в 16:00"}`, http.StatusOK, &ed)
	if ed.Message.Text != "Совещание в 16:00" || ed.Message.EditedAt == "" {
		t.Fatalf("edited: %+v", ed.Message)
	}
	var del struct{ Message messageJSON }
	do(t, s.ivW, "DELETE", "/api/v1/chat/messages/"+first.ID, "", http.StatusOK, &del)
	if !del.Message.Deleted || del.Message.Text != "" {
		t.Fatalf("deleted: %+v", del.Message)
	}
	do(t, s.ivW, "PATCH", "/api/v1/chat/messages/"+first.ID, `{"text":"снова"}`, http.StatusConflict, nil)

	var hist struct{ Messages []messageJSON }
	do(t, s.peW, "GET", "/api/v1/chat/chats/"+g.ID+"/messages", "", http.StatusOK, &hist)
	if len(hist.Messages) != 3 || !hist.Messages[0].Deleted || hist.Messages[2].ReplyTo == nil {
		t.Fatalf("history: %+v", hist.Messages)
	}
}

// TestChatMentions: "@Петров" notifies Петров; naming Сидоров, who is not
// in the chat, is refused and stores nothing.
func TestChatMentions(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Договоры", s.pe.ID)
	m := send(t, s.ivW, g.ID, `{"text":"@Петров посмотрите договор, пожалуйста"}`, http.StatusCreated)
	if len(m.Mentions) != 1 || m.Mentions[0].ID != s.pe.ID {
		t.Fatalf("mentions: %+v", m.Mentions)
	}
	var n int
	_ = s.n.DB.QueryRow(`SELECT COUNT(*) FROM notify_items WHERE user_id = $1 AND kind = 'mention'`, s.pe.ID).Scan(&n)
	if n != 1 {
		t.Fatalf("Петров has %d mention notices", n)
	}
	before := s.lastNum(t, g.ID)
	code, body := s.ivW.Do(t, "POST", "/api/v1/chat/chats/"+g.ID+"/messages", `{"text":"@Сидоров глянь"}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Сидоров Олег Ильич") || !strings.Contains(body, "не участвует") {
		t.Fatalf("mention of a non-member: %d %s", code, body)
	}
	send(t, s.ivW, g.ID, `{"text":"глянь","mentions":["`+s.si.ID+`"]}`, http.StatusUnprocessableEntity)
	_ = s.n.DB.QueryRow(`SELECT COUNT(*) FROM notify_items WHERE user_id = $1`, s.si.ID).Scan(&n)
	if n != 0 || s.lastNum(t, g.ID) != before {
		t.Fatalf("refused mention left %d notices, last_num %d → %d", n, before, s.lastNum(t, g.ID))
	}
	// An "@" before a word nobody is called is just text.
	send(t, s.ivW, g.ID, `{"text":"почта: info@example.org, @всем"}`, http.StatusCreated)
}

// TestChatSearch finds a message by another form of its words, only in
// the caller's chats, and not once it is deleted.
func TestChatSearch(t *testing.T) {
	s := setup(t)
	g := s.group(t, "Юристы", s.pe.ID)
	m := send(t, s.ivW, g.ID, `{"text":"Согласуем проект коллективного договора до пятницы"}`, http.StatusCreated)
	var hits struct{ Messages []messageJSON }
	do(t, s.peW, "GET", "/api/v1/chat/search?q="+urlq("коллективный договор"), "", http.StatusOK, &hits)
	if len(hits.Messages) != 1 || hits.Messages[0].ID != m.ID {
		t.Fatalf("hits: %+v", hits.Messages)
	}
	do(t, s.siW, "GET", "/api/v1/chat/search?q="+urlq("договор"), "", http.StatusOK, &hits)
	if len(hits.Messages) != 0 {
		t.Fatalf("Сидоров found: %+v", hits.Messages)
	}
	do(t, s.siW, "GET", "/api/v1/chat/search?q=x&chat="+g.ID, "", http.StatusForbidden, nil)
	do(t, s.ivW, "DELETE", "/api/v1/chat/messages/"+m.ID, "", http.StatusOK, nil)
	do(t, s.peW, "GET", "/api/v1/chat/search?q="+urlq("договор"), "", http.StatusOK, &hits)
	if len(hits.Messages) != 0 {
		t.Fatalf("deleted found: %+v", hits.Messages)
	}
}

func urlq(s string) string { return url.QueryEscape(s) }
