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

// Activity is what happened to documents: each one's history, the
// comments on it and the activity feed.
type Activity struct{ *core }

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

func (c *core) notify(ctx context.Context, tx db.Execer, userID, docID, kind, text string, at int64) error {
	mail := "none" // a new task is also e-mailed by the sweep (task_mail.go), unless the notification centre does
	if kind == "task" && c.alerts == nil {
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
func (s *Activity) History(ctx context.Context, sc access.Scope, docID string) ([]Event, error) {
	if _, err := s.getDocument(ctx, s.db, sc, docID); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.at, e.actor_id, `+audit.ActorSQL("e.actor_id", "e.actor_name")+`, e.action, e.step, e.to_step, e.comment, e.details
		FROM wf_events e WHERE e.document_id = $1 ORDER BY e.id`, docID)
	if err != nil {
		return nil, fmt.Errorf("workflow: history: %w", err)
	}
	defer rows.Close()
	out := []Event{}
	for rows.Next() {
		var e Event
		var at int64
		var details, full string
		if err := rows.Scan(&e.ID, &at, &e.ActorID, &full, &e.ActorName, &e.Action, &e.Step, &e.ToStep, &e.Comment, &details); err != nil {
			return nil, err
		}
		e.At, e.ActorName = db.Time(at), audit.Actor(full, e.ActorName)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &e.Details)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Comment adds a remark to a document's history; everyone who can see the
// document may comment (executors discuss the work here).
func (s *Activity) Comment(ctx context.Context, sc access.Scope, docID, text string) error {
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
			if err := s.notify(ctx, tx, id, docID, "comment", fmt.Sprintf("%s: %s — %s", doc.Number, sc.UserName, truncate(text, 120)), s.nowMillis()); err != nil {
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

// FeedItem is one event of the activity feed, with its document.
type FeedItem struct {
	Event
	DocumentID string `json:"document_id"`
	Number     string `json:"number"`
	Title      string `json:"title"`
}

// Feed is the activity feed: the newest events of every document sc may
// see (before: only older than that event id, for paging).
func (s *Activity) Feed(ctx context.Context, sc access.Scope, before string, limit int) ([]FeedItem, error) {
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	cond, args := visible(sc, 1)
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.at, e.actor_id, `+audit.ActorSQL("e.actor_id", "e.actor_name")+`, e.action, e.step, e.to_step, e.comment, e.details,
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
		var details, full string
		if err := rows.Scan(&f.ID, &at, &f.ActorID, &full, &f.ActorName, &f.Action, &f.Step, &f.ToStep, &f.Comment, &details,
			&f.DocumentID, &f.Number, &f.Title); err != nil {
			return nil, err
		}
		f.At, f.ActorName = db.Time(at), audit.Actor(full, f.ActorName)
		if details != "{}" {
			_ = json.Unmarshal([]byte(details), &f.Details)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}
