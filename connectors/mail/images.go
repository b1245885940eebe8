package mail

import (
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// remoteAttr holds a remote image's address in stored HTML: a browser
// never fetches it, so neither the stored letter.html (served with
// default-src 'none' anyway) nor the console's rendering calls the sender.
const remoteAttr = "data-remote-src"

// parkRemoteImages moves the https address of each <img> of sanitised
// HTML from src to data-remote-src. It runs after bluemonday, so the
// markup is already well formed and only allowed attributes remain.
func parkRemoteImages(s string) string {
	return rewriteImages(s, func(t *html.Token, _ int, url string) string {
		for i := range t.Attr {
			if t.Attr[i].Key == "src" {
				t.Attr[i].Key = remoteAttr
			}
		}
		return t.String()
	}, "src")
}

// renderLetter makes the console's view of a stored letter: without
// remote images, each is a placeholder keeping its alt text; with them,
// each points to the hub's proxy (imageURL(n) for the n-th image).
// It also returns how many remote images the letter has.
func renderLetter(stored string, imageURL func(n int) string) (string, int) {
	count := 0
	out := rewriteImages(stored, func(t *html.Token, n int, _ string) string {
		count++
		alt := attr(t, "alt")
		if imageURL == nil {
			label := "[image]"
			if alt != "" {
				label = "[image: " + alt + "]"
			}
			return `<span class="mail-remote-img" title="` + html.EscapeString(alt) + `">` + html.EscapeString(label) + `</span>`
		}
		attrs := []html.Attribute{{Key: "src", Val: imageURL(n)}}
		for _, a := range t.Attr {
			if a.Key != remoteAttr {
				attrs = append(attrs, a)
			}
		}
		t.Attr = attrs
		return t.String()
	}, remoteAttr)
	return out, count
}

// remoteImages lists the remote addresses of a stored letter, in order.
func remoteImages(stored string) []string {
	var urls []string
	rewriteImages(stored, func(t *html.Token, _ int, url string) string {
		urls = append(urls, url)
		return ""
	}, remoteAttr)
	return urls
}

// rewriteImages replaces every <img> whose attribute key holds an https
// address with what f returns (n counts those images from 0); all other
// markup passes through unchanged.
func rewriteImages(s string, f func(t *html.Token, n int, url string) string, key string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	n := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				// cannot happen for a strings.Reader; keep nothing rather than half
				return fmt.Sprintf("<p>%s</p>", html.EscapeString(z.Err().Error()))
			}
			return b.String()
		}
		raw := string(z.Raw())
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			t := z.Token()
			if t.Data == "img" {
				if url := attr(&t, key); strings.HasPrefix(strings.ToLower(url), "https://") {
					b.WriteString(f(&t, n, url))
					n++
					continue
				}
			}
		}
		b.WriteString(raw)
	}
}

func attr(t *html.Token, key string) string {
	for _, a := range t.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}
