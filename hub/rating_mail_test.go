package hub_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/testkit/dovecottest"
	"github.com/profhub/profhub/mailing/mailingtest"
)

// ratingLetter: a member's letter reaches a real Dovecot mailbox, the
// operator answers and closes, and the rating request leaves through
// SMTP; it returns the conversation and the letter's five links as
// (number, URL) pairs.
func ratingLetter(t *testing.T, e *ratingEnv) (string, [][]string) {
	t.Helper()
	ctx := context.Background()
	mbox := dovecottest.Start(t, "hotline")
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sink.KeepRaw = true
	t.Cleanup(sink.Close)
	sHost, sPort, _ := net.SplitHostPort(sink.Addr)
	if _, _, err := e.n.Inbox.Channels.Create(ctx, e.n.System, inbox.NewChannel{LineID: e.tgCh.LineID, Kind: inbox.KindMail, Name: "hotline@",
		Settings: map[string]string{"imap_host": mbox.Host, "imap_port": mbox.Port, "imap_tls": "none", "smtp_host": sHost, "smtp_port": sPort,
			"smtp_tls": "none", "username": mbox.User, "from_address": "hotline@union.example.org", "from_name": "Профсоюз"},
		Secrets: map[string]string{"password": mbox.Pass}}); err != nil {
		t.Fatal(err)
	}
	const member = "olga.zhukova@example.org"
	mbox.Deliver(t, "From: Olga <"+member+">\r\nTo: hotline@union.example.org\r\nSubject: Матпомощь\r\n"+
		"Message-ID: <q-1@example.org>\r\nDate: "+time.Now().Format(time.RFC1123Z)+
		"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nКак получить матпомощь?\r\n")
	var conv string
	waitFor(t, "the letter in the inbox", func() bool {
		return e.n.DB.QueryRow(`SELECT conversation_id FROM inbox_messages WHERE direction = 'in' AND text LIKE '%получить матпомощь%'`).Scan(&conv) == nil
	})
	e.answerAndClose(t, conv)
	waitFor(t, "the rating letter", func() bool { return strings.Contains(plainText(t, sink.Raw(member)), "/rate/") })
	body := plainText(t, sink.Raw(member))
	found := regexp.MustCompile(`(?m)^([1-5]) — (\S+/rate/\S+)\r?$`).FindAllStringSubmatch(body, -1)
	if len(found) != 5 || !strings.HasPrefix(found[3][2], e.n.Server.URL+"/rate/") || !strings.HasSuffix(found[3][2], "?r=4") {
		t.Fatalf("links in the letter: %q", body)
	}
	links := make([][]string, len(found))
	for i, f := range found {
		links[i] = f[1:]
	}
	return conv, links
}

// A member's letter reaches a real Dovecot mailbox, the operator answers
// and closes, and the rating request leaves through SMTP with five links
// to the public page: following a link (as a mail scanner does) rates
// nothing, posting the form rates, a forged link is refused.
func TestRatingLinksInLetter(t *testing.T) {
	e := newRatingEnv(t)
	conv, links := ratingLetter(t, e)

	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	code, page := get(links[3][1])
	if code != 200 || !regexp.MustCompile(`value="4" required checked`).MatchString(page) {
		t.Fatalf("GET the link = %d %s", code, page)
	}
	if r, _ := e.rating(t, conv); r != 0 {
		t.Fatalf("following the link rated %d", r)
	}
	pageURL := strings.TrimSuffix(links[3][1], "?r=4")
	tok := strings.TrimPrefix(pageURL, e.n.Server.URL+"/rate/")
	forged := e.n.Server.URL + "/rate/" + tok[:strings.LastIndexByte(tok, '.')] + ".AAAAAAAAAAAAAA"
	if code, _ := get(forged); code != http.StatusNotFound {
		t.Fatalf("GET a forged link = %d", code)
	}
	post := func(u string, form url.Values) (int, string) {
		resp, err := http.PostForm(u, form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, _ := post(forged, url.Values{"rating": {"5"}}); code != http.StatusNotFound {
		t.Fatalf("POST a forged link = %d", code)
	}
	code, page = post(pageURL, url.Values{"rating": {"4"}, "comment": {"Ответили подробно"}})
	if code != 200 || !strings.Contains(page, "Спасибо за оценку: 4 из 5") {
		t.Fatalf("POST the form = %d %s", code, page)
	}
	if r, comment := e.rating(t, conv); r != 4 || comment != "Ответили подробно" {
		t.Fatalf("rating %d, comment %q", r, comment)
	}
	if f := e.stats(t); f.Rated != 1 || f.RatingAvg != 4 {
		t.Fatalf("stats: rated=%d avg=%v", f.Rated, f.RatingAvg)
	}
}
