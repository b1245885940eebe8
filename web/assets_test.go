package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/web"
)

// TestStaticAssetsAreVersionedAndCached: pages name every static file by a
// versioned URL (the start of its content's SHA-256), that URL is cached
// for a year as immutable, and any other URL of the same file only briefly.
func TestStaticAssetsAreVersionedAndCached(t *testing.T) {
	n := hubtest.Start(t)
	b := n.NewBrowser(t)
	code, page, _ := get(t, b, "/login")
	if code != http.StatusOK {
		t.Fatalf("login page = %d", code)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/static/[^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(refs) < 3 {
		t.Fatalf("the login page names %d static files, want app.css, favicon.svg and common.js: %s", len(refs), page)
	}
	for _, r := range refs {
		name, v, ok := strings.Cut(strings.TrimPrefix(r[1], "/static/"), "?v=")
		if !ok {
			t.Errorf("%s has no version", r[1])
			continue
		}
		disk, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(disk)
		if !strings.HasPrefix(hex.EncodeToString(sum[:]), v) || len(v) < 8 {
			t.Errorf("%s: version %q is not the start of the content's hash", name, v)
		}
	}

	versioned := web.AssetPath("common.js")
	for _, c := range []struct {
		path, cache string
	}{
		{versioned, "public, max-age=31536000, immutable"},
		{"/static/common.js", "public, max-age=300"},
		{"/static/common.js?v=0123456789ab", "public, max-age=300"}, // a version from another release
		{web.AssetPath("app.css"), "public, max-age=31536000, immutable"},
	} {
		code, body, h := get(t, b, c.path)
		if code != http.StatusOK || len(body) == 0 {
			t.Errorf("%s = %d", c.path, code)
		}
		if got := h.Get("Cache-Control"); got != c.cache {
			t.Errorf("%s: Cache-Control %q, want %q", c.path, got, c.cache)
		}
	}
	if code, _, h := get(t, b, "/static/no-such.js"); code != http.StatusNotFound || strings.Contains(h.Get("Cache-Control"), "immutable") {
		t.Errorf("missing file = %d %q", code, h.Get("Cache-Control"))
	}
	defer func() {
		if recover() == nil {
			t.Error("AssetPath of a file that is not embedded did not panic")
		}
	}()
	web.AssetPath("no-such.js")
}
