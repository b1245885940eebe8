package norm

import "strings"

// Phone brings a phone number to E.164 (+79123456789) and reports whether
// it is one. Russian numbers come in every shape — 8 912 345-67-89,
// 7(912)3456789, (912) 345-67-89, +7 912 … — and all become +7 and ten
// digits; other countries must be written with + (or 00) and their code.
// It is the rule the member registry stores phones by, here so that a
// connector can bring a caller's number to the same form without
// importing the registry.
func Phone(s string) (string, bool) {
	s = strings.TrimSpace(s)
	plus := strings.HasPrefix(s, "+")
	var d strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			d.WriteRune(r)
		case r == '+' && i == 0:
		case strings.ContainsRune(" -().\u00a0\u2010\u2011\u2012\u2013", r):
		default:
			return "", false
		}
	}
	digits := d.String()
	if !plus && strings.HasPrefix(digits, "00") {
		plus, digits = true, digits[2:]
	}
	switch {
	case plus && strings.HasPrefix(digits, "7"):
		if len(digits) != 11 {
			return "", false
		}
	case plus:
		if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
			return "", false
		}
	case len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
		digits = "7" + digits[1:]
	case len(digits) == 10:
		digits = "7" + digits
	default:
		return "", false
	}
	return "+" + digits, true
}
