package mail

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 48, 48))
	for i := range img.Pix {
		img.Pix[i] = []byte{0x2f, 0x6f, 0xd6, 0xff}[i%4] // a visible blue square for the screenshot
	}
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// imageServer serves the cases the proxy must tell apart.
func imageServer(t *testing.T) *httptest.Server {
	t.Helper()
	pic := pngBytes(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(pic)
		case "/page":
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>hi</html>"))
		case "/pic.svg":
			w.Header().Set("Content-Type", "image/svg+xml")
			_, _ = w.Write([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`))
		case "/liar.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte("<html><script>alert(1)</script></html>"))
		case "/huge.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write(pic)
			_, _ = w.Write(make([]byte, maxProxiedImage))
		case "/to-http":
			http.Redirect(w, r, "http://example.com/x.png", http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestImageProxyRefusesPrivateAddresses(t *testing.T) {
	srv := imageServer(t)
	p := newImageProxy(publicAddr, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	if _, _, err := p.fetch(context.Background(), srv.URL+"/ok.png"); !errors.Is(err, errNotPublic) {
		t.Fatalf("loopback image fetched: %v", err)
	}
	if _, _, err := p.fetch(context.Background(), "https://localhost"+strings.TrimPrefix(srv.URL, "https://127.0.0.1")+"/ok.png"); !errors.Is(err, errNotPublic) {
		t.Fatalf("localhost image fetched: %v", err)
	}
	if _, _, err := p.fetch(context.Background(), strings.Replace(srv.URL, "https", "http", 1)+"/ok.png"); err == nil {
		t.Fatal("plain http fetched")
	}
	for addr, public := range map[string]bool{"127.0.0.1": false, "10.1.2.3": false, "172.16.0.1": false, "192.168.1.1": false,
		"169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false, "fc00::1": false, "fe80::1": false,
		"::ffff:10.0.0.1": false, "64:ff9b::a00:1": false, "224.0.0.1": false, "93.184.216.34": true, "2a00:1450:4010::1": true} {
		if got := publicAddr(netip.MustParseAddr(addr).Unmap()); got != public {
			t.Errorf("publicAddr(%s) = %v", addr, got)
		}
	}
}

func TestImageProxyPassesOnlyImages(t *testing.T) {
	srv := imageServer(t)
	p := newImageProxy(func(netip.Addr) bool { return true }, srv.Client().Transport.(*http.Transport).TLSClientConfig)
	data, ctype, err := p.fetch(context.Background(), srv.URL+"/ok.png")
	if err != nil || ctype != "image/png" || !bytes.Equal(data, pngBytes(t)) {
		t.Fatalf("image: %q %v", ctype, err)
	}
	for path, why := range map[string]string{"/page": "not an image", "/pic.svg": "not an image", "/liar.png": "declared image/png",
		"/huge.png": "over 5 MB", "/to-http": "leaves https", "/missing.png": "answered 404"} {
		if _, _, err := p.fetch(context.Background(), srv.URL+path); err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want %q", path, err, why)
		}
	}
}
