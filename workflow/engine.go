package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Engine runs the processes: a person's decision at a step, the effect it
// has on the document (signature, resolution, dispatch, rejection) and the
// tasks of the next step. An e-mail dispatch is sent through Mail.
type Engine struct {
	*core
	mail *Mail
}

// DecisionInput is a person's decision at the step they hold a task for.
type DecisionInput struct {
	Decision   string      `json:"decision"`
	Comment    string      `json:"comment,omitempty"`
	Report     string      `json:"report,omitempty"`    // an executor's report on the work done
	Assignees  []string    `json:"assignees,omitempty"` // user ids, for decisions that choose people
	Resolution *Resolution `json:"resolution,omitempty"`
	Dispatch   *Dispatch   `json:"dispatch,omitempty"`
	// StateVersion, when given, is the document's state_version the person
	// saw; a different current one means someone else acted meanwhile.
	StateVersion int64 `json:"state_version,omitempty"`
}

// enterStep moves doc to step to of def: a final step ends the process, any
// other becomes one task per person its actor names (chosen: the people
// the decision named), each notified.
func (s *Engine) enterStep(ctx context.Context, tx db.Execer, sc access.Scope, doc *Document, def *Definition, to string, chosen []string) error {
	st := def.step(to)
	if st == nil {
		return fmt.Errorf("workflow: %s has no step %q", def.Describe(), to)
	}
	now := s.nowMillis()
	doc.Step = to
	if st.Final {
		doc.Status = st.Status
		_, err := tx.ExecContext(ctx, `UPDATE wf_documents SET step = $1, status = $2, updated_at = $3 WHERE id = $4`, to, st.Status, now, doc.ID)
		if err != nil {
			return fmt.Errorf("workflow: finish: %w", err)
		}
		return nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE wf_documents SET step = $1, updated_at = $2 WHERE id = $3`, to, now, doc.ID); err != nil {
		return fmt.Errorf("workflow: enter step: %w", err)
	}
	people, err := actorUsers(ctx, tx, st.Actor, doc, chosen)
	if err != nil {
		return err
	}
	deadline := deadlineMillis(doc.Deadline)
	if st.Days > 0 {
		deadline = s.stepDeadline(st.Days)
		if dd := deadlineMillis(doc.Deadline); dd != 0 && dd < deadline {
			deadline = dd // a step never gets longer than the document has
		}
	}
	kind := stepAlertKind(st)
	for _, uid := range people {
		taskID := newID()
		if _, err := tx.ExecContext(ctx, `INSERT INTO wf_tasks (id, document_id, step, assignee_id, status, deadline, created_at)
			VALUES ($1, $2, $3, $4, 'open', $5, $6)`, taskID, doc.ID, to, uid, deadline, now); err != nil {
			return fmt.Errorf("workflow: task: %w", err)
		}
		if err := s.notify(ctx, tx, uid, doc.ID, "task", fmt.Sprintf("%s · %s: %s", doc.Number, st.Name, doc.Title), now); err != nil {
			return err
		}
		if err := s.alert(ctx, tx, Alert{Key: "wf-task:" + taskID, UserID: uid, Kind: kind,
			Text: doc.Number + " · " + doc.Title, Link: DocumentLink(doc.ID)}); err != nil {
			return err
		}
	}
	return nil
}

// actorUsers names the people of a step. A role means the active users of
// that role in the nearest unit at or above the document's unit.
func actorUsers(ctx context.Context, tx db.Execer, a Actor, doc *Document, chosen []string) ([]string, error) {
	switch {
	case a.Chosen:
		return chosen, nil
	case a.Creator:
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT disabled FROM users WHERE id = $1`, doc.CreatedBy).Scan(&disabled)
		if err != nil || disabled {
			return nil, valid.Errorf("", "no_actor", "the person who registered the document can no longer act on it")
		}
		return []string{doc.CreatedBy}, nil
	}
	rows, err := tx.QueryContext(ctx, `
		SELECT us.id, length(un.path) FROM users us JOIN units un ON un.id = us.unit_id
		JOIN units du ON du.id = $2
		WHERE us.role = $1 AND NOT us.disabled AND substr(du.path, 1, length(un.path)) = un.path
		ORDER BY length(un.path) DESC, us.id`, a.Role, doc.UnitID)
	if err != nil {
		return nil, fmt.Errorf("workflow: actors: %w", err)
	}
	defer rows.Close()
	var out []string
	best := -1
	for rows.Next() {
		var id string
		var depth int
		if err := rows.Scan(&id, &depth); err != nil {
			return nil, err
		}
		if best >= 0 && depth < best {
			break
		}
		best = depth
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, valid.Errorf("", "no_actor", "nobody with the role %s at or above the document's unit can take the next step", a.Role)
	}
	return out, nil
}

// Decide applies a person's decision at the document's current step. Only
// a holder of an open task of that step may decide. Two people deciding at
// once: the document row is locked and its state_version bumped first, so
// one wins and the other gets ErrConflict. At an "all" step each assignee
// decides for themselves and the last one moves the document on.
func (s *Engine) Decide(ctx context.Context, sc access.Scope, docID string, in DecisionInput) (Document, error) {
	in.Comment = strings.TrimSpace(in.Comment)
	in.Report = strings.TrimSpace(in.Report)
	if utf8.RuneCountInString(in.Comment) > 5000 || utf8.RuneCountInString(in.Report) > 20000 {
		return Document{}, valid.Errorf("comment", "too_long", "the comment or report is too long")
	}
	byMail := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		doc, err := s.getDocument(ctx, tx, sc, docID)
		if err != nil {
			return err
		}
		def, err := loadDefinition(ctx, tx, doc.ProcessID, doc.ProcessVersion)
		if err != nil {
			return err
		}
		st := def.step(doc.Step)
		if doc.Status != StatusActive || st == nil {
			return fmt.Errorf("%w: the document's process has ended", ErrConflict)
		}
		if in.StateVersion != 0 && in.StateVersion != doc.StateVersion {
			return ErrConflict
		}
		var taskID string
		err = tx.QueryRowContext(ctx, `SELECT id FROM wf_tasks WHERE document_id = $1 AND step = $2 AND assignee_id = $3 AND status = 'open'`,
			docID, doc.Step, sc.UserID).Scan(&taskID)
		if errors.Is(err, sql.ErrNoRows) {
			return s.noTask(ctx, tx, sc, docID)
		} else if err != nil {
			return fmt.Errorf("workflow: decide: %w", err)
		}
		dec := st.decision(in.Decision)
		if dec == nil {
			return valid.Errorf("decision", "decision_unknown", "%q is not a decision of the step %q", in.Decision, st.Name)
		}
		chosen, err := s.checkDecision(ctx, tx, sc, &doc, dec, in)
		if err != nil {
			return err
		}
		// The lock: one decision per state of a document at a time.
		res, err := tx.ExecContext(ctx, `UPDATE wf_documents SET state_version = state_version + 1 WHERE id = $1 AND step = $2
			AND status = 'active' AND ($3 OR state_version = $4)`, docID, doc.Step, st.All, doc.StateVersion)
		if err != nil {
			return fmt.Errorf("workflow: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		now := s.nowMillis()
		res, err = tx.ExecContext(ctx, `UPDATE wf_tasks SET status = 'done', decision = $1, comment = $2, report = $3, done_at = $4
			WHERE id = $5 AND status = 'open'`, dec.ID, in.Comment, in.Report, now, taskID)
		if err != nil {
			return fmt.Errorf("workflow: decide: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrConflict
		}
		if err := s.applyEffect(ctx, tx, sc, &doc, dec, in, now); err != nil {
			return err
		}
		byMail = dec.Effect == EffectDispatch && in.Dispatch.Method == "email"
		if st.All {
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_tasks WHERE document_id = $1 AND step = $2 AND status = 'open'`,
				docID, doc.Step).Scan(&open); err != nil {
				return fmt.Errorf("workflow: decide: %w", err)
			}
			if open > 0 {
				return s.recordDecision(ctx, tx, sc, &doc, dec, in, doc.Step, "")
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE wf_tasks SET status = 'cancelled', done_at = $1 WHERE document_id = $2 AND step = $3 AND status = 'open'`,
			now, docID, doc.Step); err != nil {
			return fmt.Errorf("workflow: decide: %w", err)
		}
		from := doc.Step
		if err := s.enterStep(ctx, tx, sc, &doc, def, dec.To, chosen); err != nil {
			return err
		}
		return s.recordDecision(ctx, tx, sc, &doc, dec, in, from, dec.To)
	})
	if err != nil {
		return Document{}, err
	}
	if byMail {
		// The decision stands whatever the mail server says; the letter's
		// outcome is on the document and a failed one can be sent again.
		return s.mail.SendByMail(ctx, sc, docID)
	}
	return s.document(ctx, sc, docID)
}

// noTask explains why a person without an open task cannot decide: they
// had one that someone else's decision closed (a conflict), or never had.
func (s *Engine) noTask(ctx context.Context, tx db.Execer, sc access.Scope, docID string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM wf_tasks WHERE document_id = $1 AND assignee_id = $2 AND status = 'cancelled'`,
		docID, sc.UserID).Scan(&n); err != nil {
		return fmt.Errorf("workflow: decide: %w", err)
	}
	if n > 0 {
		return ErrConflict
	}
	return fmt.Errorf("%w: you have no task at this step of the document", access.ErrForbidden)
}

// checkDecision validates what the decision needs and returns the chosen
// people, if it chooses.
func (s *Engine) checkDecision(ctx context.Context, tx db.Execer, sc access.Scope, doc *Document, dec *Decision, in DecisionInput) ([]string, error) {
	if (dec.NeedComment || dec.Effect == EffectReject) && in.Comment == "" {
		return nil, valid.Errorf("comment", "comment_required", "say why in the comment")
	}
	switch dec.Effect {
	case EffectResolution:
		r := in.Resolution
		if r == nil || strings.TrimSpace(r.Text) == "" {
			return nil, valid.Errorf("resolution", "resolution_required", "write the resolution text")
		}
		if r.Deadline == "" {
			return nil, valid.Errorf("resolution.deadline", "required", "the resolution needs a deadline")
		}
		if err := checkDate(r.Deadline, "resolution.deadline"); err != nil {
			return nil, err
		}
		if err := checkDate(r.Date, "resolution.date"); err != nil {
			return nil, err
		}
		if r.Priority < PriorityNormal || r.Priority > PriorityUrgent {
			return nil, valid.Errorf("resolution.priority", "doc_priority", "priority must be 0, 1 or 2")
		}
		if utf8.RuneCountInString(r.Text) > 5000 {
			return nil, valid.Errorf("resolution.text", "too_long", "the resolution is too long")
		}
	case EffectDispatch:
		d := in.Dispatch
		if d == nil || !slices.Contains(DispatchMethods, d.Method) {
			return nil, valid.Errorf("dispatch.method", "dispatch_method", "choose how it was sent: email, post, courier or hand")
		}
		if err := checkDate(d.SentOn, "dispatch.sent_on"); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(d.Address)+utf8.RuneCountInString(d.Note) > 2000 {
			return nil, valid.Errorf("dispatch", "too_long", "the address and note are too long")
		}
		d.Mail = nil
		if err := s.mail.checkMailDispatch(ctx, tx, d); err != nil {
			return nil, err
		}
	}
	if !dec.Choose {
		if len(in.Assignees) > 0 {
			return nil, valid.Errorf("assignees", "assignees_unexpected", "this decision does not choose people")
		}
		return nil, nil
	}
	if len(in.Assignees) == 0 || len(in.Assignees) > 50 {
		return nil, valid.Errorf("assignees", "assignees_required", "choose 1–50 people")
	}
	lo, hi := sc.PathRange()
	var out []string
	for _, id := range in.Assignees {
		if slices.Contains(out, id) {
			continue
		}
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM users us JOIN units un ON un.id = us.unit_id
			WHERE us.id = $1 AND NOT us.disabled AND un.path >= $2 AND un.path < $3`, id, lo, hi).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, valid.Errorf("assignees", "assignee_unknown", "user %s does not exist or is outside your part of the federation", id)
		} else if err != nil {
			return nil, fmt.Errorf("workflow: assignees: %w", err)
		}
		out = append(out, id)
	}
	return out, nil
}

// applyEffect does what the decision does to the document itself.
func (s *Engine) applyEffect(ctx context.Context, tx db.Execer, sc access.Scope, doc *Document, dec *Decision, in DecisionInput, now int64) error {
	var err error
	switch dec.Effect {
	case EffectSign:
		// The versions signed are the latest of each file: they are fixed
		// from now on, and any later upload is a new, recorded version.
		if _, err = tx.ExecContext(ctx, `UPDATE wf_documents SET signed_at = $1, signed_by = $2 WHERE id = $3`, now, sc.UserName, doc.ID); err == nil {
			_, err = tx.ExecContext(ctx, `UPDATE wf_attachments SET signed = TRUE WHERE document_id = $1 AND version =
				(SELECT MAX(a2.version) FROM wf_attachments a2 WHERE a2.document_id = wf_attachments.document_id AND a2.name = wf_attachments.name)`, doc.ID)
		}
	case EffectReject:
		_, err = tx.ExecContext(ctx, `UPDATE wf_documents SET rejection_reason = $1 WHERE id = $2`, in.Comment, doc.ID)
	case EffectResolution:
		r := *in.Resolution
		r.Text = strings.TrimSpace(r.Text)
		if r.Date == "" {
			r.Date = s.now().In(Zone()).Format(time.DateOnly)
		}
		b, _ := json.Marshal(r)
		doc.Deadline, doc.Priority = r.Deadline, r.Priority
		_, err = tx.ExecContext(ctx, `UPDATE wf_documents SET resolution = $1, deadline = $2, priority = $3 WHERE id = $4`,
			string(b), deadlineMillis(r.Deadline), r.Priority, doc.ID)
	case EffectDispatch:
		d := *in.Dispatch
		if d.SentOn == "" {
			d.SentOn = s.now().In(Zone()).Format(time.DateOnly)
		}
		b, _ := json.Marshal(d)
		_, err = tx.ExecContext(ctx, `UPDATE wf_documents SET dispatch = $1 WHERE id = $2`, string(b), doc.ID)
	}
	if err != nil {
		return fmt.Errorf("workflow: %s: %w", dec.Effect, err)
	}
	return nil
}

// recordDecision writes the history event, the audit entry and the
// notifications the decision asks for.
func (s *Engine) recordDecision(ctx context.Context, tx db.Execer, sc access.Scope, doc *Document, dec *Decision, in DecisionInput, from, to string) error {
	details := map[string]any{"decision": dec.ID, "label": dec.Label}
	if in.Report != "" {
		details["report"] = in.Report
	}
	if in.Resolution != nil && dec.Effect == EffectResolution {
		details["resolution"] = in.Resolution
	}
	if in.Dispatch != nil && dec.Effect == EffectDispatch {
		details["dispatch"] = in.Dispatch
	}
	if len(in.Assignees) > 0 {
		details["assignees"] = in.Assignees
	}
	if err := addEvent(ctx, tx, sc, doc.ID, "decision", from, to, in.Comment, details); err != nil {
		return err
	}
	ad := map[string]any{"number": doc.Number, "decision": dec.ID, "step": from}
	if in.Comment != "" {
		ad["comment"] = in.Comment
	}
	if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "document.decide", ObjectType: "document", ObjectID: doc.ID,
		UnitID: doc.UnitID, Details: ad}); err != nil {
		return err
	}
	if slices.Contains(dec.Notify, "creator") && doc.CreatedBy != sc.UserID {
		return s.notify(ctx, tx, doc.CreatedBy, doc.ID, "decision",
			fmt.Sprintf("%s: %s — %s", doc.Number, dec.Label, sc.UserName), s.nowMillis())
	}
	return nil
}
