package mailing_test

import (
	"bytes"
	"html"
	"io"
	"mime/quotedprintable"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
)

var (
	pixelLink = regexp.MustCompile(`src="([^"]*/hooks/mailing/o/[^"]+)"`)
	clickLink = regexp.MustCompile(`href="([^"]*/hooks/mailing/c/[^"]+)"`)
)

// Open and click counting is off until an administrator turns it on;
// then each letter carries its recipient's open pixel, the campaign's own
// links go through the hub and are counted, and the hub redirects only to
// the address the link was signed for.
func TestTrackingOffByDefaultThenCounted(t *testing.T) {
	e := newMsgEnv(t)
	sink, acc := e.smtpSink()
	if _, err := e.n.CRM.Members.CreateMember(e.ctx, e.n.System, crm.MemberInput{UnitID: e.n.Root.ID, Surname: "Алексеева", GivenName: "Анна",
		Emails: []string{"anna@example.org"}, Consents: crm.Consents{Mailings: map[string]crm.Consent{"email": {Given: true}}}}, true); err != nil {
		t.Fatal(err)
	}
	const target = "https://union.example.org/meet?a=1&b=2"
	send := func(name string) (mailing.Campaign, string) {
		t.Helper()
		c, err := e.n.Mailing.Campaigns.CreateCampaign(e.ctx, e.sec, mailing.CampaignInput{Name: name, Channels: []string{"email"},
			Segments: []mailing.Segment{{Filter: &mailing.FilterSpec{UnitID: e.n.Root.ID}}}, Accounts: []string{acc},
			Content: mailing.Content{Subject: "Новости", HTML: `<html><body><p>Здравствуйте, {{.GivenName}}! <a href="https://union.example.org/meet?a=1&amp;b=2">Подробнее</a></p></body></html>`}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.n.Mailing.Actions.Start(e.ctx, e.sec, c.ID, time.Time{}); err != nil {
			t.Fatal(err)
		}
		e.waitFinished(c.ID, 30*time.Second)
		body, _ := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(sink.Raw("anna@example.org"))))
		return c, string(body)
	}

	_, body := send("Без подсчёта")
	if pixelLink.MatchString(body) || clickLink.MatchString(body) || !strings.Contains(body, `href="https://union.example.org/meet?a=1&amp;b=2"`) {
		t.Fatalf("tracking is on by default:\n%s", body)
	}
	if err := e.n.Mailing.Tracking.SetTracking(e.ctx, e.sec, true); err == nil {
		t.Fatal("a secretary turned tracking on")
	}
	admin := e.sec
	admin.Role = access.Administrator
	if err := e.n.Mailing.Tracking.SetTracking(e.ctx, admin, true); err != nil {
		t.Fatal(err)
	}
	c, body := send("С подсчётом")
	pm, cm := pixelLink.FindStringSubmatch(body), clickLink.FindStringSubmatch(body)
	if pm == nil || cm == nil {
		t.Fatalf("no pixel or click link:\n%s", body)
	}
	base := e.n.Server.URL
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(link string) *http.Response {
		t.Helper()
		u, _ := url.Parse(html.UnescapeString(link))
		resp, err := client.Get(base + u.RequestURI())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := get(pm[1]); resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/gif" {
		t.Errorf("pixel: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp := get(cm[1]); resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != target {
		t.Errorf("click: %d to %q, want 302 to %s", resp.StatusCode, resp.Header.Get("Location"), target)
	}
	u, _ := url.Parse(html.UnescapeString(cm[1]))
	evil := u.Path + "?u=" + url.QueryEscape("https://evil.example.org/")
	if resp := get(evil); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a click link redirected to another address: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if resp := get("/hooks/mailing/c/forged.1.AAAA?u=" + url.QueryEscape(target)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a forged click token: %d", resp.StatusCode)
	}
	st, err := e.n.Mailing.Campaigns.CampaignStats(e.ctx, e.sec, c.ID)
	if err != nil || st.Opened != 1 || st.Clicked != 1 {
		t.Errorf("stats %+v %v, want one opened and one clicked", st, err)
	}
}
