package mail

import (
	"bytes"
	"io"
	"strings"
	"testing"

	gomail "github.com/emersion/go-message/mail"
)

// A letter with files is multipart/mixed: the text first, then each file
// as a base64 attachment whose name is cleaned as inbound names are.
func TestWriteLetterWithFiles(t *testing.T) {
	var h gomail.Header
	h.SetSubject("Исх. № 1")
	var buf bytes.Buffer
	files := []LetterFile{{Name: "../../etc/passwd", Data: []byte("root")}, {Name: "invoice\u202Efdp.exe", ContentType: "application/pdf", Data: []byte{0, 1, 2, 255}}}
	if err := writeLetter(&buf, h, "Текст письма", files); err != nil {
		t.Fatal(err)
	}
	raw := buf.String()
	if !strings.Contains(raw, "Content-Transfer-Encoding: base64") || strings.Contains(raw, "\u202E") {
		t.Fatalf("letter:\n%s", raw)
	}
	r, err := gomail.CreateReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	var text string
	got := map[string][]byte{}
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(p.Body)
		if ah, ok := p.Header.(*gomail.AttachmentHeader); ok {
			name, _ := ah.Filename()
			got[name] = b
		} else {
			text = string(b)
		}
	}
	if text != "Текст письма" || len(got) != 2 {
		t.Fatalf("text %q, files %q", text, got)
	}
	for name, b := range got {
		if strings.ContainsAny(name, "/\\\u202E") {
			t.Errorf("attachment name %q not cleaned", name)
		}
		if !bytes.Equal(b, []byte("root")) && !bytes.Equal(b, []byte{0, 1, 2, 255}) {
			t.Errorf("%s: %v", name, b)
		}
	}
}
