package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCalendarInChromium: a secretary schedules a plenum and invites an
// employee; it shows in the month view; the employee accepts it from the
// event card; the week and the day place it by its hours; a member's
// birthday shows when asked for; the phone sees a list
// (web/browsertest/calendar.test.mjs).
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
	// a union member born on the 15th, the plenum's day (the script's month is UTC's)
	ppo := n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода")
	if _, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: ppo.ID, Surname: "Жукова", GivenName: "Ольга",
		BirthDate: "1985-" + time.Now().UTC().Format("01") + "-15"}, true); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "calendar.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + pw}})
}
