package mail

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the mail connector keeps about a member (152-FZ;
// package privacy drives the report and the erasure): the letters of the
// member's conversations, by address and subject.
type PersonalData struct{}

const lettersOf = `SELECT cv.id FROM inbox_conversations cv JOIN inbox_contacts c ON c.id = cv.contact_id WHERE c.member_id = $1`

// Tables are the mail connector's tables with a member's rows.
func (PersonalData) Tables() []string { return []string{"mail_letters"} }

// Collect lists the letters.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	s := pdata.Sheet{Title: "Письма", Columns: []string{"Направление", "Адрес", "Тема", "Когда"}, Times: []int{3}}
	var err error
	if s.Rows, err = pdata.Rows(ctx, q, `SELECT direction, address, subject, created_at FROM mail_letters
		WHERE conversation_id IN (`+lettersOf+`) ORDER BY created_at`, memberID); err != nil {
		return nil, fmt.Errorf("mail: letters of %s: %w", memberID, err)
	}
	return []pdata.Sheet{s}, nil
}

// Erase blanks the letters' addresses and subjects; the rows stay, so a
// letter fetched again is known and not taken for a new one.
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	res, err := tx.ExecContext(ctx, `UPDATE mail_letters SET address = '', subject = '', bounce = '' WHERE conversation_id IN (`+lettersOf+`)`, e.MemberID)
	if err != nil {
		return fmt.Errorf("mail: erase %s: %w", e.MemberID, err)
	}
	n, _ := res.RowsAffected()
	e.Count("letters", n)
	return nil
}
