package hub

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/notify"
	"github.com/profhub/profhub/workflow"
)

// The chat reaches the inbox, the CRM and the workflow (to name a shared
// link card to each reader) and the notification centre (mentions)
// through its own ports, satisfied here.

func (h *Hub) newChat() *chat.Service {
	return chat.New(chat.Deps{DB: h.DB, KV: h.KV, Blobs: h.Blobs, Log: h.Log, Links: ChatLinks(h.Inbox, h.CRM, h.Docs), Alerts: ChatAlerts(h.Notify),
		ICE: chat.ICE{STUN: h.Config.ICEServers, TURN: h.Config.TURNURLs, Secret: h.Config.TURNSecret}})
}

// ChatLinks names shared conversations, appeals, documents and tasks to a
// reader through the services that apply the reader's scope; for the demo too.
func ChatLinks(in *inbox.Services, c *crm.Services, docs *workflow.Services) chat.Linker {
	return chatLinks{in, c, docs}
}

type chatLinks struct {
	inbox *inbox.Services
	crm   *crm.Services
	docs  *workflow.Services
}

func (l chatLinks) LinkTitle(ctx context.Context, sc access.Scope, kind, id string) (string, string, error) {
	switch kind {
	case chat.LinkConversation:
		c, err := l.inbox.Conversations.Get(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		t := c.ContactName
		if c.Subject != "" {
			t += " · " + c.Subject
		}
		return t, inbox.ConversationLink(id), nil
	case chat.LinkAppeal:
		a, err := l.crm.Appeals.GetAppeal(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return "№ " + a.Number + " · " + a.Subject, crm.AppealLink(id), nil
	case chat.LinkDocument:
		d, err := l.docs.Documents.GetDocument(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return d.Number + " · " + d.Title, workflow.DocumentLink(id), nil
	case chat.LinkTask:
		t, err := l.docs.Tasks.Task(ctx, sc, id)
		if err != nil {
			return "", "", err
		}
		return t.Number + " · " + t.Title + " · " + t.StepName, workflow.DocumentLink(t.DocumentID), nil
	}
	return "", "", fmt.Errorf("chat link %s: %w", kind, db.ErrNotFound)
}

// ChatAlerts is the notification centre as the chat tells the people a
// message mentions; for the demo too.
func ChatAlerts(n *notify.Service) chat.Alerter { return chatAlerts{n} }

type chatAlerts struct{ n *notify.Service }

func (a chatAlerts) Mentioned(ctx context.Context, al chat.Alert) error {
	_, err := a.n.Record(ctx, nil, notify.Notice{Key: al.Key, UserID: al.UserID, Kind: notify.Mention, Text: al.Text, Link: al.Link})
	return err
}
