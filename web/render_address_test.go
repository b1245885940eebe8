package web

import "testing"

// A greeting names a person by given name and patronymic, as Russian
// courtesy wants, not by the surname first.
func TestAddressGreetsByGivenNameAndPatronymic(t *testing.T) {
	address := funcs["address"].(func(string) string)
	for _, tc := range []struct{ full, want string }{
		{"Кузнецова Татьяна Михайловна", "Татьяна Михайловна"},
		{"Мамедов Али Гусейн оглы", "Али Гусейн оглы"},
		{"Петров Иван", "Иван"},
		{"Администратор", "Администратор"},
		{"", ""},
	} {
		if got := address(tc.full); got != tc.want {
			t.Errorf("address(%q) = %q, want %q", tc.full, got, tc.want)
		}
	}
}
