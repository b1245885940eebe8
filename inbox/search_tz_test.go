package inbox

import (
	"net/url"
	"testing"
	"time"
)

// The search's days are the page's: 4 December in Orenburg starts at
// 19:00 UTC on the 3rd, wherever the server runs.
func TestSearchDaysInThePagesZone(t *testing.T) {
	var f ConversationFilter
	if err := searchQuery(url.Values{"text": {"взносы"}, "from": {"2026-12-04"}, "to": {"2026-12-04"}, "tz": {"Asia/Yekaterinburg"}}, &f); err != nil {
		t.Fatal(err)
	}
	if from := time.UnixMilli(f.From).UTC(); !from.Equal(time.Date(2026, 12, 3, 19, 0, 0, 0, time.UTC)) {
		t.Errorf("from %v", from)
	}
	if to := time.UnixMilli(f.To).UTC(); !to.Equal(time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)) {
		t.Errorf("to %v", to)
	}
	if err := searchQuery(url.Values{"from": {"2026-12-04"}, "tz": {"Mars/Olympus"}}, &f); err == nil {
		t.Error("an unknown zone was accepted")
	}
}
