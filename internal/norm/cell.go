package norm

// Every file export (CSV, XLSX) of personal data passes its text cells
// through SafeCell, so the inbox statistics, the CRM and the workflow treat
// cells the same way.

// SafeCell neutralises a text cell against formula injection: a value that
// a spreadsheet would run as a formula or DDE command (starting with =, +,
// -, @, a tab or a carriage return) gets a leading apostrophe, which makes
// Excel and LibreOffice show it as text. Names and messages come from
// members and operators, so any of them may be hostile. Numbers written as
// numbers need no treatment; pass only text through here.
func SafeCell(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
