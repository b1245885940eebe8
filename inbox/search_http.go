package inbox

import (
	"net/url"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
)

// searchQuery reads the search parameters of the conversation list:
// text, operator_id, sort, and from and to as dates (YYYY-MM-DD, in the
// server's time zone, to included).
func searchQuery(q url.Values, f *ConversationFilter) error {
	f.Text, f.OperatorID, f.Sort = q.Get("text"), q.Get("operator_id"), q.Get("sort")
	for _, d := range []struct {
		name string
		into *int64
		days int
	}{{"from", &f.From, 0}, {"to", &f.To, 1}} {
		v := q.Get(d.name)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(time.DateOnly, v, time.Local)
		if err != nil {
			return valid.Errorf(d.name, "query_date", "%s must be a date YYYY-MM-DD", d.name)
		}
		*d.into = t.AddDate(0, 0, d.days).UnixMilli()
	}
	return nil
}
