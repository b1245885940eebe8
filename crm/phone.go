package crm

import (
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// NormalizePhone brings a phone number to E.164 (+79123456789). Russian
// numbers come in every shape — 8 912 345-67-89, 7(912)3456789,
// (912) 345-67-89, +7 912 … — and all become +7 and ten digits. Other
// countries must be written with + (or 00) and their code.
func NormalizePhone(s string) (string, error) {
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
			return "", phoneError(s)
		}
	}
	digits := d.String()
	if !plus && strings.HasPrefix(digits, "00") {
		plus, digits = true, digits[2:]
	}
	switch {
	case plus && strings.HasPrefix(digits, "7"):
		if len(digits) != 11 {
			return "", phoneError(s)
		}
	case plus:
		if len(digits) < 8 || len(digits) > 15 || digits[0] == '0' {
			return "", phoneError(s)
		}
	case len(digits) == 11 && (digits[0] == '8' || digits[0] == '7'):
		digits = "7" + digits[1:]
	case len(digits) == 10:
		digits = "7" + digits
	default:
		return "", phoneError(s)
	}
	return "+" + digits, nil
}

func phoneError(s string) error {
	return valid.Errorf("phones", "phone_format", "phone %q is not a number we understand: write +7 and ten digits, or 8 and ten digits", s)
}

// phoneQuery returns the E.164 form of a search text that is a phone
// number, or "".
func phoneQuery(q string) string {
	p, err := NormalizePhone(q)
	if err != nil {
		return ""
	}
	return p
}
