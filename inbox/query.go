package inbox

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// ConversationFilter narrows a conversation list; zero fields do not filter.
type ConversationFilter struct {
	Status      string // waiting, active, closed, or "open" (not closed)
	LineID      string
	ChannelKind string
	Mine        bool // assigned to the caller
	Unassigned  bool
	Query       string // contact name or subject
	ContactID   string
	Limit       int
	Before      int64 // updated_at of the last row of the previous page (ms)
	// Text searches the words of the messages (search.go); From and To
	// (ms, To excluded) then bound the matching message's time, else the
	// conversation's start.
	Text       string
	OperatorID string // assigned to this operator
	From, To   int64
	Sort       string // with Text: SortRecent (the default) or SortRelevance
	// LabelID keeps the conversations with that label (labels.go).
	LabelID string
	// ContactLabelID keeps the conversations whose contact has that label
	// (contact_labels.go).
	ContactLabelID string
	// CustomKey and CustomValue keep the conversations whose custom field
	// (the CRM's, ConversationCustom) holds the value.
	CustomKey, CustomValue string
}

// Conversations reads conversations, their messages and routing log for
// the people who may see them; changing a conversation is the engine's.
type Conversations struct {
	*core
	custom atomic.Pointer[customBox] // the CRM's conversation fields; nil: none
}

// List returns conversations the caller may see, most
// recently updated first.
func (cv *Conversations) List(ctx context.Context, sc access.Scope, f ConversationFilter) ([]Conversation, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.Text != "" {
		return cv.search(ctx, sc, f)
	}
	where, args, err := listConditions(sc, f, "c.created_at")
	if err != nil {
		return nil, err
	}
	if where, args, err = cv.customCondition(ctx, f, where, args); err != nil {
		return nil, err
	}
	add := func(clause string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(clause, len(args)))
	}
	if f.Before > 0 {
		add(`c.updated_at < $%d`, f.Before)
	}
	args = append(args, f.Limit)
	rows, err := cv.db.QueryContext(ctx, `SELECT `+convColumns+convFrom+` JOIN units u ON u.id = c.unit_id WHERE `+
		strings.Join(where, " AND ")+fmt.Sprintf(` ORDER BY c.updated_at DESC, c.id LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("inbox: list conversations: %w", err)
	}
	defer rows.Close()
	out := []Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: list conversations: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, withLabels(ctx, cv.db, out)
}

// listConditions is the WHERE of a conversation list: the caller's scope
// and the filters of f, over c (conversation), ch (channel), ct (contact)
// and u (unit); dates bound the column timeCol.
func listConditions(sc access.Scope, f ConversationFilter, timeCol string) ([]string, []any, error) {
	switch f.Status {
	case "", "open", StatusWaiting, StatusActive, StatusClosed, "snoozed":
	default:
		return nil, nil, valid.Errorf("status", "status", "status must be open, waiting, active, snoozed or closed")
	}
	cond, args := visibleArgs(sc, 1)
	where := []string{cond}
	add := func(clause string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(clause, len(args)))
	}
	switch f.Status {
	case "open":
		// a snoozed conversation leaves the active lists until it wakes
		where = append(where, `c.status <> 'closed'`, `c.snoozed_until = 0`)
	case "snoozed":
		where = append(where, `c.status <> 'closed'`, `c.snoozed_until <> 0`)
	case StatusActive:
		where = append(where, `c.status = 'active'`, `c.snoozed_until = 0`)
	case "":
	default:
		add(`c.status = $%d`, f.Status)
	}
	if f.LineID != "" {
		add(`c.line_id = $%d`, f.LineID)
	}
	if f.ChannelKind != "" {
		add(`ch.kind = $%d`, f.ChannelKind)
	}
	if f.Mine {
		add(`c.assignee_id = $%d`, sc.UserID)
	}
	if f.Unassigned {
		where = append(where, `c.assignee_id = ''`)
	}
	if f.ContactID != "" {
		add(`c.contact_id = $%d`, f.ContactID)
	}
	if q := norm.Fold(f.Query); q != "" {
		args = append(args, "%"+db.EscapeLike(q)+"%")
		n := len(args)
		where = append(where, fmt.Sprintf(`(ct.name_folded LIKE $%d ESCAPE '\' OR c.subject_folded LIKE $%d ESCAPE '\')`, n, n))
	}
	if f.OperatorID != "" {
		add(`c.assignee_id = $%d`, f.OperatorID)
	}
	if f.LabelID != "" {
		add(`EXISTS (SELECT 1 FROM inbox_conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = $%d)`, f.LabelID)
	}
	if f.ContactLabelID != "" {
		add(`EXISTS (SELECT 1 FROM inbox_contact_labels kl WHERE kl.contact_id = c.contact_id AND kl.label_id = $%d)`, f.ContactLabelID)
	}
	if f.From > 0 {
		add(timeCol+` >= $%d`, f.From)
	}
	if f.To > 0 {
		add(timeCol+` < $%d`, f.To)
	}
	return where, args, nil
}

// Get returns one conversation the caller may see.
func (cv *Conversations) Get(ctx context.Context, sc access.Scope, id string) (Conversation, error) {
	r, err := cv.conversationFor(ctx, sc, id)
	if err != nil {
		return Conversation{}, err
	}
	err = fillLabels(ctx, cv.db, &r.conv)
	if r.conv.ThreadKey != "" {
		r.conv.Thread = threadOf(ctx, cv.db, r.conv.ChannelID, r.conv.ThreadKey)
	}
	return r.conv, err
}

// Messages returns a conversation's messages after seq, oldest first.
func (cv *Conversations) Messages(ctx context.Context, sc access.Scope, convID string, afterSeq int64, limit int) ([]Message, error) {
	if _, err := cv.conversationFor(ctx, sc, convID); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := cv.db.QueryContext(ctx, `SELECT `+msgColumns+` FROM inbox_messages WHERE conversation_id = $1 AND seq > $2
		ORDER BY seq LIMIT $3`, convID, afterSeq, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: messages: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// MessagesAfter is Messages for a connector that has authenticated its
// reader itself (a widget visitor reads their own conversation): no scope
// to check, and a prepared statement, since it runs on every wake-up of
// every visitor socket.
func (cv *Conversations) MessagesAfter(ctx context.Context, convID string, afterSeq int64, limit int) ([]Message, error) {
	rows, err := cv.db.QueryCached(ctx, `SELECT `+msgColumns+` FROM inbox_messages WHERE conversation_id = $1 AND seq > $2
		ORDER BY seq LIMIT $3`, convID, afterSeq, min(max(limit, 1), 1000))
	if err != nil {
		return nil, fmt.Errorf("inbox: messages: %w", err)
	}
	defer rows.Close()
	out := []Message{}
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: messages: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// RoutingEntry is one line of a conversation's routing log.
type RoutingEntry struct {
	At         int64          `json:"at"`
	Decision   string         `json:"decision"`
	OperatorID string         `json:"operator_id,omitempty"`
	Reason     map[string]any `json:"reason,omitempty"`
}

// RoutingLog explains why a conversation went where it went.
func (cv *Conversations) RoutingLog(ctx context.Context, sc access.Scope, convID string) ([]RoutingEntry, error) {
	r, err := cv.conversationFor(ctx, sc, convID)
	if err != nil {
		return nil, err
	}
	if !r.supervisor && r.conv.AssigneeID != sc.UserID {
		return nil, fmt.Errorf("%w: the routing log is for supervisors", access.ErrForbidden)
	}
	rows, err := cv.db.QueryContext(ctx, `SELECT at, decision, operator_id, reason FROM inbox_routing_log WHERE conversation_id = $1 ORDER BY at, id`, convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: routing log: %w", err)
	}
	defer rows.Close()
	out := []RoutingEntry{}
	for rows.Next() {
		var re RoutingEntry
		var reason string
		if err := rows.Scan(&re.At, &re.Decision, &re.OperatorID, &reason); err != nil {
			return nil, err
		}
		_ = jsonUnmarshal(reason, &re.Reason)
		out = append(out, re)
	}
	return out, rows.Err()
}
