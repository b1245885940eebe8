package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// Automation is what the automation package (rules and macros) reads and
// writes beyond the operators' own actions, which it calls with its own
// scope: the event log it follows, the conversations it looks at, its
// replies and the entries naming the rule in a conversation's history.
type Automation struct {
	*core
	events *Events
}

// LogHead is the seq of the newest logged event: rules start after it on
// an installation that had none, rather than running on old history.
func (a *Automation) LogHead(ctx context.Context) (int64, error) {
	var seq int64
	err := a.db.QueryRowContext(ctx, `SELECT seq FROM inbox_counter WHERE name = 'events'`).Scan(&seq)
	return seq, err
}

// LogAfter returns up to limit logged events after seq, decoded (with the
// conversation and message they carry), oldest first.
func (a *Automation) LogAfter(ctx context.Context, seq int64, limit int) ([]*Event, error) {
	evs, err := a.events.eventsAfter(ctx, seq, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: event log: %w", err)
	}
	for i, ev := range evs {
		d := &Event{}
		if err := json.Unmarshal(ev.raw, d); err != nil {
			continue // an unreadable entry is skipped, not retried forever
		}
		d.Seq, d.raw = ev.Seq, ev.raw
		evs[i] = d
	}
	return evs, nil
}

// SystemEvent is the code and data of a system entry ("closed", "taken"
// …), or "" for another message.
func SystemEvent(m *Message) (string, map[string]any) {
	if m == nil || m.Direction != DirSystem {
		return "", nil
	}
	var d map[string]any
	if json.Unmarshal([]byte(m.Text), &d) != nil {
		return "", nil
	}
	code, _ := d["event"].(string)
	return code, d
}

// Conversation reads one conversation with its labels, unscoped: a rule
// acts for the installation.
func (a *Automation) Conversation(ctx context.Context, id string) (Conversation, error) {
	c, err := conversationTx(ctx, a.db, id)
	if err != nil {
		return c, err
	}
	err = fillLabels(ctx, a.db, &c)
	return c, err
}

// Line reads a line, unscoped.
func (a *Automation) Line(ctx context.Context, id string) (Line, error) { return a.lineByID(ctx, id) }

// AutoReply sends text to the contact as the line's automatic answers are
// sent: from nobody, without taking a waiting conversation.
func (a *Automation) AutoReply(ctx context.Context, convID, text string) error {
	text = strings.TrimSpace(text)
	if text == "" || len(text) > MaxTextBytes {
		return valid.Errorf("text", "too_long", "text is limited to %d bytes", MaxTextBytes)
	}
	return a.write(ctx, func(tx db.Execer, w *txw) error {
		c, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		if c.Status == StatusClosed {
			return ErrClosed
		}
		m := Message{Direction: DirOut, ChannelID: c.ChannelID, Text: text, Status: DeliveryPending}
		if err := appendMessage(ctx, tx, &c, &m); err != nil {
			return err
		}
		w.add(msgEvent(c, m))
		w.dispatch = append(w.dispatch, m.ID)
		return nil
	})
}

// RuleNote writes in the conversation's history that a rule (or a macro)
// did something: its name, the action and what it acted with.
func (a *Automation) RuleNote(ctx context.Context, convID, source, name, action, detail string) error {
	return a.write(ctx, func(tx db.Execer, w *txw) error {
		c, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		return systemMessage(ctx, tx, w, &c, "automation", map[string]any{"source": source, "rule": name, "action": action, "detail": detail})
	})
}

// Unanswered is an open conversation whose contact's last message has no
// answer yet.
type Unanswered struct {
	ConversationID string
	LineID         string
	Since          int64 // ms: the contact's last message
}

// Unanswered lists open, not snoozed conversations whose contact wrote
// before (ms) and got no reply since, oldest first.
func (a *Automation) Unanswered(ctx context.Context, before int64, limit int) ([]Unanswered, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT c.id, c.line_id, c.last_inbound_at FROM inbox_conversations c
		WHERE c.status <> 'closed' AND c.snoozed_until = 0 AND c.last_inbound_at > 0 AND c.last_inbound_at < $1
		AND NOT EXISTS (SELECT 1 FROM inbox_messages m WHERE m.conversation_id = c.id AND m.direction = 'out' AND m.created_at >= c.last_inbound_at)
		ORDER BY c.last_inbound_at LIMIT $2`, before, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: unanswered: %w", err)
	}
	defer rows.Close()
	var out []Unanswered
	for rows.Next() {
		var u Unanswered
		if err := rows.Scan(&u.ConversationID, &u.LineID, &u.Since); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// LineQuickAnswers are the quick answers of every line (not the
// operators' personal ones), unscoped: what a rule may send.
func (a *Automation) LineQuickAnswers(ctx context.Context) ([]QuickAnswer, error) {
	rows, err := a.db.QueryContext(ctx, `SELECT `+qaColumns+` FROM inbox_quick_answers q JOIN inbox_lines l ON l.id = q.line_id
		WHERE q.line_id <> '' ORDER BY l.name, q.shortcut`)
	if err != nil {
		return nil, fmt.Errorf("inbox: line quick answers: %w", err)
	}
	defer rows.Close()
	out := []QuickAnswer{}
	for rows.Next() {
		q, err := scanQuickAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: line quick answers: %w", err)
		}
		out = append(out, q)
	}
	return out, rows.Err()
}

// LineQuickAnswer is one line's quick answer, unscoped; a personal one is
// db.ErrNotFound like a deleted one.
func (a *Automation) LineQuickAnswer(ctx context.Context, id string) (QuickAnswer, error) {
	q, err := scanQuickAnswer(a.db.QueryRowContext(ctx, `SELECT `+qaColumns+` FROM inbox_quick_answers q
		JOIN inbox_lines l ON l.id = q.line_id WHERE q.id = $1 AND q.line_id <> ''`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return QuickAnswer{}, fmt.Errorf("inbox: quick answer %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return QuickAnswer{}, fmt.Errorf("inbox: quick answer: %w", err)
	}
	return q, nil
}
