package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// editor reports whether a role may write a unit's or the federation's
// calendar (within its scope).
func editor(r access.Role) bool {
	return r == access.Administrator || r == access.Chairman || r == access.Deputy || r == access.Secretary
}

// readable: one's own calendar, the federation's, and a unit's calendar
// when the unit is one's own, above it, or in one's subtree.
func (c Calendar) readable(sc access.Scope) bool {
	switch c.Kind {
	case Personal:
		return c.OwnerID == sc.UserID
	case Federation:
		return sc.UnitPath != ""
	default:
		return sc.UnitPath != "" && (strings.HasPrefix(sc.UnitPath, c.UnitPath) || sc.Covers(c.UnitPath))
	}
}

// writable: one's own calendar; a unit's by an editor whose scope covers
// it; the federation's by an editor of a top-level unit or an administrator.
func (c Calendar) writable(sc access.Scope) bool {
	switch c.Kind {
	case Personal:
		return c.OwnerID == sc.UserID
	case Federation:
		return sc.Role == access.Administrator || (editor(sc.Role) && strings.Count(sc.UnitPath, "/") <= 2)
	default:
		return editor(sc.Role) && sc.Covers(c.UnitPath)
	}
}

// errForeign is a calendar the caller may not read: answered as not found
// on reads, so another person's calendar is not even confirmed to exist.
func errForeign() error {
	return valid.Refuse(access.ErrForbidden, "calendar.foreign", "this calendar is not yours to see")
}

// ensure creates the caller's personal calendar, their unit's and the
// federation's, once.
func (s *Service) ensure(ctx context.Context, c Caller) error {
	for _, k := range []struct{ kind, owner, unit, path string }{
		{Personal, c.Scope.UserID, "", ""},
		{Unit, "", c.Scope.UnitID, c.Scope.UnitPath},
		{Federation, "", "", "/"},
	} {
		if k.kind == Personal && k.owner == "" || k.kind == Unit && k.unit == "" {
			continue
		}
		_, err := s.db.ExecContext(ctx, `INSERT INTO calendars (id, kind, owner_id, unit_id, unit_path, name, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (kind, owner_id, unit_id) DO NOTHING`,
			uuid.Must(uuid.NewV7()).String(), k.kind, k.owner, k.unit, k.path, "", db.Now())
		if err != nil {
			return fmt.Errorf("calendar: ensure %s: %w", k.kind, err)
		}
	}
	return nil
}

const calendarColumns = `id, kind, owner_id, unit_id, unit_path, name`

func scanCalendar(row interface{ Scan(...any) error }) (Calendar, error) {
	var c Calendar
	err := row.Scan(&c.ID, &c.Kind, &c.OwnerID, &c.UnitID, &c.UnitPath, &c.Name)
	return c, err
}

// Calendars lists what the caller may read: their own first, then their
// unit's and the others of units around them, then the federation's.
func (s *Service) Calendars(ctx context.Context, c Caller) ([]Calendar, error) {
	if err := s.ensure(ctx, c); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+calendarColumns+` FROM calendars
		WHERE (kind = 'personal' AND owner_id = $1) OR kind <> 'personal'
		ORDER BY CASE kind WHEN 'personal' THEN 0 WHEN 'unit' THEN 1 ELSE 2 END, unit_path`, c.Scope.UserID)
	if err != nil {
		return nil, fmt.Errorf("calendar: list: %w", err)
	}
	defer rows.Close()
	var out []Calendar
	for rows.Next() {
		cal, err := scanCalendar(rows)
		if err != nil {
			return nil, err
		}
		if cal.readable(c.Scope) {
			out = append(out, s.named(ctx, c, cal))
		}
	}
	return out, rows.Err()
}

// named fills the name a reader sees: theirs, the unit's, the federation's.
func (s *Service) named(ctx context.Context, c Caller, cal Calendar) Calendar {
	cal.CanWrite = cal.writable(c.Scope)
	switch cal.Kind {
	case Personal:
		cal.Name = s.deps.Translate(c.Lang, "calendar.name.personal")
	case Federation:
		cal.Name = s.deps.Translate(c.Lang, "calendar.name.federation")
	default:
		if cal.UnitID == c.Scope.UnitID && c.UnitName != "" {
			cal.Name = c.UnitName
		} else {
			var name string
			if err := s.db.QueryRowContext(ctx, `SELECT name FROM units WHERE id = $1`, cal.UnitID).Scan(&name); err == nil {
				cal.Name = name
			}
		}
	}
	return cal
}

// Calendar returns one calendar the caller may read.
func (s *Service) Calendar(ctx context.Context, c Caller, id string) (Calendar, error) {
	cal, err := scanCalendar(s.db.QueryRowContext(ctx, `SELECT `+calendarColumns+` FROM calendars WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Calendar{}, fmt.Errorf("calendar %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Calendar{}, fmt.Errorf("calendar: get: %w", err)
	}
	if !cal.readable(c.Scope) {
		return Calendar{}, errForeign()
	}
	return s.named(ctx, c, cal), nil
}

// writableCalendar returns a calendar the caller may change.
func (s *Service) writableCalendar(ctx context.Context, c Caller, id string) (Calendar, error) {
	cal, err := s.Calendar(ctx, c, id)
	if err != nil {
		return cal, err
	}
	if !cal.CanWrite {
		return cal, valid.Refuse(access.ErrForbidden, "calendar.readonly", "you may not change this calendar")
	}
	return cal, nil
}

// personalID is the caller's own calendar (made if missing).
func (s *Service) personalID(ctx context.Context, c Caller) (string, error) {
	if err := s.ensure(ctx, c); err != nil {
		return "", err
	}
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM calendars WHERE kind = 'personal' AND owner_id = $1`, c.Scope.UserID).Scan(&id)
	return id, err
}
