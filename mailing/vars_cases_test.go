package mailing

import (
	"strings"
	"testing"
)

// A letter's sentences decline the recipient's name: "Приглашение для
// Мария" is not Russian.
func TestTemplatesDeclineNames(t *testing.T) {
	tpl, err := parseTemplates(Content{Subject: "Приглашение для {{.GivenNameGenitive}}",
		Text: "{{.Dear}} {{.GivenAndPatronymic}}! Вручаем {{.NameDative}} приглашение."}, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		v             Vars
		subject, text string
	}{
		{Vars{Surname: "Иванова", GivenName: "Мария", Patronymic: "Петровна"},
			"Приглашение для Марии", "Уважаемая Мария Петровна! Вручаем Ивановой Марии Петровне приглашение."},
		{Vars{Surname: "Волков", GivenName: "Сергей", Patronymic: "Петрович"},
			"Приглашение для Сергея", "Уважаемый Сергей Петрович! Вручаем Волкову Сергею Петровичу приглашение."},
		{Vars{Surname: "Шевчук", GivenName: "Ольга"},
			"Приглашение для Ольги", "Уважаемая Ольга! Вручаем Шевчук Ольге приглашение."},
	} {
		r, err := tpl.render(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if r.Subject != tc.subject || !strings.HasPrefix(r.Text, tc.text) {
			t.Errorf("%+v: subject %q, text %q; want %q, %q", tc.v, r.Subject, r.Text, tc.subject, tc.text)
		}
	}
}
