package inbox

import (
	"net/url"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// searchQuery reads the search parameters of the conversation list:
// text, operator_id, sort, and from and to as dates (YYYY-MM-DD, to
// included) in the zone tz names — the one the page shows times in — or
// the server's.
func searchQuery(q url.Values, f *ConversationFilter) error {
	f.Text, f.OperatorID, f.Sort = q.Get("text"), q.Get("operator_id"), q.Get("sort")
	loc := time.Local
	if tz := q.Get("tz"); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			return valid.Errorf("tz", "tz", "unknown time zone %q", tz)
		}
		loc = l
	}
	for _, d := range []struct {
		name string
		into *int64
		days int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, loc)
		if err != nil {
			return valid.Errorf(d.name, "query_date", "%s must be a date YYYY-MM-DD", d.name)
		}
		*d.into = t.AddDate(0, 0, d.days).UnixMilli()
	}
	return nil
}
