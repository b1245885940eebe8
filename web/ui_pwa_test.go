package web

import (
	"bytes"
	"encoding/json"
	"flag"
	"image"
	"image/color"
	"image/png"
	"os"
	"strings"
	"testing"
)

var updateIcons = flag.Bool("update-icons", false, "rewrite web/static/icons from drawIcon")

// drawIcon draws the app icon at size×size: favicon.svg's red disc on the
// header's dark colour, full bleed so a maskable crop (a circle of 80 %)
// cuts only background. Edges are smoothed by 4×4 supersampling.
func drawIcon(size int) *image.NRGBA {
	bg, fg := color.NRGBA{0x22, 0x2a, 0x36, 0xff}, color.NRGBA{0xb0, 0x18, 0x2b, 0xff}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	c, r := float64(size)/2, float64(size)*0.25
	for y := range size {
		for x := range size {
			in := 0
			for sy := range 4 {
				for sx := range 4 {
					dx, dy := float64(x)+(float64(sx)+.5)/4-c, float64(y)+(float64(sy)+.5)/4-c
					if dx*dx+dy*dy <= r*r {
						in++
					}
				}
			}
			mix := func(a, b uint8) uint8 { return uint8((int(a)*(16-in) + int(b)*in + 8) / 16) }
			img.SetNRGBA(x, y, color.NRGBA{mix(bg.R, fg.R), mix(bg.G, fg.G), mix(bg.B, fg.B), 0xff})
		}
	}
	return img
}

// The icons in web/static/icons are drawIcon's (go test ./web -run
// TestPWAIcons -update-icons rewrites them).
func TestPWAIcons(t *testing.T) {
	for _, size := range []int{192, 512} {
		name := "static/icons/icon-" + map[int]string{192: "192", 512: "512"}[size] + ".png"
		want := drawIcon(size)
		if *updateIcons {
			var b bytes.Buffer
			if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, want); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			continue // the embedded copy is the old one until the next build
		}
		f, err := staticFiles.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		got, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("%s is %v, want %v", name, got.Bounds(), want.Bounds())
		}
		for _, p := range []image.Point{{0, 0}, {size / 2, size / 2}, {size / 4, size / 2}, {size - 1, size - 1}} {
			r1, g1, b1, _ := got.At(p.X, p.Y).RGBA()
			r2, g2, b2, _ := want.At(p.X, p.Y).RGBA()
			if r1 != r2 || g1 != g2 || b1 != b2 {
				t.Errorf("%s at %v differs from drawIcon", name, p)
			}
		}
	}
}

// The service worker lists this release's shell (versioned URLs of files
// that exist) and the offline page, and nothing else: no page, no API.
func TestServiceWorkerShell(t *testing.T) {
	src := string(serviceWorker)
	start := strings.Index(src, "var SHELL = ")
	if start < 0 || strings.Contains(src, "/*{{") {
		t.Fatalf("sw.js not rendered:\n%s", src[:min(400, len(src))])
	}
	var shell []string
	line := src[start+len("var SHELL = "):]
	if err := json.Unmarshal([]byte(line[:strings.Index(line, ";\n")]), &shell); err != nil {
		t.Fatal(err)
	}
	if len(shell) != len(shellFiles)+1 || shell[0] != "/offline" {
		t.Fatalf("shell %q", shell)
	}
	for _, u := range shell[1:] {
		if !strings.HasPrefix(u, "/static/") || !strings.Contains(u, "?v=") {
			t.Errorf("%s is not a versioned static file", u)
		}
	}
}
