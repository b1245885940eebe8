package mailing

import (
	"bytes"
	htmltemplate "html/template"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	texttemplate "text/template"
	"time"

	"github.com/profhub/profhub/mailing/mailingtest"
)

// randText is a string made to trip escapers and the encoder: HTML and
// URL specials, white space before line ends, control characters,
// non-ASCII, broken UTF-8, schemes.
func randText(r *rand.Rand, max int) string {
	pieces := []string{"<", ">", "&", `"`, "'", "`", "+", "=", "%", "%4", "%41", "%zz", "/", ":", "?", "#", ";", "@", "!", "$", "*",
		",", "[", "]", "(", ")", "-", ".", "_", "~", " ", "  ", "\t", "\n", "\r", "\r\n", " \n", "\x00", "\x01", "\x7f",
		"a", "Z", "7", "я", "Ж", "ё", "€", "\ufdd0", "\ufffe", "\xff", "\xc3", "javascript:", "JavaScript:", "http:", "HTTPS:",
		"mailto:", "data:", "vbscript:", "/x:y", "https://e.org/p?q=1&r=2", "Мария", "word "}
	var b strings.Builder
	for n := r.IntN(max + 1); n > 0; n-- {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

func randVars(r *rand.Rand) Vars {
	v := Vars{Name: randText(r, 8), Surname: randText(r, 4), GivenName: randText(r, 6), Patronymic: randText(r, 3),
		Organisation: randText(r, 30), Position: randText(r, 2), CardNumber: randText(r, 2), DiscountCard: randText(r, 1),
		UnsubscribeURL: randText(r, 5)}
	if r.IntN(3) > 0 {
		v.Custom = map[string]string{"k1": randText(r, 5), "stazh": randText(r, 3)}
	}
	if r.IntN(4) == 0 { // a real member's names, so the word forms have work
		v.Surname, v.GivenName, v.Patronymic = "Кузнецова", "Мария", "Ивановна"
	}
	return v
}

// Each context's escaping, filled, is what html/template writes, for
// some 2,000 strings per context.
func TestFillEscapers(t *testing.T) {
	contexts := []struct {
		src  string
		want escaping
	}{
		{`<p>{{.GivenName}}</p>`, escHTML},
		{`<p title="{{.GivenName}}">`, escHTML},
		{`<p title='{{.GivenName}}'>`, escHTML},
		{`<title>{{.GivenName}}</title>`, escHTML},
		{`<a href="{{.GivenName}}">`, escURL},
		{`<img src='{{.GivenName}}'>`, escURL},
		{`<a href="https://e.org/{{.GivenName}}">`, escURLPart},
		{`<a href="/x?q={{.GivenName}}&amp;r=1">`, escURLQuery},
		{`<a href="/x#{{.GivenName}}">`, escURLQuery},
	}
	r := rand.New(rand.NewPCG(7, 8))
	for _, c := range contexts {
		tmpl := htmltemplate.Must(htmltemplate.New("t").Option("missingkey=zero").Parse(c.src))
		var want bytes.Buffer
		if err := tmpl.Execute(&want, Vars{}); err != nil {
			t.Fatal(err)
		}
		f := flatHTML(tmpl)
		if f == nil || len(f.vars) != 1 || f.vars[0].esc != c.want {
			t.Fatalf("%s: not split as a variable with escaping %d: %+v", c.src, c.want, f)
		}
		var vals flatValues
		for i := range 2000 {
			s := randText(r, 12)
			if i == 0 {
				s = "javascript:alert('<x>')"
			}
			want.Reset()
			if err := tmpl.Execute(&want, Vars{GivenName: s}); err != nil {
				t.Fatal(err)
			}
			_ = f.fill(&vals, &Vars{GivenName: s})
			if got := vals.appendTo(nil); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("%s with %q:\n got %q\nwant %q", c.src, s, got, want.Bytes())
			}
		}
	}
}

// varFields covers every string field and method of Vars, and reads the
// one it names.
func TestFillVarFields(t *testing.T) {
	v := randVars(rand.New(rand.NewPCG(3, 4)))
	v.Surname, v.GivenName, v.Patronymic = "Кузнецова", "Мария", "Ивановна"
	rv, rt := reflect.ValueOf(v), reflect.TypeFor[Vars]()
	names := map[string]string{}
	for i := range rt.NumField() {
		if rt.Field(i).Type.Kind() == reflect.String {
			names[rt.Field(i).Name] = rv.Field(i).String()
		}
	}
	for i := range rt.NumMethod() {
		m := rt.Method(i)
		if m.Type.NumIn() == 1 && m.Type.NumOut() == 1 && m.Type.Out(0).Kind() == reflect.String {
			names[m.Name] = rv.Method(i).Call(nil)[0].String()
		}
	}
	if len(names) != len(varFields) {
		t.Errorf("Vars has %d string fields and methods, varFields %d", len(names), len(varFields))
	}
	for name, want := range names {
		if get := varFields[name]; get == nil || get(&v) != want {
			t.Errorf("varFields[%s] does not read it", name)
		}
	}
}

// randTemplate is template source: static text (long runs, white space
// before line ends, "=", CR, non-ASCII) around variables in every
// context a flat template allows, and now and then something that is not
// flat.
func randTemplate(r *rand.Rand, html bool) string {
	fields := []string{"Name", "GivenName", "Patronymic", "Organisation", "CardNumber", "UnsubscribeURL", "Dear", "NameDative", "Custom.k1", "Custom.none"}
	field := func() string { return "." + fields[r.IntN(len(fields))] }
	static := func() string {
		s := strings.NewReplacer("<", " ", "{", " ", "}", " ", "\x00", " ").Replace(randText(r, 6))
		if r.IntN(4) == 0 {
			s += strings.Repeat("line of text = ", r.IntN(12))
		}
		return s
	}
	var b strings.Builder
	for n := r.IntN(12); n >= 0; n-- {
		b.WriteString(static())
		switch k := r.IntN(20); {
		case k < 8:
			b.WriteString("{{" + field() + "}}")
		case k == 8:
			b.WriteString(`{{index .Custom "stazh"}}`)
		case k == 9:
			b.WriteString(`{{"{"}}`)
		case k == 10 && r.IntN(5) == 0:
			b.WriteString("{{if .Position}}P{{else}}N{{end}}")
		case html && k == 11:
			b.WriteString(`<a href="{{` + field() + `}}">x</a>`)
		case html && k == 12:
			b.WriteString(`<a href="https://e.org/{{` + field() + `}}?q={{` + field() + `}}#{{` + field() + `}}">x</a>`)
		case html && k == 13:
			b.WriteString(`<img alt="{{` + field() + `}}" title='{{` + field() + `}}'>`)
		case html && k == 14:
			b.WriteString(`<title>{{` + field() + `}}</title>`)
		case html && k == 15 && r.IntN(5) == 0:
			b.WriteString(`<script>var x = {{` + field() + `}};</script>`)
		case html && k == 16:
			b.WriteString("<p>")
		}
	}
	return b.String()
}

// A filled template writes what executing it writes, and its pieced
// quoted-printable encoding is the whole text's, on 300 random templates
// of each kind with several recipients each.
func TestFillPiecedQP(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	flat := 0
	for i := range 600 {
		html := i%2 == 0
		src := randTemplate(r, html)
		var exec func(w *bytes.Buffer, v Vars) error
		var f *flatTemplate
		if html {
			tmpl := htmltemplate.Must(htmltemplate.New("t").Option("missingkey=zero").Parse(src))
			exec = func(w *bytes.Buffer, v Vars) error { return tmpl.Execute(w, v) }
			if err := tmpl.Execute(&bytes.Buffer{}, Vars{}); err != nil {
				continue // html/template refuses it (a random "<" in a bad place)
			}
			if f = flatHTML(tmpl); f == nil {
				f = executed(tmpl.Execute)
			}
		} else {
			tmpl := texttemplate.Must(texttemplate.New("t").Option("missingkey=zero").Parse(src))
			exec = func(w *bytes.Buffer, v Vars) error { return tmpl.Execute(w, v) }
			if f = flatText(tmpl); f == nil {
				f = executed(tmpl.Execute)
			}
		}
		if f.exec == nil {
			flat++
		}
		var vals flatValues
		for range 5 {
			v := randVars(r)
			var want bytes.Buffer
			if err := exec(&want, v); err != nil {
				t.Fatal(err)
			}
			if err := f.fill(&vals, &v); err != nil {
				t.Fatal(err)
			}
			if got := vals.appendTo(nil); !bytes.Equal(got, want.Bytes()) {
				t.Fatalf("template %q:\n got %q\nwant %q", src, got, want.Bytes())
			}
			if got, want := vals.appendQP(nil), appendQP(nil, want.Bytes()); !bytes.Equal(got, want) {
				t.Fatalf("template %q: pieced encoding\n%q\nwhole\n%q", src, got, want)
			}
		}
	}
	if flat < 400 {
		t.Fatalf("only %d of 600 templates were flat: the test tries too little of the filled path", flat)
	}
}

// appendQPAt did not change what appendQP writes: appendQPBefore is
// appendQP as it was.
func TestAppendQPUnchanged(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for range 2000 {
		s := []byte(randText(r, 60) + strings.Repeat("x ", r.IntN(80)) + randText(r, 3))
		if got, want := appendQP(nil, s), appendQPBefore(nil, s); !bytes.Equal(got, want) {
			t.Fatalf("%q:\n got %q\nwant %q", s, got, want)
		}
	}
}

// Whole letters, filled, are the letters the templates executed make,
// byte for byte: the benchmark's newsletter, a block letter, raw HTML
// with and without a text part, text only, with tracking and attachments.
func TestFillLetters(t *testing.T) {
	contents := []Content{
		{Subject: mailingtest.NewsletterSubject, HTML: mailingtest.Newsletter()},
		{Subject: "Привет, {{Имя}}", Blocks: []Block{{Type: BlockHeading, Text: "Здравствуйте, {{Имя}}!"},
			{Type: BlockText, Text: "<b>{{Организация}}</b>, стаж {{Стаж}} <a href=\"https://e.org/a?b=1&amp;c=2\">ссылка</a>"},
			{Type: BlockButton, Text: "Открыть", URL: "https://e.org/x"}}, VarFields: map[string]string{"Стаж": "stazh"}},
		{Subject: "{{.Dear}} {{.GivenAndPatronymic}}", HTML: "<p>{{.NameDative}}: <a href=\"https://e.org/r\">r</a></p>", Text: "Текст {{.Name}} \n= конец\t"},
		{Subject: "Только текст", Text: "{{if .Position}}{{.Position}}{{end}} и {{.Organisation}}"},
		{Subject: "Скрипт", HTML: "<p>{{.Name}}</p><script>var n = {{.Name}};</script>"},
	}
	tok := newTokens(TokenKeyFrom("test"), func() string { return "https://hub.example.org" })
	tracker := &Tracking{tokens: tok}
	r := rand.New(rand.NewPCG(11, 12))
	now := time.Date(2026, 12, 5, 13, 0, 0, 0, time.UTC)
	for ci, c := range contents {
		tmpl, err := parseTemplates(c, "https://hub.example.org")
		if err != nil {
			t.Fatal(err)
		}
		source := c.HTML
		if c.IsBlocks() {
			source = blocksHTML(withImageBase(c.Blocks, "https://hub.example.org"), newVarSet(c.VarFields))
		}
		lf := newLetterFill(tmpl)
		var atts []Attachment
		if ci%2 == 1 {
			atts = []Attachment{{Name: "файл.pdf", ContentType: "application/pdf", Data: bytes.Repeat([]byte("pdf"), 100)}}
		}
		l := newLetter("cid-1", " Федерация\nпрофсоюзов ", "news@union.example.org", atts)
		var fl filledLetter
		var old, got bytes.Buffer
		for i := range 100 {
			v := randVars(r)
			if i == 0 {
				v = sampleVars
			}
			v.UnsubscribeURL = tok.unsubscribeURL("cid-1", int64(i))
			tracking := i%3 == 0
			rendered, err := tmpl.render(v)
			if err != nil {
				t.Fatal(err)
			}
			if tracking && rendered.HTML != "" {
				rendered.HTML = tracker.track(rendered.HTML, source, "cid-1", int64(i))
			}
			old.Reset()
			composeBefore(&old, l, " Федерация\nпрофсоюзов ", int64(i), "r@e.org", rendered, v.UnsubscribeURL, now)
			if err := lf.fill(&fl, &v); err != nil {
				t.Fatal(err)
			}
			if tracking {
				fl.track(func(html string) string { return tracker.track(html, source, "cid-1", int64(i)) })
			}
			got.Reset()
			l.composeFilled(&got, int64(i), "r@e.org", &fl, v.UnsubscribeURL, now)
			if !bytes.Equal(got.Bytes(), old.Bytes()) {
				t.Fatalf("content %d, letter %d (tracking %v) differs:\n%s", ci, i, tracking, firstDiff(got.Bytes(), old.Bytes()))
			}
		}
	}
}

func firstDiff(got, want []byte) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(0, i-80)
	return "filled:   " + strings.ReplaceAll(string(got[from:min(len(got), i+80)]), "\r\n", "⏎") +
		"\nexecuted: " + strings.ReplaceAll(string(want[from:min(len(want), i+80)]), "\r\n", "⏎")
}
