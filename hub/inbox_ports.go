package hub

import (
	"context"
	"errors"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// CRMConversations is what appeals read of the inbox (crm.ConversationReader):
// conversations and messages from the Conversations service, the member
// link from the engine, which announces it to the operators.
func CRMConversations(e *inbox.Services) crm.ConversationReader { return crmConversations{e} }

type crmConversations struct{ e *inbox.Services }

func (c crmConversations) GetConversation(ctx context.Context, sc access.Scope, id string) (inbox.Conversation, error) {
	return c.e.Conversations.Get(ctx, sc, id)
}

func (c crmConversations) Messages(ctx context.Context, sc access.Scope, convID string, afterSeq int64, limit int) ([]inbox.Message, error) {
	return c.e.Conversations.Messages(ctx, sc, convID, afterSeq, limit)
}

func (c crmConversations) LinkMember(ctx context.Context, sc access.Scope, convID, memberID string) (inbox.Conversation, error) {
	return c.e.Actions.LinkMember(ctx, sc, convID, memberID)
}

func (c crmConversations) NoteAppeal(ctx context.Context, sc access.Scope, convID string, n inbox.AppealNote) error {
	return c.e.Actions.NoteAppeal(ctx, sc, convID, n)
}

// inboxMemberScope is the CRM's answer to whether a member card lies in
// a caller's scope, for the inbox's link of a conversation to a card.
type inboxMemberScope struct{ m *crm.Members }

func (s inboxMemberScope) MemberInScope(ctx context.Context, sc access.Scope, memberID string) (bool, error) {
	_, err := s.m.GetMember(ctx, sc, memberID)
	if errors.Is(err, db.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
		return false, nil
	}
	return err == nil, err
}
