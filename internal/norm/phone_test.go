package norm

import "testing"

func TestPhone(t *testing.T) {
	cases := []struct {
		in, want string
		ok       bool
	}{
		{"8 (916) 123-45-67", "+79161234567", true},
		{"7(916)1234567", "+79161234567", true},
		{"(916) 123-45-67", "+79161234567", true},
		{"+7 916 123 45 67", "+79161234567", true},
		{"0049 151 1234 5678", "+4915112345678", true},
		{"+49 151 12345678", "+4915112345678", true},
		{"+7 916 123", "", false},
		{"101", "", false},
		{"anonymous", "", false},
		{"+0123456789", "", false},
		{"", "", false},
	}
	for _, c := range cases {
		if got, ok := Phone(c.in); got != c.want || ok != c.ok {
			t.Errorf("Phone(%q) = %q, %v; want %q, %v", c.in, got, ok, c.want, c.ok)
		}
	}
}
