package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/profhub/profhub/inbox"
)

// historyWeeks of past conversations give the reports page (/reports)
// something to show: busier weekdays and working hours, quicker answers
// on the hotline than from the lawyers, mostly good ratings.
const historyWeeks = 6

var historyTopics = []struct{ line, subject, question, answer string }{
	{"hot", "Путёвка в санаторий", "Здравствуйте! Как получить путёвку в профилакторий со скидкой?",
		"Заявление подаётся председателю первичной организации; скидка для членов профсоюза 20–30 %."},
	{"hot", "Материальная помощь", "Положена ли материальная помощь при рождении ребёнка?",
		"Да, по решению профкома; нужны заявление и копия свидетельства о рождении."},
	{"hot", "Новогодние подарки", "Когда будут выдавать детские новогодние подарки?",
		"Подарки выдаёт профком организации во второй половине декабря, списки уже собираются."},
	{"hot", "Профсоюзный билет", "Потерял профсоюзный билет, как восстановить?",
		"Напишите заявление в профком, новый билет выдадут в течение месяца; электронный доступен в боте."},
	{"legal", "Отпуск по графику", "Работодатель перенёс мой отпуск без согласия. Это законно?",
		"Перенос возможен только с вашего согласия (ст. 124 ТК РФ); пришлите приказ, юрист подготовит ответ."},
	{"legal", "Оплата больничного", "Больничный оплатили не полностью, куда обращаться?",
		"Пособие рассчитывает Социальный фонд по данным работодателя; пришлите расчёт, проверим стаж и заработок."},
	{"legal", "Дисциплинарное взыскание", "Мне объявили выговор без объяснительной. Что делать?",
		"До взыскания работодатель обязан затребовать объяснение (ст. 193 ТК РФ); взыскание можно обжаловать."},
}

var historyNames = []string{"Андреева Ольга", "Баранов Николай", "Белова Ирина", "Власов Денис", "Григорьева Анна",
	"Давыдов Павел", "Жукова Елена", "Зайцев Роман", "Ильина Ксения", "Карпов Виктор", "Лебедева Мария",
	"Медведев Артём", "Никитина Оксана", "Орлов Станислав", "Павлова Людмила", "Романов Илья"}

// fillHistory stores the past weeks' closed conversations of both lines
// (inbox.Statistics.AddHistory), the same every run but for today's date.
func (d *demoInbox) fillHistory(ctx context.Context, zone *time.Location) error {
	if zone == nil {
		zone = inbox.Zone()
	}
	rnd := rand.New(rand.NewPCG(23, 2026))
	y, m, dd := time.Now().In(zone).Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, zone)
	ops := map[string][]string{"hot": {"operator1", "operator2"}, "legal": {"operator2", "executor"}}
	var past []inbox.PastConversation
	for day := historyWeeks * 7; day >= 2; day-- {
		date := today.AddDate(0, 0, -day)
		n := 4 + rnd.IntN(6)
		if wd := date.Weekday(); wd == time.Saturday || wd == time.Sunday {
			n = rnd.IntN(3)
		}
		for range n {
			topic := historyTopics[rnd.IntN(len(historyTopics))]
			hour := 9 + rnd.IntN(9)
			if rnd.IntN(6) == 0 {
				hour = 7 + rnd.IntN(16) // now and then in the evening or early morning
			}
			created := date.Add(time.Duration(hour)*time.Hour + time.Duration(rnd.IntN(60))*time.Minute)
			wait := time.Duration(20+rnd.IntN(400)) * time.Second
			first := wait + time.Duration(30+rnd.IntN(300))*time.Second
			if topic.line == "legal" {
				first += time.Duration(rnd.IntN(90)) * time.Minute
			}
			rating := 0
			if rnd.IntN(10) < 7 {
				rating = []int{5, 5, 5, 4, 4, 3, 2, 5, 4, 1}[rnd.IntN(10)]
			}
			op := ops[topic.line][rnd.IntN(2)]
			past = append(past, inbox.PastConversation{ChannelID: d.channels[topic.line], OperatorID: d.users[op].ID,
				ContactName: historyNames[rnd.IntN(len(historyNames))], Subject: topic.subject, Question: topic.question,
				Answer: topic.answer, Created: created, Wait: wait, FirstResponse: first,
				Closed: first + time.Duration(5+rnd.IntN(120))*time.Minute, Rating: rating})
		}
	}
	if err := d.e.Inbox.Stats.AddHistory(ctx, past); err != nil {
		return fmt.Errorf("past conversations: %w", err)
	}
	return nil
}
