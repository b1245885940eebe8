package demo

import (
	"context"

	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/internal/security/access"
)

// fillFeed publishes the staff feed's first posts after the documents and
// appeals, so the posts lead the feed: the deputy's pinned notice to the
// education committee and the executor by name, with a reaction; the
// secretary's poll on the New Year evening with votes; the chairman's
// important regulation to the whole federation, confirmed by some and not
// yet by others, with comments and reactions.
func fillFeed(ctx context.Context, e Env, units Units) error {
	if e.Feed == nil {
		return nil
	}
	scopes := map[string]access.Scope{}
	for _, login := range []string{"chairman", "deputy", "secretary", "operator1", "operator2", "executor"} {
		u, err := e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return err
		}
		scopes[login] = u.Scope("demo")
	}

	seminar, err := e.Feed.Create(ctx, scopes["deputy"], feed.Input{
		HTML: `<p>Коллеги, 15 декабря в 10:00 в Доме профсоюзов — <b>семинар для председателей первичных организаций</b> ` +
			`«Коллективный договор 2027: что изменилось». Регистрация у секретаря до 12 декабря.</p>`,
		Units: []string{units["edu"].ID}, People: []string{userID(scopes, "executor")}})
	if err != nil {
		return err
	}
	if _, err := e.Feed.Pin(ctx, scopes["deputy"], seminar.ID, true); err != nil {
		return err
	}
	if _, err := e.Feed.React(ctx, scopes["operator2"], seminar.ID, "👍"); err != nil {
		return err
	}

	poll, err := e.Feed.Create(ctx, scopes["secretary"], feed.Input{
		HTML:  `<p>Готовим новогодний вечер аппарата федерации. Выберите, пожалуйста, удобную дату.</p>`,
		Units: []string{units["root"].ID},
		Poll:  &feed.PollInput{Question: "Когда проводим новогодний вечер?", Options: []string{"25 декабря, четверг", "26 декабря, пятница", "27 декабря, суббота"}}})
	if err != nil {
		return err
	}
	for login, choice := range map[string]int{"chairman": 1, "deputy": 1, "operator1": 0, "operator2": 1} {
		if _, err := e.Feed.Vote(ctx, scopes[login], poll.ID, []int{choice}); err != nil {
			return err
		}
	}

	reg, err := e.Feed.Create(ctx, scopes["chairman"], feed.Input{
		HTML: `<p>Уважаемые коллеги! С 1 января 2027 года действует новое <b>Положение о премировании работников аппарата</b>. ` +
			`Главное:</p><ul><li>квартальная премия — по итогам работы с обращениями;</li><li>сроки ответа на обращения учитываются в рабочих днях.</li></ul>` +
			`<p>Прошу ознакомиться до пятницы и подтвердить.</p>`,
		Important: true, Units: []string{units["root"].ID}})
	if err != nil {
		return err
	}
	for _, login := range []string{"deputy", "operator1"} {
		if _, err := e.Feed.Confirm(ctx, scopes[login], reg.ID); err != nil {
			return err
		}
	}
	if _, err := e.Feed.AddComment(ctx, scopes["deputy"], reg.ID, "Ознакомлен. Предлагаю обсудить на планёрке в понедельник."); err != nil {
		return err
	}
	if _, err := e.Feed.AddComment(ctx, scopes["operator1"], reg.ID, "А премия за декабрь считается уже по новому положению?"); err != nil {
		return err
	}
	for _, r := range []struct{ login, emoji string }{{"deputy", "👍"}, {"operator1", "👍"}, {"secretary", "👏"}} {
		if _, err := e.Feed.React(ctx, scopes[r.login], reg.ID, r.emoji); err != nil {
			return err
		}
	}
	return nil
}

func userID(scopes map[string]access.Scope, login string) string { return scopes[login].UserID }
