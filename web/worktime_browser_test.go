package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/web/browsertest"
)

// TestWorktimeInChromium: an operator starts and ends the working day
// from the header, the chairman opens the unit's time sheet (earlier days
// of work seeded, a vacation by its letter), corrects the operator's
// today with a reason, and the sheet shows the cell marked with the
// reason on hover (web/browsertest/worktime.test.mjs; screenshots
// worktime-sheet.png and worktime-sheet-390.png).
func TestWorktimeInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "worktime-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "op1", Role: access.Operator},
		browsertest.User{Login: "op2", Role: access.Operator}, browsertest.User{Login: "chair", Role: access.Chairman})
	zone := n.Config.Zone()
	now := time.Now().In(zone)
	// the month's earlier working days: 9:00-13:00 and 14:00-18:00
	for d := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, zone); d.Day() < now.Day(); d = d.AddDate(0, 0, 1) {
		if n.WorkCal.Calendar().WorkingHours(d) == 0 {
			continue
		}
		for i, u := range []string{users["op1"].ID, users["op2"].ID} {
			for j, span := range [][2]int{{9, 13}, {14, 18 - i}} {
				from, to := d.Add(time.Duration(span[0])*time.Hour), d.Add(time.Duration(span[1])*time.Hour)
				if _, err := n.DB.ExecContext(ctx, `INSERT INTO worktime_intervals (id, user_id, day, started_at, ended_at, closed_by)
					VALUES ($1, $2, $3, $4, $5, $6)`, fmt.Sprintf("seed-%s-%d-%d", d.Format("0102"), i, j), u, d.Format(time.DateOnly),
					from.UnixMilli(), to.UnixMilli(), map[int]string{0: "pause", 1: "end"}[j]); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	browsertest.Run(t, browsertest.Script{Name: "worktime.test.mjs", Base: n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PROFHUB_TODAY=" + now.Format(time.DateOnly)}})
}
