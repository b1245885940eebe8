package telephony

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
)

// CallRow is one call of the call log.
type CallRow struct {
	ID             string    `json:"id"`
	ChannelID      string    `json:"channel_id"`
	LineID         string    `json:"line_id"`
	Direction      string    `json:"direction"`
	State          string    `json:"state"`
	Number         string    `json:"number"`
	LineNumber     string    `json:"line_number,omitempty"`
	Extension      string    `json:"extension,omitempty"`
	OperatorID     string    `json:"operator_id,omitempty"`
	OperatorName   string    `json:"operator_name,omitempty"`
	MemberID       string    `json:"member_id,omitempty"`
	MemberName     string    `json:"member_name,omitempty"`
	StartedAt      time.Time `json:"started_at"`
	AnsweredAt     time.Time `json:"answered_at,omitzero"`
	EndedAt        time.Time `json:"ended_at,omitzero"`
	WaitS          int       `json:"wait_s"`
	TalkS          int       `json:"talk_s"`
	Result         string    `json:"result,omitempty"`
	Recording      string    `json:"recording"` // '', pending, ready, unavailable, deleted
	RecordingError string    `json:"recording_error,omitempty"`
	ConversationID string    `json:"conversation_id,omitempty"`
}

// CallFilter narrows the call log; zero fields do not filter.
type CallFilter struct {
	From, To   time.Time // started_at in [From, To)
	Direction  string
	Result     string
	OperatorID string
	MemberID   string
	Number     string // any form; normalised
	LineID     string
	Limit      int   // 1–1000, default 100
	Before     int64 // started_at (ms) of the last row of the previous page
}

const callColumns = `c.id, c.channel_id, c.line_id, c.direction, c.state, c.contact_number, c.line_number, c.extension, c.operator_id,
	c.member_id, c.started_at, c.answered_at, c.ended_at, c.wait_s, c.talk_s, c.result, c.recording_state, c.recording_error, c.conversation_id`

func scanCall(row interface{ Scan(...any) error }) (CallRow, error) {
	var r CallRow
	var st, an, en int64
	err := row.Scan(&r.ID, &r.ChannelID, &r.LineID, &r.Direction, &r.State, &r.Number, &r.LineNumber, &r.Extension, &r.OperatorID,
		&r.MemberID, &st, &an, &en, &r.WaitS, &r.TalkS, &r.Result, &r.Recording, &r.RecordingError, &r.ConversationID)
	r.StartedAt, r.AnsweredAt, r.EndedAt = msTime(st), msTime(an), msTime(en)
	return r, err
}

// msTime reads a stored time in UTC: the API shows instants, never the
// server's zone.
func msTime(ms int64) time.Time {
	if ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

// where builds the scoped condition of a filter.
func (f *CallFilter) where(sc access.Scope) (string, []any, error) {
	lo, hi := sc.PathRange()
	args := []any{lo, hi}
	conds := []string{"c.unit_id IN (SELECT id FROM units WHERE path >= $1 AND path < $2)"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !f.From.IsZero() {
		conds = append(conds, "c.started_at >= "+arg(f.From.UnixMilli()))
	}
	if !f.To.IsZero() {
		conds = append(conds, "c.started_at < "+arg(f.To.UnixMilli()))
	}
	if f.Direction != "" {
		if !slices.Contains([]string{DirIn, DirOut, DirInternal}, f.Direction) {
			return "", nil, valid.Errorf("direction", "direction", "direction must be in, out or internal")
		}
		conds = append(conds, "c.direction = "+arg(f.Direction))
	}
	if f.Result != "" {
		if !slices.Contains([]string{ResAnswered, ResMissed, ResBusy, ResVoicemail, ResFailed}, f.Result) {
			return "", nil, valid.Errorf("result", "result", "result must be answered, missed, busy, voicemail or failed")
		}
		conds = append(conds, "c.result = "+arg(f.Result))
	}
	for _, p := range []struct{ col, v string }{{"operator_id", f.OperatorID}, {"member_id", f.MemberID}, {"line_id", f.LineID}} {
		if p.v != "" {
			conds = append(conds, "c."+p.col+" = "+arg(p.v))
		}
	}
	if n := strings.TrimSpace(f.Number); n != "" {
		if len(n) > 40 {
			return "", nil, valid.Errorf("number", "too_long", "number is too long")
		}
		conds = append(conds, "c.contact_number = "+arg(normalNumber(n)))
	}
	if f.Before > 0 {
		conds = append(conds, "c.started_at < "+arg(f.Before))
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// ListCalls returns the call log the caller may see, newest first.
func (c *Connector) ListCalls(ctx context.Context, sc access.Scope, f CallFilter) ([]CallRow, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	rows, err := c.listCalls(ctx, sc, f)
	if err != nil {
		return nil, err
	}
	c.fillNames(ctx, rows)
	return rows, nil
}

// CallsOfMember lists a member's calls for the member card's timeline.
func (c *Connector) CallsOfMember(ctx context.Context, sc access.Scope, memberID string, limit int) ([]CallRow, error) {
	if memberID == "" {
		return nil, valid.Errorf("member_id", "required", "member_id is required")
	}
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	// A member outside sc's scope is not found, as every other request
	// across organisations answers: an empty list would confirm the id.
	if c.members == nil {
		return nil, errNoMember
	}
	if _, err := c.members.CardMember(ctx, sc, memberID); err != nil {
		return nil, err
	}
	return c.ListCalls(ctx, sc, CallFilter{MemberID: memberID, Limit: limit})
}

func (c *Connector) listCalls(ctx context.Context, sc access.Scope, f CallFilter) ([]CallRow, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	where, args, err := f.where(sc)
	if err != nil {
		return nil, err
	}
	args = append(args, f.Limit)
	rows, err := c.db.QueryContext(ctx, `SELECT `+callColumns+` FROM tel_calls c`+where+
		fmt.Sprintf(` ORDER BY c.started_at DESC, c.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("telephony: calls: %w", err)
	}
	defer rows.Close()
	out := []CallRow{}
	for rows.Next() {
		r, err := scanCall(rows)
		if err != nil {
			return nil, fmt.Errorf("telephony: calls: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// eachCall streams every call of a filter (the export), in pages.
func (c *Connector) eachCall(ctx context.Context, sc access.Scope, f CallFilter, fn func(CallRow) error) error {
	f.Limit = 1000
	for {
		rows, err := c.listCalls(ctx, sc, f)
		if err != nil {
			return err
		}
		c.fillNames(ctx, rows)
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(rows) < f.Limit {
			return nil
		}
		f.Before = rows[len(rows)-1].StartedAt.UnixMilli()
	}
}

// fillNames adds operators' and members' names, through their packages.
func (c *Connector) fillNames(ctx context.Context, rows []CallRow) {
	sys := access.System("telephony")
	users, members := map[string]string{}, map[string]string{}
	for i := range rows {
		r := &rows[i]
		if id := r.OperatorID; id != "" {
			if _, ok := users[id]; !ok {
				if name, err := c.staff.FullName(ctx, sys, id); err == nil {
					users[id] = name
				}
			}
			r.OperatorName = users[id]
		}
		if id := r.MemberID; id != "" {
			if _, ok := members[id]; !ok {
				if m := c.memberOf(ctx, sys, id); m != nil {
					members[id] = m.FullName
				}
			}
			r.MemberName = members[id]
		}
	}
}

// GetCall reads one call the caller may see.
func (c *Connector) GetCall(ctx context.Context, sc access.Scope, id string) (CallRow, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return CallRow{}, err
	}
	lo, hi := sc.PathRange()
	r, err := scanCall(c.db.QueryRowContext(ctx, `SELECT `+callColumns+` FROM tel_calls c WHERE c.id = $3
		AND c.unit_id IN (SELECT id FROM units WHERE path >= $1 AND path < $2)`, lo, hi, id))
	if isNoRows(err) {
		return CallRow{}, errNoCall
	}
	if err != nil {
		return CallRow{}, fmt.Errorf("telephony: call: %w", err)
	}
	rows := []CallRow{r}
	c.fillNames(ctx, rows)
	return rows[0], nil
}
