package workflow

import (
	"context"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the document workflow keeps about a member
// (152-FZ; package privacy drives the report and the erasure): the
// documents linked to their card. Documents are archive records: an
// erasure keeps them and replaces the person (the correspondent) with
// the pseudonym; their files stay, as registered.
type PersonalData struct{}

// Tables are the workflow's tables with a member's rows.
func (PersonalData) Tables() []string { return []string{"wf_documents"} }

// Collect lists the documents naming the member.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	s := pdata.Sheet{Title: "Документы", Columns: []string{"Номер", "Вид", "Заголовок", "Корреспондент", "Краткое содержание", "Статус", "Зарегистрирован"}, Times: []int{6}}
	var err error
	if s.Rows, err = pdata.Rows(ctx, q, `SELECT number, kind, title, correspondent, summary, status, created_at
		FROM wf_documents WHERE member_id = $1 ORDER BY created_at`, memberID); err != nil {
		return nil, fmt.Errorf("workflow: documents of %s: %w", memberID, err)
	}
	return []pdata.Sheet{s}, nil
}

// Erase replaces the correspondent of the member's documents with the
// pseudonym.
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	res, err := tx.ExecContext(ctx, `UPDATE wf_documents SET correspondent = $2, correspondent_folded = $3, search_folded = $3 || ' ' || number, updated_at = $4
		WHERE member_id = $1`, e.MemberID, e.Pseudonym, strings.ToLower(e.Pseudonym), db.Now())
	if err != nil {
		return fmt.Errorf("workflow: erase %s: %w", e.MemberID, err)
	}
	n, _ := res.RowsAffected()
	e.Count("documents", n)
	return nil
}
