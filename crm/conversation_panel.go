package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// ConversationPanel is what the console's side panel shows of a
// conversation beyond its messages: who the contact said they are (a
// widget visitor's pre-chat form: name, phone or e-mail, topic), the
// member cards those details match in the operator's scope, proposed for
// a one-click link or dismissed, and the conversation's custom fields
// (conversation_custom.go).
type ConversationPanel struct {
	db      *db.DB
	conv    ConversationReader
	members *Members
}

// PanelContact is the contact of a conversation as the panel shows it.
type PanelContact struct {
	Name  string `json:"name"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	Topic string `json:"topic,omitempty"`
	// FromForm is set for a widget visitor: the details are what they
	// typed in the pre-chat form, not vouched for by any provider.
	FromForm bool   `json:"from_form"`
	MemberID string `json:"member_id,omitempty"` // the card linked, if any
	// Proposals are the cards of the caller's scope whose phone or e-mail
	// is the contact's, while the contact is linked to none and the card
	// was not dismissed for it.
	Proposals []LinkProposal `json:"proposals"`
}

// LinkProposal is one card proposed for the contact: enough to tell the
// person, nothing more (the card itself opens by its link).
type LinkProposal struct {
	MemberID  string `json:"member_id"`
	FullName  string `json:"full_name"`
	UnitName  string `json:"unit_name"`
	BirthDate string `json:"birth_date,omitempty"`
	MatchedBy string `json:"matched_by"` // phone or email
}

// errNotProposed refuses to confirm a card that is not (or no longer)
// proposed for the contact: outside the scope, dismissed, not matching.
var errNotProposed = valid.Errorf("member_id", "not_proposed", "this card is not proposed for the conversation's contact")

var errNoInbox = errors.New("crm: the side panel needs the inbox (Deps.Conversations)")

// Contact returns the contact of a conversation the caller may see, with
// the cards proposed for it.
func (s *ConversationPanel) Contact(ctx context.Context, sc access.Scope, convID string) (PanelContact, error) {
	if s.conv == nil {
		return PanelContact{}, errNoInbox
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return PanelContact{}, err
	}
	c := PanelContact{FromForm: conv.ChannelKind == "widget", Topic: conv.Subject, Proposals: []LinkProposal{}}
	err = s.db.QueryRowContext(ctx, `SELECT name, phone, email, member_id FROM inbox_contacts WHERE id = $1`, conv.ContactID).
		Scan(&c.Name, &c.Phone, &c.Email, &c.MemberID)
	if errors.Is(err, sql.ErrNoRows) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("crm: conversation contact: %w", err)
	}
	if !c.FromForm {
		c.Topic = ""
	}
	if c.MemberID != "" || sc.Require(access.ReadDirectory) != nil {
		return c, nil
	}
	c.Proposals, err = s.proposals(ctx, sc, conv.ContactID, c.Phone, c.Email)
	return c, err
}

// proposals finds the cards in sc's scope, not archived and not
// dismissed for the contact, that have its phone (brought to E.164 by
// norm.Phone, as the registry stores it) or its e-mail.
func (s *ConversationPanel) proposals(ctx context.Context, sc access.Scope, contactID, phone, email string) ([]LinkProposal, error) {
	out := []LinkProposal{}
	phone, okPhone := norm.Phone(phone)
	email = strings.ToLower(strings.TrimSpace(email))
	if !okPhone && email == "" {
		return out, nil
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT m.id, c.kind`+memberFrom+`JOIN crm_member_contacts c ON c.member_id = m.id
		WHERE ((c.kind = 'phone' AND c.value = $1) OR (c.kind = 'email' AND c.value = $2))
		AND u.path >= $3 AND u.path < $4
		AND NOT EXISTS (SELECT 1 FROM crm_member_archive a WHERE a.member_id = m.id)
		AND NOT EXISTS (SELECT 1 FROM crm_link_dismissals d WHERE d.contact_id = $5 AND d.member_id = m.id)
		ORDER BY m.id LIMIT 10`, phone, email, lo, hi, contactID)
	if err != nil {
		return nil, fmt.Errorf("crm: link proposals: %w", err)
	}
	type hit struct{ id, kind string }
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.kind); err != nil {
			rows.Close()
			return nil, fmt.Errorf("crm: link proposals: %w", err)
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crm: link proposals: %w", err)
	}
	for _, h := range hits {
		if i := slices.IndexFunc(out, func(p LinkProposal) bool { return p.MemberID == h.id }); i >= 0 {
			if h.kind == "phone" { // a phone is the stronger sign
				out[i].MatchedBy = h.kind
			}
			continue
		}
		m, err := getMember(ctx, s.db, sc, h.id)
		if errors.Is(err, db.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, LinkProposal{MemberID: m.ID, FullName: m.FullName, UnitName: m.UnitName, BirthDate: m.BirthDate, MatchedBy: h.kind})
	}
	return out, nil
}

// ConfirmLink links the conversation's contact to a proposed card (one
// click of the operator), like any member link of the inbox: the
// conversation shows it and the contact's next messages reach the card.
func (s *ConversationPanel) ConfirmLink(ctx context.Context, sc access.Scope, convID, memberID string) (Member, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return Member{}, err
	}
	c, err := s.Contact(ctx, sc, convID)
	if err != nil {
		return Member{}, err
	}
	if !slices.ContainsFunc(c.Proposals, func(p LinkProposal) bool { return p.MemberID == memberID }) {
		return Member{}, errNotProposed
	}
	if _, err := s.conv.LinkMember(ctx, sc, convID, memberID); err != nil {
		return Member{}, err
	}
	return s.members.GetMember(ctx, sc, memberID)
}

// DismissLink records that the card is not the contact's: it is not
// proposed for them again, to this operator or any other.
func (s *ConversationPanel) DismissLink(ctx context.Context, sc access.Scope, convID, memberID string) error {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return err
	}
	if memberID == "" || len(memberID) > 100 {
		return errNotProposed
	}
	if s.conv == nil {
		return errNoInbox
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO crm_link_dismissals (contact_id, member_id, user_id, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT (contact_id, member_id) DO NOTHING`, conv.ContactID, memberID, sc.UserID, db.Now())
	if err != nil {
		return fmt.Errorf("crm: dismiss link: %w", err)
	}
	return nil
}
