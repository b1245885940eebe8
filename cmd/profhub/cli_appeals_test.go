package main

import (
	"strings"
	"testing"
)

func TestAppealCategoryCommands(t *testing.T) {
	env := testEnv(t)
	if code, _, errOut := runCLI(t, env, "unit", "add", "--name", "Федерация", "--kind", "federation"); code != 0 {
		t.Fatal(errOut)
	}
	for _, s := range []struct {
		args []string
		code int
		want string // in stdout, or in stderr for a failure
	}{
		{[]string{"appeals", "category", "add", "--name", "Охрана труда", "--days", "10", "--working-days"}, 0, "Охрана труда, 10 working days"},
		{[]string{"appeals", "category", "add", "--name", "Зарплата", "--days", "30"}, 0, "Зарплата, 30 days"},
		{[]string{"appeals", "category", "add", "--name", "охрана ТРУДА", "--days", "5"}, 1, "exists"},
		{[]string{"appeals", "category", "add", "--name", "Без срока"}, 1, "deadline must be 1 to 366 days"},
		{[]string{"appeals", "category", "update", "зарплата", "--days", "15"}, 0, "Зарплата, 15 days, disabled false"},
		{[]string{"appeals", "category", "update", "Зарплата", "--disabled"}, 0, "disabled true"},
		{[]string{"appeals", "category", "update", "Нет такой", "--days", "1"}, 1, "not found"},
		{[]string{"appeals", "category", "list"}, 0, "Охрана труда"},
		{[]string{"appeals", "category", "list", "--all"}, 0, "Зарплата"},
		{[]string{"appeals", "category", "drop"}, 1, "unknown action"},
	} {
		code, out, errOut := runCLI(t, env, s.args...)
		got := out
		if s.code != 0 {
			got = errOut
		}
		if code != s.code || !strings.Contains(got, s.want) {
			t.Errorf("profhub %s: exit %d, out %q, err %q; want %d and %q", strings.Join(s.args, " "), code, out, errOut, s.code, s.want)
		}
	}
	if _, out, _ := runCLI(t, env, "appeals", "category", "list"); strings.Contains(out, "Зарплата") {
		t.Errorf("a disabled category listed without --all: %s", out)
	}
}
