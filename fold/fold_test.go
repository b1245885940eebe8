package fold

import "testing"

func TestString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Семёнов  Пётр", "семенов петр"},
		{"  ЁЛКИН\tИван ", "елкин иван"},
		{"Ivanov", "ivanov"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := String(tc.in); got != tc.want {
			t.Errorf("String(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
