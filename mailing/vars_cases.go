package mailing

import "github.com/profhub/profhub/internal/names"

// The recipient's name in the case a sentence needs, for templates:
// "Приглашение для {{.GivenNameGenitive}}" reads "Приглашение для Марии",
// "{{.NameDative}}" "Ивановой Марии Петровне". The gender comes from the
// patronymic and the endings (internal/names).

func (v Vars) person() names.Person {
	return names.Person{Surname: v.Surname, Given: v.GivenName, Patronymic: v.Patronymic}
}

// GivenNameGenitive is the given name for "для кого": Марии.
func (v Vars) GivenNameGenitive() string { return v.person().In(names.Genitive).Given }

// GivenNameDative is the given name for "кому": Марии.
func (v Vars) GivenNameDative() string { return v.person().In(names.Dative).Given }

// GivenNameAccusative is the given name for "кого": Марию.
func (v Vars) GivenNameAccusative() string { return v.person().In(names.Accusative).Given }

// GivenAndPatronymic is "Мария Петровна", the polite address.
func (v Vars) GivenAndPatronymic() string { return joinNonEmpty(v.GivenName, v.Patronymic) }

// GivenAndPatronymicDative is "Марии Петровне".
func (v Vars) GivenAndPatronymicDative() string {
	p := v.person().In(names.Dative)
	return joinNonEmpty(p.Given, p.Patronymic)
}

// NameGenitive is the full name for "для кого": Ивановой Марии Петровны.
func (v Vars) NameGenitive() string { return v.person().In(names.Genitive).Full() }

// NameDative is the full name for "кому": Ивановой Марии Петровне.
func (v Vars) NameDative() string { return v.person().In(names.Dative).Full() }

// Dear is the greeting's adjective by gender: "Уважаемая" or
// "Уважаемый", so "{{.Dear}} {{.GivenAndPatronymic}}!" reads right.
func (v Vars) Dear() string {
	if v.person().Gender() == names.Female {
		return "Уважаемая"
	}
	return "Уважаемый"
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}
