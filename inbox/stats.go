package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// StatsFilter chooses the conversations counted: created in [From, To), of
// every line the caller may watch or narrowed to one line, one operator
// (the last assignee), one kind of channel or one channel. Days, hours
// and weekdays are cut in Loc (the installation's zone when nil).
type StatsFilter struct {
	From, To    time.Time
	LineID      string
	OperatorID  string
	ChannelKind string
	ChannelID   string
	Loc         *time.Location
}

// MaxStatsDays bounds one report, so that a request cannot make the hub
// load years of conversations at once.
const MaxStatsDays = 366

// Statistics computes the inbox report of a period; its handlers are in
// stats_routes.go, its tables and files in stats_table.go.
type Statistics struct {
	*core
	lines *Lines // a filter on a line needs the line to be visible
}

// Stats is the inbox report of a period. Every table groups the same
// conversations: by the day they were created, by their operator (the last
// assignee; never-assigned ones appear in the other tables only), by line,
// by kind of channel and by channel. Hours, Weekdays and Heat count the
// conversations received by the hour and weekday (Monday first) of their
// creation in the report's zone.
type Stats struct {
	From      time.Time       `json:"from"`
	To        time.Time       `json:"to"`
	TZ        string          `json:"tz"`
	OwnOnly   bool            `json:"own_only"` // the caller supervises nothing: their own conversations only
	Total     Figures         `json:"total"`
	Days      []DayStats      `json:"days"`
	Hours     [24]int         `json:"hours"`
	Weekdays  [7]int          `json:"weekdays"`
	Heat      [7][24]int      `json:"heat"` // [weekday][hour]
	Operators []OperatorStats `json:"operators"`
	Lines     []LineStats     `json:"lines"`
	Kinds     []KindStats     `json:"kinds"`
	Channels  []ChannelStats  `json:"channels"`
	// Tables are the same figures as the file exports' rows, cell by
	// cell, under Columns (stats_table.go): the page draws them as they are.
	Columns []StatsColumn `json:"columns"`
	Tables  []StatsTable  `json:"tables"`
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

// KindStats are the figures of one kind of channel ("telegram").
type KindStats struct {
	Kind string `json:"kind"`
	Figures
}

// ChannelStats are the figures of one channel.
type ChannelStats struct {
	ChannelID string `json:"channel_id"`
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	LineID    string `json:"line_id"`
	Figures
}

// Figures count a set of conversations. Answered ones got a reply from an
// operator (auto-replies do not count); missed ones did not and are closed
// or still waiting; spam is counted apart and is never missed.
type Figures struct {
	Received    int `json:"received"`
	Answered    int `json:"answered"`
	Missed      int `json:"missed"`
	Waiting     int `json:"waiting"`
	Closed      int `json:"closed"`
	Spam        int `json:"spam"`
	SLABreaches int `json:"sla_breaches"` // see slaBreaches
	MessagesIn  int `json:"messages_in"`
	MessagesOut int `json:"messages_out"` // operators' replies
	// FirstResponse runs from creation to the first operator's reply,
	// Wait from entering the queue to assignment, Handling from
	// assignment to closing, Resolution from creation to closing (spam
	// left out). The Work timings are the first response and the
	// resolution counted in the line's working time, as its service
	// levels are: a question left on Friday evening and answered on
	// Monday morning waited minutes, not a weekend.
	FirstResponse     Timing  `json:"first_response"`
	Wait              Timing  `json:"wait"`
	Handling          Timing  `json:"handling"`
	Resolution        Timing  `json:"resolution"`
	FirstResponseWork Timing  `json:"first_response_work"`
	ResolutionWork    Timing  `json:"resolution_work"`
	RatingAvg         float64 `json:"rating_avg"`
	Rated             int     `json:"rated"`
	Ratings           [5]int  `json:"ratings"` // how many gave 1, 2, … 5
}

// Timing summarises durations, in seconds.
type Timing struct {
	Count   int     `json:"count"`
	AvgS    float64 `json:"avg_s"`
	MedianS float64 `json:"median_s"`
	P90S    float64 `json:"p90_s"`
}

// Report computes the inbox report of f for the caller. Holders of
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
	if f.To.Sub(f.From) > MaxStatsDays*24*time.Hour+2*time.Hour { // a day may have 25 hours
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
	st := withTables(ctx, aggregate(rows, f))
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

// auditExport records that the caller took the figures away in a file.
func (ss *Statistics) auditExport(ctx context.Context, sc access.Scope, f StatsFilter, format, table string, st Stats) error {
	from, to := statsDays(f)
	return ss.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.stats_export", ObjectType: "inbox_stats", ObjectID: f.LineID,
			UnitID: sc.UnitID, Details: map[string]any{"from": from, "to": to, "line_id": f.LineID, "operator_id": f.OperatorID,
				"channel_kind": f.ChannelKind, "channel_id": f.ChannelID, "format": format, "table": table,
				"conversations": st.Total.Received, "operators": len(st.Operators)}})
	})
}
