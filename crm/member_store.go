package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

const memberColumns = `m.id, m.unit_id, u.name, m.surname, m.given_name, m.patronymic, m.birth_date, m.sex,
	m.phones, m.emails, m.workplace, m.position, m.industry, m.status, m.joined_on, m.left_on, m.left_reason,
	m.card_number, m.discount_card, m.activist, m.flags, m.consents, m.custom, m.created_at, m.updated_at, m.kind,
	COALESCE((SELECT a.archived_at FROM crm_member_archive a WHERE a.member_id = m.id), 0)`

const memberFrom = ` FROM crm_members m JOIN units u ON u.id = m.unit_id `

func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var phones, emails, flags, consents, custom string
	var created, updated, archived int64
	err := row.Scan(&m.ID, &m.UnitID, &m.UnitName, &m.Surname, &m.GivenName, &m.Patronymic, &m.BirthDate, &m.Sex,
		&phones, &emails, &m.Workplace, &m.Position, &m.Industry, &m.Status, &m.JoinedOn, &m.LeftOn, &m.LeftReason,
		&m.CardNumber, &m.DiscountCard, &m.Activist, &flags, &consents, &custom, &created, &updated, &m.Kind, &archived)
	if err != nil {
		return m, err
	}
	for _, j := range []struct {
		s string
		v any
	}{{phones, &m.Phones}, {emails, &m.Emails}, {flags, &m.Flags}, {consents, &m.Consents}, {custom, &m.Custom}} {
		if err := json.Unmarshal([]byte(j.s), j.v); err != nil {
			return m, fmt.Errorf("crm: member %s: stored JSON: %w", m.ID, err)
		}
	}
	m.FullName = fullName(m.MemberInput)
	m.CreatedAt, m.UpdatedAt = db.Time(created), db.Time(updated)
	if archived != 0 {
		t := db.Time(archived)
		m.ArchivedAt = &t
	}
	return m, nil
}

// createMember is CreateMember inside tx, for a normalised in; extra goes
// into the audit entry.
func createMember(ctx context.Context, tx db.Execer, sc access.Scope, in MemberInput, force bool, extra map[string]any) (Member, error) {
	unitName, err := unitInScope(ctx, tx, sc, in.UnitID)
	if err != nil {
		return Member{}, err
	}
	if !force {
		dups, err := duplicates(ctx, tx, sc, in, "")
		if err != nil {
			return Member{}, err
		}
		if len(dups) > 0 {
			return Member{}, &DuplicateError{Candidates: dups}
		}
	}
	now := db.Now()
	m := Member{ID: uuid.Must(uuid.NewV7()).String(), MemberInput: in, FullName: fullName(in), UnitName: unitName,
		CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
	if err := insertMember(ctx, tx, m, now); err != nil {
		return Member{}, err
	}
	details := map[string]any{"name": m.FullName}
	maps.Copy(details, extra)
	return m, audit.Record(ctx, tx, sc, audit.Entry{Action: "member.create", ObjectType: "member", ObjectID: m.ID, UnitID: in.UnitID,
		Details: details})
}

func insertMember(ctx context.Context, tx db.Execer, m Member, now int64) error {
	args := append([]any{m.ID}, memberArgs(m.MemberInput)...)
	_, err := tx.ExecContext(ctx, `
		INSERT INTO crm_members (id, unit_id, surname, given_name, patronymic, name_folded, birth_date, sex, phones, emails,
			workplace, position, industry, status, joined_on, left_on, left_reason, card_number, discount_card,
			activist, flags, consents, consent_channels, custom, kind, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $26)`,
		append(args, now)...)
	if err := cardConflict(err, m.CardNumber); err != nil {
		return err
	}
	return writeIndex(ctx, tx, m.ID, m.MemberInput)
}

// memberArgs are the stored columns from unit_id to kind, in the order
// of insertMember and updateMember.
func memberArgs(in MemberInput) []any {
	js := func(v any) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	nonNil := func(s []string) []string {
		if s == nil {
			return []string{}
		}
		return s
	}
	custom := in.Custom
	if custom == nil {
		custom = map[string]any{}
	}
	return []any{in.UnitID, in.Surname, in.GivenName, in.Patronymic, norm.Fold(fullName(in)), in.BirthDate, in.Sex,
		js(nonNil(in.Phones)), js(nonNil(in.Emails)), in.Workplace, in.Position, in.Industry, in.Status, in.JoinedOn, in.LeftOn,
		in.LeftReason, in.CardNumber, in.DiscountCard, in.Activist, js(nonNil(in.Flags)), js(in.Consents),
		in.Consents.consentChannels(), js(custom), in.Kind}
}

func cardConflict(err error, card string) error {
	if db.IsUniqueViolation(err) {
		return valid.Refuse(db.ErrConflict, "card_conflict", "union card %s belongs to another member", card)
	}
	if err != nil {
		return fmt.Errorf("crm: save member: %w", err)
	}
	return nil
}

// writeIndex replaces the lookup rows of a member: phones, e-mails and the
// words of the name.
func writeIndex(ctx context.Context, tx db.Execer, id string, in MemberInput) error {
	for _, q := range []string{`DELETE FROM crm_member_contacts WHERE member_id = $1`, `DELETE FROM crm_member_words WHERE member_id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("crm: index member: %w", err)
		}
	}
	add := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("crm: index member: %w", err)
		}
		return nil
	}
	for _, p := range in.Phones {
		if err := add(`INSERT INTO crm_member_contacts (kind, value, member_id) VALUES ('phone', $1, $2)`, p, id); err != nil {
			return err
		}
	}
	for _, e := range in.Emails {
		if err := add(`INSERT INTO crm_member_contacts (kind, value, member_id) VALUES ('email', $1, $2)`, e, id); err != nil {
			return err
		}
	}
	for _, w := range nameWords(in) {
		if err := add(`INSERT INTO crm_member_words (word, unit_id, member_id) VALUES ($1, $2, $3)`, w, in.UnitID, id); err != nil {
			return err
		}
	}
	return nil
}

// unitInScope returns the name of a unit in sc's subtree.
func unitInScope(ctx context.Context, q db.Execer, sc access.Scope, unitID string) (string, error) {
	if unitID == "" {
		return "", valid.Errorf("unit_id", "required", "the primary organisation (unit_id) is required")
	}
	lo, hi := sc.PathRange()
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1 AND path >= $2 AND path < $3`, unitID, lo, hi).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("crm: unit %s: %w", unitID, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("crm: unit: %w", err)
	}
	return name, nil
}

// duplicates finds cards in sc's scope sharing a phone or an e-mail with
// in, or its name and birth date; except is left out (the card itself).
func duplicates(ctx context.Context, q db.Execer, sc access.Scope, in MemberInput, except string) ([]Member, error) {
	lo, hi := sc.PathRange()
	args := []any{lo, hi, except, norm.Fold(fullName(in)), in.BirthDate}
	var contacts []string
	for _, p := range in.Phones {
		args = append(args, "phone", p)
		contacts = append(contacts, fmt.Sprintf("(c.kind = $%d AND c.value = $%d)", len(args)-1, len(args)))
	}
	for _, e := range in.Emails {
		args = append(args, "email", e)
		contacts = append(contacts, fmt.Sprintf("(c.kind = $%d AND c.value = $%d)", len(args)-1, len(args)))
	}
	byContact := ""
	if len(contacts) > 0 {
		byContact = ` OR m.id IN (SELECT c.member_id FROM crm_member_contacts c WHERE ` + strings.Join(contacts, " OR ") + `)`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+memberColumns+memberFrom+`
		WHERE u.path >= $1 AND u.path < $2 AND m.id <> $3
		  AND ((m.name_folded = $4 AND m.birth_date = $5 AND $5 <> '')`+byContact+`)
		ORDER BY m.name_folded, m.id LIMIT 20`, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: duplicates: %w", err)
	}
	return collectMembers(rows)
}

func collectMembers(rows *sql.Rows) ([]Member, error) {
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: members: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func getMember(ctx context.Context, q db.Execer, sc access.Scope, id string) (Member, error) {
	lo, hi := sc.PathRange()
	m, err := scanMember(q.QueryRowContext(ctx, `SELECT `+memberColumns+memberFrom+`
		WHERE m.id = $1 AND u.path >= $2 AND u.path < $3`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, memberNotFound(id)
	}
	if err != nil {
		return Member{}, fmt.Errorf("crm: get member: %w", err)
	}
	return m, nil
}

// updateMember is UpdateMember inside tx, over the stored card old, for a
// normalised in. It reports whether anything changed; an unchanged card is
// neither written nor audited.
func updateMember(ctx context.Context, tx db.Execer, sc access.Scope, old Member, in MemberInput, extra map[string]any) (Member, bool, error) {
	changed := diff(old.MemberInput, in)
	if len(changed) == 0 {
		return old, false, nil
	}
	unitName, err := unitInScope(ctx, tx, sc, in.UnitID)
	if err != nil {
		return Member{}, false, err
	}
	now := db.Now()
	m := Member{ID: old.ID, MemberInput: in, FullName: fullName(in), UnitName: unitName, CreatedAt: old.CreatedAt, UpdatedAt: db.Time(now)}
	if err := saveMember(ctx, tx, m, now); err != nil {
		return Member{}, false, err
	}
	details := map[string]any{"name": m.FullName, "changed": changed, "from_unit": old.UnitID}
	maps.Copy(details, extra)
	return m, true, audit.Record(ctx, tx, sc, audit.Entry{Action: "member.update", ObjectType: "member", ObjectID: old.ID, UnitID: in.UnitID,
		Details: details})
}

func saveMember(ctx context.Context, tx db.Execer, m Member, now int64) error {
	args := append([]any{m.ID}, memberArgs(m.MemberInput)...)
	_, err := tx.ExecContext(ctx, `
		UPDATE crm_members SET unit_id = $2, surname = $3, given_name = $4, patronymic = $5, name_folded = $6, birth_date = $7,
			sex = $8, phones = $9, emails = $10, workplace = $11, position = $12, industry = $13, status = $14, joined_on = $15,
			left_on = $16, left_reason = $17, card_number = $18, discount_card = $19, activist = $20, flags = $21,
			consents = $22, consent_channels = $23, custom = $24, kind = $25, updated_at = $26
		WHERE id = $1`, append(args, now)...)
	if err := cardConflict(err, m.CardNumber); err != nil {
		return err
	}
	return writeIndex(ctx, tx, m.ID, m.MemberInput)
}

// diff names the fields that changed, for the audit log. Values are not
// copied there: the log outlives the card and should not duplicate
// personal data.
func diff(a, b MemberInput) []string {
	var ja, jb map[string]json.RawMessage
	ba, _ := json.Marshal(a)
	bb, _ := json.Marshal(b)
	_ = json.Unmarshal(ba, &ja)
	_ = json.Unmarshal(bb, &jb)
	var out []string
	for k, v := range jb {
		if string(ja[k]) != string(v) {
			out = append(out, k)
		}
	}
	// Custom fields are named one by one ("custom.<key>"), for the card's
	// history.
	if i := slices.Index(out, "custom"); i >= 0 {
		out = slices.Delete(out, i, i+1)
		for k := range b.Custom {
			if x, ok := a.Custom[k]; !ok || fmt.Sprint(x) != fmt.Sprint(b.Custom[k]) {
				out = append(out, "custom."+k)
			}
		}
		for k := range a.Custom {
			if _, ok := b.Custom[k]; !ok {
				out = append(out, "custom."+k)
			}
		}
	}
	slices.Sort(out)
	return out
}
