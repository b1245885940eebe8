package worktime

import "time"

// Interval is one stretch of work. End is zero while it runs.
type Interval struct {
	Day      string // YYYY-MM-DD in the person's zone, the day it began
	Start    time.Time
	End      time.Time
	ClosedBy string // "" running, "pause", "end"
}

// States of a person's working day.
const (
	Off     = "off"     // not started today
	Working = "working" // an interval runs
	Paused  = "paused"  // started, paused, not ended
	Ended   = "ended"   // ended today
)

// dayBounds are the midnight that begins day in zone and the one that ends it.
func dayBounds(day string, zone *time.Location) (time.Time, time.Time, bool) {
	d, err := time.ParseInLocation(time.DateOnly, day, zone)
	if err != nil {
		return time.Time{}, time.Time{}, false
	}
	return d, d.AddDate(0, 0, 1), true
}

// Worked is the time the intervals count to their days: each from its
// start to its end (now while it runs), never past the midnight that ends
// its day, so a day left running or ended after midnight counts up to
// midnight and no more.
func Worked(list []Interval, zone *time.Location, now time.Time) time.Duration {
	var sum time.Duration
	for _, iv := range list {
		_, dayEnd, ok := dayBounds(iv.Day, zone)
		if !ok {
			continue
		}
		end := iv.End
		if end.IsZero() {
			end = now
		}
		if end.After(dayEnd) {
			end = dayEnd
		}
		if d := end.Sub(iv.Start); d > 0 {
			sum += d
		}
	}
	return sum
}

// State is the state of today given the person's latest interval (nil:
// none) and today's date in their zone. An interval still running from an
// earlier day keeps the person working, so that they can end it (it counts
// up to its day's midnight); a day paused or ended before today is over.
func State(last *Interval, today string) string {
	switch {
	case last == nil:
		return Off
	case last.ClosedBy == "":
		return Working
	case last.Day < today:
		return Off
	case last.ClosedBy == "pause":
		return Paused
	default:
		return Ended
	}
}

// Minutes rounds a duration down to whole minutes.
func Minutes(d time.Duration) int { return int(d / time.Minute) }
