package mailing_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
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
	e.tg.mu.Lock()
	secret := e.tg.secret
	e.tg.mu.Unlock()
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
	c, err := e.n.Inbox.GetConversation(e.ctx, e.n.System, id)
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
	if _, err := e.n.Inbox.Close(e.ctx, e.n.System, closed); err != nil {
		t.Fatal(err)
	}
	c := e.start("Собрание в пятницу", "telegram", "vk")
	e.waitFinished(c.ID, 30*time.Second)
	sentTo := map[int64]int{}
	for i, m := range e.tg.messages() {
		sentTo[m.Chat] = 101 + i // the fake numbers messages from 101
	}
	if len(sentTo) != 3 {
		t.Fatalf("Telegram got %v", sentTo)
	}

	e.telegramUpdate(1, 1001, "Приду!", sentTo[1001])
	e.telegramUpdate(2, 1002, "А во сколько?", 0)
	e.telegramUpdate(3, 1003, "Ещё про мой отпуск", 0)
	e.vk.mu.Lock()
	vkID := e.vk.ids[2004]
	e.vk.mu.Unlock()
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
