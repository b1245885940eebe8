package inbox

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// ConversationCustom is the CRM's custom fields of conversations (their
// definitions and values are the CRM's; the hub gives
// crm.ConversationPanel): the console filters by one, and the export
// carries them as columns.
type ConversationCustom interface {
	// CustomCondition is the SQL condition, over the conversation c.id,
	// of the conversations whose field key holds value (read as the
	// field's type); arg binds a value and returns its placeholder.
	CustomCondition(ctx context.Context, key, value string, arg func(any) string) (string, error)
	// CustomColumns are the headers of the conversation fields and each
	// conversation's values as text cells, in the headers' order.
	CustomColumns(ctx context.Context, ids []string) (headers []string, cells map[string][]string, err error)
}

type customBox struct{ c ConversationCustom }

// SetCustom gives the conversations the CRM's custom fields.
func (cv *Conversations) SetCustom(c ConversationCustom) { cv.custom.Store(&customBox{c}) }

// customCondition adds f's custom-field filter to a list's conditions.
func (cv *Conversations) customCondition(ctx context.Context, f ConversationFilter, where []string, args []any) ([]string, []any, error) {
	if f.CustomKey == "" {
		return where, args, nil
	}
	box := cv.custom.Load()
	if box == nil {
		return nil, nil, valid.Errorf("custom."+f.CustomKey, "custom_unknown", "no conversation field has the key %q", f.CustomKey)
	}
	cond, err := box.c.CustomCondition(ctx, f.CustomKey, f.CustomValue, func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	})
	if err != nil {
		return nil, nil, err
	}
	return append(where, cond), args, nil
}

// MaxExportConversations caps one export of conversations.
const MaxExportConversations = 20000

// ExportTable is a conversation list as a table: the standard columns,
// then the conversation fields.
type ExportTable struct {
	Header []string
	Rows   [][]string
}

var exportStatus = map[string]string{StatusWaiting: "ждёт ответа", StatusActive: "в работе", StatusClosed: "закрыт"}

// Export is the conversations of f the caller may see (at most
// MaxExportConversations, newest first) with their custom fields, times in
// zone. Taking them away in a file is audited.
func (cv *Conversations) Export(ctx context.Context, sc access.Scope, f ConversationFilter, format string, zone *time.Location) (ExportTable, error) {
	var all []Conversation
	f.Limit = 500
	for len(all) < MaxExportConversations {
		page, err := cv.List(ctx, sc, f)
		if err != nil {
			return ExportTable{}, err
		}
		all = append(all, page...)
		if len(page) < f.Limit || f.Text != "" { // a text search answers one page
			break
		}
		f.Before = page[len(page)-1].UpdatedAt.UnixMilli()
	}
	ids := make([]string, len(all))
	for i, c := range all {
		ids[i] = c.ID
	}
	t := ExportTable{Header: []string{"Начат", "Обновлён", "Статус", "Канал", "Собеседник", "Адрес", "Тема", "Оценка", "Код"}}
	var cells map[string][]string
	if box := cv.custom.Load(); box != nil {
		h, c, err := box.c.CustomColumns(ctx, ids)
		if err != nil {
			return ExportTable{}, err
		}
		t.Header, cells = append(t.Header, h...), c
	}
	for _, c := range all {
		rating := ""
		if c.Rating > 0 {
			rating = fmt.Sprint(c.Rating)
		}
		row := []string{c.CreatedAt.In(zone).Format("02.01.2006 15:04"), c.UpdatedAt.In(zone).Format("02.01.2006 15:04"), exportStatus[c.Status],
			c.ChannelKind, c.ContactName, c.ExternalChatID, c.Subject, rating, c.ID}
		custom := cells[c.ID]
		if custom == nil {
			custom = make([]string, len(t.Header)-len(row))
		}
		t.Rows = append(t.Rows, append(row, custom...))
	}
	err := cv.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.conversations_export", ObjectType: "inbox_conversations",
			UnitID: sc.UnitID, Details: map[string]any{"format": format, "conversations": len(all), "line_id": f.LineID,
				"custom": strings.TrimSpace(f.CustomKey + " " + f.CustomValue)}})
	})
	return t, err
}
