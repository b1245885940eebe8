package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/automation"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// fillAutomation adds the labels operators use, the dues line «Взносы»
// with the rule that sends every message about dues there, labelled, the
// rule that thanks a member with the hot line's quick answer when an
// appeal is filed from their conversation, and two macros. The rules run
// on what members write from now on, not on the demo's conversations
// already in the inbox.
func fillAutomation(ctx context.Context, e Env, sc access.Scope, u Units) error {
	labels := map[string]string{}
	for _, l := range []inbox.Label{{Name: "Взносы", Color: "#2e7d32"}, {Name: "Срочно", Color: "#c62828"},
		{Name: "Юристу", Color: "#6a1b9a"}, {Name: "Повторное обращение", Color: "#ef6c00"}} {
		saved, err := e.Inbox.Labels.Save(ctx, sc, l)
		if err != nil {
			return fmt.Errorf("label %q: %w", l.Name, err)
		}
		labels[l.Name] = saved.ID
	}
	dues := inbox.DefaultLine()
	dues.Name, dues.UnitID, dues.Mode = "Взносы", u["root"].ID, inbox.Evenly
	for _, login := range []string{"operator1", "operator2"} {
		op, err := e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return err
		}
		dues.Operators = append(dues.Operators, inbox.LineOperator{UserID: op.ID})
	}
	line, err := e.Inbox.Lines.Create(ctx, sc, dues)
	if err != nil {
		return fmt.Errorf("dues line: %w", err)
	}
	if _, err := e.Automation.SaveRule(ctx, sc, automation.Rule{Name: "Вопросы о взносах — на линию «Взносы»", Enabled: true, On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "взнос, взносы, членский"}},
		Actions:    []automation.Action{{Kind: automation.DoLabel, Value: labels["Взносы"]}, {Kind: automation.DoRouteLine, Value: line.ID}}}); err != nil {
		return fmt.Errorf("dues rule: %w", err)
	}
	if _, err := e.Automation.SaveRule(ctx, sc, automation.Rule{Name: "Срочно: увольнение и сокращение", Enabled: true, On: automation.OnMessage,
		Conditions: []automation.Condition{{Kind: automation.IfWords, Value: "увольнение, сокращение, уволили"}},
		Actions:    []automation.Action{{Kind: automation.DoLabel, Value: labels["Срочно"]}, {Kind: automation.DoPriority, Value: "2"}}}); err != nil {
		return fmt.Errorf("urgent rule: %w", err)
	}
	if err := appealThanks(ctx, e, sc); err != nil {
		return err
	}
	legal := ""
	all, err := e.Inbox.Lines.List(ctx, sc)
	if err != nil {
		return err
	}
	for _, l := range all {
		if l.Name == "Правовая консультация" {
			legal = l.ID
		}
	}
	for _, m := range []automation.Macro{
		{Name: "Ответить о взносах и закрыть", Actions: []automation.Action{{Kind: automation.DoLabel, Value: labels["Взносы"]},
			{Kind: automation.DoReply, Value: "Членские взносы удерживаются из заработной платы по вашему заявлению (1 % от заработка). " +
				"Если удержание не производится, обратитесь к председателю первичной организации."}, {Kind: automation.DoClose}}},
		{Name: "Передать юристу", Actions: []automation.Action{{Kind: automation.DoLabel, Value: labels["Юристу"]},
			{Kind: automation.DoReply, Value: "Ваш вопрос передан юристу федерации, он ответит в рабочее время."},
			{Kind: automation.DoRouteLine, Value: legal}}},
	} {
		if _, err := e.Automation.SaveMacro(ctx, sc, m); err != nil {
			return fmt.Errorf("macro %q: %w", m.Name, err)
		}
	}
	return nil
}

// appealThanks is «Обращение заведено — поблагодарить»: an appeal filed
// from a conversation is answered with the hot line's "спасибо".
func appealThanks(ctx context.Context, e Env, sc access.Scope) error {
	qs, err := e.Inbox.QuickAnswers.List(ctx, sc, "")
	if err != nil {
		return err
	}
	thanks := automation.Action{Kind: automation.DoReply, Value: "Спасибо! Ваше обращение зарегистрировано, о ходе рассмотрения мы сообщим."}
	for _, q := range qs {
		if q.LineID != "" && q.Shortcut == "спасибо" {
			thanks = automation.Action{Kind: automation.DoTemplate, Value: q.ID}
		}
	}
	if _, err := e.Automation.SaveRule(ctx, sc, automation.Rule{Name: "Обращение заведено — поблагодарить", Enabled: true, On: automation.OnAppeal,
		Actions: []automation.Action{thanks}}); err != nil {
		return fmt.Errorf("appeal rule: %w", err)
	}
	return nil
}
