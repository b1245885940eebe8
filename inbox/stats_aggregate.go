package inbox

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/norm"
)

// slaBreaches is how many SLA targets (first response or resolution) a
// conversation missed: the SLA sweeper's running count, which a reopen
// does not reset (its breached-at columns it does).
func slaBreaches(r statsRow) int { return r.slaBreaches }

// group is one row of a breakdown table while it is collected.
type group struct {
	acc  figuresAcc
	name string
	kind string // a channel's kind
	line string // a channel's line
}

// groups collects a breakdown by a key.
type groups map[string]*group

func (g groups) add(key string, r statsRow) *group {
	x := g[key]
	if x == nil {
		x = &group{}
		g[key] = x
	}
	x.acc.add(r)
	return x
}

// sorted gives the groups in the order of their names (folded), then keys.
func (g groups) sorted() []string {
	keys := make([]string, 0, len(g))
	for k := range g {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(norm.Fold(g[a].name), norm.Fold(g[b].name)), cmp.Compare(a, b))
	})
	return keys
}

// weekday numbers Monday 0 … Sunday 6.
func weekday(t time.Time) int { return (int(t.Weekday()) + 6) % 7 }

// aggregate turns rows into the report. Every day of the period gets a
// row, even an empty one; operators, lines, kinds and channels appear
// when they have any conversation.
func aggregate(rows []statsRow, f StatsFilter) Stats {
	st := Stats{From: f.From.UTC(), To: f.To.UTC(), TZ: f.Loc.String()}
	var total figuresAcc
	days := map[string]*figuresAcc{}
	var dayKeys []string
	for d := f.From.In(f.Loc); d.Before(f.To); {
		key := d.Format(time.DateOnly)
		days[key] = &figuresAcc{}
		dayKeys = append(dayKeys, key)
		y, m, dd := d.Date()
		d = time.Date(y, m, dd+1, 0, 0, 0, 0, f.Loc)
	}
	ops, lines, kinds, chans := groups{}, groups{}, groups{}, groups{}
	for i := range rows {
		rows[i].countWorkingTime()
	}
	for _, r := range rows {
		total.add(r)
		at := time.UnixMilli(r.created).In(f.Loc)
		if acc := days[at.Format(time.DateOnly)]; acc != nil {
			acc.add(r)
		}
		wd, h := weekday(at), at.Hour()
		st.Hours[h]++
		st.Weekdays[wd]++
		st.Heat[wd][h]++
		if r.assignee != "" {
			ops.add(r.assignee, r).name = r.assigneeName
		}
		lines.add(r.lineID, r).name = r.lineName
		kinds.add(r.channelKind, r).name = r.channelKind
		c := chans.add(r.channelID, r)
		c.name, c.kind, c.line = r.channelName, r.channelKind, r.lineID
	}
	st.Total = total.figures()
	st.Days = make([]DayStats, 0, len(dayKeys))
	for _, k := range dayKeys {
		st.Days = append(st.Days, DayStats{Day: k, Figures: days[k].figures()})
	}
	st.Operators = []OperatorStats{}
	for _, id := range ops.sorted() {
		st.Operators = append(st.Operators, OperatorStats{OperatorID: id, Name: ops[id].name, Figures: ops[id].acc.figures()})
	}
	st.Lines = []LineStats{}
	for _, id := range lines.sorted() {
		st.Lines = append(st.Lines, LineStats{LineID: id, Name: lines[id].name, Figures: lines[id].acc.figures()})
	}
	st.Kinds = []KindStats{}
	for _, k := range kinds.sorted() {
		st.Kinds = append(st.Kinds, KindStats{Kind: k, Figures: kinds[k].acc.figures()})
	}
	st.Channels = []ChannelStats{}
	for _, id := range chans.sorted() {
		c := chans[id]
		st.Channels = append(st.Channels, ChannelStats{ChannelID: id, Name: c.name, Kind: c.kind, LineID: c.line, Figures: c.acc.figures()})
	}
	return st
}

// figuresAcc collects one group's counts and duration samples (ms).
type figuresAcc struct {
	f                                         Figures
	firstResponse, wait, handling, resolution []int64
	firstResponseWork, resolutionWork         []int64
	ratingSum                                 int
}

func (a *figuresAcc) add(r statsRow) {
	f := &a.f
	f.Received++
	f.MessagesIn += r.in
	f.MessagesOut += r.out
	answered := r.firstResponse > 0
	switch {
	case r.spam:
		f.Spam++
	case answered:
		f.Answered++
	case r.status == StatusClosed || r.status == StatusWaiting:
		f.Missed++
	}
	switch r.status {
	case StatusWaiting:
		f.Waiting++
	case StatusClosed:
		f.Closed++
	}
	f.SLABreaches += slaBreaches(r)
	if answered && r.firstResponse >= r.created {
		a.firstResponse = append(a.firstResponse, r.firstResponse-r.created)
		a.firstResponseWork = append(a.firstResponseWork, r.firstResponseWork)
	}
	if r.assigned > 0 && r.queued > 0 && r.assigned >= r.queued {
		a.wait = append(a.wait, r.assigned-r.queued)
	}
	closed := r.status == StatusClosed && r.closed > 0
	if closed && r.assigned > 0 && r.closed >= r.assigned {
		a.handling = append(a.handling, r.closed-r.assigned)
	}
	if closed && !r.spam && r.closed >= r.created {
		a.resolution = append(a.resolution, r.closed-r.created)
		a.resolutionWork = append(a.resolutionWork, r.resolutionWork)
	}
	if r.rating >= 1 && r.rating <= 5 {
		a.ratingSum += r.rating
		f.Rated++
		f.Ratings[r.rating-1]++
	}
}

// countWorkingTime sets r's working-time timings once: a row is added to
// five breakdowns and the total, and walking the line's days is the dear
// part of it.
func (r *statsRow) countWorkingTime() {
	working := func(from, to int64) int64 {
		if r.hours == nil || to <= from {
			return max(to-from, 0)
		}
		return r.hours.WorkingDuration(time.UnixMilli(from), time.UnixMilli(to)).Milliseconds()
	}
	r.firstResponseWork = working(r.created, r.firstResponse)
	r.resolutionWork = working(r.created, r.closed)
}

func (a *figuresAcc) figures() Figures {
	f := a.f
	f.FirstResponse, f.Wait, f.Handling, f.Resolution = timing(a.firstResponse), timing(a.wait), timing(a.handling), timing(a.resolution)
	f.FirstResponseWork, f.ResolutionWork = timing(a.firstResponseWork), timing(a.resolutionWork)
	if f.Rated > 0 {
		f.RatingAvg = round2(float64(a.ratingSum) / float64(f.Rated))
	}
	return f
}

// timing gives the mean, the median and the 90th percentile (nearest
// rank) of samples in milliseconds, in seconds. It sorts samples.
func timing(samples []int64) Timing {
	if len(samples) == 0 {
		return Timing{}
	}
	slices.Sort(samples)
	var sum int64
	for _, v := range samples {
		sum += v
	}
	rank := func(p float64) float64 {
		return round2(float64(samples[int(math.Ceil(p*float64(len(samples))))-1]) / 1000)
	}
	return Timing{Count: len(samples), AvgS: round2(float64(sum) / float64(len(samples)) / 1000), MedianS: rank(0.5), P90S: rank(0.9)}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }
