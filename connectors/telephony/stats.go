package telephony

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// Stats sums up the calls of a period.
type Stats struct {
	Total      StatsRow   `json:"total"`
	ByDay      []StatsRow `json:"by_day"`      // Key: YYYY-MM-DD in the time zone asked for
	ByOperator []StatsRow `json:"by_operator"` // Key: operator id, Name: their name
	// Callbacks: missed incoming calls of the period that an outgoing call
	// to the same number followed, and how long that took.
	Missed         int     `json:"missed"`
	CalledBack     int     `json:"called_back"`
	CallbackAvgS   float64 `json:"callback_avg_s"`
	CallbackMaxS   int64   `json:"callback_max_s"`
	NotCalledBackN int     `json:"not_called_back"`
}

// StatsRow is one group's figures.
type StatsRow struct {
	Key      string  `json:"key"`
	Name     string  `json:"name,omitempty"`
	Calls    int     `json:"calls"`
	In       int     `json:"in"`
	Out      int     `json:"out"`
	Answered int     `json:"answered"`
	Missed   int     `json:"missed"` // missed, busy, voicemail, failed incoming
	AvgWaitS float64 `json:"avg_wait_s"`
	AvgTalkS float64 `json:"avg_talk_s"`
	waitSum  int
	talkSum  int
}

func (r *StatsRow) add(dir, result string, wait, talk int) {
	r.Calls++
	if dir == DirOut {
		r.Out++
	} else if dir == DirIn {
		r.In++
	}
	if result == ResAnswered {
		r.Answered++
		r.talkSum += talk
		if dir == DirIn {
			r.waitSum += wait
		}
	} else if dir == DirIn {
		r.Missed++
	}
}

func (r *StatsRow) finish() {
	if r.Answered > 0 {
		r.AvgTalkS = float64(r.talkSum) / float64(r.Answered)
	}
	if n := r.In - r.Missed; n > 0 {
		r.AvgWaitS = float64(r.waitSum) / float64(n)
	}
}

// CallStats computes the figures of the ended calls started in [from, to).
func (c *Connector) CallStats(ctx context.Context, sc access.Scope, from, to time.Time, loc *time.Location) (Stats, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return Stats{}, err
	}
	f := CallFilter{From: from, To: to}
	where, args, err := f.where(sc)
	if err != nil {
		return Stats{}, err
	}
	rows, err := c.db.QueryContext(ctx, `SELECT c.direction, c.result, c.wait_s, c.talk_s, c.operator_id, c.started_at, c.ended_at,
		CASE WHEN c.direction = 'in' AND c.result <> 'answered' THEN (SELECT MIN(o.started_at) FROM tel_calls o WHERE o.channel_id = c.channel_id
			AND o.contact_number = c.contact_number AND o.direction = 'out' AND o.started_at >= c.ended_at) END
		FROM tel_calls c`+where+` AND c.state = 'ended'`, args...)
	if err != nil {
		return Stats{}, fmt.Errorf("telephony: stats: %w", err)
	}
	defer rows.Close()
	var st Stats
	st.Total.Key = "total"
	days, ops := map[string]*StatsRow{}, map[string]*StatsRow{}
	var delaySum int64
	for rows.Next() {
		var dir, res, op string
		var wait, talk int
		var started, ended int64
		var back *int64
		if err := rows.Scan(&dir, &res, &wait, &talk, &op, &started, &ended, &back); err != nil {
			return Stats{}, fmt.Errorf("telephony: stats: %w", err)
		}
		st.Total.add(dir, res, wait, talk)
		day := time.UnixMilli(started).In(loc).Format("2006-01-02")
		if days[day] == nil {
			days[day] = &StatsRow{Key: day}
		}
		days[day].add(dir, res, wait, talk)
		if op != "" {
			if ops[op] == nil {
				ops[op] = &StatsRow{Key: op}
			}
			ops[op].add(dir, res, wait, talk)
		}
		if dir == DirIn && res != ResAnswered {
			st.Missed++
			if back != nil {
				st.CalledBack++
				d := (*back - ended) / 1000
				delaySum += d
				st.CallbackMaxS = max(st.CallbackMaxS, d)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}
	st.NotCalledBackN = st.Missed - st.CalledBack
	if st.CalledBack > 0 {
		st.CallbackAvgS = float64(delaySum) / float64(st.CalledBack)
	}
	st.Total.finish()
	st.ByDay, st.ByOperator = []StatsRow{}, []StatsRow{}
	for _, r := range days {
		r.finish()
		st.ByDay = append(st.ByDay, *r)
	}
	sort.Slice(st.ByDay, func(i, j int) bool { return st.ByDay[i].Key < st.ByDay[j].Key })
	sys := access.System("telephony")
	for id, r := range ops {
		r.finish()
		if name, err := c.staff.FullName(ctx, sys, id); err == nil {
			r.Name = name
		}
		st.ByOperator = append(st.ByOperator, *r)
	}
	sort.Slice(st.ByOperator, func(i, j int) bool { return st.ByOperator[i].Calls > st.ByOperator[j].Calls })
	return st, nil
}
