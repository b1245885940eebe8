package crm

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// Encodings a CSV file may come in, as the analysis names them.
const (
	EncodingUTF8    = "utf-8"
	EncodingUTF8BOM = "utf-8-bom"
	EncodingCP1251  = "windows-1251"
)

// DetectFormat tells an XLSX workbook (a zip archive) from a CSV text by
// the file's first bytes, whatever its name says; anything else (a PDF, an
// image, an old binary .xls) is refused.
func DetectFormat(b []byte) (string, error) {
	switch {
	case len(b) == 0:
		return "", valid.Errorf("file", "file_empty", "the file is empty")
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return "xlsx", nil
	case wideBOM(b) != "":
		return "", valid.Errorf("file", "file_encoding", "the file is in %s: save it as UTF-8 or Windows-1251", wideBOM(b))
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return "", valid.Errorf("file", "file_xls", "old Excel 97-2003 workbooks (.xls) are not read: save the file as XLSX or CSV")
	}
	// Text has no control bytes other than tabs and line ends.
	for _, c := range b[:min(len(b), 64<<10)] {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
			return "", valid.Errorf("file", "file_not_table", "the file is neither an XLSX workbook nor a CSV table")
		}
	}
	return "csv", nil
}

// decodeCSV returns the text of a CSV file as UTF-8 and the encoding it
// came in: UTF-8 with or without a byte-order mark, else Windows-1251 if
// the decoded text reads as Russian. Byte-order marks of UTF-16 and
// UTF-32 are recognised to be refused by name.
func decodeCSV(b []byte) ([]byte, string, error) {
	if name := wideBOM(b); name != "" {
		return nil, "", valid.Errorf("file", "file_encoding", "the file is in %s: save it as UTF-8 or Windows-1251", name)
	}
	if rest, ok := bytes.CutPrefix(b, []byte("\uFEFF")); ok {
		if !utf8.Valid(rest) {
			return nil, "", valid.Errorf("file", "file_encoding", "the file says it is UTF-8 but is not")
		}
		return rest, EncodingUTF8BOM, nil
	}
	if utf8.Valid(b) {
		return b, EncodingUTF8, nil
	}
	out, err := charmap.Windows1251.NewDecoder().Bytes(b)
	if err != nil || !readsAsRussian(out) {
		return nil, "", valid.Errorf("file", "file_encoding", "the file is neither UTF-8 nor Windows-1251: save it as CSV UTF-8")
	}
	return out, EncodingCP1251, nil
}

// wideBOM names a UTF-16 or UTF-32 byte-order mark at the start of b.
func wideBOM(b []byte) string {
	for _, e := range []struct {
		bom  []byte
		name string
	}{
		{[]byte{0xFF, 0xFE, 0, 0}, "UTF-32"}, {[]byte{0, 0, 0xFE, 0xFF}, "UTF-32"},
		{[]byte{0xFF, 0xFE}, "UTF-16"}, {[]byte{0xFE, 0xFF}, "UTF-16"},
	} {
		if bytes.HasPrefix(b, e.bom) {
			return e.name
		}
	}
	return ""
}

// readsAsRussian reports whether text decoded as Windows-1251 is what a
// Russian registry holds: its letters beyond ASCII nearly all Cyrillic.
// KOI8-R or Mac Cyrillic read as Windows-1251 give mostly Cyrillic too, but
// in the wrong case pattern: capitals inside words, which Russian text
// rarely has; a binary file gives box-drawing and punctuation soup.
func readsAsRussian(s []byte) bool {
	var cyr, other, upperInside int
	prevLetter := false
	for _, r := range string(s) {
		switch {
		case r < utf8.RuneSelf:
		case unicode.Is(unicode.Cyrillic, r):
			cyr++
			if prevLetter && unicode.IsUpper(r) {
				upperInside++
			}
		case strings.ContainsRune("№«»—–…“”„‘’ ", r):
		default:
			other++
		}
		prevLetter = unicode.IsLetter(r)
	}
	return cyr > 0 && other*20 <= cyr && upperInside*5 <= cyr
}

// detectDelimiter picks the separator of a CSV text: the one of ';', ','
// and tab that splits the most of its first lines into the same number of
// fields (more than one). Title lines above the header ("Реестр членов
// профсоюза") have none, and a comma inside a name or an address does not
// repeat the same number of times on every line.
func detectDelimiter(text []byte) rune {
	lines := strings.Split(string(text[:min(len(text), 64<<10)]), "\n")
	lines = lines[:min(len(lines), 50)]
	best, bestScore := ',', 0
	for _, sep := range []rune{';', ',', '\t'} {
		counts := map[int]int{}
		for _, l := range lines {
			if n := strings.Count(l, string(sep)); n > 0 {
				counts[n]++
			}
		}
		for n, lines := range counts {
			// Lines that agree, weighted a little by the fields they make.
			if score := lines*100 + n; score > bestScore {
				best, bestScore = sep, score
			}
		}
	}
	return best
}
