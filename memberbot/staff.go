package memberbot

import (
	"context"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// What staff do with the office from the member card and the console: see
// a card's linked chats, unlink one, link a conversation's chat to a card
// by hand, and take the member's card image. Every call checks the
// caller's scope through Staff (the CRM's and the inbox's own checks):
// a card or conversation outside it is not found.

// ChatRef is the chat of a conversation, as the inbox knows it.
type ChatRef struct {
	Kind, ChannelID, UserID, ChatID string
}

// Staff is the hub's adapter of the CRM's and the inbox's scope checks.
type Staff interface {
	// MemberInScope fails with db.ErrNotFound for a card sc may not read,
	// access.ErrForbidden when sc may read but not edit and edit is asked.
	MemberInScope(ctx context.Context, sc access.Scope, memberID string, edit bool) error
	// Conversation is a conversation's chat, when sc may answer it; it
	// also links the conversation's contact to the card in the inbox.
	LinkConversation(ctx context.Context, sc access.Scope, convID, memberID string) (ChatRef, error)
}

// ErrNotMessenger refuses to link a conversation of a channel without a bot menu.
var ErrNotMessenger = valid.Refuse(db.ErrConflict, "memberbot_not_messenger", "only a Telegram or VK conversation can be linked to the member's office")

// MemberLinks lists a card's linked chats.
func (s *Service) MemberLinks(ctx context.Context, sc access.Scope, memberID string) ([]Link, error) {
	if err := s.d.Staff.MemberInScope(ctx, sc, memberID, false); err != nil {
		return nil, err
	}
	return s.store.linksOf(ctx, memberID)
}

// StaffUnlink removes a link from the card's side.
func (s *Service) StaffUnlink(ctx context.Context, sc access.Scope, linkID string) error {
	l, err := s.store.linkByID(ctx, linkID)
	if err != nil {
		return err
	}
	if err := s.d.Staff.MemberInScope(ctx, sc, l.MemberID, true); err != nil {
		return err
	}
	if err := s.store.unlink(ctx, l.ID); err != nil {
		return err
	}
	s.count(ctx, l.Kind, ActUnlink)
	return s.audit(ctx, sc, "memberbot.unlink", l)
}

// StaffLink links a conversation's chat to a card by hand.
func (s *Service) StaffLink(ctx context.Context, sc access.Scope, convID, memberID string) (Link, error) {
	if convID == "" || memberID == "" || len(convID) > 100 || len(memberID) > 100 {
		return Link{}, valid.Errorf("member_id", "required", "conversation_id and member_id are required")
	}
	if err := s.d.Staff.MemberInScope(ctx, sc, memberID, true); err != nil {
		return Link{}, err
	}
	ref, err := s.d.Staff.LinkConversation(ctx, sc, convID, memberID)
	if err != nil {
		return Link{}, err
	}
	if ref.Kind != "telegram" && ref.Kind != "vk" {
		return Link{}, ErrNotMessenger
	}
	l, err := s.LinkByOperator(ctx, ref.Kind, ref.ChannelID, ref.UserID, ref.ChatID, memberID, sc.UserID)
	if err != nil {
		return Link{}, err
	}
	return l, s.audit(ctx, sc, "memberbot.link", l)
}

// StaffCardImage is the member's card image for staff (printed or sent
// from the card), as a PNG or, with pdf, an A4 PDF to print; a person who
// is not a member gets none.
func (s *Service) StaffCardImage(ctx context.Context, sc access.Scope, memberID string, pdf bool) ([]byte, error) {
	if err := s.d.Staff.MemberInScope(ctx, sc, memberID, false); err != nil {
		return nil, err
	}
	m, err := s.d.Members.Member(ctx, memberID)
	if err != nil {
		return nil, err
	}
	c, err := s.Cards.IssueCard(ctx, m)
	if errors.Is(err, ErrNotMember) {
		return nil, valid.Refuse(db.ErrConflict, "memberbot_not_member", "the person is not a member in good standing: no card is issued")
	}
	if err != nil {
		return nil, err
	}
	if pdf {
		return s.Cards.CardPDF(ctx, m, c)
	}
	return s.Cards.CardImage(ctx, m, c)
}

func (s *Service) audit(ctx context.Context, sc access.Scope, action string, l Link) error {
	err := audit.Record(ctx, s.d.DB, sc, audit.Entry{Action: action, ObjectType: "member", ObjectID: l.MemberID,
		Details: map[string]any{"channel": l.ChannelID, "kind": l.Kind}})
	if err != nil {
		return fmt.Errorf("memberbot: audit: %w", err)
	}
	return nil
}
