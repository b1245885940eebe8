package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// MergeChoices names, per field, which card's value the survivor keeps:
// "keep" or "drop"; for phones, e-mails and flags also "both" (the
// default). A field not named keeps keep's value, filled from drop when
// keep's is empty. Custom fields are named "custom.<key>".
type MergeChoices map[string]string

// mergeScalars are the fields a choice may name besides the lists and the
// custom fields, with where they live in a card.
var mergeScalars = map[string]func(in *MemberInput) *string{
	"unit_id": func(in *MemberInput) *string { return &in.UnitID }, "surname": func(in *MemberInput) *string { return &in.Surname },
	"given_name": func(in *MemberInput) *string { return &in.GivenName }, "patronymic": func(in *MemberInput) *string { return &in.Patronymic },
	"birth_date": func(in *MemberInput) *string { return &in.BirthDate }, "sex": func(in *MemberInput) *string { return &in.Sex },
	"workplace": func(in *MemberInput) *string { return &in.Workplace }, "position": func(in *MemberInput) *string { return &in.Position },
	"industry": func(in *MemberInput) *string { return &in.Industry }, "joined_on": func(in *MemberInput) *string { return &in.JoinedOn },
	"left_on": func(in *MemberInput) *string { return &in.LeftOn }, "left_reason": func(in *MemberInput) *string { return &in.LeftReason },
	"card_number": func(in *MemberInput) *string { return &in.CardNumber }, "discount_card": func(in *MemberInput) *string { return &in.DiscountCard },
	"status": func(in *MemberInput) *string { return (*string)(&in.Status) }, "kind": func(in *MemberInput) *string { return (*string)(&in.Kind) },
}

// MergeMembers folds the card drop into keep: keep's values win, drop fills
// what keep lacks, phones, e-mails and flags are joined; see
// MergeMembersChoosing.
func (s *Members) MergeMembers(ctx context.Context, sc access.Scope, keepID, dropID string) (Member, error) {
	return s.MergeMembersChoosing(ctx, sc, keepID, dropID, nil)
}

// MergeMembersChoosing folds the card drop into keep, taking each field
// named in choose from the card it names (the others as MergeMembers
// does). Everything that pointed at drop moves to keep in the same
// transaction — appeals and what the registered referrers keep (the inbox
// contacts and so the conversations, calls, documents, mailing
// recipients: MemberLinks); consents are joined, and
// keep's history shows drop's (Cards.MemberHistory). drop is deleted.
// Both must lie in sc's scope: otherwise nothing changes and the refusal
// says so. The merge is audited on both cards.
func (s *Members) MergeMembersChoosing(ctx context.Context, sc access.Scope, keepID, dropID string, choose MergeChoices) (Member, error) {
	if err := requireMerge(sc); err != nil {
		return Member{}, err
	}
	if keepID == dropID {
		return Member{}, valid.Errorf("drop_id", "merge_self", "a card cannot be merged with itself")
	}
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		keep, err := mergeCard(ctx, tx, sc, keepID)
		if err != nil {
			return err
		}
		drop, err := mergeCard(ctx, tx, sc, dropID)
		if err != nil {
			return err
		}
		in, taken, err := mergeChosen(keep.MemberInput, drop.MemberInput, choose)
		if err != nil {
			return err
		}
		if err := in.normalize(); err != nil {
			return err
		}
		unitName := keep.UnitName
		if in.UnitID != keep.UnitID {
			unitName = drop.UnitName
		}
		moved := map[string]int64{}
		if err := s.links.move(ctx, tx, keepID, dropID, moved); err != nil {
			return err
		}
		for _, q := range []string{`DELETE FROM crm_member_contacts WHERE member_id = $1`, `DELETE FROM crm_member_words WHERE member_id = $1`,
			`DELETE FROM crm_member_archive WHERE member_id = $1`, `DELETE FROM crm_members WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, dropID); err != nil {
				return fmt.Errorf("crm: merge: delete %s: %w", dropID, err)
			}
		}
		now := db.Now()
		m = Member{ID: keepID, MemberInput: in, FullName: fullName(in), UnitName: unitName, CreatedAt: keep.CreatedAt, UpdatedAt: db.Time(now),
			ArchivedAt: keep.ArchivedAt}
		if err := saveMember(ctx, tx, m, now); err != nil {
			return err
		}
		details := map[string]any{"kept": keepID, "dropped": dropID, "dropped_name": drop.FullName, "dropped_unit": drop.UnitID,
			"dropped_card": drop.CardNumber, "fields_taken": taken, "moved": moved, "inbox_contacts_relinked": moved["inbox_contacts"]}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "member.merge", ObjectType: "member", ObjectID: keepID, UnitID: in.UnitID, Details: details}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member.merged_away", ObjectType: "member", ObjectID: dropID, UnitID: drop.UnitID, Details: details})
	})
	return m, err
}

// mergeCard is getMember for a merge: a card the caller cannot see is
// refused with a message that says why nothing was merged.
func mergeCard(ctx context.Context, tx db.Execer, sc access.Scope, id string) (Member, error) {
	m, err := getMember(ctx, tx, sc, id)
	if errors.Is(err, db.ErrNotFound) {
		return Member{}, valid.Refuse(db.ErrNotFound, "merge_out_of_scope", "card %s is not among the cards of your organisations: nothing was merged", id)
	}
	return m, err
}

// mergeChosen is mergeInput with the choices applied over it: a field
// named "drop" takes drop's value, "keep" keeps keep's even when empty,
// and a list named "both" (or not named) is joined.
func mergeChosen(keep, drop MemberInput, choose MergeChoices) (MemberInput, []string, error) {
	in, taken := mergeInput(keep, drop)
	take := func(name string) {
		if !slices.Contains(taken, name) {
			taken = append(taken, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(choose)) {
		c := choose[name]
		if c != "keep" && c != "drop" && c != "both" {
			return in, nil, valid.Errorf("choose", "merge_choice", "choose %s: keep, drop or both", name)
		}
		switch {
		case name == "phones" || name == "emails" || name == "flags":
			switch c {
			case "keep":
				*listField(&in, name) = slices.Clone(*listField(&keep, name))
				taken = slices.DeleteFunc(taken, func(s string) bool { return s == name })
			case "drop":
				*listField(&in, name) = slices.Clone(*listField(&drop, name))
				take(name)
			}
		case mergeScalars[name] != nil:
			field := mergeScalars[name]
			switch c {
			case "keep":
				*field(&in) = *field(&keep)
				taken = slices.DeleteFunc(taken, func(s string) bool { return s == name })
			case "drop":
				*field(&in) = *field(&drop)
				take(name)
			case "both":
				return in, nil, valid.Errorf("choose", "merge_choice", "choose %s: keep, drop or both", name)
			}
		case name == "activist":
			if c != "both" {
				in.Activist = keep.Activist
				if c == "drop" {
					in.Activist = drop.Activist
				}
			}
		case strings.HasPrefix(name, "custom."):
			key, from := strings.TrimPrefix(name, "custom."), keep.Custom
			if c == "drop" {
				from = drop.Custom
			}
			if v, ok := from[key]; ok && c != "both" {
				in.Custom[key] = v
			} else if c != "both" {
				delete(in.Custom, key)
			}
		default:
			return in, nil, valid.Errorf("choose", "merge_field", "a merge cannot choose %s", name)
		}
	}
	return in, taken, nil
}

// listField is the list of a card that a choice may name.
func listField(in *MemberInput, name string) *[]string {
	switch name {
	case "phones":
		return &in.Phones
	case "emails":
		return &in.Emails
	}
	return &in.Flags
}

// mergeInput is keep with the gaps filled from drop, and the names of the
// fields that came from drop.
func mergeInput(keep, drop MemberInput) (MemberInput, []string) {
	var taken []string
	fill := func(name string, k *string, d string) {
		if *k == "" && d != "" {
			*k = d
			taken = append(taken, name)
		}
	}
	fill("given_name", &keep.GivenName, drop.GivenName)
	fill("patronymic", &keep.Patronymic, drop.Patronymic)
	fill("birth_date", &keep.BirthDate, drop.BirthDate)
	fill("sex", &keep.Sex, drop.Sex)
	fill("workplace", &keep.Workplace, drop.Workplace)
	fill("position", &keep.Position, drop.Position)
	fill("industry", &keep.Industry, drop.Industry)
	fill("joined_on", &keep.JoinedOn, drop.JoinedOn)
	fill("card_number", &keep.CardNumber, drop.CardNumber)
	fill("discount_card", &keep.DiscountCard, drop.DiscountCard)
	join := func(name string, k *[]string, d []string, limit int) {
		for _, v := range d {
			if !slices.Contains(*k, v) && len(*k) < limit {
				*k = append(*k, v)
				taken = append(taken, name)
			}
		}
	}
	join("phones", &keep.Phones, drop.Phones, 10)
	join("emails", &keep.Emails, drop.Emails, 10)
	join("flags", &keep.Flags, drop.Flags, 20)
	taken = slices.Compact(taken)
	if drop.Activist && !keep.Activist {
		keep.Activist = true
		taken = append(taken, "activist")
	}
	if keep.Consents.Processing == nil && drop.Consents.Processing != nil {
		keep.Consents.Processing = drop.Consents.Processing
		taken = append(taken, "consents.processing")
	}
	if keep.Consents.Advertising == nil && drop.Consents.Advertising != nil {
		keep.Consents.Advertising = drop.Consents.Advertising
		taken = append(taken, "consents.advertising")
	}
	for ch, c := range drop.Consents.Mailings {
		if _, ok := keep.Consents.Mailings[ch]; !ok {
			if keep.Consents.Mailings == nil {
				keep.Consents.Mailings = map[string]Consent{}
			}
			keep.Consents.Mailings[ch] = c
			taken = append(taken, "consents.mailings."+ch)
		}
	}
	custom := maps.Clone(drop.Custom)
	if custom == nil {
		custom = map[string]any{}
	}
	maps.Copy(custom, keep.Custom)
	keep.Custom = custom
	return keep, taken
}
