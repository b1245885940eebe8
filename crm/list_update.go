package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// UpdateRecord replaces the values of a record the caller may see, checked
// as on AddRecord. The record keeps its organisation unless unitID names
// another or a member field decides it (as when a record is added); the
// changed keys are audited as list.record_update.
func (s *Lists) UpdateRecord(ctx context.Context, sc access.Scope, listID, recordID, unitID string, values map[string]any) (Record, error) {
	if err := requireEdit(sc); err != nil {
		return Record{}, err
	}
	l, err := s.GetList(ctx, sc, listID)
	if err != nil {
		return Record{}, err
	}
	notFound := fmt.Errorf("crm: record %s: %w", recordID, db.ErrNotFound)
	var r Record
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var oldUnit, oldVals string
		var created int64
		err := tx.QueryRowContext(ctx, `SELECT unit_id, vals, created_at FROM crm_list_records WHERE id = $1 AND list_id = $2`,
			recordID, l.ID).Scan(&oldUnit, &oldVals, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound
		}
		if err != nil {
			return fmt.Errorf("crm: record: %w", err)
		}
		if _, err := unitInScope(ctx, tx, sc, oldUnit); err != nil {
			return notFound // another organisation's record does not exist for the caller
		}
		if unitID == "" && !setsMember(l, values) {
			unitID = oldUnit
		}
		vals, unit, labels, search, err := s.checkRecord(ctx, tx, sc, l, recordID, unitID, values)
		if err != nil {
			return err
		}
		js, _ := json.Marshal(vals)
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `UPDATE crm_list_records SET unit_id = $2, vals = $3, search_folded = $4, updated_at = $5 WHERE id = $1`,
			recordID, unit, string(js), search, now); err != nil {
			return fmt.Errorf("crm: update record: %w", err)
		}
		if err := claimListFiles(ctx, tx, l, recordID, vals); err != nil {
			return err
		}
		r = Record{ID: recordID, ListID: l.ID, UnitID: unit, Values: vals, Labels: labels, CreatedAt: db.Time(created), UpdatedAt: db.Time(now)}
		var old map[string]any
		_ = json.Unmarshal([]byte(oldVals), &old)
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.record_update", ObjectType: "list_record", ObjectID: recordID,
			UnitID: unit, Details: map[string]any{"list": l.Name, "fields": changedKeys(old, vals), "moved": unit != oldUnit}})
	})
	return r, err
}

// setsMember tells whether values give a member field, whose card's
// organisation then becomes the record's.
func setsMember(l List, values map[string]any) bool {
	for _, f := range l.Fields {
		if v, ok := values[f.Key]; ok && f.Type == FieldMember && v != nil && v != "" {
			return true
		}
	}
	return false
}

// changedKeys lists the keys whose values differ, for the audit (not the
// values: they may be personal data).
func changedKeys(old, cur map[string]any) []string {
	out := []string{}
	seen := map[string]bool{}
	for k, v := range cur {
		seen[k] = true
		a, _ := json.Marshal(v)
		b, _ := json.Marshal(old[k])
		if string(a) != string(b) {
			out = append(out, k)
		}
	}
	for k := range old {
		if !seen[k] {
			out = append(out, k)
		}
	}
	return out
}
