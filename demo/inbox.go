package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// demoConversation is a member's question, and what became of it.
type demoConversation struct {
	line       string // "hot" or "legal"
	contactID  string
	name       string
	phone      string
	subject    string
	messages   []string // from the member
	operator   string   // login that takes it; empty: it waits in the queue
	reply      string
	note       string   // internal note after the reply
	followUp   []string // the member writes again after the reply
	priority   int
	closeAfter bool
}

// demoInbox is what the conversations need: the channel of each line, the
// operators by login, and a counter for the members' message ids.
type demoInbox struct {
	e        Env
	sc       access.Scope
	channels map[string]string
	lines    map[string]string // line ids by key
	users    map[string]org.User
	seq      int
}

// fillInbox opens two lines, each fed by an API channel (say, the
// federation's site and its members' app), and leaves conversations in
// every state an operator meets: waiting, answered, closed.
func fillInbox(ctx context.Context, e Env, sc access.Scope, u Units) error {
	d := &demoInbox{e: e, sc: sc, channels: map[string]string{}, lines: map[string]string{}, users: map[string]org.User{}}
	hot := inbox.DefaultLine()
	hot.Name, hot.UnitID, hot.Mode = "Горячая линия федерации", u["root"].ID, inbox.Evenly
	hot.WelcomeReply = "Здравствуйте! Вы написали на горячую линию Федерации профсоюзов. Оператор ответит в течение рабочего дня."
	// Service levels as the federation promises them: an answer within
	// the hour and the question settled within the working day; lawyers
	// answer within half a day and settle within a week (40 hours).
	hot.FirstResponseTargetMin, hot.ResolutionTargetMin = 60, 480
	if err := d.addLine(ctx, "hot", hot, "Сайт федерации — форма обращений", "operator1", "operator2"); err != nil {
		return err
	}
	legal := inbox.DefaultLine()
	legal.Name, legal.UnitID, legal.Mode = "Правовая консультация", u["root"].ID, inbox.LeastBusy
	legal.Hours = inbox.WorkingHours{Week: map[string][]inbox.Period{}}
	for _, day := range []string{"mon", "tue", "wed", "thu", "fri"} {
		legal.Hours.Week[day] = []inbox.Period{{From: "09:00", To: "18:00"}}
	}
	legal.OffHoursReply = "Здравствуйте! Юристы федерации отвечают по будням с 9:00 до 18:00 по московскому времени. " +
		"Ваш вопрос сохранён, мы ответим в первый рабочий час."
	legal.FirstResponseTargetMin, legal.ResolutionTargetMin = 240, 2400
	if err := d.addLine(ctx, "legal", legal, "Приложение «Мой профсоюз»", "operator2", "executor"); err != nil {
		return err
	}
	if err := d.addQuickAnswers(ctx); err != nil {
		return err
	}
	if err := d.fillHistory(ctx, e.Zone); err != nil {
		return err
	}
	// Every member writes first; operators answer afterwards, as in a
	// morning's queue.
	convIDs := make([]string, len(conversations))
	for i, c := range conversations {
		for _, text := range c.messages {
			res, err := d.ingest(ctx, c, text)
			if err != nil {
				return err
			}
			convIDs[i] = res.ConversationID
		}
	}
	for i, c := range conversations {
		if err := d.answer(ctx, c, convIDs[i]); err != nil {
			return err
		}
	}
	return d.fillWidget(ctx)
}

func (d *demoInbox) addLine(ctx context.Context, key string, l inbox.Line, channel string, operators ...string) error {
	for _, login := range operators {
		rec, err := d.e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return fmt.Errorf("operator %s: %w", login, err)
		}
		d.users[login] = rec.User
		l.Operators = append(l.Operators, inbox.LineOperator{UserID: rec.ID})
	}
	created, err := d.e.Inbox.Lines.Create(ctx, d.sc, l)
	if err != nil {
		return fmt.Errorf("line %q: %w", l.Name, err)
	}
	ch, _, err := d.e.Inbox.Channels.Create(ctx, d.sc, inbox.NewChannel{LineID: created.ID, Kind: inbox.KindAPI, Name: channel})
	if err != nil {
		return fmt.Errorf("channel %q: %w", channel, err)
	}
	d.channels[key] = ch.ID
	d.lines[key] = created.ID
	return nil
}

// addQuickAnswers gives each line the canned replies its operators type
// most ("/" and the shortcut in the console's reply box).
func (d *demoInbox) addQuickAnswers(ctx context.Context) error {
	for _, q := range []struct{ line, shortcut, text string }{
		{"hot", "привет", "Здравствуйте! Вы написали на горячую линию Федерации профсоюзов Оренбургской области. Чем можем помочь?"},
		{"hot", "взносы", "Членские взносы удерживает бухгалтерия работодателя по вашему заявлению о безналичном перечислении (ст. 377 ТК РФ); " +
			"бланк заявления есть в профкоме вашей организации."},
		{"hot", "путёвки", "Путёвки в санатории-профилактории со скидкой 20–30 % для членов профсоюза и их детей распределяет профком. " +
			"Заявление подаётся председателю первичной организации до 1 апреля."},
		{"hot", "спасибо", "Спасибо за обращение! Если появятся вопросы — пишите, мы на связи в рабочие дни с 9:00 до 18:00."},
		{"legal", "документы", "Пришлите, пожалуйста, копии трудового договора, приказа и уведомления — юрист проверит сроки и порядок."},
	} {
		if _, err := d.e.Inbox.QuickAnswers.Create(ctx, d.sc, inbox.QuickAnswer{LineID: d.lines[q.line], Shortcut: q.shortcut, Text: q.text}); err != nil {
			return fmt.Errorf("quick answer /%s: %w", q.shortcut, err)
		}
	}
	return nil
}

// ingest delivers a member's message as their app or the site would.
func (d *demoInbox) ingest(ctx context.Context, c demoConversation, text string) (inbox.IngestResult, error) {
	d.seq++
	res, err := d.e.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: d.channels[c.line], ExternalMessageID: fmt.Sprintf("demo-%04d", d.seq),
		From: inbox.Identity{ExternalID: c.contactID, Name: c.name, Phone: c.phone}, Subject: c.subject, Text: text})
	if err != nil {
		return res, fmt.Errorf("message of %s: %w", c.name, err)
	}
	return res, nil
}

// answer plays an operator's part in a conversation.
func (d *demoInbox) answer(ctx context.Context, c demoConversation, convID string) error {
	if c.priority > 0 {
		if _, err := d.e.Inbox.Actions.SetPriority(ctx, d.sc, convID, c.priority); err != nil {
			return fmt.Errorf("priority of %s: %w", c.name, err)
		}
	}
	if c.operator == "" {
		return nil
	}
	op := d.users[c.operator].Scope("demo")
	if _, err := d.e.Inbox.Routing.Take(ctx, op, convID); err != nil {
		return fmt.Errorf("%s takes the conversation with %s: %w", c.operator, c.name, err)
	}
	if _, err := d.e.Inbox.Dispatch.Reply(ctx, op, convID, inbox.ReplyInput{Text: c.reply}); err != nil {
		return fmt.Errorf("reply to %s: %w", c.name, err)
	}
	if c.note != "" {
		if _, err := d.e.Inbox.Dispatch.Note(ctx, op, convID, inbox.ReplyInput{Text: c.note}); err != nil {
			return fmt.Errorf("note on %s: %w", c.name, err)
		}
	}
	for _, text := range c.followUp {
		if _, err := d.ingest(ctx, c, text); err != nil {
			return err
		}
	}
	if c.closeAfter {
		if _, err := d.e.Inbox.Actions.Close(ctx, op, convID); err != nil {
			return fmt.Errorf("close the conversation with %s: %w", c.name, err)
		}
	}
	return nil
}

var conversations = []demoConversation{
	{
		line: "hot", contactID: "member-10482", name: "Ковалёва Марина Сергеевна", phone: "+7 912 345-18-40",
		subject: "Расчёт отпускных",
		messages: []string{
			"Здравствуйте! Я учитель в СОШ № 1. Отпуск с 1 июля, отпускные пришли вчера, но сумма заметно меньше, чем в прошлом году.",
			"Похоже, не учли премию за третью четверть. Так можно?",
		},
		operator: "operator1",
		reply: "Здравствуйте, Марина Сергеевна! Премии, предусмотренные системой оплаты труда, входят в средний заработок для отпускных " +
			"(ст. 139 ТК РФ и Положение об исчислении средней заработной платы). Пришлите, пожалуйста, расчётный листок за июнь — " +
			"проверим расчёт вместе с правовым инспектором.",
		note:     "Если в листке премии нет — передать в правовую консультацию, готовить обращение к работодателю.",
		followUp: []string{"Спасибо! Сфотографирую листок и пришлю сегодня вечером."},
	},
	{
		line: "hot", contactID: "member-20917", name: "Гусев Алексей Викторович",
		subject:  "Профсоюзные взносы при переводе",
		messages: []string{"Добрый день. Перешёл из колледжа в областную больницу. Взносы теперь будут удерживать сами или нужно что-то писать?"},
		operator: "operator2",
		reply: "Добрый день, Алексей Викторович! Напишите в бухгалтерию больницы заявление о безналичном перечислении членских взносов — " +
			"работодатель перечисляет их ежемесячно и бесплатно (ст. 377 ТК РФ). И встаньте на учёт в первичной профсоюзной " +
			"организации больницы: профком находится в административном корпусе, каб. 214.",
		followUp:   []string{"Понял, спасибо за быстрый ответ!"},
		closeAfter: true,
	},
	{
		line: "hot", contactID: "member-33051", name: "Ермакова Светлана Олеговна", phone: "+7 922 801-44-09",
		subject:  "Путёвка в санаторий",
		messages: []string{"Здравствуйте! Хочу летом поехать в санаторий с сыном (9 лет). Есть ли у профсоюза путёвки со скидкой и куда подавать заявление?"},
	},
	{
		line: "hot", contactID: "member-41276", name: "Сафин Ринат Маратович",
		subject: "Сверхурочные не оплачивают",
		messages: []string{
			"Работаю в прокатном цехе «Уральской Стали». Третий месяц выходим по субботам, а в расчётке это как обычные смены.",
			"Мастер говорит, что так по графику. Это правильно?",
		},
		operator: "operator1",
		reply: "Ринат Маратович, работа сверх установленной продолжительности оплачивается в повышенном размере: первые два часа — " +
			"не менее чем в полуторном, следующие — не менее чем в двойном (ст. 152 ТК РФ); работа в выходной, не предусмотренный " +
			"графиком, — не менее чем в двойном (ст. 153). Мы передали вопрос председателю профкома АО «Уральская Сталь» — " +
			"он запросит у работодателя табели и графики сменности.",
	},
	{
		line: "hot", contactID: "member-50388", name: "Лаптева Юлия Андреевна",
		subject:  "Материальная помощь",
		messages: []string{"Добрый вечер. У нас родилась дочка. Слышала, что профсоюз выплачивает материальную помощь — какие нужны документы?"},
	},
	{
		line: "legal", contactID: "app-7f3a91", name: "Морозов Игорь Петрович",
		subject:  "Увольнение по сокращению",
		messages: []string{"Меня предупредили о сокращении должности. Я член профсоюза 12 лет. Должны ли спросить мнение профкома и что мне положено?"},
		operator: "executor",
		reply: "Игорь Петрович, при сокращении работника — члена профсоюза работодатель обязан запросить мотивированное мнение " +
			"выборного органа первичной профсоюзной организации (ст. 82 и 373 ТК РФ). Предупредить вас должны под подпись не позднее " +
			"чем за два месяца и предложить все подходящие вакансии (ст. 180). При увольнении выплачивается выходное пособие в размере " +
			"среднего месячного заработка и сохраняется заработок на период трудоустройства (ст. 178). Пришлите копию уведомления — " +
			"проверим сроки.",
	},
	{
		line: "legal", contactID: "app-c20d4e", name: "Тарасова Наталья Ивановна",
		subject:  "Заставляют уволиться по собственному желанию",
		messages: []string{"Завуч требует, чтобы я написала заявление «по собственному», иначе обещает уволить по статье. Что делать? Ответьте, пожалуйста, срочно."},
		priority: 1,
	},
	{
		line: "legal", contactID: "app-5b8812", name: "Исаева Динара Рашидовна",
		subject:  "Больничный во время отпуска",
		messages: []string{"Заболела во второй день ежегодного отпуска, открыт больничный. Продлят ли отпуск и нужно ли что-то писать работодателю?"},
		operator: "operator2",
		reply: "Динара Рашидовна, если во время ежегодного оплачиваемого отпуска вы заболели, отпуск продлевается на дни болезни " +
			"либо переносится на другой срок, который работодатель определяет с учётом ваших пожеланий (ст. 124 ТК РФ). Сообщите " +
			"работодателю номер электронного больничного; если хотите перенести эти дни, напишите заявление о переносе.",
	},
}
