package web_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/config"
)

const testMetricsToken = "metrics-token-for-tests-0123"

// getMetrics asks for /metrics with token as Bearer ("" sends none).
func getMetrics(t *testing.T, base, token string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/metrics", nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestHSTSOnlyWithHTTPSBaseURL(t *testing.T) {
	tests := []struct {
		baseURL string
		want    string
	}{
		{"https://hub.example.org", "max-age=31536000"},
		{"http://hub.example.org", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.baseURL, func(t *testing.T) {
			n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.BaseURL = tc.baseURL })
			b := n.NewBrowser(t)
			for _, path := range []string{"/login", "/healthz", "/api/v1/me", "/widget/v1/no-such"} {
				if _, _, h := get(t, b, path); h.Get("Strict-Transport-Security") != tc.want {
					t.Errorf("%s: Strict-Transport-Security %q, want %q", path, h.Get("Strict-Transport-Security"), tc.want)
				}
			}
		})
	}
}

func TestMetricsNotPublicWithoutToken(t *testing.T) {
	n := hubtest.Start(t)
	for _, token := range []string{"", testMetricsToken} {
		if code, body := getMetrics(t, n.Server.URL, token); code != http.StatusNotFound || strings.Contains(body, "profhub_") {
			t.Errorf("public /metrics with no token configured (sent %q) = %d", token, code)
		}
	}
}

func TestMetricsBehindToken(t *testing.T) {
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = testMetricsToken })
	tests := []struct {
		name, header string
		want         int
	}{
		{"none", "", http.StatusUnauthorized},
		{"wrong", "Bearer " + testMetricsToken + "x", http.StatusUnauthorized},
		{"prefix", "Bearer " + testMetricsToken[:10], http.StatusUnauthorized},
		{"basic", "Basic " + testMetricsToken, http.StatusUnauthorized},
		{"staff token", "Bearer phk_forged", http.StatusUnauthorized},
		{"right", "Bearer " + testMetricsToken, http.StatusOK},
		{"right, lower-case scheme", "bearer " + testMetricsToken, http.StatusOK},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest("GET", n.Server.URL+"/metrics", nil)
		if tc.header != "" {
			req.Header.Set("Authorization", tc.header)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s: /metrics = %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
		if leaked := strings.Contains(string(body), "profhub_http_requests_total"); leaked != (tc.want == http.StatusOK) {
			t.Errorf("%s: metrics in the body: %v", tc.name, leaked)
		}
		if tc.want == http.StatusUnauthorized && resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: 401 without WWW-Authenticate", tc.name)
		}
	}
}

// A throttled sign-in says, in Russian, how long to wait.
func TestThrottledSignInSaysHowLongToWait(t *testing.T) {
	n := hubtest.Start(t)
	b := n.NewBrowser(t)
	for i := range 5 {
		if resp := b.Login(t, "admin", fmt.Sprintf("guess-%d", i)); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d = %d", i, resp.StatusCode)
		}
	}
	_, page, _ := get(t, b, "/login")
	csrf := strings.SplitN(strings.SplitN(page, `name="csrf_token" value="`, 2)[1], `"`, 2)[0]
	resp, err := b.PostForm(b.Base+"/login", url.Values{"login": {"admin"}, "password": {hubtest.AdminPassword}, "csrf_token": {csrf}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	want := "Слишком много неудачных попыток входа с этого адреса. Повторите через 1 с."
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" || !strings.Contains(string(body), want) {
		t.Fatalf("throttled sign-in = %d, Retry-After %q; page lacks %q:\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), want, body)
	}
}
