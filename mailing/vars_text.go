package mailing

import (
	"html"
	"regexp"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// goAction is a {{…}} that is Go template syntax, which letters written
// before the Russian variables use ({{.GivenName}}, {{if .Position}}): it
// stays a template action, checked by the parser and the sample run.
var goAction = regexp.MustCompile(`^(?:[.$\-/"(]|(?:if|else|end|range|with|template|define|block|break|continue|print|printf|println|` +
	`index|len|not|and|or|eq|ne|lt|le|gt|ge|html|js|urlquery|slice|call)(?:\s|$))`)

// strictTemplate makes template source of an SMS, a messenger text, a
// raw-HTML letter or its text part, where variables are written as in the
// block editor ({{Имя}}): each known label becomes its pipeline, Go
// syntax stays, and any other {{name}} is refused, naming it, rather than
// sent to members as braces. In HTML (unescape) the label may carry
// character references; the value is escaped by html/template where it
// lands.
func (vs varSet) strictTemplate(field, s string, unescape bool) (string, error) {
	var b strings.Builder
	last := 0
	for _, m := range token.FindAllStringSubmatchIndex(s, -1) {
		raw := s[m[2]:m[3]]
		if goAction.MatchString(raw) {
			continue
		}
		label := raw
		if unescape {
			label = html.UnescapeString(label)
		}
		label = strings.Join(strings.Fields(label), " ")
		expr, ok := vs[label]
		if !ok {
			return "", valid.Keyed(field, "template", "unknown_variable", "unknown variable «%s»: choose one from the list of variables", label)
		}
		b.WriteString(s[last:m[0]])
		b.WriteString("{{" + expr + "}}")
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String(), nil
}

// strictContent turns the Russian variables of a content that is not a
// block letter into template source, field by field.
func strictContent(c *Content) error {
	vs := newVarSet(c.VarFields)
	for _, f := range []struct {
		field    string
		s        *string
		unescape bool
	}{
		{"content.subject", &c.Subject, false},
		{"content.html", &c.HTML, true},
		{"content.text", &c.Text, false},
		{"content.sms", &c.SMS, false},
		{"content.message", &c.Message, true},
	} {
		out, err := vs.strictTemplate(f.field, *f.s, f.unescape)
		if err != nil {
			return err
		}
		*f.s = out
	}
	return nil
}
