package vk_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/vktest"
)

// commentConv waits for the conversation about the post key and returns it
// with its post read.
func (f *fixture) commentConv(t *testing.T, key string) inbox.Conversation {
	t.Helper()
	var id string
	waitFor(t, 10*time.Second, "the conversation about "+key, func() bool {
		for _, c := range f.conversations(t) {
			if c.ThreadKey == key {
				id = c.ID
				return true
			}
		}
		return false
	})
	c, err := f.n.Inbox.Conversations.Get(context.Background(), f.n.System, id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (f *fixture) shown(t *testing.T, n int) []vktest.CommentCall {
	t.Helper()
	var got []vktest.CommentCall
	waitFor(t, 10*time.Second, fmt.Sprintf("%d comments shown", n), func() bool {
		got = f.vk.ShownComments()
		return len(got) >= n
	})
	if len(got) != n {
		t.Fatalf("VK showed %d comments, want %d: %+v", len(got), n, got)
	}
	return got
}

// The story of the issue for VK: a member comments on the union's wall
// post; the comment opens a conversation of its own (beside the member's
// private chat) with the post quoted; the operator's answer goes into the
// thread as a reply to the comment, once across a failed first try, and
// the community's own comments (our answer's echo among them), another
// community's wall and anonymous admins are never taken in.
func TestWallCommentOperatorRepliesInThread(t *testing.T) {
	f := newFixture(t, "callback")
	gid := f.vk.GroupID
	f.vk.SetPost(-gid, 42, "Собрание профкома 12 декабря: повестка в комментариях")
	cb := func(typ string, obj any) {
		t.Helper()
		if code, body := f.post(t, vktest.Callback(typ, callbackSecret, gid, obj)); code != 200 || body != "ok" {
			t.Fatalf("%s: %d %q", typ, code, body)
		}
	}
	cb("message_new", vktest.MessageNew(777, 1, "Добрый день, вопрос в личку"))
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 901, 777, "А можно прийти с детьми?"))
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 902, -gid, "Ответ сообщества"))        // the community itself
	cb("wall_reply_new", vktest.CommentObject("wall", -555, 42, 903, 778, "Чужая стена"))              // another community's wall
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 904, -123, "Другое сообщество"))       // another community or an anonymous admin
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 901, 777, "А можно прийти с детьми?")) // a replay

	key := fmt.Sprintf("wall:%d_42", -gid)
	c := f.commentConv(t, key)
	if cs := f.conversations(t); len(cs) != 2 {
		t.Fatalf("%d conversations, want the private chat and the comment's: %+v", len(cs), cs)
	}
	if c.Thread == nil || !strings.Contains(c.Thread.Text, "Собрание профкома") || c.Thread.URL != fmt.Sprintf("https://vk.com/wall%d_42", -gid) {
		t.Fatalf("thread %+v", c.Thread)
	}
	if c.ExternalChatID != "777" || c.ContactName != "Марина Ковалёва-777" {
		t.Fatalf("conversation %+v", c)
	}
	ms := f.messages(t, c.ID)
	if len(ms) != 1 || ms[0].Text != "А можно прийти с детьми?" {
		t.Fatalf("messages %+v", ms)
	}
	// A second comment on the post joins the same conversation, and the
	// post is read from VK once.
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 905, 777, "И во сколько начало?"))
	waitFor(t, 5*time.Second, "the second comment", func() bool { return len(f.messages(t, c.ID)) == 2 })
	if n := f.vk.Count("wall.getById"); n != 1 {
		t.Fatalf("wall.getById called %d times, want 1", n)
	}

	f.vk.FailComments(10) // VK's internal error: the reply is tried again
	m := f.reply(t, c.ID, map[string]any{"text": "Конечно, приходите к 18:00."})
	f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	got := f.shown(t, 1)[0]
	if got.Method != "wall.createComment" || got.OwnerID != -gid || got.ItemID != 42 || got.ReplyTo != 905 ||
		got.GUID != m.ID || got.FromGroup != fmt.Sprint(gid) || got.Text != "Конечно, приходите к 18:00." {
		t.Fatalf("comment %+v (reply %s)", got, m.ID)
	}
	if n := f.vk.Count("wall.createComment"); n != 2 {
		t.Fatalf("wall.createComment called %d times, want the failure and the retry", n)
	}
	if sends, _ := f.vk.Snapshot(); len(sends) != 0 {
		t.Fatalf("an answer in the thread went as a private message: %+v", sends)
	}
	// VK tells us of our own answer: nothing comes in (the callback is
	// answered after the event is handled).
	before := len(f.messages(t, c.ID))
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 42, 5001, -gid, got.Text))
	if n := len(f.messages(t, c.ID)); n != before {
		t.Fatalf("%d messages after our answer's echo, want %d", n, before)
	}

	// «Лично»: a private message to the commenter.
	p := f.reply(t, c.ID, map[string]any{"text": "Пришлю программу в личные сообщения", "private": true})
	f.waitMessage(t, c.ID, p.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent && m.Private })
	sends, _ := f.vk.Snapshot()
	if len(sends) != 1 || sends[0].PeerID != 777 {
		t.Fatalf("private answer: %+v", sends)
	}
	if n := len(f.vk.ShownComments()); n != 1 {
		t.Fatalf("the private answer was also commented: %d comments", n)
	}
}

// An edited comment shows as a new entry once per version; a deleted one
// is marked on the original (the console strikes it through) and a
// restored one unmarked; replays add nothing.
func TestWallCommentEditsAndDeletes(t *testing.T) {
	f := newFixture(t, "callback")
	gid := f.vk.GroupID
	cb := func(typ string, obj any) {
		t.Helper()
		if code, body := f.post(t, vktest.Callback(typ, callbackSecret, gid, obj)); code != 200 || body != "ok" {
			t.Fatalf("%s: %d %q", typ, code, body)
		}
	}
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 7, 301, 888, "Взносы повысили?"))
	c := f.commentConv(t, fmt.Sprintf("wall:%d_7", -gid))
	edit := vktest.CommentObject("wall", -gid, 7, 301, 888, "Взносы правда повысили?")
	cb("wall_reply_edit", edit)
	cb("wall_reply_edit", edit)
	ms := f.messages(t, c.ID)
	if len(ms) != 2 || !strings.Contains(ms[1].Text, "(edited)") || !strings.Contains(ms[1].Text, "правда") {
		t.Fatalf("after the edit: %+v", ms)
	}
	cb("wall_reply_delete", vktest.CommentDeleted("wall", -gid, 7, 301))
	ms = f.messages(t, c.ID)
	if ms[0].DeletedAt.IsZero() {
		t.Fatalf("the deleted comment is not marked: %+v", ms[0])
	}
	first := ms[0].DeletedAt
	cb("wall_reply_delete", vktest.CommentDeleted("wall", -gid, 7, 301))
	ms = f.messages(t, c.ID)
	if len(ms) != 2 || !ms[0].DeletedAt.Equal(first) {
		t.Fatalf("a replayed deletion changed something: %+v", ms)
	}
	cb("wall_reply_delete", vktest.CommentDeleted("wall", -gid, 7, 9999)) // a comment we never took in
	cb("wall_reply_restore", vktest.CommentObject("wall", -gid, 7, 301, 888, "Взносы повысили?"))
	if ms = f.messages(t, c.ID); len(ms) != 2 || !ms[0].DeletedAt.IsZero() {
		t.Fatalf("after the restore: %+v", ms)
	}
	// The answer replies to the latest comment still standing.
	cb("wall_reply_new", vktest.CommentObject("wall", -gid, 7, 302, 888, "Жду ответа"))
	cb("wall_reply_delete", vktest.CommentDeleted("wall", -gid, 7, 302))
	m := f.reply(t, c.ID, map[string]any{"text": "Нет, взносы прежние."})
	f.waitMessage(t, c.ID, m.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	if got := f.shown(t, 1)[0]; got.ReplyTo != 301 {
		t.Fatalf("answered comment %d, want 301 (302 was deleted)", got.ReplyTo)
	}
}

// Photo and board comments come by Bots Long Poll; answers go by
// photos.createComment (a reply to the comment) and board.createComment.
func TestPhotoAndBoardComments(t *testing.T) {
	f := newFixture(t, "longpoll")
	gid := f.vk.GroupID
	f.vk.SetPost(-gid, 456, "Фото с первомайской демонстрации")
	f.vk.SetPost(-gid, 12, "Вопросы о коллективном договоре")
	waitFor(t, 10*time.Second, "long poll to connect", func() bool {
		f.vk.Mu.Lock()
		defer f.vk.Mu.Unlock()
		return f.vk.LPPolls > 0
	})
	f.vk.PushEvent("photo_comment_new", vktest.CommentObject("photo", -gid, 456, 31, 4001, "Я на этом фото!"))
	f.vk.PushEvent("photo_comment_new", vktest.CommentObject("photo", -gid, 456, 32, -gid, "Сообщество отвечает"))
	f.vk.PushEvent("board_post_new", vktest.CommentObject("board", -gid, 12, 55, 4002, "Когда подпишут договор?"))
	f.vk.PushEvent("board_post_new", vktest.CommentObject("board", gid, 12, 56, 4003, "Топик с положительным владельцем"))
	photo := f.commentConv(t, fmt.Sprintf("photo:%d_456", -gid))
	board := f.commentConv(t, fmt.Sprintf("board:%d_12", -gid))
	waitFor(t, 10*time.Second, "three conversations", func() bool { return len(f.conversations(t)) == 3 })
	if photo.Thread.Text != "Фото с первомайской демонстрации" || photo.Thread.URL != fmt.Sprintf("https://vk.com/photo%d_456", -gid) {
		t.Fatalf("photo thread %+v", photo.Thread)
	}
	if board.Thread.Text != "Вопросы о коллективном договоре" || board.Thread.URL != fmt.Sprintf("https://vk.com/topic%d_12", -gid) {
		t.Fatalf("board thread %+v", board.Thread)
	}
	mp := f.reply(t, photo.ID, map[string]any{"text": "Отличное фото!"})
	mb := f.reply(t, board.ID, map[string]any{"text": "В декабре."})
	f.waitMessage(t, photo.ID, mp.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	f.waitMessage(t, board.ID, mb.ID, func(m inbox.Message) bool { return m.Status == inbox.DeliverySent })
	byMethod := map[string]vktest.CommentCall{}
	for _, c := range f.shown(t, 2) {
		byMethod[c.Method] = c
	}
	if c := byMethod["photos.createComment"]; c.OwnerID != -gid || c.ItemID != 456 || c.ReplyTo != 31 || c.GUID != mp.ID || c.FromGroup != "1" {
		t.Fatalf("photo comment %+v", c)
	}
	if c := byMethod["board.createComment"]; c.OwnerID != -gid || c.ItemID != 12 || c.GUID != mb.ID || c.Text != "В декабре." {
		t.Fatalf("board comment %+v", c)
	}
	f.vk.PushEvent("photo_comment_delete", vktest.CommentDeleted("photo", -gid, 456, 31))
	waitFor(t, 10*time.Second, "the photo comment marked deleted", func() bool { return !f.messages(t, photo.ID)[0].DeletedAt.IsZero() })
}
