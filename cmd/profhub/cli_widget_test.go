package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestWidgetChannelFromTheCommandLine(t *testing.T) {
	env := testEnv(t)
	mustRun(t, env, "created unit", "unit", "add", "--name", "Федерация профсоюзов области", "--kind", "federation")
	mustRun(t, env, "created line", "line", "add", "--name", "Сайт")
	out := mustRun(t, env, `created widget channel "Чат на сайте"`, "widget", "add", "--line", "Сайт", "--name", "Чат на сайте",
		"--title", "Профсоюз", "--colour", "#aa3300", "--allowed-origins", "https://union.example", "--limit-sockets-per-ip", "200")
	id := regexp.MustCompile(`id=(\S+)`).FindStringSubmatch(out)[1]
	if !strings.Contains(out, `data-channel="`+id+`"`) {
		t.Fatalf("no embed tag in %q", out)
	}
	show := mustRun(t, env, "limit-sockets-per-ip:", "widget", "show", id)
	for _, want := range []string{`title:                 "Профсоюз"`, `colour:                "#aa3300"`, `limit-sockets-per-ip:  "200"`} {
		if !strings.Contains(show, want) {
			t.Errorf("widget show lacks %q:\n%s", want, show)
		}
	}

	// set changes what it is given; an empty value clears a setting.
	mustRun(t, env, "updated widget channel", "widget", "set", "Чат на сайте", "--limit-sockets-per-ip", "", "--lang", "en")
	show = mustRun(t, env, "lang:", "widget", "show", id)
	if strings.Contains(show, "limit-sockets-per-ip") || !strings.Contains(show, `"#aa3300"`) {
		t.Errorf("after set:\n%s", show)
	}

	// Settings the widget could not use are refused, as on the settings page.
	for _, bad := range [][]string{{"--colour", "red"}, {"--limit-message-burst", "2.5"}, {"--allowed-origins", "union.example/path"}} {
		code, _, errOut := runCLI(t, env, append([]string{"widget", "set", id}, bad...)...)
		if code == 0 || errOut == "" {
			t.Errorf("widget set %v: exit %d, err %q", bad, code, errOut)
		}
	}
	if code, _, _ := runCLI(t, env, "widget", "set", id); code == 0 {
		t.Error("widget set without a setting succeeded")
	}
	if code, _, errOut := runCLI(t, env, "widget", "show", "нет такого"); code == 0 || !strings.Contains(errOut, "no widget channel") {
		t.Errorf("show of an unknown channel: %d %q", code, errOut)
	}
}
