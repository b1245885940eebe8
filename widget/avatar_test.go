package widget_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

var tinyPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAYAAABytg0kAAAAGElEQVR4nGI6ISf3nwEG5ORO/AcEAAD//yJzBAmXh09FAAAAAElFTkSuQmCC")

// The operator puts a photo through the API; the visitor's chat shows it
// next to the reply from a public address that serves only current
// avatars, with the type sniffed, not taken from the upload.
func TestOperatorPhotoInTheChat(t *testing.T) {
	f := newFixture(t)
	secret, _, err := f.n.Auth.CreateToken(context.Background(), f.n.System, f.op.ID, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, ctype string, body []byte) (int, []byte, http.Header) {
		t.Helper()
		r, _ := http.NewRequest(method, f.base+path, bytes.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+secret)
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		resp, err := http.DefaultClient.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	path := "/api/v1/users/" + f.op.ID + "/avatar"
	for _, bad := range []struct {
		name string
		body []byte
		want int
	}{
		{"html sent as a png", []byte("<html><script>alert(1)</script></html>"), 422},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 422},
		{"empty", nil, 422},
		{"too large", append(append([]byte{}, tinyPNG...), make([]byte, 600<<10)...), 422},
	} {
		if code, body, _ := call("PUT", path, "image/png", bad.body); code != bad.want {
			t.Errorf("%s: %d %s, want %d", bad.name, code, body, bad.want)
		}
	}
	code, body, _ := call("PUT", path, "application/octet-stream", tinyPNG)
	var got struct {
		URL string `json:"avatar_url"`
	}
	if code != 200 || json.Unmarshal(body, &got) != nil || !strings.HasPrefix(got.URL, "/widget/v1/avatar/") {
		t.Fatalf("upload: %d %s", code, body)
	}

	s := f.mustDial(t, f.session(t), "")
	ack, _ := s.exchange("c1", "Здравствуйте")
	f.reply(t, ack.ConversationID, "Добрый день!")
	var avatar string
	for avatar == "" {
		for _, m := range s.next(isType("messages")).Messages {
			if m.Direction == "out" && m.Text == "Добрый день!" {
				if m.Avatar == "" || m.Author != f.op.FullName {
					t.Fatalf("reply without the operator's photo: %+v", m)
				}
				avatar = m.Avatar
			}
		}
	}
	if avatar != got.URL {
		t.Fatalf("photo in the chat %q, uploaded %q", avatar, got.URL)
	}

	resp, err := http.Get(f.base + avatar)
	if err != nil {
		t.Fatal(err)
	}
	img, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || !bytes.Equal(img, tinyPNG) ||
		resp.Header.Get("Cross-Origin-Resource-Policy") != "cross-origin" {
		t.Fatalf("photo served: %d %v", resp.StatusCode, resp.Header)
	}
	// Removing the photo stops serving it; an attachment's key is never served here.
	if code, body, _ := call("DELETE", path, "", nil); code != 204 {
		t.Fatalf("remove: %d %s", code, body)
	}
	for _, p := range []string{avatar, "/widget/v1/avatar/" + strings.TrimPrefix(avatar, "/widget/v1/avatar/") + "x"} {
		if resp, err := http.Get(f.base + p); err != nil || resp.StatusCode != 404 {
			t.Fatalf("GET %s after removal: %v %v", p, resp.StatusCode, err)
		}
	}
}
