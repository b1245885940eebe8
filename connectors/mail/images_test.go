package mail

import (
	"strconv"
	"strings"
	"testing"
)

// Every way a letter can make the reader's browser call its sender.
const trackingHTML = `<html><head><link rel="stylesheet" href="https://t.example/css"><style>@import url(https://t.example/i.css)</style></head>
<body background="https://t.example/bg.png" style="background:url(https://t.example/body.png)">
<p style="background-image:url('https://t.example/p.png')">Hello</p>
<img src="https://t.example/open.gif?u=42" width="1" height="1" alt="">
<img src="HTTPS://cdn.example/logo.png" alt="Union logo" srcset="https://t.example/2x.png 2x">
<img src="http://plain.example/a.png" alt="insecure">
<img src="cid:logo@x" alt="inline">
<img src="//t.example/proto-relative.png" alt="relative">
<picture><source srcset="https://t.example/pic.webp"><img src="https://cdn.example/pic.jpg" alt="photo"></picture>
<table background="https://t.example/tbl.png"><tr><td background="https://t.example/td.png">cell</td></tr></table>
<video poster="https://t.example/poster.png"></video><input type="image" src="https://t.example/in.png">
<object data="https://t.example/o.swf"></object><embed src="https://t.example/e.swf">
<div style="list-style:url(https://t.example/li.png)">x</div>
</body></html>`

func TestSanitiserParksRemoteImages(t *testing.T) {
	stored := sanitizeHTML(trackingHTML)
	low := strings.ToLower(stored)
	for _, bad := range []string{` src="https`, ` src="http:`, "srcset", "background", "url(", "poster", "<link", "<style", "<object", "<embed",
		"<input", "<source", "proto-relative", "plain.example", "style="} {
		if strings.Contains(low, bad) {
			t.Errorf("stored HTML still has %q:\n%s", bad, stored)
		}
	}
	want := []string{"https://t.example/open.gif?u=42", "https://cdn.example/logo.png", "https://cdn.example/pic.jpg"}
	if got := remoteImages(stored); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("remote images %q, want %q\n%s", got, want, stored)
	}
	if !strings.Contains(stored, `src="cid:logo@x"`) {
		t.Errorf("inline image lost:\n%s", stored)
	}

	blocked, n := renderLetter(stored, nil)
	if n != 3 {
		t.Fatalf("%d remote images, want 3", n)
	}
	for _, bad := range []string{"t.example", "cdn.example", remoteAttr} {
		if strings.Contains(blocked, bad) {
			t.Errorf("blocked rendering has %q:\n%s", bad, blocked)
		}
	}
	for _, good := range []string{"[image: Union logo]", "[image: photo]", "[image]", `class="mail-remote-img"`, "Hello", `src="cid:logo@x"`} {
		if !strings.Contains(blocked, good) {
			t.Errorf("blocked rendering lost %q:\n%s", good, blocked)
		}
	}

	shown, n := renderLetter(stored, func(i int) string { return "/proxy/" + strconv.Itoa(i) })
	if n != 3 || strings.Contains(shown, "t.example") || strings.Contains(shown, "cdn.example") {
		t.Fatalf("shown rendering (%d):\n%s", n, shown)
	}
	for _, good := range []string{`<img src="/proxy/0" width="1" height="1" alt="">`, `<img src="/proxy/1" alt="Union logo">`, `src="/proxy/2"`} {
		if !strings.Contains(shown, good) {
			t.Errorf("shown rendering lacks %q:\n%s", good, shown)
		}
	}
}

// An attribute value that looks like markup stays an attribute value.
func TestRenderLetterEscapesAltText(t *testing.T) {
	stored := sanitizeHTML(`<img src="https://x.example/a.png" alt="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">`)
	blocked, n := renderLetter(stored, nil)
	if n != 1 || strings.Contains(blocked, "<script") {
		t.Fatalf("blocked (%d): %s", n, blocked)
	}
	shown, _ := renderLetter(stored, func(int) string { return `/p"><script>` })
	if strings.Contains(shown, "<script") {
		t.Fatalf("shown: %s", shown)
	}
}
