package crm

import (
	"context"
	"database/sql"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Members keeps the member cards: their creation and changes with
// duplicate control, the list with its filters, search and export cursor
// (member_query.go, member_count.go, member_cursor.go), merge (merge.go),
// lookups by phone (member_phone.go) and cards made from conversations
// (contact.go). The SQL of a card is in member_store.go, of the list in
// member_query.go.
type Members struct {
	db *db.DB
	// conv is the inbox, for cards made from conversations; nil refuses them.
	conv ConversationReader
	// links are the other packages' references to cards, moved by a merge.
	links *MemberLinks
}

// CreateMember adds a member card. Unless force is set, a card that looks
// like existing ones in the caller's scope (same phone or e-mail, or the
// same name and birth date) is refused with a *DuplicateError listing them.
//
// Custom values are checked against the member fields that apply to the
// card's organisation (custom_field.go); a required one left empty is
// refused.
func (s *Members) CreateMember(ctx context.Context, sc access.Scope, in MemberInput, force bool) (Member, error) {
	return s.createChecked(ctx, sc, in, force, true)
}

// createChecked is CreateMember; required false lets required custom
// fields stay empty (a card made from a conversation, whose form has none).
func (s *Members) createChecked(ctx context.Context, sc access.Scope, in MemberInput, force, required bool) (Member, error) {
	if err := requireEdit(sc); err != nil {
		return Member{}, err
	}
	if err := in.normalize(); err != nil {
		return Member{}, err
	}
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if in.UnitID != "" {
			if in.Custom, err = cardCustom(ctx, tx, sc, EntityMember, in.UnitID, in.Custom, required); err != nil {
				return err
			}
		}
		m, err = createMember(ctx, tx, sc, in, force, nil)
		return err
	})
	return m, err
}

// GetMember returns a card whose organisation lies in sc's subtree.
func (s *Members) GetMember(ctx context.Context, sc access.Scope, id string) (Member, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Member{}, err
	}
	return getMember(ctx, s.db, sc, id)
}

// FindDuplicates lists cards in sc's scope that look like in, for the
// "possible duplicates" panel of a card and for import.
func (s *Members) FindDuplicates(ctx context.Context, sc access.Scope, in MemberInput, except string) ([]Member, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	if err := in.normalize(); err != nil {
		return nil, err
	}
	return duplicates(ctx, s.db, sc, in, except)
}

// UpdateMember replaces the editable fields of a card with in. Moving a
// member to another organisation needs both in scope. Custom values are
// checked as by CreateMember.
func (s *Members) UpdateMember(ctx context.Context, sc access.Scope, id string, in MemberInput) (Member, error) {
	if err := requireEdit(sc); err != nil {
		return Member{}, err
	}
	if err := in.normalize(); err != nil {
		return Member{}, err
	}
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getMember(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if in.UnitID != "" {
			if in.Custom, err = cardCustom(ctx, tx, sc, EntityMember, in.UnitID, in.Custom, true); err != nil {
				return err
			}
		}
		m, _, err = updateMember(ctx, tx, sc, old, in, nil)
		return err
	})
	return m, err
}
