package widget

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"strings"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi"
)

//go:embed static
var static embed.FS

// compressedScript is the widget's JavaScript, compressed once at start.
type compressedScript struct {
	plain, gz []byte
	etag      string
}

var widgetScript = func() compressedScript {
	var s compressedScript
	s.plain, _ = static.ReadFile("static/widget.js")
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(s.plain)
	_ = zw.Close()
	s.gz = buf.Bytes()
	sum := sha256.Sum256(s.plain)
	s.etag = `"` + hex.EncodeToString(sum[:8]) + `"`
	return s
}()

// assetHandlers serve the script and the demo page.
type assetHandlers struct {
	channels *inbox.Channels
	cfg      *config.Config
}

var demoPage = template.Must(template.ParseFS(static, "static/demo.html"))

// script serves the script. The URL carries the protocol version
// (v1), so it may be cached long; a changed script reaches the sites
// within a day, and revalidation by ETag costs nothing.
func (h assetHandlers) script(rw http.ResponseWriter, r *http.Request) {
	hd := rw.Header()
	hd.Set("Content-Type", "text/javascript; charset=utf-8")
	hd.Set("Cache-Control", "public, max-age=86400, stale-while-revalidate=604800")
	hd.Set("ETag", widgetScript.etag)
	hd.Set("Vary", "Accept-Encoding")
	hd.Set("Cross-Origin-Resource-Policy", "cross-origin")
	if r.Header.Get("If-None-Match") == widgetScript.etag {
		rw.WriteHeader(http.StatusNotModified)
		return
	}
	body := widgetScript.plain
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		hd.Set("Content-Encoding", "gzip")
		body = widgetScript.gz
	}
	_, _ = rw.Write(body)
}

// demo is a page embedding the first widget channel, for trying the
// chat out (or saying how to create one).
func (h assetHandlers) demo(rw http.ResponseWriter, r *http.Request) {
	chans, err := h.channels.OfKind(r.Context(), inbox.KindWidget)
	if err != nil {
		httpapi.Error(rw, r, err)
		return
	}
	data := struct {
		Channel *inbox.Channel
		Base    string
	}{Base: "http://" + r.Host}
	if r.TLS != nil {
		data.Base = "https://" + r.Host
	}
	if h.cfg != nil && h.cfg.BaseURL != "" {
		data.Base = strings.TrimRight(h.cfg.BaseURL, "/")
	}
	if len(chans) > 0 {
		data.Channel = &chans[0]
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; frame-ancestors 'none'")
	if err := demoPage.Execute(rw, data); err != nil {
		httpapi.Logger(r.Context()).Warn("demo page", "err", err)
	}
}
