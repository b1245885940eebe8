package workflow

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Journal reads the registry journal: documents by filter, a document's
// related ones, the XLSX export (export.go) and a member's documents
// (links.go).
type Journal struct{ *core }

// JournalFilter narrows a registry journal. Zero fields do not filter.
type JournalFilter struct {
	Kind          Kind   `json:"kind"`
	From, To      string // registration dates, YYYY-MM-DD, inclusive
	Correspondent string // part of the sender's or recipient's name (folded)
	Executor      string // user id holding (or having held) a task
	Status        Status
	Overdue       bool
	Query         string // number, title, summary, correspondent
	MemberID      string // documents linked to this member
	Limit, Offset int
}

// JournalPage is one page of a journal and the number of all matches.
type JournalPage struct {
	Documents []Document `json:"documents"`
	Total     int        `json:"total"`
}

func dayStart(day string) int64 {
	t, _ := time.ParseInLocation(time.DateOnly, day, Zone())
	return t.UnixMilli()
}

// Journal lists documents sc may see, urgent and nearest deadlines first.
func (s *Journal) Journal(ctx context.Context, sc access.Scope, f JournalFilter) (JournalPage, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	if err := checkDate(f.From, "from"); err != nil {
		return JournalPage{}, err
	}
	if err := checkDate(f.To, "to"); err != nil {
		return JournalPage{}, err
	}
	if f.Status != "" && f.Status != StatusActive && f.Status != StatusClosed && f.Status != StatusRejected {
		return JournalPage{}, valid.Errorf("status", "doc_status", "status must be active, closed or rejected")
	}
	var from, to int64
	if f.From != "" {
		from = dayStart(f.From)
	}
	if f.To != "" {
		to = deadlineMillis(f.To)
	}
	now := s.nowMillis()
	overdue := 0
	if f.Overdue {
		overdue = 1
	}
	cond, args := visible(sc, 1)
	args = append(args, string(f.Kind), from, to, "%"+db.EscapeLike(norm.Fold(f.Correspondent))+"%", f.Executor, string(f.Status),
		overdue, now, "%"+db.EscapeLike(norm.Fold(f.Query))+"%", f.MemberID)
	p := func(i int) string { return "$" + strconv.Itoa(i) }
	// The date bounds are compared with a BIGINT zero: PostgreSQL types a
	// parameter by its first use, and a bare 0 would make it int4.
	where := ` WHERE ` + cond + `
		AND (` + p(5) + ` = '' OR d.kind = ` + p(5) + `)
		AND (` + p(6) + ` = CAST(0 AS BIGINT) OR d.created_at >= ` + p(6) + `)
		AND (` + p(7) + ` = CAST(0 AS BIGINT) OR d.created_at <= ` + p(7) + `)
		AND d.correspondent_folded LIKE ` + p(8) + ` ESCAPE '\'
		AND (` + p(9) + ` = '' OR EXISTS (SELECT 1 FROM wf_tasks et WHERE et.document_id = d.id AND et.assignee_id = ` + p(9) + `))
		AND (` + p(10) + ` = '' OR d.status = ` + p(10) + `)
		AND (` + p(11) + ` = 0 OR (d.status = 'active' AND d.deadline > 0 AND d.deadline < ` + p(12) + `))
		AND d.search_folded LIKE ` + p(13) + ` ESCAPE '\'
		AND (` + p(14) + ` = '' OR d.member_id = ` + p(14) + `)`
	var page JournalPage
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+docFrom+where, args...).Scan(&page.Total); err != nil {
		return page, fmt.Errorf("workflow: journal: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+docFrom+where+`
		ORDER BY CASE WHEN d.status = 'active' THEN 0 ELSE 1 END, d.priority DESC,
			CASE WHEN d.deadline = 0 THEN 1 ELSE 0 END, d.deadline, d.created_at DESC, d.id
		LIMIT `+p(15)+` OFFSET `+p(16), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return page, fmt.Errorf("workflow: journal: %w", err)
	}
	defer rows.Close()
	page.Documents = []Document{}
	for rows.Next() {
		d, err := scanDocument(rows, now)
		if err != nil {
			return page, err
		}
		page.Documents = append(page.Documents, d)
	}
	if err := rows.Err(); err != nil {
		return page, err
	}
	s.nameSteps(ctx, page.Documents)
	return page, nil
}

// nameSteps fills in the step names from each document's own version of
// its process.
func (s *Journal) nameSteps(ctx context.Context, docs []Document) {
	defs := map[string]*Definition{}
	for i := range docs {
		key := docs[i].ProcessID + "\x00" + strconv.Itoa(docs[i].ProcessVersion)
		def, ok := defs[key]
		if !ok {
			def, _ = loadDefinition(ctx, s.db, docs[i].ProcessID, docs[i].ProcessVersion)
			defs[key] = def
		}
		if def != nil {
			if st := def.step(docs[i].Step); st != nil {
				docs[i].StepName = st.Name
			}
		}
	}
}

// Related returns the documents linked with doc either way that sc sees.
func (s *Journal) Related(ctx context.Context, sc access.Scope, doc Document) ([]Document, error) {
	cond, args := visible(sc, 3)
	rows, err := s.db.QueryContext(ctx, `SELECT `+docColumns+docFrom+` WHERE (d.related_id = $1 OR d.id = $2) AND d.id <> $1 AND `+cond+
		` ORDER BY d.created_at`, append([]any{doc.ID, doc.RelatedID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("workflow: related: %w", err)
	}
	defer rows.Close()
	out := []Document{}
	for rows.Next() {
		d, err := scanDocument(rows, s.nowMillis())
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	s.nameSteps(ctx, out)
	return out, nil
}
