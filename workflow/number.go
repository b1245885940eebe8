package workflow

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// NumberFormat is how a registry writes its registration numbers, set by an
// administrator: literal text with the placeholders {year} (2026), {yy}
// (26), {seq} or {seq:N} (the sequence, zero-padded to N digits) and
// {medium} (the registry's mark for paper or electronic). The sequence
// starts again at 1 each year, so every format needs {year} or {yy} unless
// numbering never restarts… which the counter does; hence both are required.
type NumberFormat struct {
	Format         string `json:"format"`
	PaperMark      string `json:"paper_mark"`
	ElectronicMark string `json:"electronic_mark"`
}

var placeholder = regexp.MustCompile(`\{([a-z]+)(?::(\d))?\}`)

// DefaultFormat is a registry's format until an administrator sets one.
func DefaultFormat(k Kind) NumberFormat {
	prefix := map[Kind]string{KindInternal: "ВН", KindIncoming: "ВХ", KindOutgoing: "ИСХ"}[k]
	return NumberFormat{Format: prefix + "-{year}/{seq:4}-{medium}", PaperMark: "б", ElectronicMark: "э"}
}

// Validate refuses a format that could give two documents the same number.
func (f NumberFormat) Validate() error {
	bad := func(msg string) error { return valid.Errorf("format", "number_format", "%s", msg) }
	if f.Format == "" || utf8.RuneCountInString(f.Format) > 80 || !utf8.ValidString(f.Format) {
		return bad("the format must be 1–80 characters")
	}
	seq, year := 0, false
	for _, m := range placeholder.FindAllStringSubmatch(f.Format, -1) {
		switch m[1] {
		case "seq":
			seq++
		case "year", "yy":
			year = true
		case "medium":
		default:
			return bad("unknown placeholder {" + m[1] + "}; use {year}, {yy}, {seq}, {seq:N}, {medium}")
		}
	}
	if rest := placeholder.ReplaceAllString(f.Format, ""); strings.ContainsAny(rest, "{}") {
		return bad("a brace that is not part of a placeholder")
	}
	if seq != 1 {
		return bad("the format needs {seq} exactly once")
	}
	if !year {
		return bad("the format needs {year} or {yy}: the sequence restarts every year")
	}
	for _, m := range []string{f.PaperMark, f.ElectronicMark} {
		if utf8.RuneCountInString(m) > 10 || strings.ContainsAny(m, "{}") {
			return bad("a medium mark is at most 10 characters, without braces")
		}
	}
	if strings.Contains(f.Format, "{medium}") && f.PaperMark == f.ElectronicMark {
		return bad("the paper and electronic marks must differ")
	}
	return nil
}

// Render writes the number of sequence seq of year for medium.
func (f NumberFormat) Render(year int, seq int64, medium Medium) string {
	return placeholder.ReplaceAllStringFunc(f.Format, func(p string) string {
		m := placeholder.FindStringSubmatch(p)
		switch m[1] {
		case "year":
			return strconv.Itoa(year)
		case "yy":
			return fmt.Sprintf("%02d", year%100)
		case "seq":
			width, _ := strconv.Atoi(m[2])
			return fmt.Sprintf("%0*d", width, seq)
		case "medium":
			if medium == Paper {
				return f.PaperMark
			}
			return f.ElectronicMark
		}
		return p
	})
}
