package workcal_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
)

// TestUploadAYear: the administrator uploads a year's file over the
// shipped one (audited, used at once for deadlines), a bad file is
// refused in Russian and changes nothing, others may not upload, and the
// upload can be dropped for the shipped file.
func TestUploadAYear(t *testing.T) {
	n := hubtest.Start(t)
	n.AddUser(t, "wc.admin", access.Administrator, n.Root.ID, "password-wc")
	n.AddUser(t, "wc.op", access.Operator, n.Root.ID, "password-wc")
	admin, op := n.NewBrowser(t), n.NewBrowser(t)
	admin.Login(t, "wc.admin", "password-wc")
	op.Login(t, "wc.op", "password-wc")
	cal := n.WorkCal.Calendar()
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }

	if got := cal.AddWorkingDays(day("2026-12-29"), 5).Format(time.DateOnly); got != "2027-01-14" {
		t.Fatalf("shipped: 5 working days from 29.12.2026 = %s", got)
	}
	// A decree for 2027 that moves 2 and 3 January to 11 and 12 January
	// (an invented one: the test needs a difference).
	decree := `{"year": 2027, "source": "постановление (проверка)", "provisional": false,
		"holidays": [{"date": "2027-01-01", "name": "Новый год"}, {"date": "2027-01-02"}, {"date": "2027-01-03"}, {"date": "2027-01-04"},
			{"date": "2027-01-05"}, {"date": "2027-01-06"}, {"date": "2027-01-07"}, {"date": "2027-01-08"}, {"date": "2027-02-23"},
			{"date": "2027-03-08"}, {"date": "2027-05-01"}, {"date": "2027-05-09"}, {"date": "2027-06-12"}, {"date": "2027-11-04"}],
		"days_off": [{"date": "2027-01-11"}, {"date": "2027-01-12"}, {"date": "2027-05-03"}, {"date": "2027-05-10"}, {"date": "2027-06-14"}],
		"working_weekends": [], "short_days": []}`
	if code, body := op.Do(t, "PUT", "/api/v1/workcal/years/2027", decree); code != http.StatusForbidden {
		t.Fatalf("an operator uploads: %d %s", code, body)
	}
	code, body := admin.Do(t, "PUT", "/api/v1/workcal/years/2027", `{"year": 2027, "holidays": [{"date": "2027-13-01"}]}`)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "не дата 2027 года") {
		t.Fatalf("a bad file = %d %s; want 422 in Russian", code, body)
	}
	code, body = admin.Do(t, "PUT", "/api/v1/workcal/years/2026", decree)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Файл описывает 2027 год") {
		t.Fatalf("a file of another year = %d %s", code, body)
	}
	if got := cal.AddWorkingDays(day("2026-12-29"), 5).Format(time.DateOnly); got != "2027-01-14" {
		t.Fatalf("a refused file changed the calendar: %s", got)
	}
	if code, body = admin.Do(t, "PUT", "/api/v1/workcal/years/2027", decree); code != http.StatusOK || !strings.Contains(body, `"origin":"uploaded"`) {
		t.Fatalf("upload = %d %s", code, body)
	}
	if got := cal.AddWorkingDays(day("2026-12-29"), 5).Format(time.DateOnly); got != "2027-01-18" {
		t.Errorf("after the upload: 5 working days from 29.12.2026 = %s, want 2027-01-18", got)
	}
	if code, body = admin.Do(t, "GET", "/api/v1/audit?action=workcal.upload", ""); code != http.StatusOK || !strings.Contains(body, `"object_id":"2027"`) {
		t.Errorf("audit = %d %s", code, body)
	}
	if code, body = op.Do(t, "GET", "/api/v1/workcal/days?from=2027-01-11&to=2027-01-11", ""); code != http.StatusOK || !strings.Contains(body, `"kind":"day_off"`) {
		t.Errorf("days = %d %s", code, body)
	}
	if code, body = admin.Do(t, "DELETE", "/api/v1/workcal/years/2027", ""); code != http.StatusNoContent {
		t.Fatalf("revert = %d %s", code, body)
	}
	if got := cal.AddWorkingDays(day("2026-12-29"), 5).Format(time.DateOnly); got != "2027-01-14" {
		t.Errorf("after the revert: %s, want the shipped 2027-01-14", got)
	}
}
