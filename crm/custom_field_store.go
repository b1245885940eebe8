package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// CustomFields keeps the definitions of the typed custom fields
// (custom_field.go). Defining them is the administrator's
// (access.ManageLists, as for the universal lists' fields); everyone who
// reads the registry reads them.
type CustomFields struct{ db *db.DB }

// CustomFieldFilter narrows ListCustomFields.
type CustomFieldFilter struct {
	Entity  string // required
	UnitID  string // only the active fields that apply to a card of this unit
	Retired bool   // with the retired fields (the administrator's page)
}

// ListCustomFields returns the fields of an entity in their order.
func (s *CustomFields) ListCustomFields(ctx context.Context, sc access.Scope, f CustomFieldFilter) ([]CustomField, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	defs, err := loadCustomFields(ctx, s.db, f.Entity)
	if err != nil {
		return nil, err
	}
	path := ""
	if f.UnitID != "" {
		if path, err = unitPathInScope(ctx, s.db, sc, f.UnitID); err != nil {
			return nil, err
		}
	}
	out := []CustomField{}
	for _, d := range defs {
		if (f.UnitID == "" && (f.Retired || !d.Retired)) || (f.UnitID != "" && d.appliesTo(path)) {
			out = append(out, d)
		}
	}
	return out, nil
}

// CreateCustomField defines a field. Its key is unique in its entity.
func (s *CustomFields) CreateCustomField(ctx context.Context, sc access.Scope, in CustomFieldInput) (CustomField, error) {
	if err := sc.Require(access.ManageLists); err != nil {
		return CustomField{}, err
	}
	if err := in.normalize(); err != nil {
		return CustomField{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if in.UnitID != "" {
			if _, err := unitInScope(ctx, tx, sc, in.UnitID); err != nil {
				return err
			}
		}
		choices, _ := json.Marshal(in.Choices)
		now := db.Now()
		_, err := tx.ExecContext(ctx, `INSERT INTO crm_custom_fields (id, entity, field_key, label, kind, choices, required, unit_id,
			sort_order, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			id, in.Entity, in.Key, in.Label, string(in.Kind), string(choices), in.Required, in.UnitID, in.Order, now)
		if db.IsUniqueViolation(err) {
			return valid.Errorf("key", "custom_key_taken", "a field with the key %q already exists", in.Key)
		}
		if err != nil {
			return fmt.Errorf("crm: create custom field: %w", err)
		}
		return auditField(ctx, tx, sc, "custom_field.create", id, in)
	})
	if err != nil {
		return CustomField{}, err
	}
	return s.customField(ctx, in.Entity, id)
}

// UpdateCustomField changes a field's label, choices, required flag,
// scope and order; its entity, key and type stay.
func (s *CustomFields) UpdateCustomField(ctx context.Context, sc access.Scope, id string, in CustomFieldInput) (CustomField, error) {
	if err := sc.Require(access.ManageLists); err != nil {
		return CustomField{}, err
	}
	old, err := s.customField(ctx, "", id)
	if err != nil {
		return CustomField{}, err
	}
	in.Entity, in.Key, in.Kind = old.Entity, old.Key, old.Kind
	if err := in.normalize(); err != nil {
		return CustomField{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if in.UnitID != "" {
			if _, err := unitInScope(ctx, tx, sc, in.UnitID); err != nil {
				return err
			}
		}
		choices, _ := json.Marshal(in.Choices)
		if _, err := tx.ExecContext(ctx, `UPDATE crm_custom_fields SET label = $2, choices = $3, required = $4, unit_id = $5,
			sort_order = $6, updated_at = $7 WHERE id = $1`, id, in.Label, string(choices), in.Required, in.UnitID, in.Order, db.Now()); err != nil {
			return fmt.Errorf("crm: update custom field: %w", err)
		}
		return auditField(ctx, tx, sc, "custom_field.update", id, in)
	})
	if err != nil {
		return CustomField{}, err
	}
	return s.customField(ctx, old.Entity, id)
}

// RetireCustomField takes a field off the forms (retire true) or puts it
// back. The cards keep their values either way.
func (s *CustomFields) RetireCustomField(ctx context.Context, sc access.Scope, id string, retire bool) (CustomField, error) {
	if err := sc.Require(access.ManageLists); err != nil {
		return CustomField{}, err
	}
	old, err := s.customField(ctx, "", id)
	if err != nil {
		return CustomField{}, err
	}
	at, action := int64(0), "custom_field.restore"
	if retire {
		at, action = db.Now(), "custom_field.retire"
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE crm_custom_fields SET retired_at = $2, updated_at = $3 WHERE id = $1`, id, at, db.Now()); err != nil {
			return fmt.Errorf("crm: retire custom field: %w", err)
		}
		return auditField(ctx, tx, sc, action, id, old.CustomFieldInput)
	})
	if err != nil {
		return CustomField{}, err
	}
	return s.customField(ctx, old.Entity, id)
}

func auditField(ctx context.Context, tx db.Execer, sc access.Scope, action, id string, in CustomFieldInput) error {
	return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "custom_field", ObjectID: id, UnitID: in.UnitID,
		Details: map[string]any{"entity": in.Entity, "key": in.Key, "label": in.Label, "kind": in.Kind, "required": in.Required}})
}

// customField reads one definition; entity "" looks it up by id alone.
func (s *CustomFields) customField(ctx context.Context, entity, id string) (CustomField, error) {
	if entity == "" {
		err := s.db.QueryRowContext(ctx, `SELECT entity FROM crm_custom_fields WHERE id = $1`, id).Scan(&entity)
		if errors.Is(err, sql.ErrNoRows) {
			return CustomField{}, fmt.Errorf("crm: custom field %s: %w", id, db.ErrNotFound)
		}
		if err != nil {
			return CustomField{}, fmt.Errorf("crm: custom field: %w", err)
		}
	}
	defs, err := loadCustomFields(ctx, s.db, entity)
	if err != nil {
		return CustomField{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return CustomField{}, fmt.Errorf("crm: custom field %s: %w", id, db.ErrNotFound)
}

// loadCustomFields reads every field of an entity, retired ones too, in
// their order.
func loadCustomFields(ctx context.Context, q db.Execer, entity string) ([]CustomField, error) {
	if entity == "" {
		return nil, valid.Errorf("entity", "custom_entity", "entity must be one of member, organisation, appeal, conversation")
	}
	rows, err := q.QueryContext(ctx, `
		SELECT f.id, f.entity, f.field_key, f.label, f.kind, f.choices, f.required, f.unit_id, COALESCE(u.name, ''), COALESCE(u.path, ''),
			f.sort_order, f.retired_at, f.created_at, f.updated_at
		FROM crm_custom_fields f LEFT JOIN units u ON u.id = f.unit_id
		WHERE f.entity = $1 ORDER BY f.sort_order, f.created_at, f.id`, entity)
	if err != nil {
		return nil, fmt.Errorf("crm: custom fields: %w", err)
	}
	defer rows.Close()
	var out []CustomField
	for rows.Next() {
		var f CustomField
		var choices string
		var retired, created, updated int64
		if err := rows.Scan(&f.ID, &f.Entity, &f.Key, &f.Label, &f.Kind, &choices, &f.Required, &f.UnitID, &f.UnitName, &f.unitPath,
			&f.Order, &retired, &created, &updated); err != nil {
			return nil, fmt.Errorf("crm: custom fields: %w", err)
		}
		if err := json.Unmarshal([]byte(choices), &f.Choices); err != nil {
			return nil, fmt.Errorf("crm: custom field %s: stored choices: %w", f.ID, err)
		}
		f.Retired, f.CreatedAt, f.UpdatedAt = retired != 0, db.Time(created), db.Time(updated)
		out = append(out, f)
	}
	return out, rows.Err()
}

// unitPathInScope returns the path of a unit in sc's subtree.
func unitPathInScope(ctx context.Context, q db.Execer, sc access.Scope, unitID string) (string, error) {
	lo, hi := sc.PathRange()
	var path string
	err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND path >= $2 AND path < $3`, unitID, lo, hi).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("crm: unit %s: %w", unitID, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("crm: unit: %w", err)
	}
	return path, nil
}

// customJSON is the stored form of a card's custom values.
func customJSON(values map[string]any) string {
	if values == nil {
		return "{}"
	}
	b, _ := json.Marshal(values)
	return string(b)
}

// cardCustom checks the custom values of a card of an entity in the unit
// unitID (in sc's scope) against the fields that apply there (see
// checkCustom).
func cardCustom(ctx context.Context, q db.Execer, sc access.Scope, entity, unitID string, values map[string]any, required bool) (map[string]any, error) {
	defs, err := loadCustomFields(ctx, q, entity)
	if err != nil || len(defs) == 0 {
		return values, err
	}
	path, err := unitPathInScope(ctx, q, sc, unitID)
	if err != nil {
		return nil, err
	}
	return checkCustom(defs, path, values, required)
}
