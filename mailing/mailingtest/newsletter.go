package mailingtest

import "strings"

// NewsletterSubject is the subject of the benchmark's newsletter.
const NewsletterSubject = "Новости федерации для {{.GivenName}} {{.Patronymic}}"

// Newsletter is a newsletter of about 6 KB with member variables: the
// letter profhub-bench's mailing scenario sends, and the one the mailing
// package's letter benchmark and tests fill.
func Newsletter() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><meta charset="utf-8"><title>Новости</title></head><body style="font-family:Arial,sans-serif">`)
	b.WriteString(`<h1>Здравствуйте, {{.GivenName}} {{.Patronymic}}!</h1><p>Ваш профсоюзный билет № {{.CardNumber}}, организация {{.Organisation}}.</p>`)
	para := `<p>Federation news: the regional agreement for 2027 was signed on Friday; wages in the sector rise by 8 per cent from January, ` +
		`and the discount programme adds forty partners. <a href="https://union.example.org/news/2027">Read more</a>.</p>`
	for b.Len() < 5600 {
		b.WriteString(para)
	}
	b.WriteString(`<p>Председатель федерации</p></body></html>`)
	return b.String()
}
