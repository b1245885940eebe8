package memberbot

import (
	"bytes"
	"context"
	_ "embed"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"github.com/boombuler/barcode/qr"
	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// The card image is drawn in Go: a bank-card-shaped PNG with the holder's
// name, organisation, number, valid-through date and the QR code of the
// verify link. The QR code is made with github.com/boombuler/barcode (in
// the module graph already through pquerna/otp, maintained, no further
// dependencies); the text with DejaVu Sans (free licence, fonts/LICENSE),
// embedded so that Cyrillic renders on any machine.

var (
	//go:embed fonts/DejaVuSans.ttf
	fontRegular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	fontBold []byte
)

type fonts struct {
	regular, bold *opentype.Font
}

var (
	fontsOnce sync.Once
	fontsVal  *fonts
	fontsErr  error
)

func loadFonts() (*fonts, error) {
	fontsOnce.Do(func() {
		f := &fonts{}
		if f.regular, fontsErr = opentype.Parse(fontRegular); fontsErr != nil {
			return
		}
		if f.bold, fontsErr = opentype.Parse(fontBold); fontsErr != nil {
			return
		}
		fontsVal = f
	})
	return fontsVal, fontsErr
}

const cardW, cardH = 1012, 638

var (
	cardBlue  = color.RGBA{0x1f, 0x4e, 0x8c, 0xff}
	cardInk   = color.RGBA{0x1a, 0x1a, 0x1a, 0xff}
	cardLabel = color.RGBA{0x6b, 0x72, 0x80, 0xff}
	cardPaper = color.RGBA{0xf7, 0xf9, 0xfc, 0xff}
)

// CardImage draws the member's card as a PNG.
func (s *Cards) CardImage(ctx context.Context, m Member, c Card) ([]byte, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, cardW, cardH))
	draw.Draw(img, img.Bounds(), image.NewUniform(cardPaper), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(0, 0, cardW, 128), image.NewUniform(cardBlue), image.Point{}, draw.Src)
	t := textDrawer{img: img}
	t.line(f.bold, 30, color.White, 40, 58, "ЭЛЕКТРОННЫЙ ПРОФСОЮЗНЫЙ БИЛЕТ", 930)
	fed := "Профсоюз"
	if s.d.Federation != nil {
		if n := s.d.Federation(ctx); n != "" {
			fed = n
		}
	}
	t.line(f.regular, 20, color.RGBA{0xdd, 0xe6, 0xf3, 0xff}, 40, 100, fed, 930)

	y := 186
	t.line(f.regular, 18, cardLabel, 40, y, "Член профсоюза", 600)
	for _, l := range t.wrap(f.bold, 32, m.FullName(), 600, 2) {
		y += 42
		t.line(f.bold, 32, cardInk, 40, y, l, 600)
	}
	y += 50
	t.line(f.regular, 18, cardLabel, 40, y, "Организация", 600)
	for _, l := range t.wrap(f.regular, 24, m.UnitName, 600, 2) {
		y += 32
		t.line(f.regular, 24, cardInk, 40, y, l, 600)
	}
	y = 540
	t.line(f.regular, 18, cardLabel, 40, y, "Билет №", 280)
	t.line(f.bold, 26, cardInk, 40, y+36, cardNumber(m, c), 280)
	t.line(f.regular, 18, cardLabel, 340, y, "Действителен до", 280)
	t.line(f.bold, 26, cardInk, 340, y+36, c.ExpiresAt.In(s.zone).Format("02.01.2006"), 280)

	if err := drawQR(img, s.VerifyURL(c.Token), image.Rect(672, 168, 972, 468)); err != nil {
		return nil, err
	}
	t.line(f.regular, 16, cardLabel, 700, 500, "Проверка подлинности:", 280)
	t.line(f.regular, 16, cardLabel, 700, 522, "наведите камеру на код", 280)
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// drawQR draws the code into r (a square) on a white ground with its
// quiet zone, each module a whole number of pixels.
func drawQR(img *image.RGBA, content string, r image.Rectangle) error {
	code, err := qr.Encode(content, qr.M, qr.Auto)
	if err != nil {
		return err
	}
	draw.Draw(img, r, image.NewUniform(color.White), image.Point{}, draw.Src)
	n := code.Bounds().Dx()
	scale := r.Dx() / (n + 8)
	off := r.Min.Add(image.Pt((r.Dx()-n*scale)/2, (r.Dy()-n*scale)/2))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if cr, _, _, _ := code.At(x, y).RGBA(); cr < 0x8000 {
				px := off.Add(image.Pt(x*scale, y*scale))
				draw.Draw(img, image.Rect(px.X, px.Y, px.X+scale, px.Y+scale), image.NewUniform(color.Black), image.Point{}, draw.Src)
			}
		}
	}
	return nil
}

type textDrawer struct{ img *image.RGBA }

func face(f *opentype.Font, size float64) font.Face {
	fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	return fc
}

// line draws one line, cut with "…" to fit width.
func (t textDrawer) line(f *opentype.Font, size float64, c color.Color, x, y int, s string, width int) {
	fc := face(f, size)
	defer fc.Close()
	if font.MeasureString(fc, s).Ceil() > width {
		r := []rune(s)
		for len(r) > 0 && font.MeasureString(fc, string(r)+"…").Ceil() > width {
			r = r[:len(r)-1]
		}
		s = string(r) + "…"
	}
	d := font.Drawer{Dst: t.img, Src: image.NewUniform(c), Face: fc, Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// wrap breaks s into at most max lines of width; the last keeps the rest.
func (t textDrawer) wrap(f *opentype.Font, size float64, s string, width, max int) []string {
	fc := face(f, size)
	defer fc.Close()
	var lines []string
	cur := ""
	words := strings.Fields(s)
	for i, w := range words {
		try := strings.TrimSpace(cur + " " + w)
		if cur != "" && font.MeasureString(fc, try).Ceil() > width {
			lines = append(lines, cur)
			if len(lines) == max-1 {
				return append(lines, strings.Join(words[i:], " "))
			}
			cur = w
			continue
		}
		cur = try
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}
