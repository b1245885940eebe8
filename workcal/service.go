package workcal

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Service keeps the calendar's years: the shipped files, overridden by the
// administrator's uploads (stored, so every node and every restart sees
// them). Each node reloads the uploads now and then (Run), so an upload on
// one node reaches the others within ReloadEvery.
type Service struct {
	db  *db.DB
	log *slog.Logger
	cal *Calendar
}

// ReloadEvery is how often Run rereads the uploaded years.
const ReloadEvery = 5 * time.Minute

// NewService loads the shipped and uploaded years into a calendar. A
// database that cannot be read leaves the shipped years in place (the
// node still counts deadlines) and is retried by Run.
func NewService(ctx context.Context, d *db.DB, log *slog.Logger) (*Service, error) {
	if log == nil {
		log = slog.Default()
	}
	base, err := Shipped()
	if err != nil {
		return nil, err
	}
	s := &Service{db: d, log: log.With("pkg", "workcal"), cal: New(base...)}
	if err := s.Reload(ctx); err != nil {
		s.log.Warn("uploaded production calendars not read; using the shipped ones", "err", err)
	}
	return s, nil
}

// Calendar is the live calendar the domains count with.
func (s *Service) Calendar() *Calendar { return s.cal }

// Run rereads the uploads every ReloadEvery until ctx ends.
func (s *Service) Run(ctx context.Context) {
	t := time.NewTicker(ReloadEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Reload(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("production calendar reload failed", "err", err)
			}
		}
	}
}

// Reload builds the calendar from the shipped years and the uploads.
func (s *Service) Reload(ctx context.Context) error {
	years, err := Shipped()
	if err != nil {
		return err
	}
	up, err := s.uploads(ctx)
	if err != nil {
		return err
	}
	for _, u := range up {
		years = slices.DeleteFunc(years, func(y Year) bool { return y.Year == u.Year.Year })
		years = append(years, u.Year)
	}
	s.cal.Set(years)
	return nil
}

// Summary is one year as the administrator's page lists it.
type Summary struct {
	Year         int       `json:"year"`
	Source       string    `json:"source"`
	Provisional  bool      `json:"provisional"`
	Origin       string    `json:"origin"` // shipped | uploaded
	UploadedBy   string    `json:"uploaded_by,omitempty"`
	UploadedAt   time.Time `json:"uploaded_at,omitzero"`
	WorkingDays  int       `json:"working_days"`
	WorkingHours int       `json:"working_hours"`
	Holidays     int       `json:"holidays"`
	DaysOff      int       `json:"days_off"`
	ShortDays    int       `json:"short_days"`
}

// Years lists the known years, newest last.
func (s *Service) Years(ctx context.Context, sc access.Scope) ([]Summary, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	if err := s.Reload(ctx); err != nil {
		return nil, err
	}
	up, err := s.uploads(ctx)
	if err != nil {
		return nil, err
	}
	byYear := map[int]upload{}
	for _, u := range up {
		byYear[u.Year.Year] = u
	}
	var out []Summary
	for y := 2000; y <= 2100; y++ {
		yr, ok := s.cal.Known(y)
		if !ok {
			continue
		}
		d, h := s.cal.Totals(y)
		sm := Summary{Year: y, Source: yr.Source, Provisional: yr.Provisional, Origin: "shipped", WorkingDays: d, WorkingHours: h,
			Holidays: len(yr.Holidays), DaysOff: len(yr.DaysOff), ShortDays: len(yr.ShortDays)}
		if u, ok := byYear[y]; ok {
			sm.Origin, sm.UploadedBy, sm.UploadedAt = "uploaded", u.ByName, u.At
		}
		out = append(out, sm)
	}
	return out, nil
}

// Upload checks a year's file and, when it is good, stores it over the
// shipped or an earlier uploaded file of that year. A bad file changes
// nothing and is refused with what is wrong with it.
func (s *Service) Upload(ctx context.Context, sc access.Scope, year int, raw []byte) (Summary, error) {
	if err := sc.Require(access.ManageSettings); err != nil {
		return Summary{}, err
	}
	y, err := Parse(raw, year)
	if err != nil {
		return Summary{}, err
	}
	data, err := json.Marshal(y)
	if err != nil {
		return Summary{}, err
	}
	days, hours := New(y).Totals(y.Year)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO workcal_years (year, data, uploaded_by, uploaded_by_name, uploaded_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (year) DO UPDATE SET data = excluded.data, uploaded_by = excluded.uploaded_by,
			uploaded_by_name = excluded.uploaded_by_name, uploaded_at = excluded.uploaded_at`,
			y.Year, string(data), sc.UserID, sc.UserName, db.Now()); err != nil {
			return fmt.Errorf("workcal: upload: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "workcal.upload", ObjectType: "workcal_year", ObjectID: strconv.Itoa(y.Year),
			Details: map[string]any{"source": y.Source, "provisional": y.Provisional, "working_days": days, "working_hours": hours}})
	})
	if err != nil {
		return Summary{}, err
	}
	if err := s.Reload(ctx); err != nil {
		return Summary{}, err
	}
	return s.summary(ctx, sc, y.Year)
}

// Revert drops a year's upload: the shipped file (or the code's fixed
// holidays) applies again.
func (s *Service) Revert(ctx context.Context, sc access.Scope, year int) error {
	if err := sc.Require(access.ManageSettings); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM workcal_years WHERE year = $1`, year)
		if err != nil {
			return fmt.Errorf("workcal: revert: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return db.ErrNotFound
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "workcal.revert", ObjectType: "workcal_year", ObjectID: strconv.Itoa(year)})
	})
	if err != nil {
		return err
	}
	return s.Reload(ctx)
}

func (s *Service) summary(ctx context.Context, sc access.Scope, year int) (Summary, error) {
	all, err := s.Years(ctx, sc)
	if err != nil {
		return Summary{}, err
	}
	for _, sm := range all {
		if sm.Year == year {
			return sm, nil
		}
	}
	return Summary{}, db.ErrNotFound
}

// Days lists the dates from..to with their kinds (at most 400 days).
func (s *Service) Days(from, to time.Time) []Day { return s.cal.Days(from, to) }

// File is a year's file as the calendar uses it, for downloading and
// editing: the upload if there is one, else the shipped file.
func (s *Service) File(year int) (Year, error) {
	y, ok := s.cal.Known(year)
	if !ok {
		return Year{}, db.ErrNotFound
	}
	return y, nil
}
