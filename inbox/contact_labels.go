package inbox

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// SetContactLabel puts a label of the same catalogue on the contact of a
// conversation (on) or takes it off: the label then shows on every
// conversation of the contact and on their member card, and the rules'
// label condition sees it. Whoever may label the conversation may label
// its contact; the change is a system entry of this conversation's history.
func (ls *Labels) SetContactLabel(ctx context.Context, sc access.Scope, convID, labelID string, on bool) (Conversation, error) {
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
		q, code := `INSERT INTO inbox_contact_labels (contact_id, label_id, added_at) VALUES ($1,$2,$3) ON CONFLICT DO NOTHING`, "contact_labelled"
		args := []any{r.conv.ContactID, labelID, db.Now()}
		if !on {
			q, code, args = `DELETE FROM inbox_contact_labels WHERE contact_id = $1 AND label_id = $2`, "contact_unlabelled", args[:2]
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("inbox: label contact: %w", err)
		}
		if conv, err = conversationTx(ctx, tx, convID); err != nil {
			return err
		}
		if err := fillLabels(ctx, tx, &conv); err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		if err := systemMessage(ctx, tx, w, &conv, code, map[string]any{"label": label.Name, "by": sc.UserID}); err != nil {
			return err
		}
		w.add(convEvent(EvConversation, conv))
		return nil
	})
	return conv, err
}

// MemberLabels are the labels on the inbox contacts linked to a member
// card, by name, for the card's chips. Labels are not secret, but whether
// a member wrote in is: the caller must read the directory or answer the
// inbox.
func (ls *Labels) MemberLabels(ctx context.Context, sc access.Scope, memberID string) ([]Label, error) {
	if !sc.Can(access.ReadDirectory) && !sc.Can(access.AnswerInbox) {
		return nil, access.ErrForbidden
	}
	rows, err := ls.db.QueryContext(ctx, `SELECT DISTINCT l.id, l.name, l.color, l.name_folded FROM inbox_labels l
		JOIN inbox_contact_labels cl ON cl.label_id = l.id JOIN inbox_contacts k ON k.id = cl.contact_id
		WHERE k.member_id = $1 AND k.member_id <> '' ORDER BY l.name_folded`, memberID)
	if err != nil {
		return nil, fmt.Errorf("inbox: member labels: %w", err)
	}
	defer rows.Close()
	out := []Label{}
	for rows.Next() {
		var l Label
		var folded string
		if err := rows.Scan(&l.ID, &l.Name, &l.Color, &folded); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// fillLabels reads a conversation's labels and its contact's.
func fillLabels(ctx context.Context, q db.Execer, c *Conversation) error {
	var err error
	if c.Labels, err = labelsOf(ctx, q, c.ID); err != nil {
		return err
	}
	byContact, err := contactLabelsOf(ctx, q, []string{c.ContactID})
	c.ContactLabels = byContact[c.ContactID]
	if c.ContactLabels == nil {
		c.ContactLabels = []string{}
	}
	return err
}

// contactLabelsOf reads the label ids of contacts, by contact.
func contactLabelsOf(ctx context.Context, q db.Execer, contacts []string) (map[string][]string, error) {
	out := map[string][]string{}
	ids := make([]any, 0, len(contacts))
	for _, c := range contacts {
		if _, ok := out[c]; !ok && c != "" {
			out[c] = nil
			ids = append(ids, c)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT contact_id, label_id FROM inbox_contact_labels WHERE contact_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY added_at`, ids...)
	if err != nil {
		return nil, fmt.Errorf("inbox: labels of contacts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c, l string
		if err := rows.Scan(&c, &l); err != nil {
			return nil, err
		}
		out[c] = append(out[c], l)
	}
	return out, rows.Err()
}
