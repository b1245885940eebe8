package mailing

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"

	"github.com/profhub/profhub/internal/storage/db"
)

// unsubscribeHandlers answer the unsubscribe link of campaign e-mails.
type unsubscribeHandlers struct {
	suppressions *Suppressions
	log          *slog.Logger
}

var unsubscribePage = template.Must(template.New("u").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Отписка от рассылки</title></head><body>
{{if .Done}}<h1>Вы отписаны</h1><p>Больше писем этой рассылки вы не получите.</p>
{{else if .Bad}}<h1>Ссылка недействительна</h1><p>Проверьте, что ссылка скопирована полностью.</p>
{{else}}<h1>Отписаться от рассылки?</h1>
<form method="post"><button type="submit">Отписаться</button></form>{{end}}
</body></html>`))

// httpUnsubscribe answers the visible link (GET shows a button, so mail
// scanners that follow links unsubscribe nobody) and the RFC 8058 one-click
// POST that mail programs send.
func (h unsubscribeHandlers) httpUnsubscribe(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	data := struct{ Done, Bad bool }{}
	if r.Method == http.MethodPost {
		err := h.suppressions.Unsubscribe(r.Context(), token, r.RemoteAddr)
		switch {
		case err == nil:
			data.Done = true
		case errors.Is(err, errBadToken) || errors.Is(err, db.ErrNotFound):
			h.log.Warn("unsubscribe with a bad token", "ip", r.RemoteAddr)
			w.WriteHeader(http.StatusNotFound)
			data.Bad = true
		default:
			h.log.Error("unsubscribe failed", "err", err)
			http.Error(w, "temporary failure, try again", http.StatusServiceUnavailable)
			return
		}
	} else if !h.suppressions.ValidToken(token) {
		w.WriteHeader(http.StatusNotFound)
		data.Bad = true
	}
	_ = unsubscribePage.Execute(w, data)
}
