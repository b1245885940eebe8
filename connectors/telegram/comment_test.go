package telegram_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

// The story of the issue for Telegram: a member comments on the union
// channel's post in its discussion group; the comment opens a
// conversation with the post quoted; the operator's answer is a reply to
// the comment in the same thread. The channel's forward, bots (our own
// answer among them) and anonymous admins are never taken in. A private
// answer to a member who never started the bot fails with the reason.
func TestDiscussionCommentOperatorRepliesInThread(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	secret := e.tg.WebhookSecret
	const group, channel = int64(-1001234567890), int64(-1009876543210)
	post := tgtest.ChannelPost(group, 10, channel, "prof_union", 55, "Профсоюз добился индексации зарплат на 8%")
	hook := func(msg map[string]any) {
		t.Helper()
		if code := e.hook(t, ch, secret, e.tg.Update(msg)); code != 200 {
			t.Fatalf("webhook = %d", code)
		}
	}
	hook(post)
	hook(tgtest.Comment(group, 11, 10, post, 5550001, "А с какого месяца?"))
	hook(tgtest.Comment(group, 11, 10, post, 5550001, "А с какого месяца?")) // a replay
	bot := tgtest.Comment(group, 12, 10, post, 5550002, "Я бот")
	bot["from"].(map[string]any)["is_bot"] = true
	hook(bot)
	anon := tgtest.Comment(group, 13, 10, post, 1087968824, "Анонимный администратор")
	anon["sender_chat"] = map[string]any{"id": group, "type": "supergroup", "title": "Профсоюз — обсуждение"}
	hook(anon)
	// A reply to another comment: in the thread, without the post.
	hook(tgtest.Comment(group, 14, 10, map[string]any{"message_id": 11, "date": time.Now().Unix(), "text": "А с какого месяца?",
		"chat": map[string]any{"id": group, "type": "supergroup"}}, 5550001, "И для совместителей тоже?"))

	in := e.inbound(t, ch)
	if len(in) != 2 || in[0].Text != "А с какого месяца?" || in[1].ConversationID != in[0].ConversationID ||
		!strings.HasSuffix(in[1].Text, "И для совместителей тоже?") {
		t.Fatalf("inbound = %+v", in)
	}
	conv := in[0].ConversationID
	code, body := e.call(t, "GET", "/api/v1/inbox/conversations/"+conv, nil)
	var c inbox.Conversation
	_ = json.Unmarshal(body, &c)
	if code != 200 || c.ThreadKey != "tg:-1001234567890:10" || c.ExternalChatID != "5550001" || c.Thread == nil ||
		c.Thread.Text != "Профсоюз добился индексации зарплат на 8%" || c.Thread.URL != "https://t.me/prof_union/55" {
		t.Fatalf("conversation = %d %+v %+v", code, c, c.Thread)
	}

	r := e.reply(t, conv, "С 1 января, для всех, совместителей тоже.")
	got := e.waitSent(t, 10*time.Second)
	if got.Method != "sendMessage" || got.ChatID != group || got.ReplyTo != 14 || got.Text != "С 1 января, для всех, совместителей тоже." {
		t.Fatalf("sent %+v", got)
	}
	e.waitStatus(t, conv, r.ID, inbox.DeliverySent, 5*time.Second)
	// Telegram shows the bot's answer in the group: it is not a comment.
	answer := tgtest.Comment(group, 15, 10, nil, 123456, got.Text)
	answer["from"].(map[string]any)["is_bot"] = true
	answer["reply_to_message"] = map[string]any{"message_id": 14, "date": time.Now().Unix(), "chat": map[string]any{"id": group, "type": "supergroup"}}
	hook(answer)
	if n := len(e.inbound(t, ch)); n != 2 {
		t.Fatalf("%d inbound after our answer's echo, want 2", n)
	}

	// «Лично» to a member who never started the bot.
	e.tg.Set(func(f *tgtest.Server) { f.NotStarted = map[int64]bool{5550001: true} })
	code, body = e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages", inbox.ReplyInput{Text: "Напишу вам лично", Private: true})
	if code != 201 {
		t.Fatalf("private reply: %d %s", code, body)
	}
	var p inbox.Message
	_ = json.Unmarshal(body, &p)
	failed := e.waitStatus(t, conv, p.ID, inbox.DeliveryFailed, 10*time.Second)
	if !strings.HasPrefix(failed.StatusReason, "tg_not_started:") || !failed.Private {
		t.Fatalf("private answer %+v", failed)
	}
	// A public answer cannot carry files.
	code, body = e.call(t, "POST", "/api/v1/inbox/conversations/"+conv+"/messages",
		map[string]any{"text": "файл", "attachments": []map[string]any{{"blob_key": "x", "name": "a.pdf"}}})
	if code != 422 {
		t.Fatalf("an answer in the thread with a file: %d %s", code, body)
	}
}
