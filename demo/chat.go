package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/chat"
	"github.com/profhub/profhub/internal/security/access"
)

// fillChat gives the staff a few chats at /chat: the federation
// apparatus's unit chat (with a document shared as a card and a mention),
// a group on the collective-bargaining campaign across organisations, and
// a direct chat of the chairman and her deputy with an edited and a
// deleted message and a call of his she missed.
func fillChat(ctx context.Context, e Env) error {
	if e.Chat == nil {
		return nil
	}
	who := map[string]access.Scope{}
	for _, l := range []string{"chairman", "deputy", "secretary", "operator1", "operator2", "steel.chair"} {
		u, err := e.Org.AuthByLogin(ctx, l)
		if err != nil {
			return err
		}
		who[l] = u.Scope("demo")
	}
	unitChat, err := e.Chat.EnsureUnitChat(ctx, who["chairman"].UnitID)
	if err != nil {
		return err
	}
	var docID string
	_ = e.DB.QueryRowContext(ctx, `SELECT id FROM wf_documents WHERE title = 'Приказ о графике отпусков на 2027 год'`).Scan(&docID)
	group, err := e.Chat.Create(ctx, who["chairman"], chat.NewChat{Kind: chat.Group, Title: "Колдоговорная кампания 2027",
		Members: []string{who["deputy"].UserID, who["operator2"].UserID, who["steel.chair"].UserID}})
	if err != nil {
		return err
	}
	direct, err := e.Chat.Create(ctx, who["chairman"], chat.NewChat{Kind: chat.Direct, Members: []string{who["deputy"].UserID}})
	if err != nil {
		return err
	}
	type line struct {
		from, text string
		link       bool // share the vacation schedule order
		reply      int  // 1-based index of the message replied to, in this chat
		edit       string
		remove     bool
	}
	chats := []struct {
		id    string
		lines []line
	}{
		{unitChat, []line{
			{from: "chairman", text: "Коллеги, напоминаю: пленум совета федерации в четверг в 10:00, большой зал. Явка обязательна."},
			{from: "deputy", text: "Проект постановления о колдоговорной кампании разослал, жду замечаний до среды."},
			{from: "secretary", text: "Приказ о графике отпусков зарегистрирован, прошу ознакомиться.", link: docID != ""},
			{from: "operator1", text: "На горячей линии сегодня много вопросов об индексации зарплаты бюджетникам — к вечеру подготовлю сводку."},
			{from: "chairman", text: "@Смирнова спасибо, сводку приложите к материалам пленума.", reply: 4},
		}},
		{group.ID, []line{
			{from: "chairman", text: "Создала чат, чтобы сверять ход колдоговорной кампании в организациях. Пишите здесь о сроках и спорных пунктах."},
			{from: "steel.chair", text: "На «Уральской Стали» работодатель предлагает индексацию 6 %, мы настаиваем на 9 %. Переговоры 12 декабря."},
			{from: "operator2", text: "В образовании проекты колдоговоров есть у 41 школы из 56, остальные обещают до конца месяца."},
			{from: "deputy", text: "@Гришин пришлите, пожалуйста, протокол разногласий — посмотрим с юристом до переговоров.", reply: 2},
			{from: "steel.chair", text: "Пришлю завтра утром, сейчас согласуем с профкомом цехов."},
		}},
		{direct.ID, []line{
			{from: "chairman", text: "Сергей Петрович, зайдите после обеда, обсудим выступление на пленуме."},
			{from: "deputy", text: "Буду в 14:00.", edit: "Буду в 14:30, задерживаюсь в министерстве."},
			{from: "deputy", text: "Черновик доклада в почте.", remove: true},
			{from: "deputy", text: chat.MissedCallText}, // as a call nobody took leaves it (chat/calls.go)
			{from: "chairman", text: "Хорошо, жду."},
		}},
	}
	for _, c := range chats {
		var ids []string
		for _, l := range c.lines {
			p := chat.Post{Text: l.text}
			if l.link {
				p.Link = &chat.LinkRef{Kind: chat.LinkDocument, ID: docID}
			}
			if l.reply > 0 {
				p.ReplyTo = ids[l.reply-1]
			}
			m, err := e.Chat.Send(ctx, who[l.from], c.id, p)
			if err != nil {
				return fmt.Errorf("chat message %q: %w", l.text, err)
			}
			ids = append(ids, m.ID)
			if l.edit != "" {
				if _, err := e.Chat.Edit(ctx, who[l.from], m.ID, l.edit); err != nil {
					return err
				}
			}
			if l.remove {
				if _, err := e.Chat.Delete(ctx, who[l.from], m.ID); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
