package absence

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ruDate shows a stored date as people read it (DD.MM.YYYY) in messages.
func ruDate(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return d
	}
	return t.Format("02.01.2006")
}

func (in *Input) normalize() error {
	in.Comment = strings.TrimSpace(in.Comment)
	if !slices.Contains(Kinds, in.Kind) {
		return valid.Keyed("kind", "absence", "absence_kind", "the kind must be vacation, sick_leave, business_trip or day_off")
	}
	from, err1 := time.Parse(time.DateOnly, in.StartsOn)
	to, err2 := time.Parse(time.DateOnly, in.EndsOn)
	if err1 != nil || err2 != nil {
		return valid.Keyed("starts_on", "absence", "absence_date", "the first and the last day must be dates (YYYY-MM-DD)")
	}
	if to.Before(from) {
		return valid.Keyed("ends_on", "absence", "absence_order", "the absence ends (%s) before it starts (%s)", ruDate(in.EndsOn), ruDate(in.StartsOn))
	}
	if to.Sub(from) >= MaxDays*24*time.Hour {
		return valid.Keyed("ends_on", "absence", "absence_length", "one absence lasts at most %d days", MaxDays)
	}
	if len([]rune(in.Comment)) > 1000 {
		return valid.Keyed("comment", "absence", "absence_comment", "the comment must be at most 1000 characters")
	}
	return nil
}

// heads: who may decide on a person's absences.
func isHead(sc access.Scope, p person) bool {
	if !sc.Can(access.ApproveAbsences) || !sc.Covers(p.UnitPath) {
		return false
	}
	// one's own absence is decided above one, unless one administers
	return p.ID != sc.UserID || sc.Role == access.Administrator
}

// Create records a request (for oneself) or an entry (a head for someone
// in their scope, approved at once). Bad input, a person outside the
// caller's scope or an absence overlapping another changes nothing.
func (s *Service) Create(ctx context.Context, sc access.Scope, in Input) (Absence, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Absence{}, err
	}
	if in.UserID == "" {
		in.UserID = sc.UserID
	}
	if err := in.normalize(); err != nil {
		return Absence{}, err
	}
	var id string
	var p person
	status := Requested
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if p, err = s.person(ctx, tx, in.UserID); err != nil {
			if err == db.ErrNotFound {
				return valid.Refuse(access.ErrForbidden, "absence_scope", "you may not record absences of people outside your units")
			}
			return err
		}
		if p.ID != sc.UserID {
			if !isHead(sc, p) {
				return valid.Refuse(access.ErrForbidden, "absence_scope", "you may not record absences of people outside your units")
			}
			status = Approved
		}
		if p.Disabled {
			return valid.Refuse(db.ErrConflict, "absence_disabled", "%s is disabled", p.Name)
		}
		if err := s.lockPerson(ctx, tx, p.ID); err != nil {
			return err
		}
		if other, ok, err := s.overlapping(ctx, tx, p.ID, in.StartsOn, in.EndsOn, ""); err != nil {
			return err
		} else if ok {
			return valid.Refuse(db.ErrConflict, "absence_overlap", "it overlaps another absence from %s to %s",
				ruDate(other.StartsOn), ruDate(other.EndsOn))
		}
		if id, err = s.insert(ctx, tx, in, status, sc); err != nil {
			return err
		}
		action := "absence.request"
		if status == Approved {
			action = "absence.enter"
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "absence", ObjectID: id, UnitID: p.UnitID,
			Details: map[string]any{"user_id": p.ID, "kind": in.Kind, "starts_on": in.StartsOn, "ends_on": in.EndsOn}}); err != nil {
			return err
		}
		if status == Requested {
			return s.tellHeads(ctx, tx, p, id, in)
		}
		return nil
	})
	if err != nil {
		return Absence{}, err
	}
	a, _, err := s.get(ctx, s.db, id)
	if err == nil && status == Approved {
		s.approved(ctx, a)
	}
	return a, err
}

func (s *Service) tellHeads(ctx context.Context, tx db.Execer, p person, id string, in Input) error {
	if s.deps.Alerts == nil {
		return nil
	}
	heads, err := s.heads(ctx, tx, p.UnitPath, p.ID)
	if err != nil {
		return err
	}
	for _, h := range heads {
		if err := s.deps.Alerts.Alert(ctx, tx, Alert{Key: "absence-request:" + id, UserID: h, Kind: AlertRequested,
			Text: p.Name + " · " + ruDate(in.StartsOn) + "–" + ruDate(in.EndsOn), Link: "/absences"}); err != nil {
			return err
		}
	}
	return nil
}

// Decide approves (approve true) or rejects a request; only a head whose
// scope covers the person, and not for themselves.
func (s *Service) Decide(ctx context.Context, sc access.Scope, id string, approve bool, reason string) (Absence, error) {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) > 1000 {
		return Absence{}, valid.Keyed("reason", "absence", "absence_comment", "the comment must be at most 1000 characters")
	}
	to := Rejected
	if approve {
		to = Approved
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, _, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		p, err := s.person(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		if !sc.Covers(p.UnitPath) && p.ID != sc.UserID {
			return db.ErrNotFound // outside the scope: as if it did not exist
		}
		if p.ID == sc.UserID && sc.Role != access.Administrator {
			return valid.Refuse(access.ErrForbidden, "absence_own", "your own absence is decided by your head")
		}
		if !isHead(sc, p) {
			return valid.Refuse(access.ErrForbidden, "absence_not_head", "only the head of the person's unit decides on absences")
		}
		if a.Status != Requested {
			return valid.Refuse(db.ErrConflict, "absence_state", "the absence is not awaiting a decision")
		}
		if approve {
			// another absence may have been approved over these days since
			if err := s.lockPerson(ctx, tx, p.ID); err != nil {
				return err
			}
			if other, ok, err := s.overlapping(ctx, tx, p.ID, a.StartsOn, a.EndsOn, a.ID); err != nil {
				return err
			} else if ok && other.Status == Approved {
				return valid.Refuse(db.ErrConflict, "absence_overlap", "it overlaps another absence from %s to %s",
					ruDate(other.StartsOn), ruDate(other.EndsOn))
			}
		}
		if ok, err := s.setStatus(ctx, tx, id, Requested, to, sc.UserID, reason); err != nil {
			return err
		} else if !ok {
			return valid.Refuse(db.ErrConflict, "absence_state", "the absence is not awaiting a decision")
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "absence." + map[bool]string{true: "approve", false: "reject"}[approve],
			ObjectType: "absence", ObjectID: id, UnitID: p.UnitID, Details: map[string]any{"user_id": p.ID, "reason": reason}}); err != nil {
			return err
		}
		if s.deps.Alerts != nil {
			return s.deps.Alerts.Alert(ctx, tx, Alert{Key: "absence-decided:" + id, UserID: p.ID, Kind: AlertDecided,
				Text: ruDate(a.StartsOn) + "–" + ruDate(a.EndsOn), Link: "/absences"})
		}
		return nil
	})
	if err != nil {
		return Absence{}, err
	}
	a, _, err := s.get(ctx, s.db, id)
	if err == nil && approve {
		s.approved(ctx, a)
	}
	return a, err
}

// Cancel withdraws a request or an approved absence that has not ended:
// the person themselves or their head.
func (s *Service) Cancel(ctx context.Context, sc access.Scope, id string) (Absence, error) {
	var a Absence
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if a, _, err = s.get(ctx, tx, id); err != nil {
			return err
		}
		p, err := s.person(ctx, tx, a.UserID)
		if err != nil {
			return err
		}
		if p.ID != sc.UserID && !isHead(sc, p) {
			if !sc.Covers(p.UnitPath) {
				return db.ErrNotFound
			}
			return valid.Refuse(access.ErrForbidden, "absence_not_head", "only the head of the person's unit decides on absences")
		}
		if (a.Status != Requested && a.Status != Approved) || a.EndsOn < s.today() {
			return valid.Refuse(db.ErrConflict, "absence_state", "the absence is not awaiting a decision")
		}
		if ok, err := s.setStatus(ctx, tx, id, a.Status, Cancelled, sc.UserID, ""); err != nil {
			return err
		} else if !ok {
			return valid.Refuse(db.ErrConflict, "absence_state", "the absence is not awaiting a decision")
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "absence.cancel", ObjectType: "absence", ObjectID: id, UnitID: p.UnitID,
			Details: map[string]any{"user_id": p.ID}})
	})
	if err != nil {
		return Absence{}, err
	}
	if s.deps.Watcher != nil {
		s.deps.Watcher.AbsenceChanged(ctx, a.UserID)
	}
	a, _, err = s.get(ctx, s.db, id)
	return a, err
}

// approved applies an approved absence after its commit: routing hears
// of it, and whoever gave the person open work is told they are away.
// Failures here are logged: the absence itself stands.
func (s *Service) approved(ctx context.Context, a Absence) {
	ctx = context.WithoutCancel(ctx)
	if s.deps.Watcher != nil {
		s.deps.Watcher.AbsenceChanged(ctx, a.UserID)
	}
	if s.deps.Work == nil || s.deps.Alerts == nil || a.EndsOn < s.today() {
		return
	}
	work, err := s.deps.Work.OpenWorkOf(ctx, a.UserID)
	if err != nil {
		s.log.Warn("open work of an absent person not read", "user", a.UserID, "err", err)
		return
	}
	for _, w := range work {
		if w.AssignedBy == "" || w.AssignedBy == a.UserID {
			continue
		}
		text := fmt.Sprintf("%s (%s–%s) · %s", a.UserName, ruDate(a.StartsOn), ruDate(a.EndsOn), w.Text)
		if err := s.deps.Alerts.Alert(ctx, nil, Alert{Key: "absent:" + a.ID + ":" + w.Key, UserID: w.AssignedBy, Kind: AlertAbsent,
			Text: text, Link: w.Link}); err != nil {
			s.log.Warn("absent executor notice failed", "user", w.AssignedBy, "err", err)
		}
	}
}
