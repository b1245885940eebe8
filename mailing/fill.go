package mailing

import (
	htmltemplate "html/template"
	"io"
	"strings"
	texttemplate "text/template"
	"text/template/parse"
)

// Filled, not executed: executing html/template for each of 254,000
// letters cost about 70 allocations a letter, and the template engine and
// the garbage it left were a third of the hub's CPU. A letter is almost
// always flat: static text with {{.Var}} substitutions. Such a template
// is split once per campaign into its static parts and its variables,
// each with the escaping html/template chose for its place, and a letter
// is the static parts with the escaped values between them. Whatever is
// not flat (if, range, pipelines, script or style contexts) is executed
// as before.

// flatTemplate is a template split into static parts around its variables
// (len(static) == len(vars)+1), or one that is executed (exec).
type flatTemplate struct {
	static [][]byte
	vars   []flatVar
	exec   func(io.Writer, any) error
	// qp caches the quoted-printable form of each static part by the
	// column it starts at (fill_qp.go).
	qp [][]qpSlot
}

// flatVar is one substitution: where its value comes from and how it is
// escaped where it stands.
type flatVar struct {
	get func(*Vars) string
	key string // get == nil: the value of .Custom.key
	esc escaping
}

func (x flatVar) value(v *Vars) string {
	if x.get != nil {
		return x.get(v)
	}
	return v.Custom[x.key]
}

// varFields are the Vars a flat template may name, fields and methods. A
// name not here makes its template executed, never wrong.
var varFields = map[string]func(*Vars) string{
	"Name":                     func(v *Vars) string { return v.Name },
	"Surname":                  func(v *Vars) string { return v.Surname },
	"GivenName":                func(v *Vars) string { return v.GivenName },
	"Patronymic":               func(v *Vars) string { return v.Patronymic },
	"Organisation":             func(v *Vars) string { return v.Organisation },
	"Position":                 func(v *Vars) string { return v.Position },
	"CardNumber":               func(v *Vars) string { return v.CardNumber },
	"DiscountCard":             func(v *Vars) string { return v.DiscountCard },
	"UnsubscribeURL":           func(v *Vars) string { return v.UnsubscribeURL },
	"GivenNameGenitive":        (*Vars).GivenNameGenitive,
	"GivenNameDative":          (*Vars).GivenNameDative,
	"GivenNameAccusative":      (*Vars).GivenNameAccusative,
	"GivenAndPatronymic":       (*Vars).GivenAndPatronymic,
	"GivenAndPatronymicDative": (*Vars).GivenAndPatronymicDative,
	"NameGenitive":             (*Vars).NameGenitive,
	"NameDative":               (*Vars).NameDative,
	"Dear":                     (*Vars).Dear,
}

// flatText splits a text/template (subject, text part); nil: not flat.
func flatText(t *texttemplate.Template) *flatTemplate {
	return flatTree(t.Tree, false)
}

// flatHTML splits an html/template that has been executed once (so its
// tree carries the escapers html/template chose); nil: not flat.
func flatHTML(t *htmltemplate.Template) *flatTemplate {
	if t.Tree == nil {
		return nil
	}
	return flatTree(t.Tree, true)
}

func flatTree(tree *parse.Tree, escaped bool) *flatTemplate {
	if tree == nil || tree.Root == nil {
		return nil
	}
	f := &flatTemplate{}
	var cur []byte
	for _, n := range tree.Root.Nodes {
		switch n := n.(type) {
		case *parse.TextNode:
			cur = append(cur, n.Text...)
		case *parse.ActionNode:
			x, constant, ok := flatAction(n.Pipe, escaped)
			if !ok {
				return nil
			}
			if x == nil { // a constant, such as {{"{"}}: static text
				cur = append(cur, constant...)
				continue
			}
			f.static = append(f.static, cur)
			f.vars = append(f.vars, *x)
			cur = nil
		default:
			return nil
		}
	}
	f.static = append(f.static, cur)
	f.initQP()
	return f
}

// flatAction reads one action: a variable (x), or a constant already
// escaped; ok is false for anything else.
func flatAction(p *parse.PipeNode, escaped bool) (x *flatVar, constant []byte, ok bool) {
	if p == nil || len(p.Decl) > 0 || p.IsAssign || len(p.Cmds) == 0 {
		return nil, nil, false
	}
	esc := escNone
	if escaped {
		var names []string
		for _, c := range p.Cmds[1:] {
			if len(c.Args) != 1 {
				return nil, nil, false
			}
			id, ok := c.Args[0].(*parse.IdentifierNode)
			if !ok {
				return nil, nil, false
			}
			names = append(names, id.Ident)
		}
		if esc, ok = escapingOf[strings.Join(names, " ")]; !ok {
			return nil, nil, false
		}
	} else if len(p.Cmds) != 1 {
		return nil, nil, false
	}
	args := p.Cmds[0].Args
	switch {
	case len(args) == 1:
		switch a := args[0].(type) {
		case *parse.StringNode:
			return nil, appendEscaped(nil, a.Text, esc), true
		case *parse.FieldNode:
			if len(a.Ident) == 1 && varFields[a.Ident[0]] != nil {
				return &flatVar{get: varFields[a.Ident[0]], esc: esc}, nil, true
			}
			if len(a.Ident) == 2 && a.Ident[0] == "Custom" {
				return &flatVar{key: a.Ident[1], esc: esc}, nil, true
			}
		}
	case len(args) == 3: // index .Custom "key", as the block editor writes it
		id, ok1 := args[0].(*parse.IdentifierNode)
		field, ok2 := args[1].(*parse.FieldNode)
		key, ok3 := args[2].(*parse.StringNode)
		if ok1 && ok2 && ok3 && id.Ident == "index" && len(field.Ident) == 1 && field.Ident[0] == "Custom" {
			return &flatVar{key: key.Text, esc: esc}, nil, true
		}
	}
	return nil, nil, false
}

// executed is a template that is not flat: its whole output is the one
// value between two empty static parts.
func executed(exec func(io.Writer, any) error) *flatTemplate {
	f := &flatTemplate{static: [][]byte{nil, nil}, exec: exec}
	f.initQP()
	return f
}

// flatValues are one recipient's values of a flatTemplate, escaped, end
// to end in buf; a worker reuses them from letter to letter.
type flatValues struct {
	t    *flatTemplate
	buf  []byte
	ends []int
}

// fill computes the values for v.
func (t *flatTemplate) fill(f *flatValues, v *Vars) error {
	f.t, f.buf, f.ends = t, f.buf[:0], f.ends[:0]
	if t.exec != nil {
		w := appendWriter{&f.buf}
		if err := t.exec(w, *v); err != nil {
			return err
		}
		f.ends = append(f.ends, len(f.buf))
		return nil
	}
	for _, x := range t.vars {
		f.buf = appendEscaped(f.buf, x.value(v), x.esc)
		f.ends = append(f.ends, len(f.buf))
	}
	return nil
}

// set makes the values a whole text given as it is (a letter whose HTML
// the tracking rewrote).
func (f *flatValues) set(s string) {
	f.t, f.buf, f.ends = wholeText, append(f.buf[:0], s...), append(f.ends[:0], len(s))
}

// wholeText is the shape of a text given whole: one value, no static text.
var wholeText = executed(nil)

// value is the i-th value.
func (f *flatValues) value(i int) []byte {
	start := 0
	if i > 0 {
		start = f.ends[i-1]
	}
	return f.buf[start:f.ends[i]]
}

// appendTo appends the text as executing the template would write it.
func (f *flatValues) appendTo(dst []byte) []byte {
	for i, s := range f.t.static {
		dst = append(dst, s...)
		if i < len(f.ends) {
			dst = append(dst, f.value(i)...)
		}
	}
	return dst
}

// size is the length of the text.
func (f *flatValues) size() int {
	n := len(f.buf)
	for _, s := range f.t.static {
		n += len(s)
	}
	return n
}

type appendWriter struct{ b *[]byte }

func (w appendWriter) Write(p []byte) (int, error) {
	*w.b = append(*w.b, p...)
	return len(p), nil
}
