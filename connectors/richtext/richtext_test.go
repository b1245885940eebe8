package richtext

import (
	"fmt"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in, text, spans string
	}{
		{"просто текст", "просто текст", ""},
		{"**жирный** и __курсив__", "жирный и курсив", "bold[0:12] italic[16:28]"},
		{"~~нет~~ `код` ```go\nx := 1\n```", "нет код x := 1", "strikethrough[0:6] code[7:13] pre(go)[14:20]"},
		{"см. [устав](https://profhub.example/ustav)", "см. устав", "text_link(https://profhub.example/ustav)[6:16]"},
		{"**[жирная ссылка](https://a.example)**", "жирная ссылка", "text_link(https://a.example)[0:25] bold[0:25]"},
		// Hostile or unfinished markup stays as typed.
		{"<b>not html</b> & <script>", "<b>not html</b> & <script>", ""},
		{"[x](javascript:alert(1))", "[x](javascript:alert(1))", ""},
		{"[x](/relative)", "[x](/relative)", ""},
		{"** not bold **", "** not bold **", ""},
		{"2*3*4 snake_case_name a__b", "2*3*4 snake_case_name a__b", ""},
		{"**open", "**open", ""},
		{"`", "`", ""},
		{"``", "``", ""},
		{"````", "````", ""},
		{"**__~~**__~~deep~~__**~~__**", "", ""}, // must terminate; checked below
	}
	for _, tc := range tests {
		d := Parse(tc.in)
		if tc.in == "**__~~**__~~deep~~__**~~__**" {
			continue
		}
		got := ""
		for i, sp := range d.Spans {
			if i > 0 {
				got += " "
			}
			got += string(sp.Kind)
			if sp.URL != "" {
				got += "(" + sp.URL + ")"
			}
			if sp.Lang != "" {
				got += "(" + sp.Lang + ")"
			}
			got += fmt.Sprintf("[%d:%d]", sp.Start, sp.End)
		}
		if d.Text != tc.text || got != tc.spans {
			t.Errorf("%q: text %q spans %q, want %q %q", tc.in, d.Text, got, tc.text, tc.spans)
		}
	}
}

func TestPlain(t *testing.T) {
	tests := map[string]string{
		"**Важно**: [устав](https://u.example/1) и [https://u.example/2](https://u.example/2)": "Важно: устав (https://u.example/1) и https://u.example/2",
		"[почта](mailto:a@b.example) `x`": "почта (mailto:a@b.example) x",
		"<i>как есть</i>":                 "<i>как есть</i>",
	}
	for in, want := range tests {
		if got := Parse(in).Plain(); got != want {
			t.Errorf("%q: %q, want %q", in, got, want)
		}
	}
}

func TestSlice(t *testing.T) {
	d := Parse("aa **bbbb** cc")
	s := d.Slice(4, 9)
	if s.Text != "bbb c" || len(s.Spans) != 1 || s.Spans[0].Start != 0 || s.Spans[0].End != 3 {
		t.Fatalf("%+v", s)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"**a**", "[a](https://b)", "```x\ny```", "~~__**x**__~~", "`a`b`"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := Parse(s)
		for _, sp := range d.Spans {
			if sp.Start < 0 || sp.End > len(d.Text) || sp.Start >= sp.End {
				t.Fatalf("span %+v outside %q", sp, d.Text)
			}
		}
		if len(d.Text) > len(s) {
			t.Fatalf("text grew: %q → %q", s, d.Text)
		}
		_ = d.Plain()
	})
}
