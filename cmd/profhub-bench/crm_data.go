package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// The data of the crm scenario: a federation shaped like the reference
// customer's, and members with Russian names written to an XLSX file the
// way real registries look (dates as Excel serials and as text, phones in
// several shapes, some e-mails missing).

var (
	maleSurnames = []string{"Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов",
		"Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
		"Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв", "Борисов",
		"Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров", "Дмитриев",
		"Королёв", "Гусев", "Киселёв", "Ильин", "Максимов", "Поляков", "Сорокин", "Виноградов", "Ковалёв", "Белов",
		"Медведев", "Антонов", "Тарасов", "Жуков", "Баранов", "Филиппов", "Комаров", "Давыдов", "Беляев", "Герасимов",
		"Богданов", "Осипов", "Сидоров", "Матвеев", "Титов", "Марков", "Миронов", "Крылов", "Куликов", "Карпов",
		"Власов", "Мельников", "Денисов", "Гаврилов", "Тихонов", "Казаков", "Афанасьев", "Данилов", "Савельев",
		"Тимофеев", "Фомин", "Чернов", "Абрамов", "Мартынов", "Ефимов", "Федотов", "Щербаков", "Назаров", "Калинин",
		"Исаев", "Чернышёв", "Быков", "Маслов", "Родионов", "Коновалов", "Лазарев", "Воронин", "Климов", "Филатов",
		"Пономарёв", "Голубев", "Кудрявцев", "Прохоров", "Наумов", "Потапов", "Журавлёв", "Овчинников", "Трофимов",
		"Леонов", "Соболев", "Ермаков", "Колесников", "Гончаров", "Емельянов", "Никифоров", "Грачёв", "Котов",
		"Гришин", "Ефремов", "Архипов", "Громов", "Кириллов", "Малышев", "Панов", "Моисеев", "Румянцев", "Акимов",
		"Кондратьев", "Бирюков", "Горбунов", "Анисимов", "Ерёмин", "Тихомиров", "Галкин", "Лукьянов", "Михеев",
		"Скворцов", "Юдин", "Белоусов", "Нестеров", "Симонов", "Прокофьев", "Харитонов", "Князев", "Цветков",
		"Левин", "Митрофанов", "Воронов", "Аксёнов", "Софронов", "Мальцев", "Логинов", "Горшков", "Савин",
		"Краснов", "Майоров", "Демидов", "Елисеев", "Рыбаков", "Сафонов", "Плотников", "Демин", "Хохлов",
		"Жданов", "Жаворонков", "Лавров", "Рябов", "Чистяков", "Шубин", "Зуев", "Шестаков", "Бобров",
		"Островский", "Вишневский", "Ковальский", "Раевский", "Покровский", "Успенский", "Полянский", "Козловский"}
	maleNames = []string{"Александр", "Сергей", "Дмитрий", "Андрей", "Алексей", "Максим", "Евгений", "Иван",
		"Михаил", "Артём", "Николай", "Владимир", "Павел", "Роман", "Олег", "Денис", "Игорь", "Константин",
		"Виктор", "Юрий", "Антон", "Василий", "Пётр", "Григорий", "Фёдор", "Степан", "Анатолий", "Геннадий",
		"Борис", "Леонид", "Вячеслав", "Станислав", "Тимофей", "Кирилл", "Илья", "Егор"}
	femaleNames = []string{"Елена", "Ольга", "Наталья", "Татьяна", "Ирина", "Светлана", "Анна", "Мария",
		"Екатерина", "Юлия", "Людмила", "Галина", "Марина", "Надежда", "Валентина", "Любовь", "Оксана", "Анастасия",
		"Дарья", "Алёна", "Виктория", "Ксения", "Лариса", "Вера", "Нина", "Тамара", "Зинаида", "Евгения", "Полина",
		"Софья", "Алла", "Инна", "Жанна", "Раиса", "Лидия", "Алина"}
	// Fathers' names and their patronymic stems (the masculine ending
	// follows; the feminine one replaces "ич" with "на").
	patronymics = []string{"Александрович", "Сергеевич", "Дмитриевич", "Андреевич", "Алексеевич", "Владимирович",
		"Николаевич", "Иванович", "Михайлович", "Викторович", "Юрьевич", "Петрович", "Васильевич", "Анатольевич",
		"Евгеньевич", "Олегович", "Игоревич", "Павлович", "Геннадьевич", "Борисович", "Григорьевич", "Фёдорович",
		"Валерьевич", "Леонидович", "Степанович", "Константинович", "Романович", "Вячеславович", "Ильич"}
	industries = []string{"машиностроение", "металлургия", "образование", "здравоохранение", "культура",
		"строительство", "жилищно-коммунальное хозяйство", "энергетика", "транспорт", "связь", "агропромышленный комплекс",
		"лесное хозяйство", "торговля", "химическая промышленность", "нефтегазовая отрасль", "государственные учреждения",
		"наука", "авиационная промышленность", "железнодорожный транспорт", "потребительская кооперация"}
	employers = []string{"Завод", "Комбинат", "Больница", "Школа", "Колледж", "Университет", "Депо", "Управление",
		"Поликлиника", "Детский сад", "Театр", "Библиотека", "Фабрика", "Трест", "Станция", "Институт"}
	positions = []string{"инженер", "мастер участка", "учитель", "врач-терапевт", "медицинская сестра", "слесарь",
		"токарь", "бухгалтер", "экономист", "водитель", "оператор", "лаборант", "воспитатель", "электромонтёр",
		"машинист", "сварщик", "кладовщик", "специалист", "ведущий специалист", "начальник отдела", "преподаватель"}
	towns = []string{"Самара", "Тольятти", "Сызрань", "Новокуйбышевск", "Чапаевск", "Жигулёвск", "Отрадный",
		"Кинель", "Похвистнево", "Октябрьск", "Нефтегорск", "Безенчук"}
)

// federation is the tree the scenario builds: committee names and, per
// primary organisation, its name, committee index and employer.
type federation struct {
	committees []string
	primaries  []primary
}

type primary struct {
	name, employer string
	committee      int
}

func makeFederation(r *rand.Rand, committees, primaries int) federation {
	var f federation
	for i := range committees {
		f.committees = append(f.committees, fmt.Sprintf("Обком профсоюза работников отрасли «%s» №%d", industries[i%len(industries)], i+1))
	}
	for i := range primaries {
		emp := fmt.Sprintf("%s «%s-%d» г. %s", employers[r.IntN(len(employers))], strings.ToUpper(maleSurnames[r.IntN(len(maleSurnames))][:4]),
			i+1, towns[r.IntN(len(towns))])
		f.primaries = append(f.primaries, primary{name: fmt.Sprintf("ППО %s", emp), employer: emp, committee: i % committees})
	}
	return f
}

// person is one generated member.
type person struct {
	surname, name, patronymic string
	female                    bool
	birth                     time.Time
	phone                     string // E.164
	email                     string
	card                      string
	primary                   int
}

func femaleSurname(s string) string {
	switch {
	case strings.HasSuffix(s, "ский"):
		return strings.TrimSuffix(s, "ий") + "ая"
	case strings.HasSuffix(s, "ов"), strings.HasSuffix(s, "ев"), strings.HasSuffix(s, "ёв"), strings.HasSuffix(s, "ин"):
		return s + "а"
	}
	return s
}

func makePerson(r *rand.Rand, i, primaries int) person {
	p := person{female: r.IntN(2) == 0, primary: i % primaries}
	p.surname = maleSurnames[r.IntN(len(maleSurnames))]
	p.patronymic = patronymics[r.IntN(len(patronymics))]
	if p.female {
		p.surname = femaleSurname(p.surname)
		p.name = femaleNames[r.IntN(len(femaleNames))]
		p.patronymic = strings.TrimSuffix(p.patronymic, "ич") + "на"
		if p.patronymic == "Ильна" {
			p.patronymic = "Ильинична"
		}
	} else {
		p.name = maleNames[r.IntN(len(maleNames))]
	}
	p.birth = time.Date(1960+r.IntN(45), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	// Unique mobile numbers: 9xx and the member's index.
	p.phone = fmt.Sprintf("+79%02d%07d", 10+i/10_000_000, i%10_000_000)
	if r.IntN(3) > 0 {
		p.email = fmt.Sprintf("member%d@mail%d.example.ru", i, r.IntN(50))
	}
	p.card = fmt.Sprintf("%08d", 10_000_000+i)
	return p
}

// phoneShape writes an E.164 number the ways registries do.
func phoneShape(e164 string, k int) string {
	d := e164[2:] // ten digits
	switch k % 4 {
	case 0:
		return e164
	case 1:
		return "8 (" + d[:3] + ") " + d[3:6] + "-" + d[6:8] + "-" + d[8:]
	case 2:
		return "+7 " + d[:3] + " " + d[3:6] + " " + d[6:]
	}
	return "8" + d
}

var crmHeader = []any{"Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Телефон", "E-mail", "Организация",
	"Место работы", "Должность", "Отрасль", "№ профбилета", "Дата вступления", "Активист"}

// writeMembersXLSX writes n members of f to path with excelize's stream
// writer and returns them.
func writeMembersXLSX(path string, r *rand.Rand, f federation, n int) ([]person, error) {
	x := excelize.NewFile()
	defer x.Close()
	sw, err := x.NewStreamWriter("Sheet1")
	if err != nil {
		return nil, err
	}
	if err := sw.SetRow("A1", []any{"Реестр членов профсоюза"}); err != nil {
		return nil, err
	}
	if err := sw.SetRow("A2", crmHeader); err != nil {
		return nil, err
	}
	people := make([]person, n)
	row := make([]any, len(crmHeader))
	for i := range n {
		p := makePerson(r, i, len(f.primaries))
		people[i] = p
		org := f.primaries[p.primary]
		sex := "м"
		if p.female {
			sex = "ж"
		}
		var birth any = p.birth.Format("02.01.2006")
		if i%2 == 0 { // an Excel date, as typed into a date-formatted cell
			birth = p.birth.Sub(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)).Hours() / 24
		}
		activist := ""
		if r.IntN(20) == 0 {
			activist = "да"
		}
		joined := p.birth.AddDate(20+r.IntN(15), r.IntN(12), 0)
		if joined.After(time.Now()) {
			joined = time.Now().AddDate(0, -r.IntN(24), 0)
		}
		row = append(row[:0], p.surname, p.name, p.patronymic, birth, sex, phoneShape(p.phone, i), p.email, org.name,
			org.employer, positions[r.IntN(len(positions))], industries[org.committee%len(industries)], p.card,
			joined.Format("02.01.2006"), activist)
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		if err := sw.SetRow(cell, row); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	return people, x.SaveAs(path)
}
