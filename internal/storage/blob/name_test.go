package blob

import (
	"strings"
	"testing"
	"unicode"
)

func TestCleanName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"отчёт.pdf", "отчёт.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\Desktop\письмо.docx`, "письмо.docx"},
		{"invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"a\x00b\nc.txt", "abc.txt"},
		{"..hidden", "hidden"},
		{"", "file"},
		{"/", "file"},
		{"..", "file"},
		{`what?"<>|.txt`, "what_____.txt"},
		// Hostile names found by trying: bidirectional controls and marks.
		{"Заявление\u202Efdp.exe", "Заявлениеfdp.exe"},
		{"scan\u200F.pdf", "scan.pdf"},
		{"\u200Ereport.pdf", "report.pdf"},
		{"x\u202A\u202B\u202C\u202D.pdf", "x.pdf"},
		{"\u2066evil\u2069\u2067.\u2068pdf", "evil.pdf"},
		{"arabic\u061Cmark.txt", "arabicmark.txt"},
		// Control characters: NUL, CR/LF, tabs, escape, DEL, C1.
		{"a\x00b.pdf", "ab.pdf"},
		{"line1\r\nline2.txt", "line1line2.txt"},
		{"col\tumn\v.csv", "column.csv"},
		{"\x1b[31mred.txt", "[31mred.txt"},
		{"del\x7f.txt", "del.txt"},
		{"c1\u0085\u009b.txt", "c1.txt"},
		// Other invisible characters.
		{"zero\u200B\u200C\u200D\u2060width.doc", "zerowidth.doc"},
		{"\uFEFFbom.txt", "bom.txt"},
		{"soft\u00ADhyphen.txt", "softhyphen.txt"},
		{"line\u2028para\u2029.txt", "linepara.txt"},
		{"tag\U000E0041\U000E007F.txt", "tag.txt"},
		{"private\uE000.txt", "private.txt"},
		{"nonchar\uFFFE\uFFFF.txt", "nonchar.txt"},
		{"bad\xff\xfeutf8.txt", "badutf8.txt"},
		// Spaces stay spaces, of the plain kind.
		{"годовой\u00A0отчёт\u30002025.xlsx", "годовой отчёт 2025.xlsx"},
		{"  \u202E  ", "file"},
		{"\u202E.pdf", "pdf"},
	}
	for _, tc := range tests {
		got := CleanName(tc.in)
		if got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if i := strings.IndexFunc(got, func(r rune) bool { return invisible(r) || unicode.Is(unicode.Bidi_Control, r) }); i >= 0 {
			t.Errorf("CleanName(%q) = %q keeps an invisible character at %d", tc.in, got, i)
		}
	}
}
