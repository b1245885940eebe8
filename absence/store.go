package absence

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// person is what the rules need of a staff member.
type person struct {
	ID, Name, UnitID, UnitPath string
	Role                       access.Role
	Disabled                   bool
}

func (s *Service) person(ctx context.Context, q db.Execer, id string) (person, error) {
	var p person
	err := q.QueryRowContext(ctx, `SELECT us.id, us.full_name, us.unit_id, un.path, us.role, us.disabled
		FROM users us JOIN units un ON un.id = us.unit_id WHERE us.id = $1`, id).
		Scan(&p.ID, &p.Name, &p.UnitID, &p.UnitPath, &p.Role, &p.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return p, db.ErrNotFound
	}
	if err != nil {
		return p, fmt.Errorf("absence: person: %w", err)
	}
	return p, nil
}

const absenceColumns = `a.id, a.user_id, us.full_name, us.unit_id, a.kind, a.starts_on, a.ends_on, a.status, a.comment,
	a.requested_by, COALESCE(rq.full_name, ''), a.decided_by, COALESCE(dc.full_name, ''), a.decided_at, a.reason, a.created_at`

const absenceFrom = ` FROM absences a JOIN users us ON us.id = a.user_id JOIN units un ON un.id = us.unit_id
	LEFT JOIN users rq ON rq.id = a.requested_by LEFT JOIN users dc ON dc.id = a.decided_by`

func scanAbsence(row interface{ Scan(...any) error }) (Absence, string, error) {
	var a Absence
	var path string
	var decided, created int64
	err := row.Scan(&a.ID, &a.UserID, &a.UserName, &a.UnitID, &a.Kind, &a.StartsOn, &a.EndsOn, &a.Status, &a.Comment,
		&a.RequestedBy, &a.RequestedName, &a.DecidedBy, &a.DecidedName, &decided, &a.Reason, &created, &path)
	if decided > 0 {
		a.DecidedAt = time.UnixMilli(decided)
	}
	a.CreatedAt = time.UnixMilli(created)
	return a, path, err
}

func (s *Service) get(ctx context.Context, q db.Execer, id string) (Absence, string, error) {
	a, path, err := scanAbsence(q.QueryRowContext(ctx, `SELECT `+absenceColumns+`, un.path`+absenceFrom+` WHERE a.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, "", db.ErrNotFound
	}
	if err != nil {
		return a, "", fmt.Errorf("absence: get: %w", err)
	}
	return a, path, nil
}

// lockPerson serialises the writers of one person's absences until tx
// ends, so that two overlapping requests sent at once cannot both pass
// the overlap check. SQLite needs nothing: a transaction holds the
// database's one write lock from BEGIN (db.openSQLite). On PostgreSQL
// the person's row is locked FOR NO KEY UPDATE, which waits for another
// such lock but not for the key-share locks that rows referring to the
// person take.
func (s *Service) lockPerson(ctx context.Context, tx db.Execer, userID string) error {
	if s.db.Dialect != db.Postgres {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE`, userID); err != nil {
		return fmt.Errorf("absence: lock %s: %w", userID, err)
	}
	return nil
}

// overlapping finds a live (requested or approved) absence of the person
// sharing a day with from..to, other than except.
func (s *Service) overlapping(ctx context.Context, q db.Execer, userID, from, to, except string) (Absence, bool, error) {
	a, _, err := scanAbsence(q.QueryRowContext(ctx, `SELECT `+absenceColumns+`, un.path`+absenceFrom+`
		WHERE a.user_id = $1 AND a.status IN ('requested', 'approved') AND a.starts_on <= $3 AND a.ends_on >= $2 AND a.id <> $4
		ORDER BY a.starts_on LIMIT 1`, userID, from, to, except))
	if errors.Is(err, sql.ErrNoRows) {
		return a, false, nil
	}
	if err != nil {
		return a, false, fmt.Errorf("absence: overlap: %w", err)
	}
	return a, true, nil
}

func (s *Service) insert(ctx context.Context, q db.Execer, in Input, status string, sc access.Scope) (string, error) {
	id := uuid.Must(uuid.NewV7()).String()
	now := db.Now()
	decidedBy, decidedAt := "", int64(0)
	if status == Approved {
		decidedBy, decidedAt = sc.UserID, now
	}
	_, err := q.ExecContext(ctx, `INSERT INTO absences (id, user_id, kind, starts_on, ends_on, status, comment, requested_by,
		decided_by, decided_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)`,
		id, in.UserID, in.Kind, in.StartsOn, in.EndsOn, status, in.Comment, sc.UserID, decidedBy, decidedAt, now)
	if err != nil {
		return "", fmt.Errorf("absence: insert: %w", err)
	}
	return id, nil
}

// setStatus moves an absence from one status to another; 0 rows: it had
// moved already.
func (s *Service) setStatus(ctx context.Context, q db.Execer, id, from, to, by, reason string) (bool, error) {
	now := db.Now()
	res, err := q.ExecContext(ctx, `UPDATE absences SET status = $3, decided_by = $4, decided_at = $5, reason = $6, updated_at = $5
		WHERE id = $1 AND status = $2`, id, from, to, by, now, reason)
	if err != nil {
		return false, fmt.Errorf("absence: status: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// inRange lists the absences of people in the subtree at path that share a
// day with from..to, not cancelled, by person and start.
func (s *Service) inRange(ctx context.Context, path, from, to string) ([]Absence, []string, error) {
	lo, hi := access.SubtreeRange(path)
	rows, err := s.db.QueryContext(ctx, `SELECT `+absenceColumns+`, un.path`+absenceFrom+`
		WHERE un.path >= $1 AND un.path < $2 AND a.status <> 'cancelled' AND a.starts_on <= $4 AND a.ends_on >= $3
		ORDER BY us.full_name, a.starts_on LIMIT 5000`, lo, hi, from, to)
	if err != nil {
		return nil, nil, fmt.Errorf("absence: list: %w", err)
	}
	defer rows.Close()
	var out []Absence
	var paths []string
	for rows.Next() {
		a, p, err := scanAbsence(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("absence: list: %w", err)
		}
		out = append(out, a)
		paths = append(paths, p)
	}
	return out, paths, rows.Err()
}

// Person is a row of the chart.
type Person struct {
	ID   string      `json:"id"`
	Name string      `json:"name"`
	Role access.Role `json:"role"`
	Unit string      `json:"unit"`
}

// people are the active staff of the subtree at path, by name.
func (s *Service) people(ctx context.Context, path string) ([]Person, error) {
	lo, hi := access.SubtreeRange(path)
	rows, err := s.db.QueryContext(ctx, `SELECT us.id, us.full_name, us.role, un.name FROM users us JOIN units un ON un.id = us.unit_id
		WHERE un.path >= $1 AND un.path < $2 AND NOT us.disabled ORDER BY us.full_name, us.id LIMIT 1000`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("absence: people: %w", err)
	}
	defer rows.Close()
	out := []Person{}
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Role, &p.Unit); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// heads are the people who decide a request of someone at path: the
// chairmen and deputies of the nearest unit at or above it that has any,
// or else the administrators above it; never the person themselves.
func (s *Service) heads(ctx context.Context, q db.Execer, path, self string) ([]string, error) {
	for _, roles := range [][]any{{string(access.Chairman), string(access.Deputy)}, {string(access.Administrator), string(access.Administrator)}} {
		rows, err := q.QueryContext(ctx, `SELECT us.id, length(un.path) FROM users us JOIN units un ON un.id = us.unit_id
			WHERE us.role IN ($1, $2) AND NOT us.disabled AND us.id <> $4 AND substr(CAST($3 AS TEXT), 1, length(un.path)) = un.path
			ORDER BY length(un.path) DESC, us.id`, roles[0], roles[1], path, self)
		if err != nil {
			return nil, fmt.Errorf("absence: heads: %w", err)
		}
		var out []string
		best := -1
		for rows.Next() {
			var id string
			var depth int
			if err := rows.Scan(&id, &depth); err != nil {
				rows.Close()
				return nil, err
			}
			if best >= 0 && depth < best {
				break
			}
			best = depth
			out = append(out, id)
		}
		rows.Close()
		if len(out) > 0 {
			return out, nil
		}
	}
	return nil, nil
}
