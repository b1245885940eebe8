package workflow

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Tasks reads people's tasks: their own list, a document's, and the
// chairman's control report of overdue ones.
type Tasks struct{ *core }

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

func (s *Tasks) tasks(ctx context.Context, query string, args ...any) ([]Task, error) {
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
func (s *Tasks) MyTasks(ctx context.Context, sc access.Scope) ([]Task, error) {
	return s.tasks(ctx, taskSelect+`WHERE t.assignee_id = $1 AND t.status = 'open'
		ORDER BY d.priority DESC, CASE WHEN t.deadline = 0 THEN 1 ELSE 0 END, t.deadline, t.created_at`, sc.UserID)
}

// DocumentTasks returns every task of a document sc may see.
func (s *Tasks) DocumentTasks(ctx context.Context, sc access.Scope, docID string) ([]Task, error) {
	if _, err := s.getDocument(ctx, s.db, sc, docID); err != nil {
		return nil, err
	}
	return s.tasks(ctx, taskSelect+`WHERE t.document_id = $1 ORDER BY t.created_at, t.id`, docID)
}

// ControlReport is the chairman's control list: every open task past its
// deadline in sc's scope, the longest overdue first.
func (s *Tasks) ControlReport(ctx context.Context, sc access.Scope) ([]Task, error) {
	if err := sc.Require(access.ReadRegistry); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	return s.tasks(ctx, taskSelect+`JOIN units u ON u.id = d.unit_id
		WHERE u.path >= $1 AND u.path < $2 AND t.status = 'open' AND t.deadline > 0 AND t.deadline < $3
		ORDER BY t.deadline, d.priority DESC`, lo, hi, s.nowMillis())
}

// Task is one task the caller may see: their own, or any of a document
// they may see (a task shared into a chat shows its title only then).
func (s *Tasks) Task(ctx context.Context, sc access.Scope, id string) (Task, error) {
	list, err := s.tasks(ctx, taskSelect+`WHERE t.id = $1`, id)
	if err != nil {
		return Task{}, err
	}
	if len(list) == 0 {
		return Task{}, fmt.Errorf("workflow: task %s: %w", id, db.ErrNotFound)
	}
	if t := list[0]; t.AssigneeID != sc.UserID {
		if _, err := s.getDocument(ctx, s.db, sc, t.DocumentID); err != nil {
			return Task{}, err
		}
	}
	return list[0], nil
}
