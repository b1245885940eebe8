package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Label is a coloured mark an administrator defines; operators, rules and
// macros put it on conversations, and the console filters by it.
type Label struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"` // #rrggbb
}

// Labels keeps the labels and the labels of conversations.
type Labels struct{ *core }

// MaxLabelRunes bounds a label's name: it is shown as a chip in a list.
const MaxLabelRunes = 40

var labelColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

func (l *Label) validate() error {
	l.Name = strings.TrimSpace(l.Name)
	if n := utf8.RuneCountInString(l.Name); n == 0 || n > MaxLabelRunes {
		return valid.Errorf("name", "label_name", "a label's name has 1 to %d characters", MaxLabelRunes)
	}
	if !labelColor.MatchString(l.Color) {
		return valid.Errorf("color", "label_color", "colour must be #rrggbb")
	}
	l.Color = strings.ToLower(l.Color)
	return nil
}

// List returns every label, by name; everyone who answers conversations
// reads them.
func (ls *Labels) List(ctx context.Context, sc access.Scope) ([]Label, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	rows, err := ls.db.QueryContext(ctx, `SELECT id, name, color FROM inbox_labels ORDER BY name_folded`)
	if err != nil {
		return nil, fmt.Errorf("inbox: labels: %w", err)
	}
	defer rows.Close()
	out := []Label{}
	for rows.Next() {
		var l Label
		if err := rows.Scan(&l.ID, &l.Name, &l.Color); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Label returns one label by id, unscoped (labels are not secret).
func (ls *Labels) Label(ctx context.Context, id string) (Label, error) {
	var l Label
	err := ls.db.QueryRowContext(ctx, `SELECT id, name, color FROM inbox_labels WHERE id = $1`, id).Scan(&l.ID, &l.Name, &l.Color)
	if errors.Is(err, sql.ErrNoRows) {
		return Label{}, fmt.Errorf("inbox: label %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Label{}, fmt.Errorf("inbox: label: %w", err)
	}
	return l, nil
}

// Save creates (no ID) or renames and recolours a label; administrators of
// the inbox only.
func (ls *Labels) Save(ctx context.Context, sc access.Scope, l Label) (Label, error) {
	if err := sc.Require(access.ManageInbox); err != nil {
		return Label{}, err
	}
	if err := l.validate(); err != nil {
		return Label{}, err
	}
	var err error
	if l.ID == "" {
		l.ID = uuid.Must(uuid.NewV7()).String()
		_, err = ls.db.ExecContext(ctx, `INSERT INTO inbox_labels (id, name, name_folded, color, created_at) VALUES ($1,$2,$3,$4,$5)`,
			l.ID, l.Name, norm.Fold(l.Name), l.Color, db.Now())
	} else {
		var res sql.Result
		res, err = ls.db.ExecContext(ctx, `UPDATE inbox_labels SET name = $2, name_folded = $3, color = $4 WHERE id = $1`,
			l.ID, l.Name, norm.Fold(l.Name), l.Color)
		if err == nil {
			if n, _ := res.RowsAffected(); n == 0 {
				return Label{}, fmt.Errorf("inbox: label %s: %w", l.ID, db.ErrNotFound)
			}
		}
	}
	if db.IsUniqueViolation(err) {
		return Label{}, valid.Errorf("name", "label_taken", "there is a label of that name")
	}
	if err != nil {
		return Label{}, fmt.Errorf("inbox: save label: %w", err)
	}
	return l, nil
}

// Delete removes a label and takes it off every conversation.
func (ls *Labels) Delete(ctx context.Context, sc access.Scope, id string) error {
	if err := sc.Require(access.ManageInbox); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM inbox_conversation_labels WHERE label_id = $1`, `DELETE FROM inbox_contact_labels WHERE label_id = $1`} {
		if _, err := ls.db.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("inbox: delete label: %w", err)
		}
	}
	res, err := ls.db.ExecContext(ctx, `DELETE FROM inbox_labels WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("inbox: delete label: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("inbox: label %s: %w", id, db.ErrNotFound)
	}
	return nil
}

// SetLabel puts a label on a conversation (on) or takes it off, for whoever
// works the conversation: its operator, the line's operators, a
// supervisor. The change is a system entry of the conversation's history.
func (ls *Labels) SetLabel(ctx context.Context, sc access.Scope, convID, labelID string, on bool) (Conversation, error) {
	r, err := ls.conversationFor(ctx, sc, convID)
	if err != nil {
		return Conversation{}, err
	}
	if !r.operator && !r.supervisor && r.conv.AssigneeID != sc.UserID {
		return Conversation{}, fmt.Errorf("%w: you do not answer this line", access.ErrForbidden)
	}
	label, err := ls.Label(ctx, labelID)
	if err != nil {
		return Conversation{}, valid.Errorf("label_id", "label_unknown", "no such label")
	}
	var conv Conversation
	err = ls.write(ctx, func(tx db.Execer, w *txw) error {
		q, code := `INSERT INTO inbox_conversation_labels (conversation_id, label_id, added_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, "labelled"
		args := []any{convID, labelID, db.Now()}
		if !on {
			q, code, args = `DELETE FROM inbox_conversation_labels WHERE conversation_id = $1 AND label_id = $2`, "unlabelled", args[:2]
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("inbox: label conversation: %w", err)
		}
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if err := fillLabels(ctx, tx, &conv); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // already so: no history entry
		}
		if err := systemMessage(ctx, tx, w, &conv, code, map[string]any{"label": label.Name, "by": sc.UserID}); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		return nil
	})
	return conv, err
}

// labelsOf reads a conversation's label ids.
func labelsOf(ctx context.Context, q db.Execer, convID string) ([]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT label_id FROM inbox_conversation_labels WHERE conversation_id = $1 ORDER BY added_at`, convID)
	if err != nil {
		return nil, fmt.Errorf("inbox: labels of conversation: %w", err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// withLabels fills the labels of a page of conversations and of their
// contacts, a query each.
func withLabels(ctx context.Context, q db.Execer, convs []Conversation) error {
	if len(convs) == 0 {
		return nil
	}
	ids := make([]any, len(convs))
	at := make(map[string]int, len(convs))
	for i := range convs {
		ids[i] = convs[i].ID
		at[convs[i].ID] = i
		convs[i].Labels = []string{}
	}
	rows, err := q.QueryContext(ctx, `SELECT conversation_id, label_id FROM inbox_conversation_labels WHERE conversation_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY added_at`, ids...)
	if err != nil {
		return fmt.Errorf("inbox: labels of conversations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, l string
		if err := rows.Scan(&c, &l); err != nil {
			return err
		}
		convs[at[c]].Labels = append(convs[at[c]].Labels, l)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	contacts := make([]string, len(convs))
	for i := range convs {
		contacts[i] = convs[i].ContactID
	}
	byContact, err := contactLabelsOf(ctx, q, contacts)
	if err != nil {
		return err
	}
	for i := range convs {
		if convs[i].ContactLabels = byContact[convs[i].ContactID]; convs[i].ContactLabels == nil {
			convs[i].ContactLabels = []string{}
		}
	}
	return nil
}
