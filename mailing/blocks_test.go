package mailing

import (
	"strings"
	"testing"
)

func renderBlocks(t *testing.T, c Content, v Vars) Rendered {
	t.Helper()
	if err := checkBlocks(c.Blocks); err != nil {
		t.Fatal(err)
	}
	tp, err := parseTemplates(c, "https://hub.example.org")
	if err != nil {
		t.Fatal(err)
	}
	r, err := tp.render(v)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A block letter becomes a 600 px table layout with inline styles and a
// text part, with the variables filled from the recipient's data.
func TestBlocksRender(t *testing.T) {
	v := sampleVars
	v.Custom = map[string]string{"stazh": "12"}
	c := Content{Subject: "Приглашение для {{Имя}}", VarFields: map[string]string{"Стаж в профсоюзе": "stazh"}, Blocks: []Block{
		{Type: BlockHeading, Text: "Уважаемая {{Имя и отчество}}!"},
		{Type: BlockText, Text: `<p>Вы с нами <b>{{Стаж в профсоюзе}}</b> лет. <i>Спасибо!</i> Подробности <a href="https://union.example.org/news?a=1&amp;b=2">на сайте</a>.</p>`},
		{Type: BlockImage, Src: ImagePath + "01890a5d-ac96-774b-bcce-b302099a8057", Alt: "Конференция"},
		{Type: BlockButton, Text: "Зарегистрироваться", URL: "https://union.example.org/reg"},
		{Type: BlockDivider},
		{Type: BlockColumns, Left: "Место: Дом союзов", Right: "Время: 10:00, {{Организация}}"},
	}}
	r := renderBlocks(t, c, v)
	if r.Subject != "Приглашение для Мария" {
		t.Errorf("subject %q", r.Subject)
	}
	for _, want := range []string{`width="600"`, `Уважаемая Мария Петровна!`, `<b>12</b>`, `<i>Спасибо!</i>`,
		`href="https://union.example.org/news?a=1&amp;b=2"`, `src="https://hub.example.org/hooks/mailing/images/01890a5d-ac96-774b-bcce-b302099a8057"`,
		`href="https://union.example.org/reg"`, `Зарегистрироваться</a>`, `border-top:1px solid`, `Время: 10:00, ППО «Пример»`,
		`href="https://example.org/u"`, `style="color:#1f5fa8;`} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML lacks %s:\n%s", want, r.HTML)
		}
	}
	for _, want := range []string{"Уважаемая Мария Петровна!\n===", "Вы с нами 12 лет. Спасибо! Подробности на сайте (https://union.example.org/news?a=1&b=2).",
		"Зарегистрироваться: https://union.example.org/reg", "[Конференция]", "----------", "Место: Дом союзов\n\nВремя: 10:00, ППО «Пример»",
		"Отписаться от рассылки: https://example.org/u"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, r.Text)
		}
	}
	if strings.Contains(r.Text, "<") {
		t.Errorf("markup in the text part:\n%s", r.Text)
	}
}

// What a person types cannot run in a mail program nor reach the
// template engine: scripts, handlers and javascript: links go, template
// syntax stays literal text, an unknown {{name}} stays as typed.
func TestBlocksNeutraliseHostileInput(t *testing.T) {
	v := sampleVars
	v.GivenName = `<b>Мария</b>{{.Name}}`
	c := Content{Subject: `{{.UnsubscribeURL}} {{template "x"}} {{Имя}}`,
		VarFields: map[string]string{"Злой": `x" }}{{.Name`}, Blocks: []Block{
			{Type: BlockHeading, Text: `</h2><script>alert(1)</script>{{.UnsubscribeURL}}`},
			{Type: BlockText, Text: `<img src=x onerror=alert(1)><a href="javascript:alert(1)">ссылка</a><span style="color:red" onclick="x()">{{Имя}}</span>` +
				`{{printf "%s" .Name}} {{define "x"}}{{end}} {{Неизвестно}} {{Злой}} <style>body{}</style><iframe src="https://evil"></iframe>`},
			{Type: BlockColumns, Left: `<script>1</script>`, Right: `{{ .Custom }}`},
			{Type: BlockImage, Src: "https://img.example.org/a.png", Alt: `" onerror="alert(1)`},
		}}
	r := renderBlocks(t, c, v)
	for _, bad := range []string{"<script", "onerror=alert", `" onerror`, "onclick", "javascript:", "<iframe", "<style>", "<span", `<b>Мария`} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML holds %s:\n%s", bad, r.HTML)
		}
	}
	for _, lit := range []string{"&#123;&#123;printf", "&#123;&#123;Неизвестно&#125;&#125;", "&#123;&#123;Злой&#125;&#125;", "&#123;&#123; .Custom &#125;&#125;",
		"&lt;/h2&gt;&lt;script&gt;", "&#123;&#123;.UnsubscribeURL&#125;&#125;", `alt="&#34; onerror=&#34;alert(1)"`, "&lt;b&gt;Мария&lt;/b&gt;{{.Name}}"} {
		if !strings.Contains(r.HTML, lit) {
			t.Errorf("HTML lacks the literal %s:\n%s", lit, r.HTML)
		}
	}
	if want := `{{.UnsubscribeURL}} {{template "x"}} <b>Мария</b>{{.Name}}`; r.Subject != want {
		t.Errorf("subject %q, want %q", r.Subject, want)
	}
	if !strings.Contains(r.Text, `{{printf "%s" .Name}}`) || !strings.Contains(r.Text, "{{Неизвестно}}") || strings.Contains(r.Text, "javascript") {
		t.Errorf("text part:\n%s", r.Text)
	}
}

func TestBlocksRefused(t *testing.T) {
	for _, b := range []Block{
		{Type: "script"},
		{Type: BlockButton, Text: "Жми", URL: "javascript:alert(1)"},
		{Type: BlockButton, Text: "Жми", URL: "/relative"},
		{Type: BlockButton, URL: "https://x.org"},
		{Type: BlockImage, Src: "data:image/png;base64,AAAA"},
		{Type: BlockImage, Src: ImagePath + "../../etc"},
		{Type: BlockImage, Src: "https://x.org/a.png", URL: "javascript:1"},
	} {
		if err := checkBlocks([]Block{b}); err == nil {
			t.Errorf("%+v accepted", b)
		}
	}
	if err := checkBlocks(make([]Block, MaxBlocks+1)); err == nil {
		t.Error("too many blocks accepted")
	}
}
