package inbox_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/org"
)

func upload(t *testing.T, base, token, convID, name string, content []byte) (int, inbox.Attachment) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", base+"/api/v1/inbox/uploads/"+convID, &buf)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var a inbox.Attachment
	_ = json.NewDecoder(resp.Body).Decode(&a)
	return resp.StatusCode, a
}

var pngHeader = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")

func TestAttachmentsUploadReplyAndDownload(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	_, r := f.post(t, base, "m", "1", "пришлите бланк")
	_, other := f.post(t, base, "m2", "2", "другой")
	call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/take", nil)

	code, png := upload(t, base, f.tok1, r.ConversationID, "../../бланк\u202Egnp.exe", pngHeader)
	if code != 201 || png.ContentType != "image/png" || png.Name != "бланкgnp.exe" || png.Size != int64(len(pngHeader)) {
		t.Fatalf("upload = %d %+v", code, png)
	}
	code, html := upload(t, base, f.tok1, r.ConversationID, "page.html", []byte("<html><script>alert(1)</script></html>"))
	if code != 201 || html.ContentType != "text/html" {
		t.Fatalf("upload html = %d %+v", code, html)
	}
	if code, _ := upload(t, base, f.tok1, r.ConversationID, "big.bin", bytes.Repeat([]byte("x"), inbox.MaxAttachmentBytes+10)); code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized upload = %d", code)
	}
	if code, _ := upload(t, base, f.tok1, r.ConversationID, "empty.txt", nil); code != http.StatusUnprocessableEntity {
		t.Fatalf("empty upload = %d", code)
	}
	// A file uploaded to another conversation cannot be attached here.
	_, foreign := upload(t, base, f.tok1, other.ConversationID, "x.png", pngHeader)
	if code, _ := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/messages",
		inbox.ReplyInput{Text: "x", Attachments: []inbox.Attachment{{BlobKey: foreign.BlobKey}}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("foreign attachment = %d", code)
	}
	// The reply carries the stored facts, not the client's claims.
	code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+r.ConversationID+"/messages",
		inbox.ReplyInput{Text: "Бланк во вложении", Attachments: []inbox.Attachment{{BlobKey: png.BlobKey, Name: "evil.exe", ContentType: "text/html"}}})
	if code != 201 {
		t.Fatalf("reply = %d %s", code, body)
	}
	select {
	case got := <-f.sink.arrived:
		if len(got.Attachments) != 1 || got.Attachments[0].ContentType != "image/png" || got.Attachments[0].Name != "бланкgnp.exe" {
			t.Fatalf("webhook attachments %+v", got.Attachments)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("reply not delivered")
	}

	get := func(token, key string) *http.Response {
		req, _ := http.NewRequest("GET", base+"/api/v1/inbox/attachments/"+key, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Range", "bytes=0-7")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := get(f.tok1, png.BlobKey)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(b, pngHeader[:8]) || resp.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("download png = %d %q %v", resp.StatusCode, b, resp.Header)
	}
	resp = get(f.tok1, html.BlobKey)
	resp.Body.Close()
	if resp.Header.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Fatalf("hostile html served as %v", resp.Header)
	}
	// Someone of another unit gets nothing.
	unit := f.n.AddUnit(t, "", org.Committee, "Чужой обком")
	stranger := f.n.AddUser(t, "stranger", "operator", unit.ID, "password-s")
	if resp := get(f.token(t, stranger), png.BlobKey); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("stranger download = %d", resp.StatusCode)
	}
	if resp := get(f.tok1, "00000000-0000-0000-0000-000000000000"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown key = %d", resp.StatusCode)
	}
}
