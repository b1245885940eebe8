package inbox

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

const lineColumns = `l.id, l.unit_id, l.name, l.routing_mode, l.max_active, l.offer_timeout_s, l.queue_alert_s, l.sticky,
	l.reopen_window_h, l.auto_close_h, l.return_after_min, l.ask_rating, l.welcome_reply, l.off_hours_reply, l.hours,
	l.created_at, l.updated_at, l.first_response_target_min, l.resolution_target_min`

// Lines keeps the open lines and their operator lists.
type Lines struct {
	*core
	changed func(ctx context.Context, lineID string) // after a line is written
}

func scanLine(row interface{ Scan(...any) error }) (Line, error) {
	var l Line
	var hours string
	var c, u int64
	err := row.Scan(&l.ID, &l.UnitID, &l.Name, &l.Mode, &l.MaxActive, &l.OfferTimeoutS, &l.QueueAlertS, &l.Sticky,
		&l.ReopenWindowH, &l.AutoCloseH, &l.ReturnAfterMin, &l.AskRating, &l.WelcomeReply, &l.OffHoursReply, &hours, &c, &u,
		&l.FirstResponseTargetMin, &l.ResolutionTargetMin)
	if err != nil {
		return l, err
	}
	l.CreatedAt, l.UpdatedAt = ms(c), ms(u)
	_ = json.Unmarshal([]byte(hours), &l.Hours)
	return l, nil
}

// Create adds a line to a unit of sc's subtree.
func (ls *Lines) Create(ctx context.Context, sc access.Scope, l Line) (Line, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Line{}, err
	}
	if err := l.validate(); err != nil {
		return Line{}, err
	}
	l.ID = uuid.Must(uuid.NewV7()).String()
	now := db.Now()
	l.CreatedAt, l.UpdatedAt = ms(now), ms(now)
	err := ls.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := ls.checkUnit(ctx, tx, sc, l.UnitID); err != nil {
			return err
		}
		hours, _ := json.Marshal(l.Hours)
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_lines (id, unit_id, name, routing_mode, max_active, offer_timeout_s,
			queue_alert_s, sticky, reopen_window_h, auto_close_h, return_after_min, ask_rating, welcome_reply, off_hours_reply, hours,
			created_at, updated_at, first_response_target_min, resolution_target_min) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$16,$17,$18)`,
			l.ID, l.UnitID, l.Name, l.Mode, l.MaxActive, l.OfferTimeoutS, l.QueueAlertS, l.Sticky, l.ReopenWindowH, l.AutoCloseH,
			l.ReturnAfterMin, l.AskRating, l.WelcomeReply, l.OffHoursReply, string(hours), now, l.FirstResponseTargetMin, l.ResolutionTargetMin); err != nil {
			return fmt.Errorf("inbox: create line: %w", err)
		}
		if err := ls.writeOperators(ctx, tx, sc, l); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "line.create", ObjectType: "line", ObjectID: l.ID, UnitID: l.UnitID,
			Details: map[string]any{"name": l.Name, "mode": l.Mode}})
	})
	if err != nil {
		return Line{}, err
	}
	ls.changed(ctx, l.ID)
	return ls.Get(ctx, sc, l.ID)
}

// Update replaces a line's settings and operators.
func (ls *Lines) Update(ctx context.Context, sc access.Scope, l Line) (Line, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Line{}, err
	}
	if err := l.validate(); err != nil {
		return Line{}, err
	}
	err := ls.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getLine(ctx, tx, sc, l.ID)
		if err != nil {
			return err
		}
		if l.UnitID == "" {
			l.UnitID = old.UnitID
		}
		if err := ls.checkUnit(ctx, tx, sc, l.UnitID); err != nil {
			return err
		}
		hours, _ := json.Marshal(l.Hours)
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_lines SET unit_id=$2, name=$3, routing_mode=$4, max_active=$5, offer_timeout_s=$6,
			queue_alert_s=$7, sticky=$8, reopen_window_h=$9, auto_close_h=$10, return_after_min=$11, ask_rating=$12, welcome_reply=$13,
			off_hours_reply=$14, hours=$15, updated_at=$16, first_response_target_min=$17, resolution_target_min=$18 WHERE id=$1`,
			l.ID, l.UnitID, l.Name, l.Mode, l.MaxActive, l.OfferTimeoutS, l.QueueAlertS, l.Sticky, l.ReopenWindowH, l.AutoCloseH,
			l.ReturnAfterMin, l.AskRating, l.WelcomeReply, l.OffHoursReply, string(hours), db.Now(), l.FirstResponseTargetMin, l.ResolutionTargetMin); err != nil {
			return fmt.Errorf("inbox: update line: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET unit_id = $2 WHERE line_id = $1`, l.ID, l.UnitID); err != nil {
			return fmt.Errorf("inbox: update line: %w", err)
		}
		if err := ls.writeOperators(ctx, tx, sc, l); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "line.update", ObjectType: "line", ObjectID: l.ID, UnitID: l.UnitID,
			Details: map[string]any{"name": l.Name, "mode": l.Mode, "operators": len(l.Operators)}})
	})
	if err != nil {
		return Line{}, err
	}
	ls.changed(ctx, l.ID)
	return ls.Get(ctx, sc, l.ID)
}

func (ls *Lines) checkUnit(ctx context.Context, q db.Execer, sc access.Scope, unitID string) error {
	if unitID == "" {
		return valid.Errorf("unit_id", "required", "unit_id is required")
	}
	lo, hi := sc.PathRange()
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE id = $1 AND path >= $2 AND path < $3`, unitID, lo, hi).Scan(&n); err != nil {
		return fmt.Errorf("inbox: unit: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("inbox: unit %s: %w", unitID, db.ErrNotFound)
	}
	return nil
}

// writeOperators replaces the line's operator list. Every operator must be
// a user the caller can see.
func (ls *Lines) writeOperators(ctx context.Context, tx *sql.Tx, sc access.Scope, l Line) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM inbox_line_operators WHERE line_id = $1`, l.ID); err != nil {
		return fmt.Errorf("inbox: operators: %w", err)
	}
	lo, hi := sc.PathRange()
	for i, o := range l.Operators {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users us JOIN units un ON un.id = us.unit_id
			WHERE us.id = $1 AND un.path >= $2 AND un.path < $3`, o.UserID, lo, hi).Scan(&n); err != nil {
			return fmt.Errorf("inbox: operators: %w", err)
		}
		if n == 0 {
			return fmt.Errorf("inbox: operator %s: %w", o.UserID, db.ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_line_operators (line_id, user_id, position, capacity, supervisor)
			VALUES ($1, $2, $3, $4, $5)`, l.ID, o.UserID, i, o.Capacity, o.Supervisor); err != nil {
			return fmt.Errorf("inbox: operators: %w", err)
		}
	}
	return nil
}

// Get returns a line of sc's subtree, or one sc operates in.
func (ls *Lines) Get(ctx context.Context, sc access.Scope, id string) (Line, error) {
	return getLine(ctx, ls.db, sc, id)
}

func getLine(ctx context.Context, q db.Execer, sc access.Scope, id string) (Line, error) {
	lo, hi := sc.PathRange()
	l, err := scanLine(q.QueryRowContext(ctx, `SELECT `+lineColumns+` FROM inbox_lines l JOIN units u ON u.id = l.unit_id
		WHERE l.id = $1 AND ((u.path >= $2 AND u.path < $3)
		   OR EXISTS (SELECT 1 FROM inbox_line_operators o WHERE o.line_id = l.id AND o.user_id = $4))`, id, lo, hi, sc.UserID))
	if errors.Is(err, sql.ErrNoRows) {
		return Line{}, fmt.Errorf("inbox: line %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Line{}, fmt.Errorf("inbox: line: %w", err)
	}
	l.Operators, err = lineOperators(ctx, q, id)
	return l, err
}

func lineOperators(ctx context.Context, q db.Execer, lineID string) ([]LineOperator, error) {
	rows, err := q.QueryContext(ctx, `SELECT o.user_id, us.full_name, o.position, o.capacity, o.supervisor
		FROM inbox_line_operators o JOIN users us ON us.id = o.user_id WHERE o.line_id = $1 ORDER BY o.position`, lineID)
	if err != nil {
		return nil, fmt.Errorf("inbox: operators: %w", err)
	}
	defer rows.Close()
	out := []LineOperator{}
	for rows.Next() {
		var o LineOperator
		if err := rows.Scan(&o.UserID, &o.Name, &o.Position, &o.Capacity, &o.Supervisor); err != nil {
			return nil, fmt.Errorf("inbox: operators: %w", err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// List returns the lines of sc's subtree and the lines sc operates in.
func (ls *Lines) List(ctx context.Context, sc access.Scope) ([]Line, error) {
	lo, hi := sc.PathRange()
	rows, err := ls.db.QueryContext(ctx, `SELECT `+lineColumns+` FROM inbox_lines l JOIN units u ON u.id = l.unit_id
		WHERE (u.path >= $1 AND u.path < $2)
		   OR EXISTS (SELECT 1 FROM inbox_line_operators o WHERE o.line_id = l.id AND o.user_id = $3)
		ORDER BY l.name`, lo, hi, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("inbox: lines: %w", err)
	}
	var out []Line
	for rows.Next() {
		l, err := scanLine(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: lines: %w", err)
		}
		out = append(out, l)
	}
	rows.Close()
	for i := range out {
		if out[i].Operators, err = lineOperators(ctx, ls.db, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// Exists reports whether a line exists (for checking settings that name
// lines), whoever can see it.
func (ls *Lines) Exists(ctx context.Context, id string) bool {
	_, err := ls.lineByID(ctx, id)
	return err == nil
}

// lineByID reads a line without a scope, for the engine itself.
func (c *core) lineByID(ctx context.Context, id string) (Line, error) {
	return c.lineByIDIn(ctx, c.db, id)
}

// lineByIDIn is lineByID inside a transaction: a transaction holding
// SQLite's write lock must not wait for another connection from the pool,
// whose connections may all be waiting for that lock.
func (c *core) lineByIDIn(ctx context.Context, q db.Execer, id string) (Line, error) {
	if l, ok := c.lines.get(id); ok {
		return l, nil
	}
	l, err := scanLine(q.QueryRowContext(ctx, `SELECT `+lineColumns+` FROM inbox_lines l WHERE l.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Line{}, fmt.Errorf("inbox: line %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Line{}, fmt.Errorf("inbox: line: %w", err)
	}
	if l.Operators, err = lineOperators(ctx, q, id); err != nil {
		return Line{}, err
	}
	c.lines.put(id, l)
	return l, nil
}

// allLineIDs lists every line, for the sweeper and rebuilds.
func (c *core) allLineIDs(ctx context.Context) ([]string, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id FROM inbox_lines ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("inbox: lines: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// lineVersions maps every line to its updated_at.
func (c *core) lineVersions(ctx context.Context) (map[string]int64, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, updated_at FROM inbox_lines`)
	if err != nil {
		return nil, fmt.Errorf("inbox: lines: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var id string
		var v int64
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}
