package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// demoMember is a member card of the demo; the first seven wrote the
// inbox's demo conversations.
type demoMember struct {
	unit, surname, name, patronymic, birth, phone, email, position, card string
	activist                                                             bool
	kind                                                                 crm.Kind
}

var demoMembers = []demoMember{
	{unit: "edu.school1", surname: "Ковалёва", name: "Марина", patronymic: "Сергеевна", birth: "1984-03-12", phone: "+7 912 345-18-40", email: "kovaleva.ms@mail.example",
		position: "учитель начальных классов", card: "56-000101", activist: true},
	{unit: "edu.school1", surname: "Гусев", name: "Алексей", patronymic: "Викторович", birth: "1979-11-02",
		position: "учитель физики", card: "56-000102"},
	{unit: "health.gkb1", surname: "Ермакова", name: "Светлана", patronymic: "Олеговна", birth: "1990-07-25", phone: "+7 922 801-44-09",
		position: "медицинская сестра", card: "56-000201"},
	{unit: "metal.steel", surname: "Сафин", name: "Ринат", patronymic: "Маратович", birth: "1975-01-30", phone: "+7 987 204-61-15",
		position: "сталевар", card: "56-000301", activist: true},
	{unit: "edu.college", surname: "Лаптева", name: "Юлия", patronymic: "Андреевна", birth: "1995-09-14",
		position: "преподаватель", card: "56-000103"},
	{unit: "orsk.refinery", surname: "Морозов", name: "Игорь", patronymic: "Петрович", birth: "1982-05-08",
		position: "оператор установки", card: "56-000401"},
	{unit: "health.okb", surname: "Тарасова", name: "Наталья", patronymic: "Ивановна", birth: "1968-12-19",
		position: "врач-терапевт", card: "56-000202"},
	{unit: "health.gkb1", surname: "Фёдорова", name: "Елена", patronymic: "Николаевна", birth: "1987-04-03", phone: "8 (903) 361-22-10",
		email: "fedorova.en@mail.example", position: "старшая медицинская сестра", card: "56-000203", activist: true},
	{unit: "metal.steel", surname: "Петров", name: "Дмитрий", patronymic: "Александрович", birth: "1991-08-21", phone: "+7 987 115-03-77", email: "petrov.da@uralsteel.example",
		position: "электромонтёр", card: "56-000302"},
	{unit: "edu.school1", surname: "Семёнова", name: "Анна", patronymic: "Ильинична", birth: "1972-02-11", email: "semenova.ai@school1.example",
		position: "заместитель директора", card: "56-000104", activist: true},
	{unit: "root", surname: "Орлов", name: "Константин", kind: crm.KindPress, phone: "+7 3532 77-10-10", email: "orlov@orenpress.example",
		position: "корреспондент «Оренбургской недели»"},
	{unit: "root", surname: "ООО «Санаторий Уральская жемчужина»", kind: crm.KindPartner, email: "sales@uralpearl.example",
		position: "партнёр программы ПрофДисконт"},
}

// fillCRM adds member cards (the inbox's writers among them, linked to
// their conversations), appeals made from conversations and by hand — one
// of them overdue, one resolved — and a shared saved filter.
func fillCRM(ctx context.Context, e Env, sc access.Scope, u Units) error {
	convs, err := e.Inbox.Conversations.List(ctx, sc, inbox.ConversationFilter{Limit: 100})
	if err != nil {
		return err
	}
	convByContact := map[string]inbox.Conversation{}
	for _, c := range convs {
		convByContact[c.ContactName] = c
	}
	if err := fillCustomFields(ctx, e, sc); err != nil {
		return err
	}
	members := map[string]crm.Member{}
	for _, d := range demoMembers {
		in := crm.MemberInput{UnitID: u[d.unit].ID, Surname: d.surname, GivenName: d.name, Patronymic: d.patronymic,
			BirthDate: d.birth, Position: d.position, CardNumber: d.card, Activist: d.activist, Kind: d.kind,
			JoinedOn: "2015-09-01", Consents: crm.Consents{Processing: &crm.Consent{Given: true, Date: "2024-01-15", Source: "заявление"}}}
		if d.kind != "" && d.kind != crm.KindMember {
			in.JoinedOn = ""
		}
		// Mailings reach a member by the channels they agreed to (a line in
		// the application form): e-mail and SMS where they gave an address.
		consent := crm.Consent{Given: true, Date: "2024-01-15", Source: "заявление о вступлении"}
		if d.phone != "" {
			in.Phones = []string{d.phone}
			in.Consents.Mailings = map[string]crm.Consent{"sms": consent}
		}
		if d.email != "" {
			in.Emails = []string{d.email}
			if in.Consents.Mailings == nil {
				in.Consents.Mailings = map[string]crm.Consent{}
			}
			in.Consents.Mailings["email"] = consent
		}
		in.Custom = demoCustom[d.surname]
		m, err := e.CRM.Members.CreateMember(ctx, sc, in, false)
		if err != nil {
			return fmt.Errorf("member %s: %w", d.surname, err)
		}
		members[d.surname] = m
	}
	cat, err := fillAppealCategories(ctx, e, sc)
	if err != nil {
		return err
	}
	// The operator who answered keeps the appeals she filed: her home
	// page lists them among her tasks, with their deadlines.
	op1, err := e.Org.AuthByLogin(ctx, "operator1")
	if err != nil {
		return err
	}
	fromConversation := []struct {
		surname, fullName, topic, category string
		status                             crm.AppealStatus
		responsible                        string
	}{
		{"Ковалёва", "Ковалёва Марина Сергеевна", "оплата труда", "Зарплата", crm.AppealInProgress, op1.ID},
		{"Сафин", "Сафин Ринат Маратович", "охрана труда", "Охрана труда", crm.AppealNew, op1.ID},
		{"Тарасова", "Тарасова Наталья Ивановна", "правовая помощь", "Правовая консультация", crm.AppealWaiting, ""},
	}
	for _, a := range fromConversation {
		c, ok := convByContact[a.fullName]
		if !ok {
			return fmt.Errorf("appeal: no demo conversation of %s", a.fullName)
		}
		if _, err := e.CRM.Appeals.CreateAppealFromConversation(ctx, sc, c.ID, crm.FromConversation{AppealInput: crm.AppealInput{
			MemberID: members[a.surname].ID, Topic: a.topic, Status: a.status, CategoryID: cat[a.category], ResponsibleID: a.responsible}}); err != nil {
			return fmt.Errorf("appeal of %s: %w", a.surname, err)
		}
	}
	byHand := []crm.AppealInput{
		{MemberID: members["Фёдорова"].ID, Channel: "phone", Topic: "отпуск", CategoryID: cat["Правовая консультация"], Subject: "Перенос ежегодного отпуска по графику",
			Text:  "Позвонила в приёмную: работодатель отказывает в переносе отпуска, просит разъяснить порядок.",
			DueOn: time.Now().AddDate(0, 0, -3).Format(time.DateOnly), Priority: 1},
		{MemberID: members["Петров"].ID, Channel: "letter", Topic: "материальная помощь", CategoryID: cat["Материальная помощь"], Subject: "Материальная помощь в связи с рождением ребёнка",
			Text: "Заявление пришло письмом через профком ППО.", Status: crm.AppealResolved,
			Resolution: "Помощь 5 000 ₽ назначена решением президиума от 12.11.2026."},
		{Applicant: "Родионова Галина (не член профсоюза)", UnitID: u["edu"].ID, Channel: "visit", Topic: "вступление в профсоюз",
			Subject: "Как вступить в профсоюз при работе по совместительству"},
	}
	for _, in := range byHand {
		if _, err := e.CRM.Appeals.CreateAppeal(ctx, sc, in); err != nil {
			return fmt.Errorf("appeal %q: %w", in.Subject, err)
		}
	}
	// The awards list, with this year's awards.
	admin := sc
	admin.UserName = "demo"
	awards, err := e.CRM.Lists.CreateList(ctx, admin, crm.AwardsList())
	if err != nil {
		return fmt.Errorf("awards list: %w", err)
	}
	for _, a := range []struct {
		surname, award, decision, reason string
		gift                             float64
	}{
		{"Ковалёва", "Почётная грамота Федерации", "пост. президиума № 14 от 20.03.2026", "за активную работу в ППО и защиту прав педагогов", 5000},
		{"Сафин", "Нагрудный знак ФНПР «За заслуги перед профсоюзами»", "пост. Исполкома ФНПР № 3-7 от 15.04.2026", "30 лет профсоюзного стажа, уполномоченный по охране труда", 10000},
		{"Фёдорова", "Благодарность обкома", "пост. обкома № 8 от 01.06.2026", "за работу в молодёжном совете", 0},
	} {
		m := members[a.surname]
		vals := map[string]any{"year": time.Now().Year(), "member": m.ID, "workplace": m.UnitName + ", " + m.Position,
			"award": a.award, "decision": a.decision, "reason": a.reason}
		if a.gift > 0 {
			vals["gift"] = a.gift
		}
		if _, err := e.CRM.Lists.AddRecord(ctx, admin, awards.ID, "", vals); err != nil {
			return fmt.Errorf("award of %s: %w", a.surname, err)
		}
	}
	// The chairman keeps a filter shared with the whole federation.
	chair, err := e.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		return err
	}
	yes := true
	_, err = e.CRM.SavedFilters.SaveFilter(ctx, chair.User.Scope("demo"), "Активисты федерации", true, crm.MemberFilter{Activist: &yes, Kind: crm.KindMember})
	return err
}

// demoCustom are the custom field values of some demo members (see
// fillCustomFields).
var demoCustom = map[string]map[string]any{
	"Ковалёва": {"stazh": 18, "youth_council": false, "clothing_size": "M"},
	"Сафин":    {"stazh": 30, "clothing_size": "XL"},
	"Лаптева":  {"stazh": 6, "youth_council": true, "clothing_size": "S"},
	"Фёдорова": {"stazh": 12, "youth_council": true, "clothing_size": "M"},
	"Петров":   {"stazh": 9, "youth_council": true, "clothing_size": "L"},
}

// fillCustomFields defines the member card's custom fields a federation
// typically adds: the years in the union, the youth council, and the
// clothing size for the uniforms the union orders for its events.
func fillCustomFields(ctx context.Context, e Env, sc access.Scope) error {
	for _, f := range []crm.CustomFieldInput{
		{Entity: crm.EntityMember, Key: "stazh", Label: "Стаж в профсоюзе, лет", Kind: crm.CustomNumber, Order: 1},
		{Entity: crm.EntityMember, Key: "youth_council", Label: "Член молодёжного совета", Kind: crm.CustomBool, Order: 2},
		{Entity: crm.EntityMember, Key: "clothing_size", Label: "Размер одежды", Kind: crm.CustomChoice, Order: 3,
			Choices: []string{"XS", "S", "M", "L", "XL", "XXL"}},
	} {
		if _, err := e.CRM.CustomFields.CreateCustomField(ctx, sc, f); err != nil {
			return fmt.Errorf("custom field %s: %w", f.Label, err)
		}
	}
	return nil
}

// fillAppealCategories adds the categories a union's appeals fall into,
// with the deadlines the federation keeps, and returns their ids by name.
func fillAppealCategories(ctx context.Context, e Env, sc access.Scope) (map[string]string, error) {
	ids := map[string]string{}
	for _, c := range []crm.AppealCategoryInput{
		{Name: "Зарплата", SLADays: 10, WorkingDays: true},
		{Name: "Охрана труда", SLADays: 5, WorkingDays: true},
		{Name: "Увольнение", SLADays: 7, WorkingDays: true},
		{Name: "Правовая консультация", SLADays: 30},
		{Name: "Материальная помощь", SLADays: 14},
		{Name: "ProfDISCOUNT", SLADays: 3, WorkingDays: true},
	} {
		k, err := e.CRM.AppealCategories.CreateAppealCategory(ctx, sc, c)
		if err != nil {
			return nil, fmt.Errorf("appeal category %s: %w", c.Name, err)
		}
		ids[k.Name] = k.ID
	}
	return ids, nil
}
