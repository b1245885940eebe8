package crm_test

import (
	"testing"

	"github.com/profhub/profhub/crm"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"+7 912 345-67-89", "+79123456789"},
		{"89123456789", "+79123456789"},
		{"8 (912) 345-67-89", "+79123456789"},
		{"79123456789", "+79123456789"},
		{"7(912)3456789", "+79123456789"},
		{"(912) 345-67-89", "+79123456789"},
		{"9123456789", "+79123456789"},
		{"8 (4912) 25-00-00", "+74912250000"},
		{"+375 29 123-45-67", "+375291234567"},
		{"0037529 1234567", "+375291234567"},
		{"+7 912 345-67-8", ""},
		{"+7 912 345-67-890", ""},
		{"12345", ""},
		{"8912345678901", ""},
		{"9123456789 доб. 12", ""},
		{"+", ""},
		{"", ""},
		{"++79123456789", ""},
	} {
		got, err := crm.NormalizePhone(c.in)
		if c.want == "" {
			if err == nil {
				t.Errorf("NormalizePhone(%q) = %q, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
