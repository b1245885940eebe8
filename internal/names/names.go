// Package names writes Russian personal names the way a sentence needs
// them: the short form lists and histories show ("Иванова М. П.") and the
// oblique cases ("Приглашение для Марии", "Ивановой Марии Петровне").
//
// No maintained Go library declines Russian names (the petrovich ports are
// unmaintained and not served by our module proxy), so the rules are a
// small table after petrovich's (MIT): endings of given names, patronymics
// and surnames by gender, with the handful of exceptions that matter.
// Names the table does not know stay as they are, which is how Russian
// treats foreign names ("для Элизабет", "Шевчук Анне").
package names

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Case is a grammatical case.
type Case int

// The six cases; Nominative leaves a name as it is.
const (
	Nominative    Case = iota // кто: Мария
	Genitive                  // кого: Марии
	Dative                    // кому: Марии
	Accusative                // кого: Марию
	Instrumental              // кем: Марией
	Prepositional             // о ком: Марии
)

// Gender of a person, which most endings depend on.
type Gender int

// Unknown is guessed from the name (Person.Gender).
const (
	Unknown Gender = iota
	Male
	Female
)

// Person is a name in its parts.
type Person struct {
	Surname, Given, Patronymic string
	Sex                        Gender // Unknown: guessed
}

// Split reads "Фамилия Имя Отчество" (the CRM's and the directory's
// order); a single word is a surname, and anything after the third word
// belongs to the patronymic ("Мамедов Али Гусейн оглы").
func Split(full string) Person {
	f := strings.Fields(full)
	var p Person
	switch len(f) {
	case 0:
	case 1:
		p.Surname = f[0]
	case 2:
		p.Surname, p.Given = f[0], f[1]
	default:
		p.Surname, p.Given, p.Patronymic = f[0], f[1], strings.Join(f[2:], " ")
	}
	return p
}

// Full is the name in one line, "Фамилия Имя Отчество".
func (p Person) Full() string {
	return strings.Join(strings.Fields(p.Surname+" "+p.Given+" "+p.Patronymic), " ")
}

// Short is "Иванова М. П.": the surname and initials, as lists and
// histories show people. A one-word name ("Администратор") stays whole.
func Short(full string) string {
	p := Split(full)
	out := p.Surname
	for _, part := range []string{p.Given, p.Patronymic} {
		if r, _ := utf8.DecodeRuneInString(part); r != utf8.RuneError && unicode.IsLetter(r) {
			out += " " + string(unicode.ToUpper(r)) + "."
		}
	}
	return out
}

// Gender is p.Sex, or a guess: the patronymic says it surely, then the
// surname's and the given name's endings.
func (p Person) Gender() Gender {
	if p.Sex != Unknown {
		return p.Sex
	}
	pat := strings.ToLower(p.Patronymic)
	switch {
	case strings.HasSuffix(pat, "вна"), strings.HasSuffix(pat, "чна"), strings.HasSuffix(pat, "кызы"):
		return Female
	case strings.HasSuffix(pat, "ич"), strings.HasSuffix(pat, "оглы"):
		return Male
	}
	sur := strings.ToLower(p.Surname)
	for _, end := range []string{"ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая"} {
		if strings.HasSuffix(sur, end) {
			return Female
		}
	}
	for _, end := range []string{"ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ой", "ый"} {
		if strings.HasSuffix(sur, end) {
			return Male
		}
	}
	given := strings.ToLower(p.Given)
	if maleInA[given] {
		return Male
	}
	if femaleSoft[given] || strings.HasSuffix(given, "а") || strings.HasSuffix(given, "я") {
		return Female
	}
	if given != "" {
		return Male
	}
	return Unknown
}

// In is p in case c.
func (p Person) In(c Case) Person {
	if c == Nominative {
		return p
	}
	g := p.Gender()
	return Person{Surname: declineWords(p.Surname, c, g, surname), Given: declineWords(p.Given, c, g, given),
		Patronymic: declineWords(p.Patronymic, c, g, patronymic), Sex: g}
}

// Decline is the full name "Фамилия Имя Отчество" in case c.
func Decline(full string, c Case) string { return Split(full).In(c).Full() }

type part int

const (
	surname part = iota
	given
	patronymic
)

// declineWords declines each part of a hyphenated name ("Римский-Корсаков").
func declineWords(s string, c Case, g Gender, what part) string {
	if s == "" || strings.Contains(s, " ") {
		return s // "Гусейн оглы": Turkic patronymics do not decline
	}
	parts := strings.Split(s, "-")
	for i, w := range parts {
		parts[i] = declineWord(w, c, g, what)
	}
	return strings.Join(parts, "-")
}

// rule replaces an ending: cut runes off the end, then add the case's
// ending (Genitive … Prepositional).
type rule struct {
	end  string
	cut  int
	adds [5]string
}

func declineWord(w string, c Case, g Gender, what part) string {
	lower := strings.ToLower(w)
	var table []rule
	switch {
	case what == patronymic && g == Female:
		table = femalePatronymic
	case what == patronymic:
		table = malePatronymic
	case what == given && g == Female:
		table = femaleGiven
	case what == given:
		if stem, ok := fleetingVowel[lower]; ok {
			// Павел → Павла: the vowel drops before an ending.
			return stem + [5]string{"а", "у", "а", "ом", "е"}[c-1]
		}
		table = maleGiven
	case g == Female:
		table = femaleSurname
	default:
		table = maleSurname
	}
	for _, r := range table {
		if r.end == "" || strings.HasSuffix(lower, r.end) {
			if r.end == "" && !endsInConsonant(lower) {
				continue
			}
			runes := []rune(w)
			if r.cut > len(runes) {
				return w
			}
			return string(runes[:len(runes)-r.cut]) + r.adds[c-1]
		}
	}
	return w
}

func endsInConsonant(w string) bool {
	r, _ := utf8.DecodeLastRuneInString(w)
	return strings.ContainsRune("бвгджзклмнпрстфхцчшщ", r)
}

// Male given names that end in -а or -я, and female ones in a soft sign
// or a consonant that decline like "Любовь".
var maleInA = map[string]bool{"никита": true, "илья": true, "фома": true, "кузьма": true, "лука": true, "савва": true,
	"данила": true, "гаврила": true, "фока": true}

var femaleSoft = map[string]bool{"любовь": true, "нинель": true, "адель": true, "рашель": true, "ассоль": true}

// fleetingVowel are male given names whose last vowel drops before an
// ending, with the stem that remains.
var fleetingVowel = map[string]string{"павел": "Павл", "лев": "Льв", "пётр": "Петр"}

// Endings are tried in order; "" matches a final consonant.
var maleGiven = []rule{
	{"ий", 1, [5]string{"я", "ю", "я", "ем", "и"}}, // Аркадий
	{"ей", 1, [5]string{"я", "ю", "я", "ем", "е"}}, // Сергей
	{"ай", 1, [5]string{"я", "ю", "я", "ем", "е"}}, // Николай
	{"ь", 1, [5]string{"я", "ю", "я", "ем", "е"}},  // Игорь
	{"ья", 1, [5]string{"и", "е", "ю", "ёй", "е"}}, // Илья
	{"я", 1, [5]string{"и", "е", "ю", "ей", "е"}},  // Ваня
	{"ка", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Лука
	{"га", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"ха", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"жа", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"ша", 1, [5]string{"и", "е", "у", "ей", "е"}}, // Миша
	{"ча", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"ща", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"а", 1, [5]string{"ы", "е", "у", "ой", "е"}}, // Никита
	{"ж", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ш", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ч", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"щ", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ц", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"", 0, [5]string{"а", "у", "а", "ом", "е"}}, // Иван, Павел (kept whole)
}

var femaleGiven = []rule{
	{"ия", 1, [5]string{"и", "и", "ю", "ей", "и"}}, // Мария
	{"ья", 1, [5]string{"и", "е", "ю", "ей", "е"}}, // Дарья
	{"я", 1, [5]string{"и", "е", "ю", "ей", "е"}},  // Таня
	{"ка", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Ника
	{"га", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Ольга
	{"ха", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"жа", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"ша", 1, [5]string{"и", "е", "у", "ей", "е"}}, // Наташа
	{"ча", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"ща", 1, [5]string{"и", "е", "у", "ей", "е"}},
	{"ца", 1, [5]string{"ы", "е", "у", "ей", "е"}},
	{"а", 1, [5]string{"ы", "е", "у", "ой", "е"}}, // Анна
	{"ь", 1, [5]string{"и", "и", "ь", "ью", "и"}}, // Любовь
}

var malePatronymic = []rule{
	{"ильич", 0, [5]string{"а", "у", "а", "ом", "е"}}, // stressed: Ильичом
	{"кузьмич", 0, [5]string{"а", "у", "а", "ом", "е"}},
	{"фомич", 0, [5]string{"а", "у", "а", "ом", "е"}},
	{"лукич", 0, [5]string{"а", "у", "а", "ом", "е"}},
	{"ич", 0, [5]string{"а", "у", "а", "ем", "е"}}, // Петрович, Ильич
}

var femalePatronymic = []rule{
	{"на", 1, [5]string{"ы", "е", "у", "ой", "е"}}, // Петровна
}

var maleSurname = []rule{
	{"ский", 2, [5]string{"ого", "ому", "ого", "им", "ом"}},
	{"цкий", 2, [5]string{"ого", "ому", "ого", "им", "ом"}},
	{"кий", 2, [5]string{"ого", "ому", "ого", "им", "ом"}}, // Горький
	{"гий", 2, [5]string{"ого", "ому", "ого", "им", "ом"}},
	{"хий", 2, [5]string{"ого", "ому", "ого", "им", "ом"}},
	{"ий", 2, [5]string{"его", "ему", "его", "им", "ем"}}, // Крайний
	{"ый", 2, [5]string{"ого", "ому", "ого", "ым", "ом"}}, // Белый
	{"ой", 2, [5]string{"ого", "ому", "ого", "ым", "ом"}}, // Толстой
	{"ов", 0, [5]string{"а", "у", "а", "ым", "е"}},        // Иванов
	{"ев", 0, [5]string{"а", "у", "а", "ым", "е"}},
	{"ёв", 0, [5]string{"а", "у", "а", "ым", "е"}},
	{"ин", 0, [5]string{"а", "у", "а", "ым", "е"}}, // Гришин
	{"ын", 0, [5]string{"а", "у", "а", "ым", "е"}},
	{"их", 0, [5]string{"", "", "", "", ""}}, // Седых: does not decline
	{"ых", 0, [5]string{"", "", "", "", ""}},
	{"ь", 1, [5]string{"я", "ю", "я", "ем", "е"}}, // Бондарь
	{"й", 1, [5]string{"я", "ю", "я", "ем", "е"}}, // Гайдай
	{"ж", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ш", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ч", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"щ", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ц", 0, [5]string{"а", "у", "а", "ем", "е"}},
	{"ка", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Шишка
	{"га", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Кочерга
	{"ха", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"а", 1, [5]string{"ы", "е", "у", "ой", "е"}},
	{"", 0, [5]string{"а", "у", "а", "ом", "е"}}, // Шевчук
}

var femaleSurname = []rule{
	{"ская", 2, [5]string{"ой", "ой", "ую", "ой", "ой"}},
	{"цкая", 2, [5]string{"ой", "ой", "ую", "ой", "ой"}},
	{"ая", 2, [5]string{"ой", "ой", "ую", "ой", "ой"}}, // Толстая
	{"яя", 2, [5]string{"ей", "ей", "юю", "ей", "ей"}}, // Крайняя
	{"ова", 1, [5]string{"ой", "ой", "у", "ой", "ой"}}, // Иванова
	{"ева", 1, [5]string{"ой", "ой", "у", "ой", "ой"}},
	{"ёва", 1, [5]string{"ой", "ой", "у", "ой", "ой"}},
	{"ина", 1, [5]string{"ой", "ой", "у", "ой", "ой"}}, // Гришина
	{"ына", 1, [5]string{"ой", "ой", "у", "ой", "ой"}},
	{"ка", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"га", 1, [5]string{"и", "е", "у", "ой", "е"}}, // Кочерга
	{"ха", 1, [5]string{"и", "е", "у", "ой", "е"}},
	{"а", 1, [5]string{"ы", "е", "у", "ой", "е"}},
	// A woman's surname ending in a consonant (Шевчук) does not decline.
}
