package mailing

import (
	"bytes"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Vars are the member variables a template may use, e.g. {{.GivenName}}.
// They are copied into the ledger when a campaign starts, so sending needs
// no join with the CRM and a later edit of a card cannot change a message
// half-way through.
type Vars struct {
	Name         string `json:"n,omitempty"` // full name
	Surname      string `json:"s,omitempty"`
	GivenName    string `json:"g,omitempty"`
	Patronymic   string `json:"p,omitempty"`
	Organisation string `json:"o,omitempty"`
	Position     string `json:"j,omitempty"`
	CardNumber   string `json:"c,omitempty"`
	DiscountCard string `json:"d,omitempty"`
	// Custom are the member's custom field values by key, as text
	// ({{.Custom.stazh}}; crm.CustomTexts). A key the member has no value
	// for gives "".
	Custom map[string]string `json:"x,omitempty"`
	// UnsubscribeURL is the recipient's own signed link; filled at send time.
	UnsubscribeURL string `json:"-"`
}

var sampleVars = Vars{Name: "Иванова Мария Петровна", Surname: "Иванова", GivenName: "Мария", Patronymic: "Петровна",
	Organisation: "ППО «Пример»", Position: "инженер", CardNumber: "0000001", DiscountCard: "D-0001", UnsubscribeURL: "https://example.org/u"}

// templates are a campaign's parsed templates.
type templates struct {
	subject *texttemplate.Template
	html    *htmltemplate.Template // nil: text only
	text    *texttemplate.Template
	sms     *texttemplate.Template
	message *htmltemplate.Template // Telegram and VK
}

// The visible unsubscribe link every e-mail carries (the law, and RFC 8058
// is only honoured by some mail programs).
const (
	htmlFooter = `<p style="font-size:12px;color:#666;margin-top:24px">Вы получили это письмо как член профсоюза или подписчик рассылки. ` +
		`<a href="{{.UnsubscribeURL}}">Отписаться от рассылки</a></p>`
	textFooter = "\n\n--\nОтписаться от рассылки: {{.UnsubscribeURL}}\n"
)

// parseTemplates parses a campaign's content; base is the hub's public
// address, which makes a block letter's uploaded pictures absolute ("":
// left as paths, for previews inside the hub).
func parseTemplates(c Content, base string) (*templates, error) {
	t := &templates{}
	var err error
	fail := func(field string, err error) error {
		return valid.Errorf(field, "template", "template error: %v", err)
	}
	var subject string
	if c.IsBlocks() {
		vs := newVarSet(c.VarFields)
		subject = vs.textTemplate(c.Subject)
		c.HTML, c.Text = blocksHTML(withImageBase(c.Blocks, base), vs), blocksText(c.Blocks, vs)
		if c.SMS, err = vs.strictTemplate("content.sms", c.SMS, false); err != nil {
			return nil, err
		}
		if c.Message, err = vs.strictTemplate("content.message", c.Message, true); err != nil {
			return nil, err
		}
	} else {
		if err := strictContent(&c); err != nil {
			return nil, err
		}
		subject = c.Subject
	}
	if t.subject, err = texttemplate.New("subject").Option("missingkey=zero").Parse(subject); err != nil {
		return nil, fail("content.subject", err)
	}
	if c.IsBlocks() {
		// The block letter carries its own footer, inside its layout.
		if t.html, err = htmltemplate.New("html").Option("missingkey=zero").Parse(c.HTML); err != nil {
			return nil, fail("content.blocks", err)
		}
	} else if strings.TrimSpace(c.HTML) != "" {
		src := c.HTML
		if i := strings.LastIndex(strings.ToLower(src), "</body>"); i >= 0 {
			src = src[:i] + htmlFooter + src[i:]
		} else {
			src += htmlFooter
		}
		if t.html, err = htmltemplate.New("html").Option("missingkey=zero").Parse(src); err != nil {
			return nil, fail("content.html", err)
		}
	}
	text := c.Text
	if strings.TrimSpace(text) == "" && c.HTML != "" && !c.IsBlocks() {
		text = htmlToText(c.HTML)
	}
	if t.text, err = texttemplate.New("text").Option("missingkey=zero").Parse(text + textFooter); err != nil {
		return nil, fail("content.text", err)
	}
	if t.sms, err = texttemplate.New("sms").Option("missingkey=zero").Parse(c.SMS); err != nil {
		return nil, fail("content.sms", err)
	}
	if t.message, err = htmltemplate.New("message").Option("missingkey=zero").Parse(c.Message); err != nil {
		return nil, fail("content.message", err)
	}
	// Execute once with sample values: an unknown variable is an error now,
	// not 254,000 failed sends later.
	var b bytes.Buffer
	for field, run := range map[string]func() error{
		"content.subject": func() error { return t.subject.Execute(&b, sampleVars) },
		"content.text":    func() error { return t.text.Execute(&b, sampleVars) },
		"content.sms":     func() error { return t.sms.Execute(&b, sampleVars) },
		"content.message": func() error { return t.message.Execute(&b, sampleVars) },
		"content.html": func() error {
			if t.html == nil {
				return nil
			}
			return t.html.Execute(&b, sampleVars)
		},
	} {
		if err := run(); err != nil {
			return nil, fail(field, err)
		}
	}
	return t, nil
}

// Rendered is one recipient's message, for preview and sending.
type Rendered struct {
	Subject string `json:"subject"`
	HTML    string `json:"html,omitempty"`
	// PreviewHTML is HTML made safe to show inside the hub's pages (no
	// scripts, no inline styles, which the pages' CSP refuses anyway).
	PreviewHTML string `json:"preview_html,omitempty"`
	Text        string `json:"text"`
	SMS         string `json:"sms,omitempty"`
	// SMSEncoding and SMSSegments tell staff what an SMS will cost.
	SMSEncoding string `json:"sms_encoding,omitempty"`
	SMSSegments int    `json:"sms_segments,omitempty"`
	// Message is the Telegram text (its HTML subset), MessageText the VK
	// one (plain).
	Message     string `json:"message,omitempty"`
	MessageText string `json:"message_text,omitempty"`
}

func (t *templates) render(v Vars) (Rendered, error) {
	var r Rendered
	var b strings.Builder
	if err := t.subject.Execute(&b, v); err != nil {
		return r, err
	}
	r.Subject = cleanHeader(b.String())
	b.Reset()
	if t.html != nil {
		if err := t.html.Execute(&b, v); err != nil {
			return r, err
		}
		r.HTML = b.String()
		b.Reset()
	}
	if err := t.text.Execute(&b, v); err != nil {
		return r, err
	}
	r.Text = b.String()
	b.Reset()
	if err := t.sms.Execute(&b, v); err != nil {
		return r, err
	}
	r.SMS = strings.TrimSpace(b.String())
	if r.SMS != "" {
		r.SMSEncoding, r.SMSSegments = SMSSegments(r.SMS)
	}
	b.Reset()
	if err := t.message.Execute(&b, v); err != nil {
		return r, err
	}
	r.Message, r.MessageText = messengerTexts(b.String())
	return r, nil
}

// cleanHeader keeps a header value on one line: a member's name with a
// line break must not add headers.
func cleanHeader(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
