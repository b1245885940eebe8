package norm

import "testing"

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Семёнов  Пётр", "семенов петр"},
		{"  ЁЛКИН\tИван ", "елкин иван"},
		{"Ivanov", "ivanov"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
