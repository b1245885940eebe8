package blob

import "testing"

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
	}
	for _, tc := range tests {
		if got := CleanName(tc.in); got != tc.want {
			t.Errorf("CleanName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
