package absence

import (
	"context"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Chart is a unit's absences in one month: its people, and each absence
// sharing a day with the month (requested, approved and rejected ones;
// cancelled ones are gone).
type Chart struct {
	UnitID   string    `json:"unit_id"`
	Month    string    `json:"month"` // YYYY-MM
	From     string    `json:"from"`
	To       string    `json:"to"`
	People   []Person  `json:"people"`
	Absences []Absence `json:"absences"`
	// MayEnter says the caller may enter absences for others (a head).
	MayEnter bool `json:"may_enter"`
}

// Month charts the subtree of unitID ("" the caller's unit) in month
// (YYYY-MM, "" this month). A unit outside the caller's scope is not found.
func (s *Service) Month(ctx context.Context, sc access.Scope, unitID, month string) (Chart, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Chart{}, err
	}
	if month == "" {
		month = s.today()[:7]
	}
	first, err := time.Parse("2006-01", month)
	if err != nil {
		return Chart{}, valid.Keyed("month", "absence", "absence_month", "the month must be YYYY-MM")
	}
	path := sc.UnitPath
	if unitID == "" {
		unitID = sc.UnitID
	} else if err := s.db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path); err != nil || !sc.Covers(path) {
		return Chart{}, db.ErrNotFound
	}
	c := Chart{UnitID: unitID, Month: month, From: first.Format(time.DateOnly), To: first.AddDate(0, 1, -1).Format(time.DateOnly),
		MayEnter: sc.Can(access.ApproveAbsences)}
	if c.People, err = s.people(ctx, path); err != nil {
		return Chart{}, err
	}
	list, paths, err := s.inRange(ctx, path, c.From, c.To)
	if err != nil {
		return Chart{}, err
	}
	c.Absences = []Absence{}
	for i, a := range list {
		a.CanDecide = a.Status == Requested && isHead(sc, person{ID: a.UserID, UnitPath: paths[i]})
		c.Absences = append(c.Absences, a)
	}
	return c, nil
}

// Requests are the requests awaiting the caller's decision, oldest first.
func (s *Service) Requests(ctx context.Context, sc access.Scope) ([]Absence, error) {
	out := []Absence{}
	if !sc.Can(access.ApproveAbsences) {
		return out, nil
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT `+absenceColumns+`, un.path`+absenceFrom+`
		WHERE un.path >= $1 AND un.path < $2 AND a.status = 'requested' ORDER BY a.created_at LIMIT 500`, lo, hi)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		a, path, err := scanAbsence(rows)
		if err != nil {
			return nil, err
		}
		if a.CanDecide = isHead(sc, person{ID: a.UserID, UnitPath: path}); a.CanDecide {
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// Mine lists the caller's own absences from a month ago on.
func (s *Service) Mine(ctx context.Context, sc access.Scope) ([]Absence, error) {
	since := s.now().In(s.zone).AddDate(0, -1, 0).Format(time.DateOnly)
	rows, err := s.db.QueryContext(ctx, `SELECT `+absenceColumns+`, un.path`+absenceFrom+`
		WHERE a.user_id = $1 AND a.ends_on >= $2 ORDER BY a.starts_on LIMIT 200`, sc.UserID, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Absence{}
	for rows.Next() {
		a, _, err := scanAbsence(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ApprovedIn lists the approved absences of the people of the subtree at
// path sharing a day with from..to (the time sheet's letters).
func (s *Service) ApprovedIn(ctx context.Context, path, from, to string) ([]Absence, error) {
	list, _, err := s.inRange(ctx, path, from, to)
	out := list[:0]
	for _, a := range list {
		if a.Status == Approved {
			out = append(out, a)
		}
	}
	return out, err
}
