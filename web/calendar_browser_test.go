package web_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCalendarInChromium: a secretary schedules a plenum and invites an
// employee; it shows in the month view; the employee accepts it from the
// event card; the phone sees a list (web/browsertest/calendar.test.mjs).
func TestCalendarInChromium(t *testing.T) {
	n := browsertest.Start(t)
	const pw = "calendar-password"
	ctx := context.Background()
	hash, err := n.Auth.HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []org.NewUser{
		{Login: "secretary", FullName: "Петрова Анна Ивановна", Email: "petrova@example.org", Role: access.Secretary},
		{Login: "ivanov", FullName: "Иванов Сергей Петрович", Email: "ivanov@example.org", Role: access.Executor},
	} {
		u.UnitID, u.PasswordHash = n.Root.ID, hash
		if _, err := n.Org.CreateUser(ctx, n.System, u); err != nil {
			t.Fatal(err)
		}
	}
	browsertest.Run(t, browsertest.Script{Name: "calendar.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + pw}})
}
