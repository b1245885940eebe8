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
	t, _ := time.ParseInLocation(time.DateOnly, day, Moscow)
	return t.UnixMilli()
}

// Journal lists documents sc may see, urgent and nearest deadlines first.
func (s *Store) Journal(ctx context.Context, sc access.Scope, f JournalFilter) (JournalPage, error) {
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
	where := ` WHERE ` + cond + `
		AND (` + p(5) + ` = '' OR d.kind = ` + p(5) + `)
		AND (` + p(6) + ` = 0 OR d.created_at >= ` + p(6) + `)
		AND (` + p(7) + ` = 0 OR d.created_at <= ` + p(7) + `)
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
func (s *Store) nameSteps(ctx context.Context, docs []Document) {
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
func (s *Store) Related(ctx context.Context, sc access.Scope, doc Document) ([]Document, error) {
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

// Task is one person's work at one step of a document.
type Task struct {
	ID           string    `json:"id"`
	DocumentID   string    `json:"document_id"`
	Number       string    `json:"number"`
	Title        string    `json:"title"`
	Kind         Kind      `json:"kind"`
	Priority     int       `json:"priority"`
	Step         string    `json:"step"`
	StepName     string    `json:"step_name"`
	AssigneeID   string    `json:"assignee_id"`
	AssigneeName string    `json:"assignee_name"`
	Status       string    `json:"status"`
	Deadline     time.Time `json:"deadline,omitzero"`
	Overdue      bool      `json:"overdue"`
	Decision     string    `json:"decision,omitempty"`
	DecisionName string    `json:"decision_label,omitempty"`
	Comment      string    `json:"comment,omitempty"`
	Report       string    `json:"report,omitempty"`
	LastComment  string    `json:"last_comment,omitempty"` // the newest colleague's remark on the document
	CreatedAt    time.Time `json:"created_at"`
	DoneAt       time.Time `json:"done_at,omitzero"`
	process      string
	version      int
}

const taskSelect = `SELECT t.id, t.document_id, d.number, d.title, d.kind, d.priority, t.step, t.assignee_id, us.full_name, t.status,
	t.deadline, t.decision, t.comment, t.report, t.created_at, t.done_at,
	COALESCE((SELECT e.comment FROM wf_events e WHERE e.document_id = d.id AND e.action = 'comment' ORDER BY e.id DESC LIMIT 1), ''),
	d.process_id, d.process_version
	FROM wf_tasks t JOIN wf_documents d ON d.id = t.document_id JOIN users us ON us.id = t.assignee_id `

func (s *Store) tasks(ctx context.Context, query string, args ...any) ([]Task, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("workflow: tasks: %w", err)
	}
	defer rows.Close()
	now := s.nowMillis()
	out := []Task{}
	for rows.Next() {
		var t Task
		var deadline, created, done int64
		if err := rows.Scan(&t.ID, &t.DocumentID, &t.Number, &t.Title, &t.Kind, &t.Priority, &t.Step, &t.AssigneeID, &t.AssigneeName,
			&t.Status, &deadline, &t.Decision, &t.Comment, &t.Report, &created, &done, &t.LastComment, &t.process, &t.version); err != nil {
			return nil, err
		}
		if deadline != 0 {
			t.Deadline = db.Time(deadline)
		}
		t.Overdue = t.Status == "open" && deadline != 0 && deadline < now
		t.CreatedAt = db.Time(created)
		if done != 0 {
			t.DoneAt = db.Time(done)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	defs := map[string]*Definition{}
	for i := range out {
		t := &out[i]
		key := t.process + "\x00" + strconv.Itoa(t.version)
		def, ok := defs[key]
		if !ok {
			def, _ = loadDefinition(ctx, s.db, t.process, t.version)
			defs[key] = def
		}
		if st := stepOf(def, t.Step); st != nil {
			t.StepName = st.Name
			if dec := st.decision(t.Decision); dec != nil {
				t.DecisionName = dec.Label
			}
		}
	}
	return out, nil
}

func stepOf(def *Definition, id string) *Step {
	if def == nil {
		return nil
	}
	return def.step(id)
}

// MyTasks returns sc's open tasks, urgent and nearest deadlines first.
func (s *Store) MyTasks(ctx context.Context, sc access.Scope) ([]Task, error) {
	return s.tasks(ctx, taskSelect+`WHERE t.assignee_id = $1 AND t.status = 'open'
		ORDER BY d.priority DESC, CASE WHEN t.deadline = 0 THEN 1 ELSE 0 END, t.deadline, t.created_at`, sc.UserID)
}

// DocumentTasks returns every task of a document sc may see.
func (s *Store) DocumentTasks(ctx context.Context, sc access.Scope, docID string) ([]Task, error) {
	if _, err := s.getDocument(ctx, s.db, sc, docID); err != nil {
		return nil, err
	}
	return s.tasks(ctx, taskSelect+`WHERE t.document_id = $1 ORDER BY t.created_at, t.id`, docID)
}

// ControlReport is the chairman's control list: every open task past its
// deadline in sc's scope, the longest overdue first.
func (s *Store) ControlReport(ctx context.Context, sc access.Scope) ([]Task, error) {
	if err := sc.Require(access.ReadRegistry); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	return s.tasks(ctx, taskSelect+`JOIN units u ON u.id = d.unit_id
		WHERE u.path >= $1 AND u.path < $2 AND t.status = 'open' AND t.deadline > 0 AND t.deadline < $3
		ORDER BY t.deadline, d.priority DESC`, lo, hi, s.nowMillis())
}
