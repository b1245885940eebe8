package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// fillDocuments registers documents of the three registries and walks
// each through its process by the demo's own people, so every state a
// document can be in is on screen: waiting for a resolution, with the
// deputy, with executors (one overdue), signed, being acknowledged,
// rejected, returned, dispatched and closed.
func fillDocuments(ctx context.Context, e Env, sc access.Scope) error {
	if e.Docs == nil {
		return nil
	}
	users, err := e.Org.ListUsers(ctx, sc, org.UserFilter{Limit: 100})
	if err != nil {
		return err
	}
	who := map[string]access.Scope{}
	for _, u := range users {
		who[u.Login] = u.Scope("demo")
	}
	sec, chair, deputy := who["secretary"], who["chairman"], who["deputy"]
	day := func(days int) string { return time.Now().In(workflow.Zone()).AddDate(0, 0, days).Format(time.DateOnly) }
	reg := func(in workflow.DocumentInput, file string) (workflow.Document, error) {
		d, err := e.Docs.Documents.Register(ctx, sec, in)
		if err == nil && file != "" {
			_, err = e.Docs.Files.AddAttachment(ctx, sec, d.ID, file, "text/plain", strings.NewReader("Демонстрационный файл: "+in.Title))
		}
		return d, err
	}
	type step struct {
		by access.Scope
		in workflow.DecisionInput
	}
	walk := func(in workflow.DocumentInput, file string, steps ...step) error {
		d, err := reg(in, file)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Title, err)
		}
		for _, s := range steps {
			if _, err := e.Docs.Engine.Decide(ctx, s.by, d.ID, s.in); err != nil {
				return fmt.Errorf("%s: %s: %w", in.Title, s.in.Decision, err)
			}
		}
		return nil
	}
	res := func(decision, text string, deadline string, prio int, assignees ...string) workflow.DecisionInput {
		return workflow.DecisionInput{Decision: decision, Assignees: assignees,
			Resolution: &workflow.Resolution{Text: text, Deadline: deadline, Priority: prio}}
	}
	exec, op1 := who["executor"], who["operator1"]
	inc := func(title, from, num string, prio int) workflow.DocumentInput {
		return workflow.DocumentInput{Kind: workflow.KindIncoming, Medium: workflow.Paper, Title: title, Correspondent: from,
			OrigNumber: num, OrigDate: day(-6), ReceivedOn: day(-3), Delivery: "почта", Priority: prio,
			Summary: "Демонстрационный входящий документ."}
	}
	all := []func() error{
		func() error {
			return walk(inc("О проведении проверки соблюдения трудового законодательства", "Государственная инспекция труда в Оренбургской области", "56/7-1234-26", 2), "запрос_ГИТ.txt")
		},
		func() error {
			return walk(inc("О численности членов профсоюза на 1 ноября", "Федерация независимых профсоюзов России", "101-12/4411", 0), "",
				step{chair, res("resolve_deputy", "Подготовить сводные сведения по обкомам.", day(10), 1)})
		},
		func() error {
			return walk(inc("Обращение о задержке заработной платы в ГКБ № 1", "Прокуратура Оренбургской области", "7-09-2026", 2), "обращение.txt",
				step{chair, res("resolve_executors", "Разобраться и подготовить ответ заявителю.", day(-2), 2, exec.UserID, op1.UserID)},
				step{op1, workflow.DecisionInput{Decision: "done", Report: "Позиция юриста подготовлена."}})
		},
		func() error {
			return walk(inc("Приглашение на совещание по тарифному соглашению", "Министерство труда и занятости населения", "01-02/889", 1), "",
				step{chair, res("resolve_deputy", "Обеспечить участие, подготовить позицию.", day(5), 1)},
				step{deputy, workflow.DecisionInput{Decision: "assign", Assignees: []string{exec.UserID}}},
				step{exec, workflow.DecisionInput{Decision: "done", Report: "Участие обеспечено, позиция направлена."}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Приказ о графике отпусков на 2027 год"}, "приказ.txt")
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Положение о премировании работников аппарата"}, "положение.txt",
				step{chair, workflow.DecisionInput{Decision: "sign"}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Распоряжение о дежурствах в праздничные дни"}, "",
				step{chair, workflow.DecisionInput{Decision: "sign"}},
				step{sec, workflow.DecisionInput{Decision: "acquaint", Assignees: []string{exec.UserID, op1.UserID, who["operator2"].UserID}}},
				step{op1, workflow.DecisionInput{Decision: "acknowledge"}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Смета расходов на спартакиаду"}, "",
				step{chair, workflow.DecisionInput{Decision: "reject", Comment: "Нет расчёта по транспорту, доработать."}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindInternal, Title: "Справка о деятельности за квартал"}, "",
				step{chair, workflow.DecisionInput{Decision: "sign"}}, step{sec, workflow.DecisionInput{Decision: "no_acquaintance"}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Ответ прокуратуре о задержке заработной платы",
				Correspondent: "Прокуратура Оренбургской области", Delivery: "e-mail"}, "ответ.txt")
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Предложения к проекту областного трёхстороннего соглашения",
				Correspondent: "Правительство Оренбургской области"}, "предложения.txt",
				step{sec, workflow.DecisionInput{Decision: "to_chairman"}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Сведения о численности членов профсоюза", Correspondent: "ФНПР"}, "",
				step{sec, workflow.DecisionInput{Decision: "to_chairman"}},
				step{chair, workflow.DecisionInput{Decision: "return", Comment: "Добавить данные координационного совета г. Орска."}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Письмо о проведении конкурса «Лучший уполномоченный по охране труда»",
				Correspondent: "Первичные профсоюзные организации"}, "",
				step{sec, workflow.DecisionInput{Decision: "to_chairman"}}, step{chair, workflow.DecisionInput{Decision: "approve"}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Поздравление с Днём учителя", Correspondent: "Министерство образования"}, "",
				step{sec, workflow.DecisionInput{Decision: "to_chairman"}}, step{chair, workflow.DecisionInput{Decision: "approve"}},
				step{sec, workflow.DecisionInput{Decision: "dispatch", Dispatch: &workflow.Dispatch{Method: "post", Address: "г. Оренбург, ул. Советская, 54"}}})
		},
		func() error {
			return walk(workflow.DocumentInput{Kind: workflow.KindOutgoing, Title: "Запрос в банк о зарплатном проекте", Correspondent: "ПАО «Банк»"}, "",
				step{sec, workflow.DecisionInput{Decision: "to_chairman"}},
				step{chair, workflow.DecisionInput{Decision: "reject", Comment: "Вопрос решается на уровне обкомов."}})
		},
	}
	for _, f := range all {
		if err := f(); err != nil {
			return err
		}
	}
	return nil
}
