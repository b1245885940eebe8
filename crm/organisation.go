package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Organisations keeps the organisation cards of the units of the tree.
type Organisations struct{ db *db.DB }

// OrganisationInput is what staff edit on a unit's card.
type OrganisationInput struct {
	FullName  string         `json:"full_name"`
	ShortName string         `json:"short_name"`
	Industry  string         `json:"industry"`
	Employer  string         `json:"employer"`
	Address   string         `json:"address"`
	Chairman  string         `json:"chairman"`
	Phone     string         `json:"phone"`
	Email     string         `json:"email"`
	Notes     string         `json:"notes"`
	Custom    map[string]any `json:"custom"`
}

// Organisation is the card of one unit of the tree. A unit nobody has
// described yet has an empty card.
type Organisation struct {
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
	Kind     string `json:"kind"`
	OrganisationInput
	Members    int        `json:"members"` // cards with status "member" in the unit's subtree
	UpdatedAt  time.Time  `json:"updated_at"`
	ArchivedAt *time.Time `json:"archived_at,omitempty"` // set while the card is archived (card.go)
}

func (in *OrganisationInput) normalize() error {
	for _, f := range []struct {
		name string
		v    *string
		max  int
	}{
		{"full_name", &in.FullName, 500}, {"short_name", &in.ShortName, 200}, {"industry", &in.Industry, 200},
		{"employer", &in.Employer, 500}, {"address", &in.Address, 500}, {"chairman", &in.Chairman, 300},
		{"phone", &in.Phone, 100}, {"email", &in.Email, 254}, {"notes", &in.Notes, 10000},
	} {
		if f.name != "notes" {
			*f.v = strings.Join(strings.Fields(*f.v), " ")
		}
		if len([]rune(*f.v)) > f.max {
			return valid.Errorf(f.name, "too_long", "%s must have at most %d characters", f.name, f.max)
		}
	}
	if in.Email != "" {
		e, err := NormalizeEmail(in.Email)
		if err != nil {
			return valid.Errorf("email", "email_format", "e-mail %q is not a valid address", in.Email)
		}
		in.Email = e
	}
	for k, v := range in.Custom {
		if v == nil {
			delete(in.Custom, k)
		}
	}
	if in.Custom == nil {
		in.Custom = map[string]any{}
	}
	if b, _ := json.Marshal(in.Custom); len(b) > 16<<10 {
		return valid.Errorf("custom", "too_long", "custom fields must take at most 16 KiB")
	}
	return nil
}

// GetOrganisation returns the card of a unit in sc's scope.
func (s *Organisations) GetOrganisation(ctx context.Context, sc access.Scope, unitID string) (Organisation, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Organisation{}, err
	}
	return getOrganisation(ctx, s.db, sc, unitID)
}

func getOrganisation(ctx context.Context, q db.Execer, sc access.Scope, unitID string) (Organisation, error) {
	lo, hi := sc.PathRange()
	var o Organisation
	var path, custom string
	var updated, archived int64
	err := q.QueryRowContext(ctx, `
		SELECT u.id, u.name, u.kind, u.path, COALESCE(o.full_name, ''), COALESCE(o.short_name, ''), COALESCE(o.industry, ''),
			COALESCE(o.employer, ''), COALESCE(o.address, ''), COALESCE(o.chairman, ''), COALESCE(o.phone, ''),
			COALESCE(o.email, ''), COALESCE(o.notes, ''), COALESCE(o.custom, '{}'), COALESCE(o.updated_at, u.updated_at),
			COALESCE(o.archived_at, 0)
		FROM units u LEFT JOIN crm_organisations o ON o.unit_id = u.id
		WHERE u.id = $1 AND u.path >= $2 AND u.path < $3`, unitID, lo, hi).Scan(
		&o.UnitID, &o.UnitName, &o.Kind, &path, &o.FullName, &o.ShortName, &o.Industry, &o.Employer, &o.Address,
		&o.Chairman, &o.Phone, &o.Email, &o.Notes, &custom, &updated, &archived)
	if errors.Is(err, sql.ErrNoRows) {
		return Organisation{}, fmt.Errorf("crm: organisation %s: %w", unitID, db.ErrNotFound)
	}
	if err != nil {
		return Organisation{}, fmt.Errorf("crm: get organisation: %w", err)
	}
	if err := json.Unmarshal([]byte(custom), &o.Custom); err != nil {
		return Organisation{}, fmt.Errorf("crm: organisation %s: stored JSON: %w", unitID, err)
	}
	o.UpdatedAt = db.Time(updated)
	if archived != 0 {
		t := db.Time(archived)
		o.ArchivedAt = &t
	}
	plo, phi := access.SubtreeRange(path)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM crm_members m JOIN units u ON u.id = m.unit_id
		WHERE u.path >= $1 AND u.path < $2 AND m.status = 'member'`, plo, phi).Scan(&o.Members); err != nil {
		return Organisation{}, fmt.Errorf("crm: count members: %w", err)
	}
	return o, nil
}

// UpdateOrganisation replaces the card of a unit in sc's scope. Everyone
// who edits member cards may edit the card of an organisation in their
// subtree. Custom values are checked against the organisation fields
// that apply to the unit (custom_field.go).
func (s *Organisations) UpdateOrganisation(ctx context.Context, sc access.Scope, unitID string, in OrganisationInput) (Organisation, error) {
	if err := requireEdit(sc); err != nil {
		return Organisation{}, err
	}
	if err := in.normalize(); err != nil {
		return Organisation{}, err
	}
	var o Organisation
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getOrganisation(ctx, tx, sc, unitID)
		if err != nil {
			return err
		}
		if in.Custom, err = cardCustom(ctx, tx, sc, EntityOrganisation, unitID, in.Custom, true); err != nil {
			return err
		}
		custom, _ := json.Marshal(in.Custom)
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO crm_organisations (unit_id, full_name, short_name, industry, employer, address, chairman, phone, email,
				notes, custom, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
			ON CONFLICT (unit_id) DO UPDATE SET full_name = $2, short_name = $3, industry = $4, employer = $5, address = $6,
				chairman = $7, phone = $8, email = $9, notes = $10, custom = $11, updated_at = $12`,
			unitID, in.FullName, in.ShortName, in.Industry, in.Employer, in.Address, in.Chairman, in.Phone, in.Email,
			in.Notes, string(custom), now); err != nil {
			return fmt.Errorf("crm: update organisation: %w", err)
		}
		o = old
		o.OrganisationInput, o.UpdatedAt = in, db.Time(now)
		var changed []string
		for k, v := range map[string][2]string{"full_name": {old.FullName, in.FullName}, "short_name": {old.ShortName, in.ShortName},
			"industry": {old.Industry, in.Industry}, "employer": {old.Employer, in.Employer}, "address": {old.Address, in.Address},
			"chairman": {old.Chairman, in.Chairman}, "phone": {old.Phone, in.Phone}, "email": {old.Email, in.Email},
			"notes": {old.Notes, in.Notes}} {
			if v[0] != v[1] {
				changed = append(changed, k)
			}
		}
		if oc, _ := json.Marshal(old.Custom); string(oc) != string(custom) {
			changed = append(changed, "custom")
		}
		slices.Sort(changed)
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "organisation.update", ObjectType: "organisation", ObjectID: unitID,
			UnitID: unitID, Details: map[string]any{"changed": changed}})
	})
	return o, err
}
