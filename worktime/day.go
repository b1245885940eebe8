package worktime

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Today is the header's view of one's working day.
type Today struct {
	State   string    `json:"state"` // off | working | paused | ended
	Day     string    `json:"day"`   // the day the minutes count to
	Minutes int       `json:"minutes"`
	Since   time.Time `json:"since,omitzero"` // when the running interval began
}

// Actions the header offers.
const (
	Start  = "start"
	Pause  = "pause"
	Resume = "resume"
	End    = "end"
)

// Today reads the caller's working day.
func (s *Service) Today(ctx context.Context, sc access.Scope) (Today, error) {
	zone, err := s.zoneOf(ctx, s.db, sc.UserID)
	if err != nil {
		return Today{}, err
	}
	t, _, err := s.today(ctx, s.db, sc.UserID, zone)
	return t, err
}

// today is the person's day and their latest interval (nil: none).
func (s *Service) today(ctx context.Context, q db.Execer, userID string, zone *time.Location) (Today, *storedInterval, error) {
	now := s.now()
	t := Today{Day: now.In(zone).Format(time.DateOnly)}
	last, err := s.last(ctx, q, userID)
	if err != nil {
		return Today{}, nil, err
	}
	var lastIv *Interval
	if last != nil {
		lastIv = &last.Interval
	}
	t.State = State(lastIv, t.Day)
	if t.State == Working {
		t.Day, t.Since = last.Day, last.Start
	}
	list, err := s.ofDay(ctx, q, userID, t.Day)
	if err != nil {
		return Today{}, nil, err
	}
	t.Minutes = Minutes(Worked(list, zone, now))
	return t, last, nil
}

// Act starts, pauses, resumes or ends the caller's working day. An action
// the day's state does not allow (starting twice, ending a day not
// started, resuming what runs) is refused and changes nothing.
func (s *Service) Act(ctx context.Context, sc access.Scope, action string) (Today, error) {
	var out Today
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		zone, err := s.zoneOf(ctx, tx, sc.UserID)
		if err != nil {
			return err
		}
		t, last, err := s.today(ctx, tx, sc.UserID, zone)
		if err != nil {
			return err
		}
		now := s.now()
		today := now.In(zone).Format(time.DateOnly)
		switch {
		case action == Start && t.State == Working && t.Day < today:
			// a day left running since an earlier date ends at its midnight
			_, end, _ := dayBounds(last.Day, zone)
			if err := s.closeOnce(ctx, tx, last.ID, end, End); err != nil {
				return err
			}
			err = s.open(ctx, tx, sc.UserID, today, now)
		case action == Start && t.State == Off:
			err = s.open(ctx, tx, sc.UserID, today, now)
		case action == Pause && t.State == Working:
			err = s.closeOnce(ctx, tx, last.ID, now, "pause")
		case action == Resume && t.State == Paused:
			err = s.open(ctx, tx, sc.UserID, t.Day, now)
		case action == End && (t.State == Working || t.State == Paused):
			err = s.closeOnce(ctx, tx, last.ID, now, End)
		case action == Start || action == Pause || action == Resume || action == End:
			return refuse(action, t.State)
		default:
			return valid.Keyed("action", "worktime", "worktime_action", "the action must be start, pause, resume or end")
		}
		if err != nil {
			return err
		}
		out, _, err = s.today(ctx, tx, sc.UserID, zone)
		return err
	})
	return out, err
}

func (s *Service) closeOnce(ctx context.Context, q db.Execer, id string, at time.Time, by string) error {
	ok, err := s.close(ctx, q, id, at, by)
	if err == nil && !ok {
		return valid.Refuse(db.ErrConflict, "worktime_changed", "the working day changed meanwhile; reload the page")
	}
	return err
}

// refuse says in words why the day's state does not allow the action.
func refuse(action, state string) error {
	switch {
	case state == Ended:
		return valid.Refuse(db.ErrConflict, "worktime_ended", "the working day has already ended")
	case action == Start:
		return valid.Refuse(db.ErrConflict, "worktime_started", "the working day has already started")
	case state == Off:
		return valid.Refuse(db.ErrConflict, "worktime_not_started", "the working day has not started")
	case action == Pause:
		return valid.Refuse(db.ErrConflict, "worktime_paused", "the working day is already paused")
	default: // resume while working
		return valid.Refuse(db.ErrConflict, "worktime_running", "the working day is running, not paused")
	}
}

// AddInterval records a finished interval of a person's day as it was
// (the demo's past weeks); it is not checked against the day's state.
func (s *Service) AddInterval(ctx context.Context, userID string, start, end time.Time) error {
	zone, err := s.zoneOf(ctx, s.db, userID)
	if err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO worktime_intervals (id, user_id, day, started_at, ended_at, closed_by)
		VALUES ($1, $2, $3, $4, $5, 'end')`, uuid.Must(uuid.NewV7()).String(), userID, start.In(zone).Format(time.DateOnly),
		start.UnixMilli(), end.UnixMilli())
	if err != nil {
		return fmt.Errorf("worktime: add: %w", err)
	}
	return nil
}
