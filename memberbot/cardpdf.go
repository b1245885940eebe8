package memberbot

import (
	"bytes"
	"context"

	"codeberg.org/go-pdf/fpdf"
)

// CardPDF is the card as an A4 PDF to print and cut out: the card image
// at a bank card's size (85.6 × 54 mm) inside a cutting frame. The image
// carries all the text, so the PDF needs no font. It is made with
// codeberg.org/go-pdf/fpdf (the maintained fork of jung-kurt/gofpdf, pure
// Go, no further dependencies).
func (s *Cards) CardPDF(ctx context.Context, m Member, c Card) ([]byte, error) {
	img, err := s.CardImage(ctx, m, c)
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Электронный профсоюзный билет", true)
	pdf.SetCreator("profhub", false)
	pdf.AddPage()
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("card", opt, bytes.NewReader(img))
	const w, h = 85.6, 54.0
	x, y := (210-w)/2, 20.0
	pdf.SetDrawColor(150, 150, 150)
	pdf.SetDashPattern([]float64{1.5, 1.5}, 0)
	pdf.Rect(x-2, y-2, w+4, h+4, "D")
	pdf.ImageOptions("card", x, y, w, h, false, opt, 0, "")
	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
