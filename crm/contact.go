package crm

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// CreateMemberFromConversation makes a card for the unknown person writing
// in a conversation the caller may see — a member or, with in.Kind, a
// press, partner or prospect contact — and links the conversation's
// contact to it, so their next messages arrive on the card. What in leaves
// empty comes from the contact: the name (split into surname, given name
// and patronymic), the phone, the e-mail; the organisation is the
// conversation's line's unless given. Probable duplicates are refused as
// by CreateMember unless force is set (the console then offers to link the
// contact to one of them instead).
func (s *Members) CreateMemberFromConversation(ctx context.Context, sc access.Scope, convID string, in MemberInput, force bool) (Member, error) {
	if s.conv == nil {
		return Member{}, errors.New("crm: cards from conversations need the inbox (Deps.Conversations)")
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return Member{}, err
	}
	var name, phone, email string
	_ = s.db.QueryRowContext(ctx, `SELECT name, phone, email FROM inbox_contacts WHERE id = $1`, conv.ContactID).Scan(&name, &phone, &email)
	if in.Surname == "" {
		parts := strings.Fields(name)
		switch {
		case len(parts) == 0:
		case len(parts) == 1:
			in.Surname = parts[0]
		default:
			// Russian order, "Фамилия Имя Отчество", is the one a form asks for.
			in.Surname, in.GivenName = parts[0], parts[1]
			in.Patronymic = strings.Join(parts[2:], " ")
		}
	}
	if phone != "" && len(in.Phones) == 0 {
		if p, err := NormalizePhone(phone); err == nil {
			in.Phones = []string{p}
		}
	}
	if email != "" && len(in.Emails) == 0 {
		if e, err := NormalizeEmail(email); err == nil {
			in.Emails = []string{e}
		}
	}
	if in.UnitID == "" {
		in.UnitID = conv.UnitID
	}
	m, err := s.createChecked(ctx, sc, in, force, false)
	if err != nil {
		return Member{}, err
	}
	if _, err := s.conv.LinkMember(ctx, sc, conv.ID, m.ID); err != nil {
		return m, err
	}
	return m, nil
}

// ConversationMember is the card the contact of a conversation the caller
// may see is linked to, for the console's "member card" link; ok is false
// when the contact is not linked or the card is outside the caller's scope
// (the console then offers to make one).
func (s *Members) ConversationMember(ctx context.Context, sc access.Scope, convID string) (m Member, ok bool, err error) {
	if s.conv == nil {
		return Member{}, false, errors.New("crm: cards from conversations need the inbox (Deps.Conversations)")
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return Member{}, false, err
	}
	var memberID string
	if err := s.db.QueryRowContext(ctx, `SELECT member_id FROM inbox_contacts WHERE id = $1`, conv.ContactID).Scan(&memberID); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return Member{}, false, nil
		}
		return Member{}, false, err
	}
	if memberID == "" {
		return Member{}, false, nil
	}
	m, err = s.GetMember(ctx, sc, memberID)
	if errors.Is(err, db.ErrNotFound) {
		return Member{}, false, nil
	}
	return m, err == nil, err
}
