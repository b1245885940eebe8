// Package audit keeps the append-only record of who changed what. Entries
// are written with the caller's transaction, so a change and its audit row
// commit together or not at all: a failed audit write fails the action.
package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Entry is one change to record.
type Entry struct {
	Action     string // dotted verb, e.g. "user.disable"
	ObjectType string
	ObjectID   string
	UnitID     string         // unit the object belongs to; decides who may read the row
	Details    map[string]any // what changed; never passwords or secrets
}

// Row is a stored entry.
type Row struct {
	ID         string         `json:"id"`
	At         time.Time      `json:"at"`
	ActorID    string         `json:"actor_id,omitempty"`
	ActorName  string         `json:"actor_name"`
	IP         string         `json:"ip,omitempty"`
	Action     string         `json:"action"`
	ObjectType string         `json:"object_type"`
	ObjectID   string         `json:"object_id"`
	UnitID     string         `json:"unit_id"`
	Details    map[string]any `json:"details,omitempty"`
}

// Record writes e as done by sc, inside tx.
func Record(ctx context.Context, tx db.Execer, sc access.Scope, e Entry) error {
	if e.UnitID == "" {
		e.UnitID = sc.UnitID
	}
	if e.UnitID == "" || e.Action == "" || e.ObjectType == "" {
		return errors.New("audit: entry needs an action, an object type and a unit")
	}
	details := []byte("{}")
	if len(e.Details) > 0 {
		var err error
		if details, err = json.Marshal(e.Details); err != nil {
			return fmt.Errorf("audit: details: %w", err)
		}
	}
	id, err := uuid.NewV7()
	if err != nil {
		return fmt.Errorf("audit: id: %w", err)
	}
	name := sc.UserName
	if name == "" {
		name = "system"
	}
	_, err = tx.ExecContext(ctx, `
		INSERT INTO audit_log (id, at, actor_id, actor_name, ip, action, object_type, object_id, unit_id, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id.String(), db.Now(), sc.UserID, name, sc.From, e.Action, e.ObjectType, e.ObjectID, e.UnitID, string(details))
	if err != nil {
		return fmt.Errorf("audit: record %s: %w", e.Action, err)
	}
	return nil
}

// RecordMany writes entries as done by sc, inside tx, several to a
// statement: a bulk import records one entry per card it creates without
// a round trip for each. Statements of a full chunk have the same text, so
// a statement cache (db.DB.Cached) passed as tx prepares them once.
func RecordMany(ctx context.Context, tx db.Execer, sc access.Scope, entries []Entry) error {
	// 300 parameters: SQLite's binding is quadratic in their number.
	const perStatement = 30
	rows, err := BulkRows(sc, entries)
	if err != nil {
		return err
	}
	for len(rows) > 0 {
		chunk := rows[:min(perStatement, len(rows))]
		rows = rows[len(chunk):]
		var q strings.Builder
		q.WriteString(`INSERT INTO audit_log (` + strings.Join(BulkColumns, ", ") + `) VALUES `)
		args := make([]any, 0, len(chunk)*len(BulkColumns))
		for i, row := range chunk {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
			args = append(args, row...)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("audit: record %d entries: %w", len(chunk), err)
		}
	}
	return nil
}

// BulkColumns are the audit_log columns of the rows BulkRows makes.
var BulkColumns = []string{"id", "at", "actor_id", "actor_name", "ip", "action", "object_type", "object_id", "unit_id", "details"}

// BulkRows turns entries done by sc into audit_log rows (BulkColumns), for
// a caller that writes them in bulk inside its own transaction (COPY on
// PostgreSQL); RecordMany is the usual way.
func BulkRows(sc access.Scope, entries []Entry) ([][]any, error) {
	name := sc.UserName
	if name == "" {
		name = "system"
	}
	now := db.Now()
	rows := make([][]any, 0, len(entries))
	for _, e := range entries {
		if e.UnitID == "" {
			e.UnitID = sc.UnitID
		}
		if e.UnitID == "" || e.Action == "" || e.ObjectType == "" {
			return nil, errors.New("audit: entry needs an action, an object type and a unit")
		}
		details := []byte("{}")
		if len(e.Details) > 0 {
			var err error
			if details, err = json.Marshal(e.Details); err != nil {
				return nil, fmt.Errorf("audit: details: %w", err)
			}
		}
		id, err := uuid.NewV7()
		if err != nil {
			return nil, fmt.Errorf("audit: id: %w", err)
		}
		rows = append(rows, []any{id.String(), now, sc.UserID, name, sc.From, e.Action, e.ObjectType, e.ObjectID, e.UnitID, string(details)})
	}
	return rows, nil
}

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	ObjectType string
	ObjectID   string
	ActorID    string
	Before     string // id of the last row of the previous page
	Limit      int
}

// List returns entries of units in sc's subtree, newest first.
func List(ctx context.Context, d *db.DB, sc access.Scope, f Filter) ([]Row, error) {
	if err := sc.Require(access.ReadAudit); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	lo, hi := sc.PathRange()
	rows, err := d.QueryContext(ctx, `
		SELECT a.id, a.at, a.actor_id, `+ActorSQL("a.actor_id", "a.actor_name")+`, a.ip, a.action, a.object_type, a.object_id, a.unit_id, a.details
		FROM audit_log a JOIN units u ON u.id = a.unit_id
		WHERE u.path >= $1 AND u.path < $2
		  AND ($3 = '' OR a.object_type = $3)
		  AND ($4 = '' OR a.object_id = $4)
		  AND ($5 = '' OR a.actor_id = $5)
		  AND ($6 = '' OR a.id < $6)
		ORDER BY a.id DESC
		LIMIT $7`, lo, hi, f.ObjectType, f.ObjectID, f.ActorID, f.Before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("audit: list: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var at int64
		var details, full string
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &full, &r.ActorName, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.UnitID, &details); err != nil {
			return nil, fmt.Errorf("audit: list: %w", err)
		}
		r.At, r.ActorName = db.Time(at), Actor(full, r.ActorName)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &r.Details)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// History returns the changes recorded on one object, oldest first, at
// most limit (the newest ones when there are more): the history a card
// shows. Reads (actions ending in ".read") are left out. ActorName is the
// person's full name where the actor is a user (by id, or by the login
// that older rows recorded), else the recorded name.
// The caller has checked that the object is one its user may see.
func History(ctx context.Context, q db.Execer, objectType, objectID string, limit int) ([]Row, error) {
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	rows, err := q.QueryContext(ctx, `
		SELECT a.id, a.at, a.actor_id, `+ActorSQL("a.actor_id", "a.actor_name")+`, a.ip, a.action, a.object_type, a.object_id, a.unit_id, a.details
		FROM audit_log a
		WHERE a.object_type = $1 AND a.object_id = $2 AND a.action NOT LIKE '%.read'
		ORDER BY a.id DESC
		LIMIT $3`, objectType, objectID, limit)
	if err != nil {
		return nil, fmt.Errorf("audit: history: %w", err)
	}
	defer rows.Close()
	out := []Row{}
	for rows.Next() {
		var r Row
		var at int64
		var details, full string
		if err := rows.Scan(&r.ID, &at, &r.ActorID, &full, &r.ActorName, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.UnitID, &details); err != nil {
			return nil, fmt.Errorf("audit: history: %w", err)
		}
		r.At, r.ActorName = db.Time(at), Actor(full, r.ActorName)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &r.Details)
		}
		out = append(out, r)
	}
	slices.Reverse(out)
	return out, rows.Err()
}
