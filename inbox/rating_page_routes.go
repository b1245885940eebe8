package inbox

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/httpapi"
)

// The public rating page, /rate/{token}, where the links of a letter
// lead. GET only shows the form (with the chosen number marked), so a
// mail scanner that follows every link rates nothing; POST rates. Both
// are limited per address across the nodes (Redis).

const ratingPagePerMinute = 20

type ratingPageHandlers struct{ Ratings *Ratings }

// ratingView is what the page shows.
type ratingView struct {
	T       func(key string, args ...any) string
	Token   string
	Chosen  int
	Numbers []int
	Done    string // the answer after POST
	Problem string // an expired link, too many tries
}

func (h *ratingPageHandlers) httpRatingForm(w http.ResponseWriter, r *http.Request) {
	v := h.view(r)
	if !h.allowed(r) {
		v.Problem = v.T("rating.page_limited")
		h.render(w, http.StatusTooManyRequests, v)
		return
	}
	if _, ok := ratingConfigOf(h.Ratings.core).parse(v.Token); !ok || strings.Count(v.Token, ".") != 2 {
		v.Problem = v.T("rating.page_expired")
		h.render(w, http.StatusNotFound, v)
		return
	}
	v.Chosen, _ = strconv.Atoi(r.URL.Query().Get("r"))
	h.render(w, http.StatusOK, v)
}

func (h *ratingPageHandlers) httpRate(w http.ResponseWriter, r *http.Request) {
	v := h.view(r)
	if !h.allowed(r) {
		v.Problem = v.T("rating.page_limited")
		h.render(w, http.StatusTooManyRequests, v)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	n, _ := strconv.Atoi(r.FormValue("rating"))
	v.Chosen = n
	if strings.Count(v.Token, ".") != 2 {
		v.Problem = v.T("rating.page_expired")
		h.render(w, http.StatusNotFound, v)
		return
	}
	out, err := h.Ratings.RateByToken(r.Context(), v.Token, "", n)
	if err != nil {
		h.Ratings.log.Error("rating page", "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	switch {
	case out.Status == RatingInvalid && n >= 1 && n <= 5:
		v.Problem = v.T("rating.page_expired")
		h.render(w, http.StatusNotFound, v)
		return
	case out.Status == RatingInvalid:
		h.render(w, http.StatusUnprocessableEntity, v) // no number chosen: the form again
		return
	}
	if c := strings.TrimSpace(r.FormValue("comment")); c != "" && out.Status != RatingRefused {
		if err := h.Ratings.pageComment(r.Context(), out.ConversationID, c); err != nil {
			h.Ratings.log.Error("rating page comment", "err", err)
		}
	}
	v.Done = out.Text
	h.render(w, http.StatusOK, v)
}

func (h *ratingPageHandlers) view(r *http.Request) ratingView {
	lang := "ru"
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Accept-Language")), "en") {
		lang = "en"
	}
	tr := ratingConfigOf(h.Ratings.core).Translate
	return ratingView{T: func(key string, args ...any) string { return tr(lang, key, args...) }, Token: r.PathValue("token"),
		Numbers: []int{1, 2, 3, 4, 5}}
}

// allowed counts one request of the visitor's address (Ratings.PageAllowed).
func (h *ratingPageHandlers) allowed(r *http.Request) bool {
	return h.Ratings.PageAllowed(r.Context(), h.clientIP(r))
}

func (h *ratingPageHandlers) clientIP(r *http.Request) string {
	return httpapi.ClientIP(r, ratingConfigOf(h.Ratings.core).TrustProxy)
}

func (h *ratingPageHandlers) render(w http.ResponseWriter, status int, v ratingView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	w.WriteHeader(status)
	if err := ratingPage.Execute(w, v); err != nil {
		h.Ratings.log.Debug("rating page not written", "err", err)
	}
}

var ratingPage = template.Must(template.New("rate").Parse(`<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{{call .T "rating.page_title"}}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f8;color:#1d2733}
main{max-width:520px;margin:48px auto;background:#fff;border-radius:12px;padding:32px;box-shadow:0 2px 12px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 8px}p{margin:0 0 20px;color:#4a5563}
.scale{display:flex;gap:8px;margin:0 0 8px}
.scale label{flex:1;text-align:center;cursor:pointer}
.scale input{position:absolute;opacity:0}
.scale span{display:block;padding:14px 0;border:2px solid #cfd6df;border-radius:10px;font-size:22px;font-weight:600}
.scale input:checked+span{border-color:#1f6feb;background:#e8f0fe;color:#1f4fb8}
.scale input:focus-visible+span{outline:3px solid #9ec1ff}
.ends{display:flex;justify-content:space-between;font-size:13px;color:#6b7480;margin-bottom:20px}
textarea{width:100%;box-sizing:border-box;min-height:96px;border:1px solid #cfd6df;border-radius:8px;padding:10px;font:inherit}
button{margin-top:16px;width:100%;padding:14px;border:0;border-radius:10px;background:#1f6feb;color:#fff;font:inherit;font-weight:600;cursor:pointer}
.done{font-size:20px;font-weight:600;color:#1a7f37}.problem{color:#b42318;font-weight:600}
@media (max-width:480px){main{margin:0;border-radius:0;padding:24px 16px;min-height:100vh}}
</style></head><body><main>
<h1>{{call .T "rating.page_title"}}</h1>
{{if .Problem}}<p class="problem" id="problem">{{.Problem}}</p>
{{else if .Done}}<p class="done" id="done">{{.Done}}</p><p>{{call .T "rating.page_close"}}</p>
{{else}}<p>{{call .T "rating.page_lead"}}</p>
<form method="post" action="/rate/{{.Token}}">
<div class="scale" role="radiogroup">{{range .Numbers}}<label><input type="radio" name="rating" value="{{.}}" required{{if eq . $.Chosen}} checked{{end}}><span>{{.}}</span></label>{{end}}</div>
<div class="ends"><span>{{call .T "rating.page_bad"}}</span><span>{{call .T "rating.page_good"}}</span></div>
<label for="comment">{{call .T "rating.page_comment"}}</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">{{call .T "rating.page_send"}}</button>
</form>{{end}}
</main></body></html>`))
