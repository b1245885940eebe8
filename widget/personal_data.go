package widget

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the site widget keeps about a member (152-FZ;
// package privacy drives the report and the erasure): the visitor rows
// of the member's conversations, with the name and contact typed in.
type PersonalData struct{}

// visitorsOf are the visitors whose conversation is the member's.
const visitorsOf = `SELECT v.id FROM widget_visitors v JOIN inbox_conversations cv ON cv.id = v.conversation_id
	JOIN inbox_contacts c ON c.id = cv.contact_id WHERE c.member_id = $1`

// Tables are the widget's tables with a member's rows.
func (PersonalData) Tables() []string {
	return []string{"widget_visitors", "widget_uploads", "widget_mail_letters"}
}

// Collect lists the widget visits.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	s := pdata.Sheet{Title: "Чат на сайте", Columns: []string{"Имя", "Контакт", "Тема", "Согласие дано", "Первый визит"}, Times: []int{3, 4}}
	var err error
	if s.Rows, err = pdata.Rows(ctx, q, `SELECT name, contact, topic, consent_at, created_at FROM widget_visitors WHERE id IN (`+visitorsOf+`)`, memberID); err != nil {
		return nil, fmt.Errorf("widget: visitors of %s: %w", memberID, err)
	}
	return []pdata.Sheet{s}, nil
}

// Erase blanks the visitors' names and contacts, revokes their tokens
// and deletes their uploads.
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	rows, err := pdata.Rows(ctx, tx, `SELECT contact FROM widget_visitors WHERE id IN (`+visitorsOf+`)`, e.MemberID)
	if err != nil {
		return fmt.Errorf("widget: erase %s: %w", e.MemberID, err)
	}
	for _, r := range rows {
		e.Trace(r[0])
	}
	keys, err := pdata.Strings(ctx, tx, `SELECT blob_key FROM widget_uploads WHERE visitor_id IN (`+visitorsOf+`)`, e.MemberID)
	if err != nil {
		return fmt.Errorf("widget: erase %s: %w", e.MemberID, err)
	}
	e.Blob(keys...)
	now := db.Now()
	for _, q := range []string{
		`DELETE FROM widget_uploads WHERE visitor_id IN (` + visitorsOf + `)`,
		`DELETE FROM widget_mail_letters WHERE visitor_id IN (` + visitorsOf + `)`,
		`UPDATE widget_visitors SET name = '', contact = '', topic = '', token_hash = '', revoked_at = $2, updated_at = $2 WHERE id IN (` + visitorsOf + `)`,
	} {
		n, err := pdata.Exec(ctx, tx, q, e.MemberID, now)
		if err != nil {
			return fmt.Errorf("widget: erase %s: %w", e.MemberID, err)
		}
		e.Count("widget", n)
	}
	return nil
}

// Expire blanks visitors older than the retention period
// (pdata.WidgetVisitors) who never became members: their names and
// contacts, and their uploads. A visitor whose conversation is under a
// hold stays.
func (PersonalData) Expire(ctx context.Context, tx db.Execer, x *pdata.Expiry) error {
	if x.Kind != pdata.WidgetVisitors {
		return nil
	}
	ids, err := pdata.Strings(ctx, tx, `SELECT v.id FROM widget_visitors v
		WHERE v.created_at < $1 AND (v.name <> '' OR v.contact <> '' OR v.topic <> '')
		  AND NOT EXISTS (SELECT 1 FROM inbox_conversations cv JOIN inbox_contacts c ON c.id = cv.contact_id
		                  WHERE cv.id = v.conversation_id AND (c.member_id <> '' OR `+pdata.HeldSQL("conversation", "cv.id")+`))
		LIMIT 5000`, x.Before)
	if err != nil {
		return fmt.Errorf("widget: expire visitors: %w", err)
	}
	for _, id := range ids {
		keys, err := pdata.Strings(ctx, tx, `SELECT blob_key FROM widget_uploads WHERE visitor_id = $1`, id)
		if err != nil {
			return fmt.Errorf("widget: expire visitor %s: %w", id, err)
		}
		x.Blobs = append(x.Blobs, keys...)
		for _, q := range []string{`DELETE FROM widget_uploads WHERE visitor_id = $1`,
			`UPDATE widget_visitors SET name = '', contact = '', topic = '', updated_at = $2 WHERE id = $1`} {
			if _, err := pdata.Exec(ctx, tx, q, id, db.Now()); err != nil {
				return fmt.Errorf("widget: expire visitor %s: %w", id, err)
			}
		}
	}
	x.Done += int64(len(ids))
	return nil
}
