package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ConversationFields are the custom fields of the entity "conversation"
// that apply to a conversation (by its line's unit) and its values, for
// the console's side panel.
type ConversationFields struct {
	Fields []CustomField  `json:"fields"`
	Values map[string]any `json:"values"`
}

// Fields returns the custom fields and values of a conversation the
// caller may see.
func (s *ConversationPanel) Fields(ctx context.Context, sc access.Scope, convID string) (ConversationFields, error) {
	if s.conv == nil {
		return ConversationFields{}, errNoInbox
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return ConversationFields{}, err
	}
	defs, path, err := s.conversationDefs(ctx, s.db, conv.UnitID)
	if err != nil {
		return ConversationFields{}, err
	}
	values, err := conversationValues(ctx, s.db, convID)
	if err != nil {
		return ConversationFields{}, err
	}
	return ConversationFields{Fields: applying(defs, path), Values: values}, nil
}

// SetFields changes a conversation's custom values: values names the
// fields to change (null or "" clears one; fields not named keep their
// values). Each is checked as on a card — its type, its choices — and
// a required field left empty is refused, naming the field. The change
// is audited.
func (s *ConversationPanel) SetFields(ctx context.Context, sc access.Scope, convID string, values map[string]any) (ConversationFields, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return ConversationFields{}, err
	}
	if s.conv == nil {
		return ConversationFields{}, errNoInbox
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return ConversationFields{}, err
	}
	var out ConversationFields
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		defs, path, err := s.conversationDefs(ctx, tx, conv.UnitID)
		if err != nil {
			return err
		}
		old, err := conversationValues(ctx, tx, convID)
		if err != nil {
			return err
		}
		merged := maps.Clone(old)
		for k, v := range values {
			if v == nil || v == "" {
				delete(merged, k)
			} else {
				merged[k] = v
			}
		}
		checked, err := checkCustom(defs, path, merged, true)
		if err != nil {
			return err
		}
		var changed []string
		for _, k := range slices.Sorted(maps.Keys(values)) {
			if fmt.Sprint(old[k]) != fmt.Sprint(checked[k]) {
				changed = append(changed, k)
			}
		}
		out = ConversationFields{Fields: applying(defs, path), Values: checked}
		if len(changed) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_conversation_custom (conversation_id, custom, updated_by, updated_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (conversation_id) DO UPDATE SET custom = excluded.custom, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			convID, customJSON(checked), sc.UserID, db.Now()); err != nil {
			return fmt.Errorf("crm: conversation fields: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "conversation.fields", ObjectType: "conversation", ObjectID: convID,
			UnitID: conv.UnitID, Details: map[string]any{"changed": changed}})
	})
	return out, err
}

// conversationDefs loads the conversation fields and the path of the
// conversation's unit (the inbox has already checked the caller may see
// the conversation).
func (s *ConversationPanel) conversationDefs(ctx context.Context, q db.Execer, unitID string) ([]CustomField, string, error) {
	defs, err := loadCustomFields(ctx, q, EntityConversation)
	if err != nil {
		return nil, "", err
	}
	var path string
	if err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, unitID).Scan(&path); err != nil {
		return nil, "", fmt.Errorf("crm: conversation unit: %w", err)
	}
	return defs, path, nil
}

func conversationValues(ctx context.Context, q db.Execer, convID string) (map[string]any, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT custom FROM crm_conversation_custom WHERE conversation_id = $1`, convID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return map[string]any{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("crm: conversation fields: %w", err)
	}
	values := map[string]any{}
	if err := json.Unmarshal([]byte(raw), &values); err != nil {
		return nil, fmt.Errorf("crm: conversation %s: stored fields: %w", convID, err)
	}
	return values, nil
}

// applying keeps the fields that apply to a card of the unit at path.
func applying(defs []CustomField, path string) []CustomField {
	out := []CustomField{}
	for _, f := range defs {
		if f.appliesTo(path) {
			out = append(out, f)
		}
	}
	return out
}

// CustomCondition is the inbox's filter of conversations by a
// conversation field (inbox.ConversationCustom): the SQL condition over
// the conversation c.id.
func (s *ConversationPanel) CustomCondition(ctx context.Context, key, value string, arg func(any) string) (string, error) {
	cond, err := customMatch(ctx, s.db, EntityConversation, "cc.custom", key, value, arg)
	if err != nil {
		return "", err
	}
	return `c.id IN (SELECT cc.conversation_id FROM crm_conversation_custom cc WHERE ` + cond + `)`, nil
}

// CustomColumns are the conversation fields (not retired) as export
// columns and the values of the conversations ids as text cells, as the
// member export writes them.
func (s *ConversationPanel) CustomColumns(ctx context.Context, ids []string) ([]string, map[string][]string, error) {
	defs, err := loadCustomFields(ctx, s.db, EntityConversation)
	if err != nil {
		return nil, nil, err
	}
	var fields []CustomField
	var headers []string
	for _, f := range defs {
		if !f.Retired {
			fields = append(fields, f)
			headers = append(headers, f.Label)
		}
	}
	cells := map[string][]string{}
	if len(fields) == 0 {
		return headers, cells, nil
	}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		marks := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			marks[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err := s.db.QueryContext(ctx, `SELECT conversation_id, custom FROM crm_conversation_custom WHERE conversation_id IN (`+
			strings.Join(marks, ",")+`)`, args...)
		if err != nil {
			return nil, nil, fmt.Errorf("crm: conversation fields: %w", err)
		}
		for rows.Next() {
			var id, raw string
			if err := rows.Scan(&id, &raw); err != nil {
				rows.Close()
				return nil, nil, fmt.Errorf("crm: conversation fields: %w", err)
			}
			values := map[string]any{}
			_ = json.Unmarshal([]byte(raw), &values)
			cells[id] = customCells(values, fields)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return headers, cells, nil
}
