package helpcentre

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/web/i18n"
)

// serve is one node's help centre over HTTP, answering in Russian as the
// web layer's translator does.
func serve(t *testing.T, s *Service) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	s.Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := httpapi.WithTranslator(r.Context(), func(_ context.Context, key string, args ...any) (string, bool) {
			return i18n.Lookup("ru", key, args...)
		})
		mux.ServeHTTP(w, r.WithContext(ctx))
	}))
	t.Cleanup(srv.Close)
	return srv
}

// browser is a client with its own cookies and user agent.
type browser struct {
	c  *http.Client
	ua string
}

func newBrowser(t *testing.T, ua string) browser {
	jar, _ := cookiejar.New(nil)
	return browser{c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, ua: ua}
}

func (b browser) do(t *testing.T, method, u, ctype, body string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("User-Agent", b.ua)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var sb strings.Builder
	_, _ = fmt.Fprint(&sb, readAll(resp))
	return resp, sb.String()
}

func readAll(r *http.Response) string {
	var sb strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := r.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			return sb.String()
		}
	}
}

func counts(t *testing.T, d *db.DB, id string) (views, yes, no int64) {
	t.Helper()
	if err := d.QueryRow(`SELECT views, helpful_yes, helpful_no FROM help_articles WHERE id = $1`, id).Scan(&views, &yes, &no); err != nil {
		t.Fatal(err)
	}
	return
}

// TestViewsAndVotes: two nodes sharing the database and Redis count a
// browser's views once an hour, whichever node it asks, and its answer to
// «Была ли статья полезна?» once.
func TestViewsAndVotes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		k := kvtest.Open(t)
		nodeA := newService(t, d, k, nil)
		nodeB := New(nodeA.deps)
		c := mustCategory(t, nodeA, "Взносы")
		a := mustArticle(t, nodeA, c.ID, "Размер членского взноса", "<p>Один процент от зарплаты.</p>", Published)
		draft := mustArticle(t, nodeA, c.ID, "Черновик", "<p>Ещё не готово.</p>", Draft)
		srvA, srvB := serve(t, nodeA), serve(t, nodeB)

		anna, boris := newBrowser(t, "Firefox/140"), newBrowser(t, "Chrome/150")
		for i, srv := range []*httptest.Server{srvA, srvB, srvA} {
			resp, page := anna.do(t, "GET", srv.URL+"/help/a/"+a.ID, "", "")
			if resp.StatusCode != 200 || !strings.Contains(page, "Была ли статья полезна?") || !strings.Contains(page, "Один процент") {
				t.Fatalf("visit %d: %d %s", i, resp.StatusCode, page)
			}
		}
		if v, _, _ := counts(t, d, a.ID); v != 1 {
			t.Errorf("one browser, three visits on two nodes within the hour: views %d, want 1", v)
		}
		boris.do(t, "GET", srvB.URL+"/help/a/"+a.ID, "", "")
		if v, _, _ := counts(t, d, a.ID); v != 2 {
			t.Errorf("a second browser: views %d, want 2", v)
		}
		// A client without cookies is new each time: it counts once per
		// address and user agent.
		for range 3 {
			resp, _ := http.Get(srvA.URL + "/help/a/" + a.ID)
			resp.Body.Close()
		}
		if v, _, _ := counts(t, d, a.ID); v != 3 {
			t.Errorf("three visits without cookies: views %d, want 3", v)
		}
		// An hour later the browser counts again.
		if err := k.Del(context.Background(), k.Key("help", "view", a.ID, hashed(cookieOf(t, anna, srvA)))).Err(); err != nil {
			t.Fatal(err)
		}
		anna.do(t, "GET", srvB.URL+"/help/a/"+a.ID, "", "")
		if v, _, _ := counts(t, d, a.ID); v != 4 {
			t.Errorf("after the hour: views %d, want 4", v)
		}
		if resp, _ := anna.do(t, "GET", srvA.URL+"/help/a/"+draft.ID, "", ""); resp.StatusCode != 404 {
			t.Errorf("a draft's page: %d", resp.StatusCode)
		}

		// Votes: the form's «Да» returns to the page, which thanks; a
		// second answer from the browser, on either node, changes nothing.
		resp, _ := anna.do(t, "POST", srvA.URL+"/help/v1/articles/"+a.ID+"/vote", "application/x-www-form-urlencoded", url.Values{"helpful": {"yes"}}.Encode())
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/help/a/"+a.ID+"#helpful" {
			t.Fatalf("vote: %d %s", resp.StatusCode, resp.Header.Get("Location"))
		}
		if _, page := anna.do(t, "GET", srvB.URL+"/help/a/"+a.ID, "", ""); !strings.Contains(page, "Спасибо за отзыв!") || strings.Contains(page, `value="yes"`) {
			t.Errorf("the page after the vote: %s", page)
		}
		anna.do(t, "POST", srvB.URL+"/help/v1/articles/"+a.ID+"/vote", "application/x-www-form-urlencoded", "helpful=no")
		resp, body := anna.do(t, "POST", srvA.URL+"/help/v1/articles/"+a.ID+"/vote", "application/json", `{"helpful":false}`)
		if resp.StatusCode != http.StatusConflict || !strings.Contains(body, "уже ответили") {
			t.Errorf("a second vote by script: %d %s", resp.StatusCode, body)
		}
		if resp, _ := boris.do(t, "POST", srvB.URL+"/help/v1/articles/"+a.ID+"/vote", "application/json", `{"helpful":false}`); resp.StatusCode != 200 {
			t.Errorf("another browser's vote: %d", resp.StatusCode)
		}
		if resp, _ := boris.do(t, "POST", srvB.URL+"/help/v1/articles/"+draft.ID+"/vote", "application/json", `{"helpful":true}`); resp.StatusCode != 404 {
			t.Errorf("a vote on a draft: %d", resp.StatusCode)
		}
		if _, yes, no := counts(t, d, a.ID); yes != 1 || no != 1 {
			t.Errorf("votes yes %d no %d, want 1 and 1", yes, no)
		}
	})
}

func cookieOf(t *testing.T, b browser, srv *httptest.Server) string {
	u, _ := url.Parse(srv.URL + "/help/")
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == browserCookie {
			return c.Value
		}
	}
	t.Fatal("no browser cookie")
	return ""
}

// TestSuggestIsRateLimited: the widget's suggestions are counted per
// address across the nodes (Redis): past the limit a minute, 429 with
// Retry-After and a message in the visitor's language; other addresses
// and the next minute are served.
func TestSuggestIsRateLimited(t *testing.T) {
	d := dbtest.Open(t)
	k := kvtest.Open(t)
	clock := time.Date(2026, 12, 5, 10, 30, 15, 0, time.UTC)
	node := func() *Service {
		s := New(Deps{DB: d, KV: k, BaseURL: "https://hub.example.org", SuggestPerMinute: 5, TrustProxy: true})
		s.now = func() time.Time { return clock }
		return s
	}
	people(t, d)
	nodeA, nodeB := node(), node()
	c := mustCategory(t, nodeA, "Взносы")
	for _, title := range []string{"Размер взноса", "Взносы пенсионеров", "Возврат взносов", "Взносы студентов"} {
		mustArticle(t, nodeA, c.ID, title, "<p>Про взносы.</p>", Published)
	}
	srvA, srvB := serve(t, nodeA), serve(t, nodeB)
	ask := func(srv *httptest.Server, ip string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", srv.URL+"/help/v1/suggest?q="+url.QueryEscape("как платить взносы"), nil)
		req.Header.Set("X-Forwarded-For", ip)
		req.Header.Set("Origin", "https://union.example")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp, body
	}
	for i := range 5 {
		srv := srvA
		if i%2 == 1 {
			srv = srvB
		}
		resp, body := ask(srv, "203.0.113.7")
		if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Fatalf("ask %d: %d %v", i+1, resp.StatusCode, body)
		}
		if list, _ := body["articles"].([]any); len(list) != SuggestLimit {
			t.Fatalf("ask %d: %d articles, want %d", i+1, len(list), SuggestLimit)
		}
	}
	resp, body := ask(srvB, "203.0.113.7")
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	if resp.StatusCode != http.StatusTooManyRequests || retry != 45 {
		t.Fatalf("the sixth ask in the minute on the other node: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	msg, _ := body["error"].(map[string]any)["message"].(string)
	if want := i18n.T("ru", "err.help_throttled", 45); msg != want || !strings.Contains(msg, "Повторите через 45 с") {
		t.Errorf("message %q, want %q", msg, want)
	}
	if resp, _ := ask(srvA, "198.51.100.2"); resp.StatusCode != 200 {
		t.Errorf("another address: %d", resp.StatusCode)
	}
	clock = clock.Add(time.Minute)
	if resp, _ := ask(srvA, "203.0.113.7"); resp.StatusCode != 200 {
		t.Errorf("the next minute: %d", resp.StatusCode)
	}
}
