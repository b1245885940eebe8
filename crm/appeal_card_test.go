package crm_test

import (
	"errors"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// user adds a real user (co-executors and notices refer to users) and
// returns their scope.
func (f *fixture) user(t *testing.T, login string, role access.Role, u org.Unit) access.Scope {
	t.Helper()
	us, err := org.NewStore(f.d).CreateUser(f.ctx, f.sys, org.NewUser{Login: login, FullName: "Сотрудник " + login, Role: role,
		UnitID: u.ID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return access.Scope{UserID: us.ID, UserName: us.FullName, Role: role, UnitID: u.ID, UnitPath: u.Path, From: "test"}
}

func TestAppealDueDate(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		from    string
		days    int
		working bool
		want    string
	}{
		{"2026-11-27", 10, false, "2026-12-07"}, // calendar days run through weekends
		{"2026-11-27", 1, true, "2026-11-30"},   // Friday + 1 working day: Monday
		{"2026-11-28", 1, true, "2026-11-30"},   // filed on Saturday
		{"2026-11-23", 5, true, "2026-11-30"},   // Monday + 5: next Monday
		{"2026-11-23", 15, true, "2026-12-14"},  // three weeks
		{"2026-12-31", 1, false, "2027-01-01"},
	} {
		c := crm.AppealCategory{AppealCategoryInput: crm.AppealCategoryInput{SLADays: tc.days, WorkingDays: tc.working}}
		if got := c.DueDate(day(tc.from), nil); got != tc.want {
			t.Errorf("%s + %d (working %v) = %s, want %s", tc.from, tc.days, tc.working, got, tc.want)
		}
	}
}

func TestAppealCategoriesAndSLA(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		pay, err := f.s.AppealCategories.CreateAppealCategory(f.ctx, f.sys, crm.AppealCategoryInput{Name: " Зарплата ", SLADays: 10})
		if err != nil || pay.Name != "Зарплата" {
			t.Fatalf("create category = %+v, %v", pay, err)
		}
		law, err := f.s.AppealCategories.CreateAppealCategory(f.ctx, f.sys, crm.AppealCategoryInput{Name: "Правовая консультация", SLADays: 5, WorkingDays: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.AppealCategories.CreateAppealCategory(f.ctx, f.sys, crm.AppealCategoryInput{Name: "ЗАРПЛАТА", SLADays: 3}); !errors.Is(err, db.ErrConflict) {
			t.Errorf("duplicate name = %v", err)
		}
		for _, bad := range []crm.AppealCategoryInput{{Name: "", SLADays: 3}, {Name: "x", SLADays: 0}, {Name: "x", SLADays: 400}} {
			if _, err := f.s.AppealCategories.CreateAppealCategory(f.ctx, f.sys, bad); !isField(err, "name") && !isField(err, "sla_days") {
				t.Errorf("bad category %+v = %v", bad, err)
			}
		}
		if _, err := f.s.AppealCategories.CreateAppealCategory(f.ctx, f.chairA, crm.AppealCategoryInput{Name: "y", SLADays: 3}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("chairman creates a category = %v", err)
		}

		// The due date comes from the category; an operator may not move it.
		a, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "Иванов", Subject: "Задержка зарплаты", CategoryID: pay.ID})
		if err != nil || a.DueOn != pay.DueDate(time.Now(), nil) || a.CategoryName != "Зарплата" {
			t.Fatalf("appeal with category = %+v, %v", a, err)
		}
		in := a.AppealInput
		in.DueOn = time.Now().AddDate(0, 2, 0).Format(time.DateOnly)
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, a.ID, in); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator moves the due date = %v", err)
		}
		if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "x", Subject: "x", CategoryID: pay.ID,
			DueOn: in.DueOn}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator files with a due date by hand = %v", err)
		}
		moved, err := f.s.Appeals.UpdateAppeal(f.ctx, f.chairA, a.ID, in)
		if err != nil || moved.DueOn != in.DueOn {
			t.Errorf("chairman moves the due date = %+v, %v", moved, err)
		}
		// A new category recomputes the deadline from the filing date.
		in = moved.AppealInput
		in.CategoryID = law.ID
		b, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, a.ID, in)
		if err != nil || b.DueOn != law.DueDate(a.CreatedAt, nil) || b.CategoryName != "Правовая консультация" {
			t.Errorf("category changed = %+v, %v", b, err)
		}
		// A disabled category is kept by its appeals but not offered.
		law.Disabled = true
		if _, err := f.s.AppealCategories.UpdateAppealCategory(f.ctx, f.sys, law.ID, law.AppealCategoryInput); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "x", Subject: "x", CategoryID: law.ID}); !isField(err, "category_id") {
			t.Errorf("appeal in a disabled category = %v", err)
		}
		if _, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "x", Subject: "x", CategoryID: "nope"}); !isField(err, "category_id") {
			t.Errorf("unknown category = %v", err)
		}
		if cs, _ := f.s.AppealCategories.AppealCategories(f.ctx, f.opA1, false); len(cs) != 1 || cs[0].ID != pay.ID {
			t.Errorf("offered categories = %+v", cs)
		}
		if cs, _ := f.s.AppealCategories.AppealCategories(f.ctx, f.opA1, true); len(cs) != 2 {
			t.Errorf("all categories = %+v", cs)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{CategoryID: law.ID}); page.Total != 1 || page.Appeals[0].ID != a.ID {
			t.Errorf("by category = %+v", page)
		}
		if page, _ := f.s.Appeals.ListAppeals(f.ctx, f.opA1, crm.AppealFilter{CategoryID: pay.ID}); page.Total != 0 {
			t.Errorf("by the old category = %+v", page)
		}
	})
}

func TestAppealCoExecutorsScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		resp := f.user(t, "resp", access.Operator, f.a1)
		lawyer := f.user(t, "lawyer", access.Executor, f.a) // the committee's lawyer, above the school
		idle := f.user(t, "idle", access.Executor, f.a1)
		opB := f.user(t, "opb", access.Operator, f.b1)
		a, err := f.s.Appeals.CreateAppeal(f.ctx, f.opA1, crm.AppealInput{UnitID: f.a1.ID, Applicant: "Петров", Subject: "Увольнение",
			ResponsibleID: resp.UserID, CoExecutorIDs: []string{lawyer.UserID, lawyer.UserID, resp.UserID}})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.CoExecutors) != 1 || a.CoExecutors[0].ID != lawyer.UserID || a.CoExecutors[0].Name != "Сотрудник lawyer" || a.ResponsibleName != "Сотрудник resp" {
			t.Fatalf("executors = %+v / %q", a.CoExecutors, a.ResponsibleName)
		}
		// The co-executor, an executor who sees only what is theirs, sees it
		// and finds it under "mine"; another executor does not.
		if _, err := f.s.Appeals.GetAppeal(f.ctx, lawyer, a.ID); err != nil {
			t.Errorf("co-executor's get = %v", err)
		}
		for _, c := range []struct {
			sc   access.Scope
			f    crm.AppealFilter
			want int
		}{
			{lawyer, crm.AppealFilter{}, 1}, {lawyer, crm.AppealFilter{Mine: true}, 1}, {resp, crm.AppealFilter{Mine: true}, 1},
			{idle, crm.AppealFilter{}, 0}, {f.opA1, crm.AppealFilter{Mine: true}, 0}, {f.opA1, crm.AppealFilter{}, 1},
			{f.opA2, crm.AppealFilter{}, 0}, {opB, crm.AppealFilter{}, 0}, {opB, crm.AppealFilter{Mine: true}, 0},
		} {
			if page, err := f.s.Appeals.ListAppeals(f.ctx, c.sc, c.f); err != nil || page.Total != c.want {
				t.Errorf("%s list %+v = %d, %v; want %d", c.sc.UserName, c.f, page.Total, err, c.want)
			}
		}
		for _, sc := range []access.Scope{idle, f.opA2, opB} {
			if _, err := f.s.Appeals.GetAppeal(f.ctx, sc, a.ID); !errors.Is(err, db.ErrNotFound) {
				t.Errorf("%s get = %v", sc.UserName, err)
			}
		}
		// Someone of another committee cannot be made a co-executor.
		in := a.AppealInput
		in.CoExecutorIDs = append(in.CoExecutorIDs, opB.UserID)
		if _, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, a.ID, in); !isField(err, "co_executor_ids") {
			t.Errorf("co-executor of another committee = %v", err)
		}
		// Taking the lawyer off the appeal takes it out of their sight.
		in.CoExecutorIDs = []string{idle.UserID}
		b, err := f.s.Appeals.UpdateAppeal(f.ctx, f.opA1, a.ID, in)
		if err != nil || len(b.CoExecutors) != 1 || b.CoExecutors[0].ID != idle.UserID {
			t.Fatalf("co-executors changed = %+v, %v", b.CoExecutors, err)
		}
		if _, err := f.s.Appeals.GetAppeal(f.ctx, lawyer, a.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("former co-executor's get = %v", err)
		}
		if _, err := f.s.Appeals.GetAppeal(f.ctx, idle, a.ID); err != nil {
			t.Errorf("new co-executor's get = %v", err)
		}
		h, err := f.s.AppealDetails.AppealHistory(f.ctx, f.opA1, a.ID)
		if err != nil || len(h) != 2 || h[0].Action != "create" || h[1].Action != "update" ||
			h[1].Changes["co_executors"] != [2]any{"Сотрудник lawyer", "Сотрудник idle"} {
			t.Errorf("history = %+v, %v", h, err)
		}
	})
}
