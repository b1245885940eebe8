package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Event is one line of a document's history.
type Event struct {
	ID        string         `json:"id"`
	At        time.Time      `json:"at"`
	ActorID   string         `json:"actor_id,omitempty"`
	ActorName string         `json:"actor_name"`
	Action    string         `json:"action"` // register | decision | comment | attachment | edit
	Step      string         `json:"step,omitempty"`
	ToStep    string         `json:"to_step,omitempty"`
	Comment   string         `json:"comment,omitempty"`
	Details   map[string]any `json:"details,omitempty"`
}

func addEvent(ctx context.Context, tx db.Execer, sc access.Scope, docID, action, step, to, comment string, details map[string]any) error {
	b := []byte("{}")
	if len(details) > 0 {
		b, _ = json.Marshal(details)
	}
	name := sc.UserName
	if name == "" {
		name = "system"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO wf_events (id, document_id, at, actor_id, actor_name, action, step, to_step, comment, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, newID(), docID, db.Now(), sc.UserID, name, action, step, to, comment, string(b))
	if err != nil {
		return fmt.Errorf("workflow: history: %w", err)
	}
	return nil
}

func notify(ctx context.Context, tx db.Execer, userID, docID, kind, text string, at int64) error {
	mail := "none" // a new task is also e-mailed by the sweep (task_mail.go)
	if kind == "task" {
		mail = "pending"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO wf_notifications (id, user_id, document_id, kind, text, at, mail_state) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		newID(), userID, docID, kind, text, at, mail)
	if err != nil {
		return fmt.Errorf("workflow: notify: %w", err)
	}
	return nil
}

// History returns a document's events, oldest first.
func (s *Store) History(ctx context.Context, sc access.Scope, docID string) ([]Event, error) {
	if _, err := s.getDocument(ctx, s.db, sc, docID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, at, actor_id, actor_name, action, step, to_step, comment, details
		FROM wf_events WHERE document_id = $1 ORDER BY id`, docID)
	if err != nil {
		return nil, fmt.Errorf("workflow: history: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var details string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &e.ActorName, &e.Action, &e.Step, &e.ToStep, &e.Comment, &details); err != nil {
			return nil, err
		}
		e.At = db.Time(at)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &e.Details)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Comment adds a remark to a document's history; everyone who can see the
// document may comment (executors discuss the work here).
func (s *Store) Comment(ctx context.Context, sc access.Scope, docID, text string) error {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 5000 || !utf8.ValidString(text) {
		return valid.Errorf("text", "comment_required", "a comment is 1–5000 characters")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		doc, err := s.getDocument(ctx, tx, sc, docID)
		if err != nil {
			return err
		}
		if err := addEvent(ctx, tx, sc, docID, "comment", doc.Step, "", text, nil); err != nil {
			return err
		}
		// Colleagues with open tasks on the document hear of it.
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT assignee_id FROM wf_tasks WHERE document_id = $1 AND status = 'open' AND assignee_id <> $2`,
			docID, sc.UserID)
		if err != nil {
			return fmt.Errorf("workflow: comment: %w", err)
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if err := notify(ctx, tx, id, docID, "comment", fmt.Sprintf("%s: %s — %s", doc.Number, sc.UserName, truncate(text, 120)), s.nowMillis()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "document.comment", ObjectType: "document", ObjectID: docID, UnitID: doc.UnitID,
			Details: map[string]any{"number": doc.Number}})
	})
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Notification is one item of a person's notification list.
type Notification struct {
	ID         string    `json:"id"`
	DocumentID string    `json:"document_id,omitempty"`
	AppealID   string    `json:"appeal_id,omitempty"` // an appeal's deadline notice (see appeal_notice.go)
	Kind       string    `json:"kind"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
	Read       bool      `json:"read"`
}

// Notifications returns sc's newest notifications (after: only newer than
// that id, for polling) and how many are unread.
func (s *Store) Notifications(ctx context.Context, sc access.Scope, after string, limit int) ([]Notification, int, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, COALESCE(document_id, ''), appeal_id, kind, text, at, read_at FROM wf_notifications
		WHERE user_id = $1 AND id > $2 ORDER BY id DESC LIMIT $3`, sc.UserID, after, limit)
	if err != nil {
		return nil, 0, fmt.Errorf("workflow: notifications: %w", err)
	}
	defer rows.Close()
	out := []Notification{}
	for rows.Next() {
		var n Notification
		var at, read int64
		if err := rows.Scan(&n.ID, &n.DocumentID, &n.AppealID, &n.Kind, &n.Text, &at, &read); err != nil {
			return nil, 0, err
		}
		n.At, n.Read = db.Time(at), read != 0
		out = append(out, n)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var unread int
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_notifications WHERE user_id = $1 AND read_at = 0`, sc.UserID).Scan(&unread)
	return out, unread, err
}

// MarkRead marks sc's notifications read: the one given, or all.
func (s *Store) MarkRead(ctx context.Context, sc access.Scope, id string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE wf_notifications SET read_at = $1 WHERE user_id = $2 AND read_at = 0 AND ($3 = '' OR id = $3)`,
		db.Now(), sc.UserID, id)
	if err != nil {
		return fmt.Errorf("workflow: mark read: %w", err)
	}
	return nil
}

// FeedItem is one event of the activity feed, with its document.
type FeedItem struct {
	Event
	DocumentID string `json:"document_id"`
	Number     string `json:"number"`
	Title      string `json:"title"`
}

// Feed is the activity feed: the newest events of every document sc may
// see (before: only older than that event id, for paging).
func (s *Store) Feed(ctx context.Context, sc access.Scope, before string, limit int) ([]FeedItem, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	cond, args := visible(sc, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.at, e.actor_id, e.actor_name, e.action, e.step, e.to_step, e.comment, e.details,
		d.id, d.number, d.title
		FROM wf_events e JOIN wf_documents d ON d.id = e.document_id JOIN units u ON u.id = d.unit_id
		WHERE `+cond+` AND ($5 = '' OR e.id < $5) ORDER BY e.id DESC LIMIT $6`, append(args, before, limit)...)
	if err != nil {
		return nil, fmt.Errorf("workflow: feed: %w", err)
	}
	defer rows.Close()
	out := []FeedItem{}
	for rows.Next() {
		var f FeedItem
		var at int64
		var details string
		if err := rows.Scan(&f.ID, &at, &f.ActorID, &f.ActorName, &f.Action, &f.Step, &f.ToStep, &f.Comment, &details,
			&f.DocumentID, &f.Number, &f.Title); err != nil {
			return nil, err
		}
		f.At = db.Time(at)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &f.Details)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
