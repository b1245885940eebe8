package workflow

import "testing"

// Document and template file names are cleaned like every other stored
// name; plainly broken ones are still refused.
func TestCleanFileName(t *testing.T) {
	tests := []struct {
		in, want string
		refused  bool
	}{
		{in: "Приказ № 5.docx", want: "Приказ № 5.docx"},
		{in: "Приказ\u202Excod.exe", want: "Приказxcod.exe"},
		{in: "scan\u200F\u200E.pdf", want: "scan.pdf"},
		{in: "tab\there.pdf", want: "tabhere.pdf"},
		{in: "\uFEFF\u2066договор\u2069.pdf", want: "договор.pdf"},
		{in: "a\r\nb.pdf", refused: true},
		{in: "nul\x00.pdf", refused: true},
		{in: `quote".pdf`, refused: true},
		{in: "   ", refused: true},
	}
	for _, tc := range tests {
		got, err := cleanFileName(tc.in)
		if tc.refused != (err != nil) || got != tc.want {
			t.Errorf("cleanFileName(%q) = %q, %v; want %q (refused %v)", tc.in, got, err, tc.want, tc.refused)
		}
	}
}
