package mailing

// letterFill is a campaign's e-mail parts split once for filling (each
// part flat, or executed when it is not).
type letterFill struct {
	subject, html, text *flatTemplate // html nil: text only
}

func newLetterFill(t *templates) *letterFill {
	f := &letterFill{subject: flatText(t.subject), text: flatText(t.text)}
	if f.subject == nil {
		f.subject = executed(t.subject.Execute)
	}
	if f.text == nil {
		f.text = executed(t.text.Execute)
	}
	if t.html != nil {
		if f.html = flatHTML(t.html); f.html == nil {
			f.html = executed(t.html.Execute)
		}
	}
	return f
}

// filledLetter is one recipient's e-mail parts; a worker reuses it.
type filledLetter struct {
	subject    string
	hasHTML    bool
	html, text flatValues
	subj       flatValues
	plain      []byte
}

// fill fills the parts with v, as templates.render would render them.
func (lf *letterFill) fill(f *filledLetter, v *Vars) error {
	if err := lf.subject.fill(&f.subj, v); err != nil {
		return err
	}
	f.plain = f.subj.appendTo(f.plain[:0])
	f.subject = cleanHeader(string(f.plain))
	f.hasHTML = false
	if lf.html != nil {
		if err := lf.html.fill(&f.html, v); err != nil {
			return err
		}
		f.hasHTML = f.html.size() > 0
	}
	return lf.text.fill(&f.text, v)
}

// track lets the tracking rewrite the HTML part (the open pixel, the
// click links); the part is then encoded whole.
func (f *filledLetter) track(rewrite func(string) string) {
	if f.hasHTML {
		f.plain = f.html.appendTo(f.plain[:0])
		f.html.set(rewrite(string(f.plain)))
	}
}
