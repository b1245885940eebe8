package worktime_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/worktime"
)

type team struct {
	n              *hubtest.Node
	op, ch, chB    org.User
	unitA, unitB   org.Unit
	opW, chW, chBW *hubtest.Browser
	now            time.Time
}

func setup(t *testing.T) *team {
	n := hubtest.Start(t)
	tm := &team{n: n}
	tm.unitA = n.AddUnit(t, "", org.Committee, "Обком А")
	tm.unitB = n.AddUnit(t, "", org.Committee, "Обком Б")
	tm.op = n.AddUser(t, "wt.op", access.Operator, tm.unitA.ID, "password-wt")
	tm.ch = n.AddUser(t, "wt.ch", access.Chairman, tm.unitA.ID, "password-wt")
	tm.chB = n.AddUser(t, "wt.chb", access.Chairman, tm.unitB.ID, "password-wt")
	login := func(l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, "password-wt"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	tm.opW, tm.chW, tm.chBW = login("wt.op"), login("wt.ch"), login("wt.chb")
	n.Worktime.SetClock(func() time.Time { return tm.now })
	return tm
}

func (tm *team) set(s string) {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, tm.n.Config.Zone())
	if err != nil {
		panic(err)
	}
	tm.now = t
}

func (tm *team) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	if err := tm.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func sheet(t *testing.T, b *hubtest.Browser, q string) worktime.Sheet {
	t.Helper()
	code, body := b.Do(t, "GET", "/api/v1/worktime/sheet?"+q, "")
	if code != 200 {
		t.Fatalf("sheet = %d %s", code, body)
	}
	var sh worktime.Sheet
	if err := json.Unmarshal([]byte(body), &sh); err != nil {
		t.Fatal(err)
	}
	return sh
}

func rowOf(sh worktime.Sheet, id string) worktime.Row {
	for _, r := range sh.Rows {
		if r.UserID == id {
			return r
		}
	}
	return worktime.Row{}
}

// TestWorkingDay: an operator starts, pauses, resumes and ends the day;
// actions the state does not allow are refused in Russian and change
// nothing; a day left running ends at its midnight when the next starts.
func TestWorkingDay(t *testing.T) {
	tm := setup(t)
	step := func(when, action string, code int, text string) {
		t.Helper()
		tm.set(when)
		c, body := tm.opW.Do(t, "POST", "/api/v1/worktime/"+action, "")
		if c != code || !strings.Contains(body, text) {
			t.Fatalf("%s at %s = %d %s; want %d with %q", action, when, c, body, code, text)
		}
	}
	step("2026-12-01 08:00", "end", 409, "Рабочий день ещё не начат")
	step("2026-12-01 09:00", "start", 200, `"state":"working"`)
	step("2026-12-01 09:01", "start", 409, "Рабочий день уже начат")
	step("2026-12-01 09:02", "resume", 409, "не на паузе")
	step("2026-12-01 13:00", "pause", 200, `"minutes":240`)
	step("2026-12-01 13:10", "pause", 409, "уже на паузе")
	step("2026-12-01 14:00", "resume", 200, `"state":"working"`)
	step("2026-12-01 18:30", "end", 200, `"minutes":510`)
	step("2026-12-01 18:31", "start", 409, "Рабочий день уже завершён")
	step("2026-12-01 18:32", "dance", 422, "начать, пауза, продолжить или завершить")
	if n := tm.count(t, "worktime_intervals"); n != 2 {
		t.Fatalf("intervals = %d, want 2", n)
	}
	// the next day: the day is over, a new one starts; it is left running
	step("2026-12-02 20:00", "start", 200, `"day":"2026-12-02"`)
	// after midnight it still runs and may be ended, counted up to midnight
	step("2026-12-03 01:00", "end", 200, `"state":"off"`)
	// a day left running is closed at its midnight when the next one starts
	step("2026-12-03 22:00", "start", 200, `"state":"working"`)
	step("2026-12-04 09:00", "start", 200, `"day":"2026-12-04"`)
	sh := sheet(t, tm.chW, "month=2026-12")
	r := rowOf(sh, tm.op.ID)
	if got := [3]int{r.Cells[0].Minutes, r.Cells[1].Minutes, r.Cells[2].Minutes}; got != [3]int{510, 240, 120} {
		t.Fatalf("cells = %v, want 510 240 120", got)
	}
}

// TestSheetAndCorrections: the chairman sees the unit's sheet with the
// operator's hours, absences by letter and the month's norm from the
// production calendar, corrects a cell with a reason (audited, computed
// value kept) and exports it; refusals change nothing.
func TestSheetAndCorrections(t *testing.T) {
	tm := setup(t)
	tm.set("2026-12-01 09:00")
	tm.opW.Do(t, "POST", "/api/v1/worktime/start", "")
	tm.set("2026-12-01 17:00")
	tm.opW.Do(t, "POST", "/api/v1/worktime/end", "")
	vac := `{"user_id":"` + tm.op.ID + `","kind":"vacation","starts_on":"2026-12-14","ends_on":"2026-12-15"}`
	if code, body := tm.chW.Do(t, "POST", "/api/v1/absences", vac); code != http.StatusCreated {
		t.Fatalf("absence = %d %s", code, body)
	}
	sh := sheet(t, tm.chW, "month=2026-12")
	cal := tm.n.WorkCal.Calendar()
	norm := 0
	for d := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC); d.Month() == 12; d = d.AddDate(0, 0, 1) {
		norm += cal.WorkingHours(d)
	}
	if sh.NormHours != norm || norm < 160 || len(sh.Days) != 31 || !sh.Days[5].Off || !sh.MayCorrect {
		t.Fatalf("norm %d (calendar %d), days %d, 6th off %v, may correct %v", sh.NormHours, norm, len(sh.Days), sh.Days[5].Off, sh.MayCorrect)
	}
	r := rowOf(sh, tm.op.ID)
	if r.Name == "" || r.Cells[0].Minutes != 480 || r.Cells[13].Code != "О" || r.Cells[14].Code != "О" || r.Minutes != 480 || !r.MayCorrect {
		t.Fatalf("operator's row = %+v", r)
	}
	if rowOf(sh, tm.ch.ID).MayCorrect {
		t.Fatal("the chairman may correct their own time")
	}
	refusals := []struct {
		name string
		b    *hubtest.Browser
		body string
		code int
		text string
	}{
		{"no reason", tm.chW, `{"user_id":"` + tm.op.ID + `","day":"2026-12-01","hours":7,"reason":"  "}`, 422, "Укажите причину"},
		{"too many hours", tm.chW, `{"user_id":"` + tm.op.ID + `","day":"2026-12-01","hours":25,"reason":"x"}`, 422, "от 0 до 24"},
		{"a day to come", tm.chW, `{"user_id":"` + tm.op.ID + `","day":"2027-01-20","hours":8,"reason":"x"}`, 422, "не наступивший"},
		{"a head of another committee", tm.chBW, `{"user_id":"` + tm.op.ID + `","day":"2026-12-01","hours":8,"reason":"x"}`, 403, "своих подразделений"},
		{"an operator", tm.opW, `{"user_id":"` + tm.ch.ID + `","day":"2026-12-01","hours":8,"reason":"x"}`, 403, "руководитель его подразделения"},
		{"one's own", tm.chW, `{"user_id":"` + tm.ch.ID + `","day":"2026-12-01","hours":8,"reason":"x"}`, 403, "руководитель его подразделения"},
	}
	for _, c := range refusals {
		code, body := c.b.Do(t, "POST", "/api/v1/worktime/corrections", c.body)
		if code != c.code || !strings.Contains(body, c.text) {
			t.Errorf("%s = %d %s; want %d with %q", c.name, code, body, c.code, c.text)
		}
	}
	if n := tm.count(t, "worktime_corrections"); n != 0 {
		t.Fatalf("the refusals stored %d corrections", n)
	}
	// a unit outside the scope is refused
	if code, body := tm.chBW.Do(t, "GET", "/api/v1/worktime/sheet?unit="+tm.unitA.ID, ""); code != 404 || !strings.Contains(body, "не входит в ваши") {
		t.Fatalf("another unit's sheet = %d %s", code, body)
	}
	if code, _ := tm.chBW.Do(t, "GET", "/api/v1/worktime/sheet.xlsx?unit="+tm.unitA.ID, ""); code != 404 {
		t.Fatalf("another unit's file = %d", code)
	}
	fix := `{"user_id":"` + tm.op.ID + `","day":"2026-12-01","hours":8.5,"reason":"=приём граждан до 17:30"}`
	if code, body := tm.chW.Do(t, "POST", "/api/v1/worktime/corrections", fix); code != 200 || !strings.Contains(body, `"minutes":510,"computed":480`) {
		t.Fatalf("correct = %d %s", code, body)
	}
	r = rowOf(sheet(t, tm.opW, "month=2026-12"), tm.op.ID)
	if c := r.Cells[0]; c.Minutes != 510 || c.Correction == nil || c.Correction.Reason != "=приём граждан до 17:30" || c.Correction.ByName == "" || r.Minutes != 510 {
		t.Fatalf("corrected cell = %+v", c)
	}
	var audited int
	if err := tm.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM audit_log WHERE action = 'worktime.correct'`).Scan(&audited); err != nil || audited != 1 {
		t.Fatalf("audited %d, %v", audited, err)
	}
	// the file: names as text (a name like a formula too), hours as numbers
	if _, err := tm.n.DB.ExecContext(context.Background(), `UPDATE users SET full_name = $1 WHERE id = $2`,
		`=HYPERLINK("http://evil","Жми")`, tm.ch.ID); err != nil {
		t.Fatal(err)
	}
	code, body := tm.chW.Do(t, "GET", "/api/v1/worktime/sheet.xlsx?month=2026-12", "")
	if code != 200 {
		t.Fatalf("xlsx = %d", code)
	}
	x, err := excelize.OpenReader(bytes.NewReader([]byte(body)))
	if err != nil {
		t.Fatal(err)
	}
	name := x.GetSheetName(0)
	rows, _ := x.GetRows(name)
	var opRow []string
	for _, row := range rows {
		if len(row) > 0 && row[0] == tm.op.FullName {
			opRow = row
		}
	}
	if len(opRow) < 34 || opRow[1] != "8.5" || opRow[14] != "О" || opRow[32] != "8.5" {
		t.Fatalf("operator's row in the file = %q", opRow)
	}
	var names []string
	for _, row := range rows[2:] {
		names = append(names, row[0])
	}
	if !slices.Contains(names, `'=HYPERLINK("http://evil","Жми")`) {
		t.Fatalf("the formula-like name was not neutralised: %q", names)
	}
	comments, _ := x.GetComments(name)
	if len(comments) != 1 || len(comments[0].Paragraph) != 1 || !strings.Contains(comments[0].Paragraph[0].Text, "приём граждан") {
		t.Fatalf("comments = %+v", comments)
	}
	for r, row := range rows {
		for i := range row {
			if f, _ := x.GetCellFormula(name, cellName(i+1, r+1)); f != "" {
				t.Fatalf("a formula in the file: %q", f)
			}
		}
	}
}

func cellName(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
