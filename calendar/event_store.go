package calendar

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/storage/db"
)

const eventColumns = `id, calendar_id, uid, href, kind, title, place, description, starts_at, ends_at, all_day, tz, rrule,
	last_end, remind_min, created_by, etag, updated_at, sequence`

func scanEvent(row interface{ Scan(...any) error }) (Event, error) {
	var e Event
	var start, end, updated int64
	err := row.Scan(&e.ID, &e.CalendarID, &e.UID, &e.Href, &e.Kind, &e.Title, &e.Place, &e.Description, &start, &end,
		&e.AllDay, &e.TZ, &e.RRule, &e.lastEnd, &e.RemindMin, &e.CreatedBy, &e.ETag, &updated, &e.Sequence)
	e.Start, e.End, e.Updated = db.Time(start).UTC(), db.Time(end).UTC(), db.Time(updated).UTC()
	return e, err
}

func newETag() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// insertEvent stores a new event; the caller set its ids and calendar.
func insertEvent(ctx context.Context, tx db.Execer, e *Event) error {
	now := db.Now()
	e.ETag, e.Updated = newETag(), db.Time(now).UTC()
	_, err := tx.ExecContext(ctx, `INSERT INTO calendar_events (id, calendar_id, uid, href, kind, title, place, description,
		starts_at, ends_at, all_day, tz, rrule, last_end, remind_min, created_by, etag, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18)`,
		e.ID, e.CalendarID, e.UID, e.Href, e.Kind, e.Title, e.Place, e.Description, e.Start.UnixMilli(), e.End.UnixMilli(),
		e.AllDay, e.TZ, e.RRule, e.lastEnd, e.RemindMin, e.CreatedBy, e.ETag, now)
	if db.IsUniqueViolation(err) {
		return fmt.Errorf("calendar: event %s: %w", e.UID, db.ErrConflict)
	}
	return err
}

// updateEvent rewrites an event's fields and gives it a new ETag.
func updateEvent(ctx context.Context, tx db.Execer, e *Event) error {
	now := db.Now()
	e.ETag, e.Updated = newETag(), db.Time(now).UTC()
	_, err := tx.ExecContext(ctx, `UPDATE calendar_events SET calendar_id = $2, kind = $3, title = $4, place = $5, description = $6,
		starts_at = $7, ends_at = $8, all_day = $9, tz = $10, rrule = $11, last_end = $12, remind_min = $13, etag = $14, updated_at = $15,
		sequence = $16
		WHERE id = $1`, e.ID, e.CalendarID, e.Kind, e.Title, e.Place, e.Description, e.Start.UnixMilli(), e.End.UnixMilli(),
		e.AllDay, e.TZ, e.RRule, e.lastEnd, e.RemindMin, e.ETag, now, e.Sequence)
	return err
}

func deleteEvent(ctx context.Context, tx db.Execer, id string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_invitees WHERE event_id = $1`, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `DELETE FROM calendar_events WHERE id = $1`, id)
	return err
}

// eventWhere returns the one event matching a condition, or ErrNotFound.
func (s *Service) eventWhere(ctx context.Context, cond string, args ...any) (Event, error) {
	e, err := scanEvent(s.db.QueryRowContext(ctx, `SELECT `+eventColumns+` FROM calendar_events WHERE `+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Event{}, fmt.Errorf("calendar event: %w", db.ErrNotFound)
	}
	if err != nil {
		return Event{}, fmt.Errorf("calendar: event: %w", err)
	}
	e.Invitees, err = loadInvitees(ctx, s.db, e.ID)
	return e, err
}

// eventsIn lists the events of some calendars (and those the user is
// invited to) that may overlap [lo, hi).
func (s *Service) eventsIn(ctx context.Context, calendarIDs []string, invitedUser string, lo, hi time.Time) ([]Event, error) {
	args := []any{hi.UnixMilli(), lo.UnixMilli(), invitedUser}
	var in []string
	for _, id := range calendarIDs {
		args = append(args, id)
		in = append(in, "$"+strconv.Itoa(len(args)))
	}
	cond := "FALSE"
	if len(in) > 0 {
		cond = "calendar_id IN (" + strings.Join(in, ", ") + ")"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+eventColumns+` FROM calendar_events
		WHERE starts_at < $1 AND (last_end = 0 OR last_end > $2)
		AND (`+cond+` OR id IN (SELECT event_id FROM calendar_invitees WHERE kind = 'user' AND ref_id = $3))
		ORDER BY starts_at LIMIT 5000`, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar: events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func newEventIDs(e *Event) {
	e.ID = uuid.Must(uuid.NewV7()).String()
	if e.UID == "" {
		e.UID = e.ID + "@profhub"
	}
	if e.Href == "" {
		e.Href = e.ID + ".ics"
	}
}

// loadInvitees reads an event's invitees in the order they were named.
func loadInvitees(ctx context.Context, q db.Execer, eventID string) ([]Invitee, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, ref_id, name, email, status, token FROM calendar_invitees
		WHERE event_id = $1 ORDER BY kind DESC, name`, eventID)
	if err != nil {
		return nil, fmt.Errorf("calendar: invitees: %w", err)
	}
	defer rows.Close()
	out := []Invitee{}
	for rows.Next() {
		var v Invitee
		if err := rows.Scan(&v.Kind, &v.ID, &v.Name, &v.Email, &v.Status, &v.token); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// saveInvitees makes the stored list the given one: new people are added
// (needs-action), kept ones keep their answers, missing ones go. It
// returns the new people.
func saveInvitees(ctx context.Context, tx db.Execer, eventID string, old []Invitee, people []Person) ([]Invitee, error) {
	keep := map[string]bool{}
	var added []Invitee
	for _, p := range people {
		keep[p.Kind+"/"+p.ID] = true
		known := false
		for _, o := range old {
			known = known || (o.Kind == p.Kind && o.ID == p.ID)
		}
		if known {
			continue
		}
		v := Invitee{Kind: p.Kind, ID: p.ID, Name: p.Name, Email: p.Email, Status: "needs-action", token: newETag() + newETag()}
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_invitees (event_id, kind, ref_id, name, email, status, token)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_id, kind, ref_id) DO NOTHING`,
			eventID, v.Kind, v.ID, v.Name, v.Email, v.Status, v.token)
		if err != nil {
			return nil, fmt.Errorf("calendar: invite: %w", err)
		}
		added = append(added, v)
	}
	for _, o := range old {
		if !keep[o.Kind+"/"+o.ID] {
			if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_invitees WHERE event_id = $1 AND kind = $2 AND ref_id = $3`,
				eventID, o.Kind, o.ID); err != nil {
				return nil, err
			}
		}
	}
	return added, nil
}

// stillInvited is those of old who are among people.
func stillInvited(old []Invitee, people []Person) []Invitee {
	var kept []Invitee
	for _, o := range old {
		if slices.ContainsFunc(people, func(p Person) bool { return p.Kind == o.Kind && p.ID == o.ID }) {
			kept = append(kept, o)
		}
	}
	return kept
}
