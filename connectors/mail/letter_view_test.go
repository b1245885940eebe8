package mail_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

func htmlLetter(from, id, body string) string {
	return strings.ReplaceAll("From: "+from+"\nTo: hotline@union.example\nSubject: Новости\nMessage-ID: <"+id+">\n"+
		"Content-Type: text/html; charset=utf-8\n\n"+body+"\n", "\n", "\r\n")
}

// A letter's HTML comes without remote images; on request it comes with
// them through the proxy, the request is audited, and the proxy refuses
// an internal host until told the host is public.
func TestLetterRemoteImagesOnRequest(t *testing.T) {
	e := newEnv(t)
	e.channel(t)
	srv := mail.ImageServer(t)
	e.dc.appendLetter(t, "INBOX", htmlLetter("news@example.ru", "img@example.ru",
		`<p>Смотрите</p><img src="`+srv.URL+`/ok.png" alt="Схема"><img src="`+srv.URL+`/page" alt="">`))
	m := e.waitInbound(t, 1)[0]
	var htmlKey, rawKey string
	for _, a := range m.Attachments {
		switch a.ContentType {
		case "text/html":
			htmlKey = a.BlobKey
		case "message/rfc822":
			rawKey = a.BlobKey
		}
	}
	if htmlKey == "" {
		t.Fatalf("no letter.html: %+v", m.Attachments)
	}
	type view struct {
		HTML         string `json:"html"`
		RemoteImages int    `json:"remote_images"`
		ImagesShown  bool   `json:"images_shown"`
	}
	get := func(q string) view {
		t.Helper()
		code, body := e.call(t, "GET", "/api/v1/mail/letters/"+htmlKey+q, nil)
		if code != 200 {
			t.Fatalf("letter%s: %d %s", q, code, body)
		}
		var v view
		if err := json.Unmarshal(body, &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := get("")
	if v.RemoteImages != 2 || v.ImagesShown || strings.Contains(v.HTML, "127.0.0.1") || !strings.Contains(v.HTML, "[image: Схема]") {
		t.Fatalf("blocked view: %+v", v)
	}
	if audited(t, e, htmlKey) != 0 {
		t.Fatal("a blocked view was audited")
	}
	v = get("?images=show")
	proxied := "/api/v1/mail/letters/" + htmlKey + "/images/0"
	if v.RemoteImages != 2 || !v.ImagesShown || strings.Contains(v.HTML, "127.0.0.1") || !strings.Contains(v.HTML, `src="`+proxied+`"`) {
		t.Fatalf("shown view: %+v", v)
	}
	if audited(t, e, htmlKey) != 1 {
		t.Fatal("showing images not audited")
	}

	// The test server is on loopback: refused as not public.
	if code, body := e.call(t, "GET", proxied, nil); code != http.StatusForbidden {
		t.Fatalf("loopback image: %d %s", code, body)
	}
	mail.TrustImageHosts(e.n.Mail, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	code, body := e.call(t, "GET", proxied, nil)
	if code != 200 || string(body[:4]) != "\x89PNG" {
		t.Fatalf("image: %d %q", code, body)
	}
	if code, _ := e.call(t, "GET", "/api/v1/mail/letters/"+htmlKey+"/images/1", nil); code != http.StatusBadGateway {
		t.Fatalf("HTML under an image: %d", code)
	}
	for _, path := range []string{"/images/2", "/images/-1", "/images/x"} {
		if code, _ := e.call(t, "GET", "/api/v1/mail/letters/"+htmlKey+path, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d", path, code)
		}
	}
	// An operator of another unit sees neither the letter nor its images.
	other := e.n.AddUnit(t, "", org.Committee, "Обком Б")
	stranger := e.n.AddUser(t, "opb", access.Operator, other.ID, "password-b")
	tok, _, err := e.n.Auth.CreateToken(context.Background(), e.n.System, stranger.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", "?images=show", "/images/0"} {
		req, _ := http.NewRequest("GET", e.n.Server.URL+"/api/v1/mail/letters/"+htmlKey+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("another unit's operator, %q: %d", path, resp.StatusCode)
		}
	}
	if audited(t, e, htmlKey) != 1 {
		t.Fatal("a refused request was audited")
	}
	// Only a letter's HTML is rendered; other files and unknown keys are not found.
	for _, key := range []string{rawKey, "nosuchkey"} {
		if code, _ := e.call(t, "GET", "/api/v1/mail/letters/"+key, nil); code != http.StatusNotFound {
			t.Errorf("letter %s: %d", key, code)
		}
	}
}

func audited(t *testing.T, e *env, key string) int {
	t.Helper()
	var n int
	if err := e.n.DB.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'mail.remote_images_shown' AND object_id = $1`, key).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
