package mailing

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the mailings keep about a member (152-FZ; package
// privacy drives the report and the erasure): the campaigns they were
// sent with each delivery's status, and imported lists holding their
// addresses.
type PersonalData struct{}

// Tables are the mailings' tables with a member's rows.
func (PersonalData) Tables() []string { return []string{"mailing_recipients", "mailing_list_entries"} }

// Collect lists the campaigns the member was in and what became of each.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	s := pdata.Sheet{Title: "Рассылки", Columns: []string{"Рассылка", "Канал", "Адрес", "Статус доставки", "Причина", "Когда"}, Times: []int{5}}
	var err error
	if s.Rows, err = pdata.Rows(ctx, q, `
		SELECT c.name, r.channel, r.address, r.status, r.reason, r.updated_at
		FROM mailing_recipients r JOIN mailing_campaigns c ON c.id = r.campaign_id
		WHERE r.member_id = $1 ORDER BY r.updated_at`, memberID); err != nil {
		return nil, fmt.Errorf("mailing: recipients of %s: %w", memberID, err)
	}
	return []pdata.Sheet{s}, nil
}

// Erase replaces the member's addresses in the campaigns' ledgers (the
// rows stay for the counts; a pending one is skipped) and deletes list
// entries with their phones or e-mails (e.Traces, found by the CRM).
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	addrs, err := pdata.Strings(ctx, tx, `SELECT address FROM mailing_recipients WHERE member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("mailing: erase %s: %w", e.MemberID, err)
	}
	e.Trace(addrs...)
	res, err := tx.ExecContext(ctx, `UPDATE mailing_recipients SET address = 'erased:' || campaign_id || ':' || CAST(seq AS TEXT), vars = '{}',
		status = CASE WHEN status = 'pending' THEN 'skipped' ELSE status END,
		reason = CASE WHEN status = 'pending' THEN 'erased' ELSE reason END, updated_at = $2 WHERE member_id = $1`, e.MemberID, db.Now())
	if err != nil {
		return fmt.Errorf("mailing: erase %s: %w", e.MemberID, err)
	}
	n, _ := res.RowsAffected()
	e.Count("mailing_recipients", n)
	for _, a := range e.Traces {
		res, err := tx.ExecContext(ctx, `DELETE FROM mailing_list_entries WHERE email = $1 OR phone = $1`, a)
		if err != nil {
			return fmt.Errorf("mailing: erase list entries of %s: %w", e.MemberID, err)
		}
		n, _ := res.RowsAffected()
		e.Count("mailing_list_entries", n)
	}
	return nil
}
