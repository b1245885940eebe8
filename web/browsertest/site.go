package browsertest

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// Site is a web site on an origin of its own, for the scripts that embed
// the widget: its URL is needed before its page (the page names a widget
// channel that allows that URL), so the page is given afterwards through
// the returned func. Assigning the server's handler once it listens would
// race with the goroutines serving the browser's requests.
func Site(t testing.TB) (*httptest.Server, func(page string)) {
	t.Helper()
	var page atomic.Value // string
	site := httptest.NewServer(siteHandler(&page))
	t.Cleanup(site.Close)
	return site, func(p string) { page.Store(p) }
}

// siteHandler serves the HTML page held in page (a string), empty until
// one is stored.
func siteHandler(page *atomic.Value) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		text, _ := page.Load().(string)
		_, _ = w.Write([]byte(text))
	})
}
