package worktime

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Sheet is a unit's time sheet for one month.
type Sheet struct {
	UnitID    string `json:"unit_id"`
	UnitName  string `json:"unit_name"`
	Month     string `json:"month"` // YYYY-MM
	Days      []Day  `json:"days"`
	NormHours int    `json:"norm_hours"` // the month's norm at a 40-hour week
	Rows      []Row  `json:"rows"`
	// MayCorrect says the caller heads someone on the sheet.
	MayCorrect bool `json:"may_correct"`
}

// Day is a column: the date and its kind in the production calendar.
type Day struct {
	Date  string `json:"date"`
	Hours int    `json:"hours"`   // the norm: 0 on weekends and holidays
	Off   bool   `json:"off"`     // a weekend, a holiday or a day off
	Holi  bool   `json:"holiday"` // a public holiday
}

// Row is one person's month.
type Row struct {
	UserID     string `json:"user_id"`
	Name       string `json:"name"`
	Cells      []Cell `json:"cells"`
	Minutes    int    `json:"minutes"` // the month's total, corrections counted
	MayCorrect bool   `json:"may_correct"`
}

// Cell is one person's day: the minutes that count, the absence's letter,
// and the head's correction if there is one.
type Cell struct {
	Minutes    int         `json:"minutes"`
	Code       string      `json:"code,omitempty"`
	Correction *Correction `json:"correction,omitempty"`
}

// person is what the rules need of a staff member.
type person struct {
	ID, Name, UnitPath string
	Role               access.Role
}

// isHead: the absences' rule, a head whose scope covers the person and
// who may approve absences; not for oneself unless one administers.
func isHead(sc access.Scope, p person) bool {
	if !sc.Can(access.ApproveAbsences) || !sc.Covers(p.UnitPath) {
		return false
	}
	return p.ID != sc.UserID || sc.Role == access.Administrator
}

// Month builds the sheet of the subtree of unitID ("" the caller's unit)
// for month (YYYY-MM, "" this month). A unit outside the caller's scope
// is not found.
func (s *Service) Month(ctx context.Context, sc access.Scope, unitID, month string) (Sheet, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Sheet{}, err
	}
	now := s.now().In(s.zone)
	if month == "" {
		month = now.Format("2006-01")
	}
	first, err := time.ParseInLocation("2006-01", month, s.zone)
	if err != nil || first.Year() < 2000 || first.Year() > 2100 {
		return Sheet{}, valid.Keyed("month", "worktime", "worktime_month", "the month must be YYYY-MM")
	}
	if unitID == "" {
		unitID = sc.UnitID
	}
	sh := Sheet{UnitID: unitID, Month: month}
	var path string
	err = s.db.QueryRowContext(ctx, `SELECT path, name FROM units WHERE id = $1`, unitID).Scan(&path, &sh.UnitName)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !sc.Covers(path)) {
		return Sheet{}, valid.Refuse(db.ErrNotFound, "worktime_unit", "the unit is not among yours")
	}
	if err != nil {
		return Sheet{}, fmt.Errorf("worktime: unit: %w", err)
	}
	last := first.AddDate(0, 1, -1)
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		day := Day{Date: d.Format(time.DateOnly)}
		if s.deps.Calendar != nil {
			day.Hours, day.Holi = s.deps.Calendar.WorkingHours(d), s.deps.Calendar.IsHoliday(d)
		} else if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			day.Hours = 8
		}
		day.Off = day.Hours == 0
		sh.NormHours += day.Hours
		sh.Days = append(sh.Days, day)
	}
	from, to := sh.Days[0].Date, sh.Days[len(sh.Days)-1].Date
	people, err := s.people(ctx, path)
	if err != nil {
		return Sheet{}, err
	}
	lo, hi := access.SubtreeRange(path)
	worked, err := s.inMonth(ctx, lo, hi, from, to)
	if err != nil {
		return Sheet{}, err
	}
	fixes, err := s.corrections(ctx, lo, hi, from, to)
	if err != nil {
		return Sheet{}, err
	}
	codes, err := s.absenceCodes(ctx, path, from, to)
	if err != nil {
		return Sheet{}, err
	}
	for _, p := range people {
		row := Row{UserID: p.ID, Name: p.Name, MayCorrect: isHead(sc, p)}
		sh.MayCorrect = sh.MayCorrect || row.MayCorrect
		byDay := map[string][]Interval{}
		for _, iv := range worked[p.ID] {
			byDay[iv.Day] = append(byDay[iv.Day], iv)
		}
		zone, err := s.zoneOf(ctx, s.db, p.ID)
		if err != nil {
			return Sheet{}, err
		}
		for _, d := range sh.Days {
			c := Cell{Minutes: Minutes(Worked(byDay[d.Date], zone, s.now())), Code: codes[p.ID][d.Date]}
			if fix, ok := fixes[p.ID][d.Date]; ok {
				c.Minutes, c.Correction = fix.Minutes, &fix
			}
			row.Minutes += c.Minutes
			row.Cells = append(row.Cells, c)
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh, nil
}

// absenceCodes are the letters of the people's approved absences by day.
func (s *Service) absenceCodes(ctx context.Context, path, from, to string) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if s.deps.Absences == nil {
		return out, nil
	}
	list, err := s.deps.Absences.Approved(ctx, path, from, to)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if out[a.UserID] == nil {
			out[a.UserID] = map[string]string{}
		}
		for d := max(a.StartsOn, from); d <= min(a.EndsOn, to); d = nextDay(d) {
			out[a.UserID][d] = Codes[a.Kind]
		}
	}
	return out, nil
}

func nextDay(d string) string {
	t, err := time.Parse(time.DateOnly, d)
	if err != nil {
		return "9999-12-31"
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// people are the active staff of the subtree at path, by name.
func (s *Service) people(ctx context.Context, path string) ([]person, error) {
	lo, hi := access.SubtreeRange(path)
	rows, err := s.db.QueryContext(ctx, `SELECT us.id, us.full_name, un.path, us.role FROM users us JOIN units un ON un.id = us.unit_id
		WHERE un.path >= $1 AND un.path < $2 AND NOT us.disabled ORDER BY us.full_name, us.id LIMIT 1000`, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("worktime: people: %w", err)
	}
	defer rows.Close()
	var out []person
	for rows.Next() {
		var p person
		if err := rows.Scan(&p.ID, &p.Name, &p.UnitPath, &p.Role); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// CorrectInput is a head's value for one cell.
type CorrectInput struct {
	UserID string  `json:"user_id"`
	Day    string  `json:"day"`   // YYYY-MM-DD
	Hours  float64 `json:"hours"` // 0..24, in steps of a minute
	Reason string  `json:"reason"`
}

// Correct sets the hours that count for a person's day, keeping the
// computed value beside them and the reason, audited. Only a head whose
// scope covers the person; a person outside it is refused as unknown;
// nothing changes on any refusal.
func (s *Service) Correct(ctx context.Context, sc access.Scope, in CorrectInput) (Correction, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	if in.Reason == "" {
		return Correction{}, valid.Keyed("reason", "worktime", "worktime_reason", "say why the hours are corrected")
	}
	if len([]rune(in.Reason)) > 500 {
		return Correction{}, valid.Keyed("reason", "worktime", "worktime_reason_long", "the reason must be at most 500 characters")
	}
	if math.IsNaN(in.Hours) || in.Hours < 0 || in.Hours > 24 {
		return Correction{}, valid.Keyed("hours", "worktime", "worktime_hours", "the hours must be from 0 to 24")
	}
	day, err := time.Parse(time.DateOnly, in.Day)
	if err != nil {
		return Correction{}, valid.Keyed("day", "worktime", "worktime_day", "the day must be a date (YYYY-MM-DD)")
	}
	if in.Day > s.now().In(s.zone).AddDate(0, 0, 1).Format(time.DateOnly) {
		return Correction{}, valid.Keyed("day", "worktime", "worktime_future", "a day still to come cannot be corrected")
	}
	var out Correction
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var p person
		var unitID string
		err := tx.QueryRowContext(ctx, `SELECT us.id, us.full_name, un.path, us.role, us.unit_id FROM users us JOIN units un ON un.id = us.unit_id
			WHERE us.id = $1`, in.UserID).Scan(&p.ID, &p.Name, &p.UnitPath, &p.Role, &unitID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !sc.Covers(p.UnitPath)) {
			return valid.Refuse(access.ErrForbidden, "worktime_scope", "you may correct the time of people in your units only")
		}
		if err != nil {
			return fmt.Errorf("worktime: person: %w", err)
		}
		if !isHead(sc, p) {
			return valid.Refuse(access.ErrForbidden, "worktime_not_head", "only the head of the person's unit corrects their time")
		}
		zone, err := s.zoneOf(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		list, err := s.ofDay(ctx, tx, p.ID, in.Day)
		if err != nil {
			return err
		}
		out = Correction{Minutes: int(math.Round(in.Hours * 60)), Computed: Minutes(Worked(list, zone, s.now())),
			Reason: in.Reason, By: sc.UserID}
		if err := s.putCorrection(ctx, tx, p.ID, day.Format(time.DateOnly), out); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "worktime.correct", ObjectType: "user", ObjectID: p.ID, UnitID: unitID,
			Details: map[string]any{"day": in.Day, "minutes": out.Minutes, "computed": out.Computed, "reason": in.Reason}})
	})
	return out, err
}
