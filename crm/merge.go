package crm

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// MergeMembers folds the card drop into keep: keep's values win, drop fills
// what keep lacks, phones, e-mails and flags are joined, and the inbox
// contacts linked to drop are linked to keep. drop is deleted. Both must lie
// in sc's scope; the merge is audited on both cards.
func (s *Members) MergeMembers(ctx context.Context, sc access.Scope, keepID, dropID string) (Member, error) {
	if err := requireMerge(sc); err != nil {
		return Member{}, err
	}
	if keepID == dropID {
		return Member{}, valid.Errorf("drop_id", "merge_self", "a card cannot be merged with itself")
	}
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		keep, err := getMember(ctx, tx, sc, keepID)
		if err != nil {
			return err
		}
		drop, err := getMember(ctx, tx, sc, dropID)
		if err != nil {
			return err
		}
		in, taken := mergeInput(keep.MemberInput, drop.MemberInput)
		if err := in.normalize(); err != nil {
			return err
		}
		// The inbox keeps its link to a member on its contacts; merging
		// moves the conversations of drop's contacts to keep in this
		// transaction, so no conversation is left pointing at a deleted card.
		res, err := tx.ExecContext(ctx, `UPDATE inbox_contacts SET member_id = $1, updated_at = $3 WHERE member_id = $2`, keepID, dropID, db.Now())
		if err != nil {
			return fmt.Errorf("crm: merge: relink inbox contacts: %w", err)
		}
		relinked, _ := res.RowsAffected()
		for _, q := range []string{`DELETE FROM crm_member_contacts WHERE member_id = $1`, `DELETE FROM crm_member_words WHERE member_id = $1`,
			`DELETE FROM crm_members WHERE id = $1`} {
			if _, err := tx.ExecContext(ctx, q, dropID); err != nil {
				return fmt.Errorf("crm: merge: delete %s: %w", dropID, err)
			}
		}
		now := db.Now()
		m = Member{ID: keepID, MemberInput: in, FullName: fullName(in), UnitName: keep.UnitName, CreatedAt: keep.CreatedAt, UpdatedAt: db.Time(now)}
		if err := saveMember(ctx, tx, m, now); err != nil {
			return err
		}
		details := map[string]any{"kept": keepID, "dropped": dropID, "dropped_name": drop.FullName, "dropped_unit": drop.UnitID,
			"dropped_card": drop.CardNumber, "fields_taken": taken, "inbox_contacts_relinked": relinked}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "member.merge", ObjectType: "member", ObjectID: keepID, UnitID: keep.UnitID, Details: details}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member.merged_away", ObjectType: "member", ObjectID: dropID, UnitID: drop.UnitID, Details: details})
	})
	return m, err
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
