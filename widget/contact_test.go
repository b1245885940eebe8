package widget

import "testing"

// TestSplitContact: a phone the member registry would read is kept as the
// registry stores it (so the console can propose the member with that
// phone); e-mail is lower-cased; other text is refused.
func TestSplitContact(t *testing.T) {
	tests := []struct{ in, phone, email string }{
		{"8 (912) 345-67-89", "+79123456789", ""},
		{"912 345 67 89", "+79123456789", ""},
		{"+7 912 345-67-89", "+79123456789", ""},
		{"Olga@Example.RU", "", "olga@example.ru"},
		{"22-33-44", "+223344", ""}, // a city line without its code: kept as digits
		{"позвоните", "", ""},
	}
	for _, tc := range tests {
		phone, email, ok := splitContact(tc.in)
		if phone != tc.phone || email != tc.email || ok != (tc.phone+tc.email != "") {
			t.Errorf("splitContact(%q) = %q, %q, %v", tc.in, phone, email, ok)
		}
	}
}
