package inbox

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// StatsFilter chooses the conversations counted: created in [From, To), of
// one line or of every line the caller may watch. Days are cut in Loc
// (the installation's zone when nil).
type StatsFilter struct {
	From, To time.Time
	LineID   string
	Loc      *time.Location
}

// MaxStatsDays bounds one report, so that a request cannot make the hub
// load years of conversations at once.
const MaxStatsDays = 366

// Statistics computes the inbox report of a period; its handlers are in
// stats_http.go.
type Statistics struct {
	*core
	lines *Lines // a filter on a line needs the line to be visible
}

// Stats is the inbox report of a period. Every table groups the same
// conversations: by the day they were created, by their operator (the last
// assignee; never-assigned ones appear in the other tables only) and by line.
type Stats struct {
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	TZ        string          `json:"tz"`
	OwnOnly   bool            `json:"own_only"` // the caller supervises nothing: their own conversations only
	Total     Figures         `json:"total"`
	Days      []DayStats      `json:"days"`
	Operators []OperatorStats `json:"operators"`
	Lines     []LineStats     `json:"lines"`
}

// DayStats are the figures of one calendar day, "2026-11-01".
type DayStats struct {
	Day string `json:"day"`
	Figures
}

// OperatorStats are the figures of one operator's conversations.
type OperatorStats struct {
	OperatorID string `json:"operator_id"`
	Name       string `json:"name"`
	Figures
}

// LineStats are the figures of one line.
type LineStats struct {
	LineID string `json:"line_id"`
	Name   string `json:"name"`
	Figures
}

// Figures count a set of conversations. Answered ones got a reply from an
// operator (auto-replies do not count); missed ones did not and are closed
// or still waiting; spam is counted apart and is never missed.
type Figures struct {
	Received      int     `json:"received"`
	Answered      int     `json:"answered"`
	Missed        int     `json:"missed"`
	Waiting       int     `json:"waiting"`
	Closed        int     `json:"closed"`
	Spam          int     `json:"spam"`
	MessagesIn    int     `json:"messages_in"`
	MessagesOut   int     `json:"messages_out"` // operators' replies
	FirstResponse Timing  `json:"first_response"`
	Wait          Timing  `json:"wait"`     // queued until assigned
	Handling      Timing  `json:"handling"` // assigned until closed
	RatingAvg     float64 `json:"rating_avg"`
	Rated         int     `json:"rated"`
}

// Timing summarises durations, in seconds.
type Timing struct {
	Count int     `json:"count"`
	AvgS  float64 `json:"avg_s"`
	P90S  float64 `json:"p90_s"`
}

// statsRow is one conversation as the report needs it.
type statsRow struct {
	id, lineID, lineName, assignee, assigneeName, status string
	spam                                                 bool
	rating                                               int
	created, queued, assigned, firstResponse, closed     int64
	in, out                                              int
}

// Stats computes the inbox report of f for the caller. Holders of
// SuperviseInbox see every conversation of their subtree's lines, line
// supervisors those of their lines, and everyone their own conversations.
func (ss *Statistics) Report(ctx context.Context, sc access.Scope, f StatsFilter) (Stats, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return Stats{}, err
	}
	if f.Loc == nil {
		f.Loc = Zone()
	}
	if !f.From.Before(f.To) {
		return Stats{}, valid.Errorf("to", "range", "the period must end after it starts")
	}
	if f.To.Sub(f.From) > MaxStatsDays*25*time.Hour {
		return Stats{}, valid.Errorf("to", "range", "a report covers at most %d days", MaxStatsDays)
	}
	if f.LineID != "" {
		if _, err := ss.lines.Get(ctx, sc, f.LineID); err != nil {
			return Stats{}, err
		}
	}
	rows, err := ss.rows(ctx, sc, f)
	if err != nil {
		return Stats{}, err
	}
	supervises, err := ss.supervisesAnything(ctx, sc)
	if err != nil {
		return Stats{}, err
	}
	st := aggregate(rows, f)
	st.OwnOnly = !supervises
	return st, nil
}

func (ss *Statistics) supervisesAnything(ctx context.Context, sc access.Scope) (bool, error) {
	if sc.Can(access.SuperviseInbox) {
		return true, nil
	}
	var n int
	err := ss.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_line_operators WHERE user_id = $1 AND supervisor = TRUE`, sc.UserID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("inbox: stats: %w", err)
	}
	return n > 0, nil
}

// statsWhere selects the report's conversations: visible to the caller
// (visibleArgs) and, narrower, watched by them.
func statsWhere(sc access.Scope, f StatsFilter) (string, []any) {
	const first = 4 // after from, to and line
	cond, args := visibleArgs(sc, first)
	user := first + 2 // visibleArgs' third argument is sc.UserID
	var lo, hi string
	if sc.Can(access.SuperviseInbox) {
		lo, hi = sc.PathRange()
	}
	args = append([]any{f.From.UnixMilli(), f.To.UnixMilli(), f.LineID}, args...)
	args = append(args, lo, hi)
	n := len(args)
	return `c.created_at >= $1 AND c.created_at < $2 AND ($3 = '' OR c.line_id = $3) AND ` + cond + fmt.Sprintf(`
		AND ((u.path >= $%[1]d AND u.path < $%[2]d) OR c.assignee_id = $%[3]d
		  OR EXISTS (SELECT 1 FROM inbox_line_operators so WHERE so.line_id = c.line_id AND so.user_id = $%[3]d AND so.supervisor = TRUE))`,
		n-1, n, user), args
}

func (ss *Statistics) rows(ctx context.Context, sc access.Scope, f StatsFilter) ([]statsRow, error) {
	where, args := statsWhere(sc, f)
	rows, err := ss.db.QueryContext(ctx, `SELECT c.id, c.line_id, l.name, c.assignee_id, COALESCE(us.full_name, ''), c.status, c.spam,
		c.rating, c.created_at, c.queued_at, c.assigned_at, c.first_response_at, c.closed_at
		FROM inbox_conversations c JOIN units u ON u.id = c.unit_id JOIN inbox_lines l ON l.id = c.line_id
		LEFT JOIN users us ON us.id = c.assignee_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: stats: %w", err)
	}
	var out []statsRow
	byID := map[string]int{}
	for rows.Next() {
		var r statsRow
		if err := rows.Scan(&r.id, &r.lineID, &r.lineName, &r.assignee, &r.assigneeName, &r.status, &r.spam, &r.rating,
			&r.created, &r.queued, &r.assigned, &r.firstResponse, &r.closed); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: stats: %w", err)
		}
		byID[r.id] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("inbox: stats: %w", err)
	}
	// Message counts of the same conversations: inbound, and replies of
	// operators (auto-replies have no author).
	rows, err = ss.db.QueryContext(ctx, `SELECT m.conversation_id, m.direction, COUNT(*)
		FROM inbox_messages m JOIN inbox_conversations c ON c.id = m.conversation_id JOIN units u ON u.id = c.unit_id
		WHERE (m.direction = 'in' OR (m.direction = 'out' AND m.author_id <> '')) AND `+where+`
		GROUP BY m.conversation_id, m.direction`, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: stats messages: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, dir string
		var n int
		if err := rows.Scan(&id, &dir, &n); err != nil {
			return nil, fmt.Errorf("inbox: stats messages: %w", err)
		}
		if i, ok := byID[id]; ok && dir == DirIn {
			out[i].in = n
		} else if ok {
			out[i].out = n
		}
	}
	return out, rows.Err()
}

// aggregate turns rows into the report. Every day of the period gets a
// row, even an empty one; operators and lines appear when they have any.
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
	ops := map[string]*figuresAcc{}
	opNames := map[string]string{}
	lines := map[string]*figuresAcc{}
	lineNames := map[string]string{}
	for _, r := range rows {
		total.add(r)
		if acc := days[time.UnixMilli(r.created).In(f.Loc).Format(time.DateOnly)]; acc != nil {
			acc.add(r)
		}
		if r.assignee != "" {
			accFor(ops, r.assignee).add(r)
			opNames[r.assignee] = r.assigneeName
		}
		accFor(lines, r.lineID).add(r)
		lineNames[r.lineID] = r.lineName
	}
	st.Total = total.figures()
	st.Days = make([]DayStats, 0, len(dayKeys))
	for _, k := range dayKeys {
		st.Days = append(st.Days, DayStats{Day: k, Figures: days[k].figures()})
	}
	st.Operators = []OperatorStats{}
	for id, acc := range ops {
		st.Operators = append(st.Operators, OperatorStats{OperatorID: id, Name: opNames[id], Figures: acc.figures()})
	}
	slices.SortFunc(st.Operators, func(a, b OperatorStats) int {
		return cmp.Or(cmp.Compare(norm.Fold(a.Name), norm.Fold(b.Name)), cmp.Compare(a.OperatorID, b.OperatorID))
	})
	st.Lines = []LineStats{}
	for id, acc := range lines {
		st.Lines = append(st.Lines, LineStats{LineID: id, Name: lineNames[id], Figures: acc.figures()})
	}
	slices.SortFunc(st.Lines, func(a, b LineStats) int {
		return cmp.Or(cmp.Compare(norm.Fold(a.Name), norm.Fold(b.Name)), cmp.Compare(a.LineID, b.LineID))
	})
	return st
}

func accFor(m map[string]*figuresAcc, k string) *figuresAcc {
	if m[k] == nil {
		m[k] = &figuresAcc{}
	}
	return m[k]
}

// figuresAcc collects one group's counts and duration samples (ms).
type figuresAcc struct {
	f                             Figures
	firstResponse, wait, handling []int64
	ratingSum                     int
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
	if answered && r.firstResponse >= r.created {
		a.firstResponse = append(a.firstResponse, r.firstResponse-r.created)
	}
	if r.assigned > 0 && r.queued > 0 && r.assigned >= r.queued {
		a.wait = append(a.wait, r.assigned-r.queued)
	}
	if r.status == StatusClosed && r.assigned > 0 && r.closed >= r.assigned {
		a.handling = append(a.handling, r.closed-r.assigned)
	}
	if r.rating > 0 {
		a.ratingSum += r.rating
		f.Rated++
	}
}

func (a *figuresAcc) figures() Figures {
	f := a.f
	f.FirstResponse, f.Wait, f.Handling = timing(a.firstResponse), timing(a.wait), timing(a.handling)
	if f.Rated > 0 {
		f.RatingAvg = round2(float64(a.ratingSum) / float64(f.Rated))
	}
	return f
}

// timing gives the mean and the 90th percentile (nearest rank) of samples
// in milliseconds, in seconds.
func timing(samples []int64) Timing {
	if len(samples) == 0 {
		return Timing{}
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	var sum int64
	for _, v := range s {
		sum += v
	}
	rank := int(math.Ceil(0.9*float64(len(s)))) - 1
	return Timing{Count: len(s), AvgS: round2(float64(sum) / float64(len(s)) / 1000), P90S: round2(float64(s[rank]) / 1000)}
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// auditExport records that the caller took the figures away in a file.
func (ss *Statistics) auditExport(ctx context.Context, sc access.Scope, f StatsFilter, format string, st Stats) error {
	from, to := statsDays(f)
	return ss.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.stats_export", ObjectType: "inbox_stats", ObjectID: f.LineID,
			UnitID: sc.UnitID, Details: map[string]any{"from": from, "to": to, "line_id": f.LineID, "format": format,
				"conversations": st.Total.Received, "operators": len(st.Operators)}})
	})
}
