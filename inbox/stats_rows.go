package inbox

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
)

// statsRow is one conversation as the report needs it.
type statsRow struct {
	id, lineID, lineName, assignee, assigneeName, status string
	channelID, channelName, channelKind                  string
	spam                                                 bool
	rating                                               int
	created, queued, assigned, firstResponse, closed     int64
	in, out                                              int
	slaBreaches                                          int // see slaBreaches
	// hours are the line's, shared by its rows: the working-time timings
	// count in them; nil counts every minute.
	hours                             *WorkingHours
	firstResponseWork, resolutionWork int64 // ms, set by countWorkingTime
}

// statsWhere selects the report's conversations: visible to the caller
// (visibleArgs) and, narrower, watched by them; then f's filters. The
// query joins units u and inbox_channels ch.
func statsWhere(sc access.Scope, f StatsFilter) (string, []any) {
	const first = 7 // after from, to, line, operator, kind and channel
	cond, args := visibleArgs(sc, first)
	user := first + 2 // visibleArgs' third argument is sc.UserID
	var lo, hi string
	if sc.Can(access.SuperviseInbox) {
		lo, hi = sc.PathRange()
	}
	args = append([]any{f.From.UnixMilli(), f.To.UnixMilli(), f.LineID, f.OperatorID, f.ChannelKind, f.ChannelID}, args...)
	args = append(args, lo, hi)
	n := len(args)
	return `c.created_at >= $1 AND c.created_at < $2 AND ($3 = '' OR c.line_id = $3) AND ($4 = '' OR c.assignee_id = $4)
		AND ($5 = '' OR ch.kind = $5) AND ($6 = '' OR c.channel_id = $6) AND ` + cond + fmt.Sprintf(`
		AND ((u.path >= $%[1]d AND u.path < $%[2]d) OR c.assignee_id = $%[3]d
		  OR EXISTS (SELECT 1 FROM inbox_line_operators so WHERE so.line_id = c.line_id AND so.user_id = $%[3]d AND so.supervisor = TRUE))`,
		n-1, n, user), args
}

const statsFrom = ` FROM inbox_conversations c JOIN units u ON u.id = c.unit_id JOIN inbox_channels ch ON ch.id = c.channel_id`

func (ss *Statistics) rows(ctx context.Context, sc access.Scope, f StatsFilter) ([]statsRow, error) {
	where, args := statsWhere(sc, f)
	rows, err := ss.db.QueryContext(ctx, `SELECT c.id, c.line_id, l.name, c.assignee_id, COALESCE(us.full_name, ''), c.status, c.spam,
		c.channel_id, ch.name, ch.kind,
		c.rating, c.created_at, c.queued_at, c.assigned_at, c.first_response_at, c.closed_at, c.sla_breaches, l.hours`+statsFrom+`
		JOIN inbox_lines l ON l.id = c.line_id LEFT JOIN users us ON us.id = c.assignee_id WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: stats: %w", err)
	}
	var out []statsRow
	byID := map[string]int{}
	hoursOf := map[string]*WorkingHours{}
	for rows.Next() {
		var r statsRow
		var hours string
		if err := rows.Scan(&r.id, &r.lineID, &r.lineName, &r.assignee, &r.assigneeName, &r.status, &r.spam,
			&r.channelID, &r.channelName, &r.channelKind, &r.rating,
			&r.created, &r.queued, &r.assigned, &r.firstResponse, &r.closed, &r.slaBreaches, &hours); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: stats: %w", err)
		}
		h, seen := hoursOf[r.lineID]
		if !seen {
			h = new(WorkingHours)
			// Hours the line store wrote; unreadable ones count every
			// minute, as a line without hours does.
			_ = json.Unmarshal([]byte(hours), h)
			hoursOf[r.lineID] = h
		}
		r.hours = h
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
		JOIN inbox_channels ch ON ch.id = c.channel_id
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
