package inbox

import (
	"slices"
	"testing"
	"time"
)

// TestAggregateBreakdowns: hours, weekdays and the heat map in the
// report's zone, the kinds' and channels' tables, the ratings' spread,
// and the timings' mean, median and 90th percentile.
func TestAggregateBreakdowns(t *testing.T) {
	loc := time.FixedZone("UTC+5", 5*3600)
	// Monday 2 November 2026 in UTC+5.
	mon := func(day, h, m int) int64 { return time.Date(2026, 11, 2+day, h, m, 0, 0, loc).UnixMilli() }
	row := func(id, kind, ch, op string, created int64) statsRow {
		return statsRow{id: id, lineID: "L", lineName: "Линия", channelKind: kind, channelID: ch, channelName: "Канал " + ch,
			assignee: op, assigneeName: op, status: StatusClosed, created: created, queued: created}
	}
	var rows []statsRow
	// Ten closed conversations on Monday 09:xx by telegram, resolved in
	// 1…10 minutes, first answered in 10…100 s, rated 1…5 twice.
	for i := range 10 {
		r := row(string(rune('a'+i)), KindTelegram, "tg", "op1", mon(0, 9, i))
		r.assigned = r.created + 5000
		r.firstResponse = r.created + int64(i+1)*10000
		r.closed = r.created + int64(i+1)*60000
		r.rating = i%5 + 1
		rows = append(rows, r)
	}
	// Sunday 23:30 by VK, still waiting: UTC's Sunday 18:30.
	w := row("w", KindVK, "vk", "", mon(6, 23, 30))
	w.status = StatusWaiting
	w.slaBreaches = 2 // missed its first response, then (reopened) its resolution
	rows = append(rows, w)
	// Wednesday 00:10 in UTC+5 is still Tuesday in UTC: the zone decides.
	sp := row("s", KindVK, "vk2", "op2", mon(2, 0, 10))
	sp.spam, sp.closed = true, sp.created+1000
	rows = append(rows, sp)

	st := aggregate(rows, StatsFilter{From: time.Date(2026, 11, 2, 0, 0, 0, 0, loc), To: time.Date(2026, 11, 9, 0, 0, 0, 0, loc), Loc: loc})
	if st.Hours[9] != 10 || st.Hours[23] != 1 || st.Hours[0] != 1 || st.Weekdays != [7]int{10, 0, 1, 0, 0, 0, 1} {
		t.Errorf("hours %v, weekdays %v", st.Hours, st.Weekdays)
	}
	if st.Heat[0][9] != 10 || st.Heat[6][23] != 1 || st.Heat[2][0] != 1 || st.Heat[1][19] != 0 {
		t.Errorf("heat %v", st.Heat)
	}
	tot := st.Total
	if tot.Received != 12 || tot.Answered != 10 || tot.Missed != 1 || tot.Spam != 1 || tot.Waiting != 1 || tot.SLABreaches != 2 {
		t.Errorf("total %+v", tot)
	}
	// 10, 20 … 100 s: mean 55, median the 5th (50), 90th the 9th (90).
	if tot.FirstResponse != (Timing{Count: 10, AvgS: 55, MedianS: 50, P90S: 90}) {
		t.Errorf("first response %+v", tot.FirstResponse)
	}
	// Spam is resolved by nobody: 60 … 600 s only.
	if tot.Resolution != (Timing{Count: 10, AvgS: 330, MedianS: 300, P90S: 540}) {
		t.Errorf("resolution %+v", tot.Resolution)
	}
	if tot.Handling.Count != 10 || tot.Wait != (Timing{Count: 10, AvgS: 5, MedianS: 5, P90S: 5}) {
		t.Errorf("handling %+v, wait %+v", tot.Handling, tot.Wait)
	}
	if tot.Ratings != [5]int{2, 2, 2, 2, 2} || tot.Rated != 10 || tot.RatingAvg != 3 {
		t.Errorf("ratings %v, %d rated, average %v", tot.Ratings, tot.Rated, tot.RatingAvg)
	}
	var kinds []string
	for _, k := range st.Kinds {
		kinds = append(kinds, k.Kind)
	}
	if !slices.Equal(kinds, []string{KindTelegram, KindVK}) || st.Kinds[1].Received != 2 || st.Kinds[1].Spam != 1 {
		t.Errorf("kinds %+v", st.Kinds)
	}
	if len(st.Channels) != 3 || st.Channels[0].ChannelID != "tg" || st.Channels[0].Kind != KindTelegram || st.Channels[0].LineID != "L" ||
		st.Channels[0].Received != 10 || st.Channels[2].Name != "Канал vk2" {
		t.Errorf("channels %+v", st.Channels)
	}
	if len(st.Operators) != 2 || st.Operators[0].Received != 10 || len(st.Lines) != 1 || len(st.Days) != 7 || st.Days[0].Received != 10 {
		t.Errorf("operators %+v, lines %+v, %d days", st.Operators, st.Lines, len(st.Days))
	}
	// The tables hold the same figures, a total row where every
	// conversation has a row.
	st = withTables(t.Context(), st)
	for _, tb := range st.Tables {
		last := tb.Rows[len(tb.Rows)-1]
		if tb.ID != "operators" && (last[0] != "Итого" || last[1] != 12) {
			t.Errorf("%s: last row %v", tb.ID, last)
		}
		for _, r := range tb.Rows {
			if len(r) != len(st.Columns)+1 {
				t.Fatalf("%s: %d cells under %d columns", tb.ID, len(r), len(st.Columns))
			}
		}
	}
}

// TestAggregateWorkingTime: a question left on Friday evening and
// answered on Monday morning waited the line's working minutes, not the
// weekend; a line without hours counts every minute.
func TestAggregateWorkingTime(t *testing.T) {
	week := &WorkingHours{TZ: "UTC", Week: map[string][]Period{}}
	for _, d := range []string{"mon", "tue", "wed", "thu", "fri"} {
		week.Week[d] = []Period{{From: "09:00", To: "18:00"}}
	}
	at := func(day, h, m int) int64 { return time.Date(2026, 11, day, h, m, 0, 0, time.UTC).UnixMilli() }
	friday := statsRow{id: "f", lineID: "L", status: StatusClosed, hours: week,
		created: at(13, 17, 0), firstResponse: at(16, 9, 30), closed: at(16, 10, 0)}
	always := statsRow{id: "a", lineID: "A", status: StatusClosed,
		created: at(13, 17, 0), firstResponse: at(13, 17, 1), closed: at(13, 17, 2)}
	for _, c := range []struct {
		name                  string
		rows                  []statsRow
		first, work, resolved float64 // median seconds
	}{
		{"hours", []statsRow{friday}, 90 * 60, 120 * 60, (64*60 + 60) * 60},
		{"no hours", []statsRow{always}, 60, 120, 120},
	} {
		st := aggregate(c.rows, StatsFilter{From: time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 11, 17, 0, 0, 0, 0, time.UTC), Loc: time.UTC})
		tot := st.Total
		if tot.FirstResponseWork.MedianS != c.first || tot.ResolutionWork.MedianS != c.work || tot.Resolution.MedianS != c.resolved {
			t.Errorf("%s: first response at work %+v, resolution at work %+v, resolution %+v",
				c.name, tot.FirstResponseWork, tot.ResolutionWork, tot.Resolution)
		}
	}
}
