package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealCategories keeps the categories of appeals and their deadlines.
type AppealCategories struct{ db *db.DB }

// AppealCategoryInput is what an administrator sets on a category: its
// name and its deadline (SLA) in days, counted in working days (of the production
// calendar) or calendar days.
type AppealCategoryInput struct {
	Name        string `json:"name"`
	SLADays     int    `json:"sla_days"`
	WorkingDays bool   `json:"working_days"`
	Disabled    bool   `json:"disabled"` // no longer offered; its appeals keep it
}

// AppealCategory is a stored category.
type AppealCategory struct {
	ID string `json:"id"`
	AppealCategoryInput
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MaxSLADays bounds a category's deadline: a year.
const MaxSLADays = 366

func (in *AppealCategoryInput) normalize() error {
	in.Name = strings.Join(strings.Fields(in.Name), " ")
	if in.Name == "" || len([]rune(in.Name)) > 200 {
		return valid.Errorf("name", "name", "a category needs a name of at most 200 characters")
	}
	if in.SLADays < 1 || in.SLADays > MaxSLADays {
		return valid.Errorf("sla_days", "sla_days", "the deadline must be 1 to %d days", MaxSLADays)
	}
	return nil
}

// WorkingDays is the production calendar as the CRM counts deadlines with
// it (*workcal.Calendar, passed by the hub).
type WorkingDays interface {
	AddWorkingDays(from time.Time, n int) time.Time
}

// DueDate is the deadline of an appeal filed at from under a category:
// days calendar days later, or days working days later by cal (the
// production calendar: weekends, public holidays and transfers skipped;
// nil skips Saturdays and Sundays only).
func (c AppealCategory) DueDate(from time.Time, cal WorkingDays) string {
	return addDays(from, c.SLADays, c.WorkingDays, cal).Format(time.DateOnly)
}

func addDays(from time.Time, days int, working bool, cal WorkingDays) time.Time {
	if !working {
		return from.AddDate(0, 0, days)
	}
	if cal != nil {
		return cal.AddWorkingDays(from, days)
	}
	d := from
	for days > 0 {
		d = d.AddDate(0, 0, 1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			days--
		}
	}
	return d
}

const categoryColumns = `id, name, sla_days, working_days, disabled, created_at, updated_at`

func scanCategory(row interface{ Scan(...any) error }) (AppealCategory, error) {
	var c AppealCategory
	var created, updated int64
	err := row.Scan(&c.ID, &c.Name, &c.SLADays, &c.WorkingDays, &c.Disabled, &created, &updated)
	c.CreatedAt, c.UpdatedAt = db.Time(created), db.Time(updated)
	return c, err
}

// AppealCategories returns the categories by name; disabled ones only
// when all is set. Everyone who works appeals reads them.
func (s *AppealCategories) AppealCategories(ctx context.Context, sc access.Scope, all bool) ([]AppealCategory, error) {
	if err := requireAppeals(sc); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+categoryColumns+` FROM crm_appeal_categories WHERE $1 OR NOT disabled ORDER BY name_folded`, all)
	if err != nil {
		return nil, fmt.Errorf("crm: appeal categories: %w", err)
	}
	defer rows.Close()
	out := []AppealCategory{}
	for rows.Next() {
		c, err := scanCategory(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: appeal categories: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// appealCategory reads one category; an unknown id is a field error, as
// it comes from a form.
func appealCategory(ctx context.Context, q db.Execer, id string) (AppealCategory, error) {
	c, err := scanCategory(q.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM crm_appeal_categories WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, valid.Errorf("category_id", "category", "no such appeal category")
	}
	if err != nil {
		return c, fmt.Errorf("crm: appeal category: %w", err)
	}
	return c, nil
}

// appealCategory reads one category by id, for an update that keeps
// the fields it does not give.
func (s *AppealCategories) appealCategory(ctx context.Context, id string) (AppealCategory, error) {
	return appealCategory(ctx, s.db, id)
}

// FindAppealCategory finds a category by id or by name (case and ё/е
// folded), for the command line.
func (s *AppealCategories) FindAppealCategory(ctx context.Context, idOrName string) (AppealCategory, error) {
	c, err := scanCategory(s.db.QueryRowContext(ctx, `SELECT `+categoryColumns+` FROM crm_appeal_categories WHERE id = $1 OR name_folded = $2`,
		idOrName, norm.Fold(strings.Join(strings.Fields(idOrName), " "))))
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("crm: appeal category %q: %w", idOrName, db.ErrNotFound)
	}
	return c, err
}

// CreateAppealCategory adds a category (access.ManageAppeals).
func (s *AppealCategories) CreateAppealCategory(ctx context.Context, sc access.Scope, in AppealCategoryInput) (AppealCategory, error) {
	return s.saveAppealCategory(ctx, sc, "", in)
}

// UpdateAppealCategory changes a category; appeals already filed keep
// their due dates.
func (s *AppealCategories) UpdateAppealCategory(ctx context.Context, sc access.Scope, id string, in AppealCategoryInput) (AppealCategory, error) {
	return s.saveAppealCategory(ctx, sc, id, in)
}

func (s *AppealCategories) saveAppealCategory(ctx context.Context, sc access.Scope, id string, in AppealCategoryInput) (AppealCategory, error) {
	if err := sc.Require(access.ManageAppeals); err != nil {
		return AppealCategory{}, err
	}
	if err := in.normalize(); err != nil {
		return AppealCategory{}, err
	}
	action := "appeal_category.update"
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		var res sql.Result
		var err error
		if id == "" {
			id, action = uuid.Must(uuid.NewV7()).String(), "appeal_category.create"
			res, err = tx.ExecContext(ctx, `INSERT INTO crm_appeal_categories (id, name, name_folded, sla_days, working_days, disabled, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, in.Name, norm.Fold(in.Name), in.SLADays, in.WorkingDays, in.Disabled, now)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE crm_appeal_categories SET name = $2, name_folded = $3, sla_days = $4, working_days = $5,
				disabled = $6, updated_at = $7 WHERE id = $1`, id, in.Name, norm.Fold(in.Name), in.SLADays, in.WorkingDays, in.Disabled, now)
		}
		if db.IsUniqueViolation(err) {
			return valid.Refuse(db.ErrConflict, "category_taken", "a category named %q exists", in.Name)
		}
		if err != nil {
			return fmt.Errorf("crm: save appeal category: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("crm: appeal category %s: %w", id, db.ErrNotFound)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "appeal_category", ObjectID: id, UnitID: sc.UnitID,
			Details: map[string]any{"name": in.Name, "sla_days": in.SLADays, "working_days": in.WorkingDays, "disabled": in.Disabled}})
	})
	if err != nil {
		return AppealCategory{}, err
	}
	return appealCategory(ctx, s.db, id)
}
