package memberbot

import (
	_ "embed"
	"html/template"
	"net/http"
)

// The verify page is public: a partner of the discount programme scans
// the QR code and sees whether the card is valid, with the holder's
// initials and organisation only — nothing else of the member, so a
// scanned card gives a stranger nothing to misuse. Not found, forged,
// expired and revoked tokens all answer "не действителен", with the
// reason where it helps the partner.

//go:embed verify.css
var verifyCSS []byte

var verifyPage = template.Must(template.New("v").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Проверка профсоюзного билета</title><link rel="stylesheet" href="/v/style.css"></head>
<body><main class="v {{if .Valid}}ok{{else}}bad{{end}}">
<p class="kicker">Проверка электронного профсоюзного билета</p>
{{if .Valid}}<h1 data-verdict="valid">✓ Билет действителен</h1>
<dl><dt>Владелец</dt><dd data-field="initials">{{.Initials}}</dd>
<dt>Организация</dt><dd data-field="organisation">{{.Organisation}}</dd>
<dt>Действителен до</dt><dd>{{.Until}}</dd></dl>
<p class="hint">Сверьте инициалы с документом, удостоверяющим личность.</p>
{{else}}<h1 data-verdict="{{.Verdict}}">✗ Билет не действителен</h1>
<p class="why">{{.Why}}</p>{{end}}
</main></body></html>`))

var verdictWhy = map[string]string{
	VerdictForged:  "Код не выдавался профсоюзом или повреждён.",
	VerdictExpired: "Срок действия билета истёк.",
	VerdictRevoked: "Билет отозван: его владелец больше не состоит в профсоюзе или билет заменён новым.",
}

func (h officeHandlers) verify(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	v, err := h.s.Cards.Verify(r.Context(), r.PathValue("token"))
	if err != nil {
		h.s.log.Error("card check failed", "err", err)
		http.Error(w, "Проверка временно недоступна, попробуйте через минуту.", http.StatusServiceUnavailable)
		return
	}
	data := struct {
		Valid                                       bool
		Verdict, Why, Initials, Organisation, Until string
	}{Valid: v.Valid(), Verdict: v.Verdict, Why: verdictWhy[v.Verdict]}
	if v.Valid() {
		data.Initials, data.Organisation, data.Until = v.Initials, v.Organisation, v.ValidThrough.In(h.s.zone).Format("02.01.2006")
	} else if v.Verdict == VerdictForged {
		w.WriteHeader(http.StatusNotFound)
	}
	_ = verifyPage.Execute(w, data)
}

func (h officeHandlers) style(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(verifyCSS)
}
