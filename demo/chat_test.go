package demo_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// checkChat: the chairman has her unit's chat, the campaign's group and
// the direct chat with her deputy; the secretary's message carries the
// vacation order as a card she may open; the deputy heard of his mention.
func checkChat(t *testing.T, n *hubtest.Node) {
	t.Helper()
	ctx := context.Background()
	u, err := n.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		t.Fatal(err)
	}
	list, err := n.Chat.Chats(ctx, u.Scope("test"))
	if err != nil {
		t.Fatal(err)
	}
	titles := map[string]int{}
	for _, c := range list {
		titles[c.Title] = c.Unread
	}
	if len(list) != 3 || titles["Колдоговорная кампания 2027"] != 4 {
		t.Fatalf("the chairman's chats: %+v", titles)
	}
	for _, c := range list {
		if c.Kind != "unit" {
			continue
		}
		msgs, err := n.Chat.Messages(ctx, u.Scope("test"), c.ID, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 5 || msgs[2].Link == nil || !msgs[2].Link.Visible || msgs[2].Link.Title == "" || msgs[4].ReplyTo == nil {
			t.Fatalf("unit chat: %+v", msgs)
		}
	}
	// The operator may not open the vacation order: she cannot share it.
	op, err := n.Org.AuthByLogin(ctx, "operator1")
	if err != nil {
		t.Fatal(err)
	}
	var docID, unitChat string
	_ = n.DB.QueryRowContext(ctx, `SELECT link_id, chat_id FROM chat_messages WHERE link_kind = 'document'`).Scan(&docID, &unitChat)
	_, err = n.Chat.Send(ctx, op.Scope("test"), unitChat, chat.Post{Text: "смотрите", Link: &chat.LinkRef{Kind: chat.LinkDocument, ID: docID}})
	if !valid.Is(err) {
		t.Fatalf("an operator shares a document she may not open: %v", err)
	}
	msgs, err := n.Chat.Messages(ctx, op.Scope("test"), unitChat, 0)
	if err != nil {
		t.Fatal(err)
	}
	if l := msgs[2].Link; l == nil || l.Visible || l.Title != "" || l.Href != "" {
		t.Fatalf("the operator reads the card as %+v", l)
	}
	var mentions int
	_ = n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_items WHERE kind = 'mention' AND event_key LIKE 'chat-mention:%'`).Scan(&mentions)
	if mentions != 2 {
		t.Fatalf("%d mention notices", mentions)
	}
}
