package workcal

import (
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// TestParseRefusesBadFiles: each broken file is refused with the key of
// the message that says what is wrong.
func TestParseRefusesBadFiles(t *testing.T) {
	good, err := shipped.ReadFile("data/2026.json")
	if err != nil {
		t.Fatal(err)
	}
	swap := func(old, new string) string { return strings.Replace(string(good), old, new, 1) }
	tests := []struct {
		name, file string
		want       int
		key        string
	}{
		{"not json", "<calendar/>", 2026, "workcal_json"},
		{"truncated", string(good[:200]), 2026, "workcal_json"},
		{"unknown field", swap(`"provisional"`, `"holydays": [], "provisional"`), 2026, "workcal_field"},
		{"wrong type", swap(`"year": 2026`, `"year": "2026"`), 2026, "workcal_type"},
		{"other year", string(good), 2027, "workcal_year_other"},
		{"year out of range", swap(`"year": 2026`, `"year": 1900`), 0, "workcal_year_range"},
		{"date of another year", swap(`"2026-02-23"`, `"2025-02-23"`), 2026, "workcal_date"},
		{"not a date", swap(`"2026-02-23"`, `"23.02.2026"`), 2026, "workcal_date"},
		{"twice", swap(`"2026-03-09"`, `"2026-02-23"`), 2026, "workcal_twice"},
		{"working weekday", swap(`"working_weekends": []`, `"working_weekends": ["2026-12-02"]`), 2026, "workcal_not_weekend"},
		{"short holiday", swap(`"2026-04-30"`, `"2026-05-01"`), 2026, "workcal_short_off"},
		{"too few working days", swap(`"days_off": [`, `"days_off": [`+manyDaysOff()), 2026, "workcal_total"},
		{"too large", strings.Repeat(" ", MaxFileBytes+1), 2026, "workcal_size"},
	}
	for _, tc := range tests {
		_, err := Parse([]byte(tc.file), tc.want)
		ve, ok := valid.As(err)
		if !ok || ve.Key != tc.key {
			t.Errorf("%s: %v, want the message %s", tc.name, err, tc.key)
		}
	}
	if y, err := Parse(good, 2026); err != nil || y.Year != 2026 || len(y.Holidays) != 14 {
		t.Fatalf("the shipped file: %+v, %v", y, err)
	}
}

// manyDaysOff makes every weekday of July and August a day off.
func manyDaysOff() string {
	var b strings.Builder
	for _, m := range []string{"07", "08"} {
		for d := 1; d <= 31; d++ {
			b.WriteString(`{"date": "2026-` + m + `-` + two(d) + `", "name": "x"}, `)
		}
	}
	return b.String()
}

func two(d int) string {
	if d < 10 {
		return "0" + string(rune('0'+d))
	}
	return string(rune('0'+d/10)) + string(rune('0'+d%10))
}
