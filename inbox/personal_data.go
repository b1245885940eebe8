package inbox

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the inbox keeps about a member (152-FZ; package
// privacy drives the report and the erasure): the contacts linked to the
// card with their channels' identities, the conversations and their
// messages and files, and the search index of those messages.
type PersonalData struct{ Dialect db.Dialect }

// Tables are the inbox's tables with a member's rows.
func (PersonalData) Tables() []string {
	return []string{"inbox_contacts", "inbox_identities", "inbox_conversations", "inbox_messages", "inbox_attachments",
		"inbox_search_docs", "inbox_events"}
}

// memberConversations is the member's conversations, for IN (…).
const memberConversations = `SELECT cv.id FROM inbox_conversations cv JOIN inbox_contacts c ON c.id = cv.contact_id WHERE c.member_id = $1`

// Collect returns the member's channels, conversations and messages.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	chans := pdata.Sheet{Title: "Каналы и привязанные чаты", Columns: []string{"Контакт", "Телефон", "Эл. почта", "Канал", "Идентификатор", "Отображаемое имя", "С"}, Times: []int{6}}
	var err error
	if chans.Rows, err = pdata.Rows(ctx, q, `
		SELECT c.name, c.phone, c.email, i.namespace, i.external_id, i.display, i.created_at
		FROM inbox_contacts c JOIN inbox_identities i ON i.contact_id = c.id
		WHERE c.member_id = $1 ORDER BY i.created_at`, memberID); err != nil {
		return nil, fmt.Errorf("inbox: channels of %s: %w", memberID, err)
	}
	convs := pdata.Sheet{Title: "Диалоги", Columns: []string{"Диалог", "Канал", "Тема", "Статус", "Оценка", "Отзыв", "Начат", "Закрыт"}, Times: []int{6, 7}}
	if convs.Rows, err = pdata.Rows(ctx, q, `
		SELECT cv.id, ch.name, cv.subject, cv.status, cv.rating, cv.rating_comment, cv.created_at, cv.closed_at
		FROM inbox_conversations cv JOIN inbox_channels ch ON ch.id = cv.channel_id
		WHERE cv.id IN (`+memberConversations+`) ORDER BY cv.created_at`, memberID); err != nil {
		return nil, fmt.Errorf("inbox: conversations of %s: %w", memberID, err)
	}
	msgs := pdata.Sheet{Title: "Сообщения", Columns: []string{"Диалог", "Направление", "Текст", "Вложения", "Статус", "Когда"}, Times: []int{5}}
	rows, err := pdata.Rows(ctx, q, `
		SELECT m.conversation_id, m.direction, m.text, m.attachments, m.status, m.created_at
		FROM inbox_messages m WHERE m.conversation_id IN (`+memberConversations+`) ORDER BY m.conversation_id, m.seq`, memberID)
	if err != nil {
		return nil, fmt.Errorf("inbox: messages of %s: %w", memberID, err)
	}
	for _, r := range rows {
		var atts []Attachment
		_ = json.Unmarshal([]byte(r[3]), &atts)
		names := ""
		for i, a := range atts {
			if i > 0 {
				names += ", "
			}
			names += a.Name
		}
		dir := "от участника"
		if r[1] == "out" {
			dir = "участнику"
		}
		msgs.Add(r[0], dir, r[2], names, r[4], r[5])
	}
	return []pdata.Sheet{chans, convs, msgs}, nil
}

// Erase empties the member's messages, deletes their files (after the
// commit) and search entries, blanks the contacts' addresses and names
// (the pseudonym stays) and drops the identities, so a new message from
// the same chat starts a contact of its own. Conversation rows stay, for
// the statistics, without their subjects and reviews.
func (p PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	convs, err := pdata.Strings(ctx, tx, memberConversations, e.MemberID)
	if err != nil {
		return fmt.Errorf("inbox: erase %s: %w", e.MemberID, err)
	}
	e.Trace(convs...)
	ids, err := pdata.Rows(ctx, tx, `SELECT c.id, c.phone, c.email, COALESCE(i.external_id, '') FROM inbox_contacts c
		LEFT JOIN inbox_identities i ON i.contact_id = c.id WHERE c.member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("inbox: erase %s: %w", e.MemberID, err)
	}
	for _, r := range ids {
		e.Trace(r[1], r[2], r[3])
	}
	if err := p.scrubConversations(ctx, tx, memberConversations, []any{e.MemberID}, e.Blob, e.Count); err != nil {
		return fmt.Errorf("inbox: erase %s: %w", e.MemberID, err)
	}
	now := db.Now()
	steps := []struct{ name, q string }{
		// Open ones close: nobody is to answer an erased person, and the
		// queue rebuilt from SQL must not take them back.
		{"conversations_closed", `UPDATE inbox_conversations SET external_chat_id = '', status = CASE WHEN status = 'closed' THEN status ELSE 'closed' END,
			closed_at = CASE WHEN closed_at = 0 THEN $3 ELSE closed_at END, updated_at = $3 WHERE $2 <> '' AND id IN (` + memberConversations + `)`},
		{"identities", `DELETE FROM inbox_identities WHERE contact_id IN (SELECT id FROM inbox_contacts WHERE member_id = $1)`},
		{"contacts", `UPDATE inbox_contacts SET name = $2, name_folded = '', phone = '', email = '', updated_at = $3 WHERE member_id = $1`},
	}
	for _, s := range steps {
		n, err := pdata.Exec(ctx, tx, s.q, e.MemberID, e.Pseudonym, now)
		if err != nil {
			return fmt.Errorf("inbox: erase %s of %s: %w", s.name, e.MemberID, err)
		}
		e.Count(s.name, n)
	}
	return nil
}

// expiredConversations are closed conversations past the period, not
// under a hold (of their own or their member's) and not emptied yet.
const expiredConversations = `SELECT cv.id FROM inbox_conversations cv JOIN inbox_contacts c ON c.id = cv.contact_id
	WHERE cv.status = 'closed' AND cv.closed_at > 0 AND cv.closed_at < $1
	  AND NOT ` + "%s" + ` AND NOT (c.member_id <> '' AND ` + "%s" + `)
	  AND (cv.subject <> '' OR EXISTS (SELECT 1 FROM inbox_messages m WHERE m.conversation_id = cv.id AND (m.text <> '' OR m.attachments <> '[]')))
	LIMIT 5000`

// Expire empties closed conversations older than the retention period
// (pdata.ClosedConversations): their messages, files and search entries.
func (p PersonalData) Expire(ctx context.Context, tx db.Execer, x *pdata.Expiry) error {
	if x.Kind != pdata.ClosedConversations {
		return nil
	}
	sub := fmt.Sprintf(expiredConversations, pdata.HeldSQL("conversation", "cv.id"), pdata.HeldSQL("member", "c.member_id"))
	ids, err := pdata.Strings(ctx, tx, sub, x.Before)
	if err != nil {
		return fmt.Errorf("inbox: expire conversations: %w", err)
	}
	for _, id := range ids {
		err := p.scrubConversations(ctx, tx, `SELECT CAST($1 AS TEXT)`, []any{id}, func(keys ...string) { x.Blobs = append(x.Blobs, keys...) }, func(string, int64) {})
		if err != nil {
			return fmt.Errorf("inbox: expire conversation %s: %w", id, err)
		}
	}
	x.Done += int64(len(ids))
	return nil
}

// scrubConversations empties the conversations that the subquery sub
// (with args from $1) selects: files, search entries, texts, events.
func (p PersonalData) scrubConversations(ctx context.Context, tx db.Execer, sub string, args []any, blobs func(...string), count func(string, int64)) error {
	keys, err := pdata.Strings(ctx, tx, `SELECT blob_key FROM inbox_attachments WHERE conversation_id IN (`+sub+`)`, args...)
	if err != nil {
		return err
	}
	blobs(keys...)
	atts, err := pdata.Strings(ctx, tx, `SELECT attachments FROM inbox_messages WHERE attachments <> '[]' AND conversation_id IN (`+sub+`)`, args...)
	if err != nil {
		return err
	}
	for _, s := range atts {
		var list []Attachment
		_ = json.Unmarshal([]byte(s), &list)
		for _, a := range list {
			blobs(a.BlobKey)
		}
	}
	if err := p.eraseSearch(ctx, tx, sub, args, count); err != nil {
		return err
	}
	n := len(args)
	now := fmt.Sprintf("$%d", n+1)
	steps := []struct{ name, q string }{
		{"attachments", `DELETE FROM inbox_attachments WHERE conversation_id IN (` + sub + `)`},
		{"messages", `UPDATE inbox_messages SET text = '', attachments = '[]', status_reason = '', updated_at = ` + now + ` WHERE conversation_id IN (` + sub + `)`},
		{"events", `UPDATE inbox_events SET payload = '{}' WHERE conversation_id IN (` + sub + `)`},
		{"conversations", `UPDATE inbox_conversations SET subject = '', subject_folded = '', rating_comment = '', updated_at = ` + now + ` WHERE id IN (` + sub + `)`},
	}
	for _, s := range steps {
		c, err := pdata.Exec(ctx, tx, s.q, append(append([]any{}, args...), db.Now())...)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		count(s.name, c)
	}
	return nil
}

// eraseSearch takes the conversations' messages out of the search index.
// The SQLite index keeps no content: its rows are deleted with the stems
// they were made of, made again from the texts before those are erased.
func (p PersonalData) eraseSearch(ctx context.Context, tx db.Execer, sub string, args []any, count func(string, int64)) error {
	if p.Dialect != db.Postgres {
		rows, err := pdata.Rows(ctx, tx, `SELECT d.id, m.text FROM inbox_search_docs d JOIN inbox_messages m ON m.id = d.message_id
			WHERE d.conversation_id IN (`+sub+`)`, args...)
		if err != nil {
			return fmt.Errorf("search: %w", err)
		}
		for _, r := range rows {
			id, _ := strconv.ParseInt(r[0], 10, 64)
			if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_search (inbox_search, rowid, terms) VALUES ('delete', $1, $2)`,
				id, searchTerms(r[1])); err != nil {
				return fmt.Errorf("search: %w", err)
			}
		}
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM inbox_search_docs WHERE conversation_id IN (`+sub+`)`, args...)
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	n, _ := res.RowsAffected()
	count("search_entries", n)
	return nil
}
