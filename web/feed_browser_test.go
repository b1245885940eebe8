package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestFeedInChromium: three browser contexts. The chairman publishes an
// important post to the committee; it reaches the readers' open feed
// pages without a reload; reader A confirms "Ознакомлен"; the chairman
// opens the confirmation list and sees A among those who confirmed and B
// among those who have not, by full name (web/browsertest/feed.test.mjs).
func TestFeedInChromium(t *testing.T) {
	n := browsertest.Start(t)
	ctx := context.Background()
	const pw = "feed-password"
	unit, err := n.Org.CreateUnit(ctx, n.System, n.Root.ID, org.Committee, "Обком работников образования")
	if err != nil {
		t.Fatal(err)
	}
	scopes := map[string]access.Scope{}
	for _, u := range []struct {
		login, name string
		role        access.Role
	}{
		{"chair", "Кузнецова Ольга Петровна", access.Chairman},
		{"reader.a", "Смирнов Андрей Викторович", access.Operator},
		{"reader.b", "Волкова Елена Игоревна", access.Executor},
	} {
		hash, err := n.Auth.HashPassword(pw)
		if err != nil {
			t.Fatal(err)
		}
		user, err := n.Org.CreateUser(ctx, n.System, org.NewUser{Login: u.login, FullName: u.name, Role: u.role, UnitID: unit.ID, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		scopes[u.login] = user.Scope("test")
	}
	// An earlier post with a poll, a vote, a comment and a reaction.
	poll, err := n.Feed.Create(ctx, scopes["chair"], feed.Input{HTML: "<p>Выбираем дату новогоднего вечера.</p>", Units: []string{unit.ID},
		Poll: &feed.PollInput{Question: "Когда проводим вечер?", Options: []string{"25 декабря", "26 декабря"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.Feed.Vote(ctx, scopes["reader.b"], poll.ID, []int{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Feed.AddComment(ctx, scopes["reader.b"], poll.ID, "Пятница удобнее всего"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Feed.React(ctx, scopes["reader.a"], poll.ID, "👍"); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "feed.test.mjs", Base: n.Server.URL, Timeout: 3 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw}})
}
