package chat

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

const messageSelect = `SELECT m.id, m.chat_id, m.num, m.sender_id, us.full_name, m.body, m.reply_to, m.link_kind, m.link_id,
	m.files, m.mentions, m.created_at, m.edited_at, m.deleted_at,
	COALESCE(r.num, 0), COALESCE(ru.full_name, ''), COALESCE(r.body, ''), COALESCE(r.deleted_at, 0)
	FROM chat_messages m JOIN users us ON us.id = m.sender_id
	LEFT JOIN chat_messages r ON r.id = m.reply_to LEFT JOIN users ru ON ru.id = r.sender_id `

// row is a stored message before it is rendered for a reader.
type row struct {
	Message
	replyID, linkKind, linkID, mentions string
}

func scanMessage(rs interface{ Scan(...any) error }) (row, error) {
	var m row
	var files string
	var created, edited, deleted, rNum, rDeleted int64
	var rFrom, rBody string
	err := rs.Scan(&m.ID, &m.ChatID, &m.Num, &m.SenderID, &m.From, &m.Text, &m.replyID, &m.linkKind, &m.linkID,
		&files, &m.mentions, &created, &edited, &deleted, &rNum, &rFrom, &rBody, &rDeleted)
	if err != nil {
		return m, err
	}
	m.At = db.Time(created)
	if edited > 0 {
		m.EditedAt = db.Time(edited)
	}
	m.Deleted = deleted > 0
	m.Files = []File{}
	_ = json.Unmarshal([]byte(files), &m.Files)
	if rNum > 0 {
		m.ReplyTo = &Quote{ID: m.replyID, Num: rNum, From: rFrom, Text: snippet(rBody, 120), Deleted: rDeleted > 0}
	}
	return m, nil
}

// render fills what depends on the reader: the link card's title (only
// if they may see the thing) and the mentioned people's names.
func (s *Service) render(ctx context.Context, sc access.Scope, m row) Message {
	out := m.Message
	out.Mentions = []Member{}
	if out.Deleted {
		out.Text, out.Files = "", []File{}
		return out
	}
	var ids []string
	_ = json.Unmarshal([]byte(m.mentions), &ids)
	for _, id := range ids {
		out.Mentions = append(out.Mentions, Member{ID: id, Name: s.nameOf(ctx, id)})
	}
	if m.linkKind != "" {
		l := &Link{Kind: m.linkKind, ID: m.linkID}
		if s.deps.Links != nil {
			if t, href, err := s.deps.Links.LinkTitle(ctx, sc, m.linkKind, m.linkID); err == nil {
				l.Title, l.Href, l.Visible = t, href, true
			}
		}
		out.Link = l
	}
	return out
}

// message is one message as the caller reads it (no membership check:
// the callers have made it).
func (s *Service) message(ctx context.Context, sc access.Scope, id string) (Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, messageSelect+`WHERE m.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Message{}, fmt.Errorf("chat message %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return Message{}, fmt.Errorf("chat: message: %w", err)
	}
	return s.render(ctx, sc, m), nil
}

// Messages are a page of a chat's history, oldest first: the latest ones,
// or those before the message numbered before.
func (s *Service) Messages(ctx context.Context, sc access.Scope, chatID string, before int64) ([]Message, error) {
	c, err := s.open(ctx, sc, chatID)
	if err != nil {
		return nil, err
	}
	if before <= 0 {
		before = c.LastNum + 1
	}
	rows, err := s.db.QueryContext(ctx, messageSelect+`WHERE m.chat_id = $1 AND m.num < $2 ORDER BY m.num DESC LIMIT $3`,
		c.ID, before, pageSize)
	if err != nil {
		return nil, fmt.Errorf("chat: history: %w", err)
	}
	defer rows.Close()
	var raw []row
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("chat: history: %w", err)
		}
		raw = append(raw, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	out := make([]Message, len(raw))
	for i, m := range raw {
		out[len(raw)-1-i] = s.render(ctx, sc, m) // oldest first
	}
	return out, nil
}

// own is a message of the caller's, in a chat they are still in; another's
// message is not theirs to change.
func (s *Service) own(ctx context.Context, sc access.Scope, id string) (chatRow, string, error) {
	var chatID, sender string
	var deleted int64
	err := s.db.QueryRowContext(ctx, `SELECT chat_id, sender_id, deleted_at FROM chat_messages WHERE id = $1`, id).Scan(&chatID, &sender, &deleted)
	if errors.Is(err, sql.ErrNoRows) {
		return chatRow{}, "", fmt.Errorf("chat message %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return chatRow{}, "", fmt.Errorf("chat: message: %w", err)
	}
	c, err := s.open(ctx, sc, chatID)
	if err != nil {
		return c, "", err
	}
	if sender != sc.UserID {
		return c, "", valid.Refuse(access.ErrForbidden, "chat_not_yours", "only its author changes a message")
	}
	if deleted > 0 {
		return c, "", valid.Refuse(db.ErrConflict, "chat_deleted", "the message is deleted")
	}
	return c, chatID, nil
}

// Edit replaces the text of the caller's message; readers see it marked
// as edited. The people it mentioned are not told again.
func (s *Service) Edit(ctx context.Context, sc access.Scope, id, text string) (Message, error) {
	c, _, err := s.own(ctx, sc, id)
	if err != nil {
		return Message{}, err
	}
	text = strings.TrimSpace(text)
	if utf8.RuneCountInString(text) > MaxTextRunes {
		return Message{}, valid.Keyed("text", "chat_long", "chat_long", "the message is longer than %d characters", MaxTextRunes)
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var files, link string
		if err := tx.QueryRowContext(ctx, `SELECT files, link_kind FROM chat_messages WHERE id = $1`, id).Scan(&files, &link); err != nil {
			return err
		}
		if text == "" && link == "" && (files == "[]" || files == "") {
			return valid.Keyed("text", "chat_empty", "chat_empty", "the message is empty")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chat_messages SET body = $2, search_text = $3, edited_at = $4 WHERE id = $1`,
			id, text, norm.Fold(text), db.Now()); err != nil {
			return err
		}
		_, err := logEvent(ctx, tx, c.ID, EvEdited, id, sc.UserID)
		return err
	})
	if err != nil {
		if valid.Is(err) {
			return Message{}, err
		}
		return Message{}, fmt.Errorf("chat: edit: %w", err)
	}
	s.relay.committed(ctx)
	return s.message(ctx, sc, id)
}

// Delete removes the caller's message: its text, files and link go, the
// row stays so readers see "сообщение удалено" where it was.
func (s *Service) Delete(ctx context.Context, sc access.Scope, id string) (Message, error) {
	c, _, err := s.own(ctx, sc, id)
	if err != nil {
		return Message{}, err
	}
	var files []File
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var raw string
		if err := tx.QueryRowContext(ctx, `SELECT files FROM chat_messages WHERE id = $1`, id).Scan(&raw); err != nil {
			return err
		}
		_ = json.Unmarshal([]byte(raw), &files)
		if _, err := tx.ExecContext(ctx, `UPDATE chat_messages SET body = '', search_text = '', files = '[]', link_kind = '',
			link_id = '', mentions = '[]', deleted_at = $2 WHERE id = $1`, id, db.Now()); err != nil {
			return err
		}
		for _, f := range files {
			if _, err := tx.ExecContext(ctx, `DELETE FROM chat_files WHERE blob_key = $1`, f.Key); err != nil {
				return err
			}
		}
		_, err := logEvent(ctx, tx, c.ID, EvDeleted, id, sc.UserID)
		return err
	})
	if err != nil {
		return Message{}, fmt.Errorf("chat: delete: %w", err)
	}
	for _, f := range files {
		if err := s.blobs.Delete(ctx, f.Key); err != nil {
			s.log.Warn("deleted message's file left in the blob store", "key", f.Key, "err", err)
		}
	}
	s.relay.committed(ctx)
	return s.message(ctx, sc, id)
}
