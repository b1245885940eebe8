package worktime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

// zoneOf is the person's own zone, or the installation's.
func (s *Service) zoneOf(ctx context.Context, q db.Execer, userID string) (*time.Location, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT time_zone FROM users WHERE id = $1`, userID).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, db.ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("worktime: zone: %w", err)
	}
	if name == "" {
		return s.zone, nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return s.zone, nil // a zone the system lost counts as the installation's
	}
	return z, nil
}

type storedInterval struct {
	ID string
	Interval
}

func scanInterval(row interface{ Scan(...any) error }) (storedInterval, error) {
	var iv storedInterval
	var start, end int64
	err := row.Scan(&iv.ID, &iv.Day, &start, &end, &iv.ClosedBy)
	iv.Start = time.UnixMilli(start)
	if end > 0 {
		iv.End = time.UnixMilli(end)
	}
	return iv, err
}

const intervalColumns = `id, day, started_at, ended_at, closed_by`

// last is the person's latest interval, or nil.
func (s *Service) last(ctx context.Context, q db.Execer, userID string) (*storedInterval, error) {
	iv, err := scanInterval(q.QueryRowContext(ctx, `SELECT `+intervalColumns+` FROM worktime_intervals
		WHERE user_id = $1 ORDER BY started_at DESC LIMIT 1`, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("worktime: last: %w", err)
	}
	return &iv, nil
}

// ofDay are the person's intervals of one day.
func (s *Service) ofDay(ctx context.Context, q db.Execer, userID, day string) ([]Interval, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+intervalColumns+` FROM worktime_intervals
		WHERE user_id = $1 AND day = $2 ORDER BY started_at`, userID, day)
	if err != nil {
		return nil, fmt.Errorf("worktime: day: %w", err)
	}
	defer rows.Close()
	var out []Interval
	for rows.Next() {
		iv, err := scanInterval(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, iv.Interval)
	}
	return out, rows.Err()
}

func (s *Service) open(ctx context.Context, q db.Execer, userID, day string, at time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO worktime_intervals (id, user_id, day, started_at) VALUES ($1, $2, $3, $4)`,
		uuid.Must(uuid.NewV7()).String(), userID, day, at.UnixMilli())
	if err != nil {
		return fmt.Errorf("worktime: open: %w", err)
	}
	return nil
}

// close ends a running interval (ended_at 0) or marks a paused one ended;
// false: it had changed meanwhile.
func (s *Service) close(ctx context.Context, q db.Execer, id string, at time.Time, by string) (bool, error) {
	res, err := q.ExecContext(ctx, `UPDATE worktime_intervals SET ended_at = CASE WHEN ended_at = 0 THEN $2 ELSE ended_at END,
		closed_by = $3 WHERE id = $1 AND closed_by IN ('', 'pause')`, id, at.UnixMilli(), by)
	if err != nil {
		return false, fmt.Errorf("worktime: close: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// inMonth are the intervals of the subtree's people from..to, by person.
func (s *Service) inMonth(ctx context.Context, lo, hi, from, to string) (map[string][]Interval, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT w.user_id, w.id, w.day, w.started_at, w.ended_at, w.closed_by
		FROM worktime_intervals w JOIN users us ON us.id = w.user_id JOIN units un ON un.id = us.unit_id
		WHERE un.path >= $1 AND un.path < $2 AND w.day >= $3 AND w.day <= $4`, lo, hi, from, to)
	if err != nil {
		return nil, fmt.Errorf("worktime: month: %w", err)
	}
	defer rows.Close()
	out := map[string][]Interval{}
	for rows.Next() {
		var user string
		var iv storedInterval
		var start, end int64
		if err := rows.Scan(&user, &iv.ID, &iv.Day, &start, &end, &iv.ClosedBy); err != nil {
			return nil, err
		}
		iv.Start = time.UnixMilli(start)
		if end > 0 {
			iv.End = time.UnixMilli(end)
		}
		out[user] = append(out[user], iv.Interval)
	}
	return out, rows.Err()
}

// Correction is a head's value for one cell.
type Correction struct {
	Minutes  int    `json:"minutes"`
	Computed int    `json:"computed"`
	Reason   string `json:"reason"`
	By       string `json:"by"`
	ByName   string `json:"by_name"`
}

func (s *Service) corrections(ctx context.Context, lo, hi, from, to string) (map[string]map[string]Correction, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT c.user_id, c.day, c.minutes, c.computed, c.reason, c.corrected_by, COALESCE(b.full_name, '')
		FROM worktime_corrections c JOIN users us ON us.id = c.user_id JOIN units un ON un.id = us.unit_id
		LEFT JOIN users b ON b.id = c.corrected_by
		WHERE un.path >= $1 AND un.path < $2 AND c.day >= $3 AND c.day <= $4`, lo, hi, from, to)
	if err != nil {
		return nil, fmt.Errorf("worktime: corrections: %w", err)
	}
	defer rows.Close()
	out := map[string]map[string]Correction{}
	for rows.Next() {
		var user, day string
		var c Correction
		if err := rows.Scan(&user, &day, &c.Minutes, &c.Computed, &c.Reason, &c.By, &c.ByName); err != nil {
			return nil, err
		}
		if out[user] == nil {
			out[user] = map[string]Correction{}
		}
		out[user][day] = c
	}
	return out, rows.Err()
}

func (s *Service) putCorrection(ctx context.Context, q db.Execer, userID, day string, c Correction) error {
	_, err := q.ExecContext(ctx, `INSERT INTO worktime_corrections (user_id, day, minutes, computed, reason, corrected_by, corrected_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (user_id, day) DO UPDATE SET minutes = $3, computed = $4, reason = $5, corrected_by = $6, corrected_at = $7`,
		userID, day, c.Minutes, c.Computed, c.Reason, c.By, db.Now())
	if err != nil {
		return fmt.Errorf("worktime: correct: %w", err)
	}
	return nil
}
