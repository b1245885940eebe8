package web

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

// Static files are referenced from the templates through the "asset"
// helper as /static/NAME?v=HASH, HASH being the start of the file's SHA-256
// computed once at start from the embedded files. A release that changes a
// file changes its URL, so browsers may keep a versioned URL for a year and
// still never run a stale script; the bare URL stays short-cached for
// anything (bookmarks, the favicon redirect) that asks without a version.
const (
	immutableCache = "public, max-age=31536000, immutable"
	shortCache     = "public, max-age=300"
)

// staticAssets knows the hash of every embedded static file.
var staticAssets = newAssets(staticFS())

func staticFS() fs.FS {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil { // only if the embed directive lost its folder
		panic("web: static files: " + err.Error())
	}
	return sub
}

type assets struct {
	files  fs.FS
	hashes map[string]string // file name under static/ → its version
}

func newAssets(files fs.FS) *assets {
	a := &assets{files: files, hashes: map[string]string{}}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a.hashes[p] = hex.EncodeToString(sum[:])[:12]
		return nil
	})
	return a
}

// url is the versioned address of a static file. A name that is not
// embedded panics; inside a template that becomes the render's error, so a
// typo fails every test that renders the page instead of shipping a broken
// link.
func (a *assets) url(name string) string {
	h, ok := a.hashes[name]
	if !ok {
		panic("web: no static file " + name)
	}
	return "/static/" + name + "?v=" + h
}

// handler serves the files: long and immutable when the request names the
// current version, short otherwise (an old version gets today's file, but
// only for a few minutes, so a page from before a release still works).
func (a *assets) handler() http.Handler {
	files := http.StripPrefix("/static/", http.FileServerFS(a.files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if v := r.URL.Query().Get("v"); v != "" && v == a.hashes[name] {
			w.Header().Set("Cache-Control", immutableCache)
		} else {
			w.Header().Set("Cache-Control", shortCache)
		}
		files.ServeHTTP(w, r)
	})
}

// AssetPath is the versioned address the pages use for a static file
// (tests compare pages against it).
func AssetPath(name string) string { return staticAssets.url(name) }
