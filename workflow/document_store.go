package workflow

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Documents registers documents and edits their registration fields;
// registering starts the document's process (Engine) and may copy a
// template (Templates).
type Documents struct {
	*core
	templates *Templates
	engine    *Engine
}

const docColumns = `d.id, d.unit_id, u.name, d.kind, d.number, d.seq, d.year, d.medium, d.title, d.summary, d.correspondent,
	d.orig_number, d.orig_date, d.doc_date, d.received_on, d.delivery, d.priority, d.deadline, d.process_id, d.process_version,
	d.step, d.status, d.state_version, d.signed_at, d.signed_by, d.rejection_reason, d.resolution, d.dispatch,
	d.member_id, d.org_unit_id, d.appeal_id, d.related_id, d.created_by, d.created_at, d.updated_at`

const docFrom = ` FROM wf_documents d JOIN units u ON u.id = d.unit_id `

// visible is the scope rule as SQL, with its arguments bound from $n on: a
// registry reader (secretary, chairman, deputy) sees the documents of the
// units in scope; everyone sees what they registered or are assigned.
func visible(sc access.Scope, n int) (string, []any) {
	lo, hi := sc.PathRange()
	canRead := 0
	if sc.Can(access.ReadRegistry) {
		canRead = 1
	}
	p := func(i int) string { return "$" + strconv.Itoa(n+i) }
	return `((` + p(2) + ` = 1 AND u.path >= ` + p(0) + ` AND u.path < ` + p(1) + `) OR d.created_by = ` + p(3) +
			` OR EXISTS (SELECT 1 FROM wf_tasks vt WHERE vt.document_id = d.id AND vt.assignee_id = ` + p(3) + `))`,
		[]any{lo, hi, canRead, sc.UserID}
}

func scanDocument(row interface{ Scan(...any) error }, now int64) (Document, error) {
	var d Document
	var deadline, signed, created, updated int64
	var resolution, dispatch string
	err := row.Scan(&d.ID, &d.UnitID, &d.UnitName, &d.Kind, &d.Number, &d.Seq, &d.Year, &d.Medium, &d.Title, &d.Summary,
		&d.Correspondent, &d.OrigNumber, &d.OrigDate, &d.DocDate, &d.ReceivedOn, &d.Delivery, &d.Priority, &deadline,
		&d.ProcessID, &d.ProcessVersion, &d.Step, &d.Status, &d.StateVersion, &signed, &d.SignedBy, &d.RejectionReason,
		&resolution, &dispatch, &d.MemberID, &d.OrgUnitID, &d.AppealID, &d.RelatedID, &d.CreatedBy, &created, &updated)
	if err != nil {
		return d, err
	}
	d.Deadline = deadlineDay(deadline)
	d.Overdue = d.Status == StatusActive && deadline != 0 && deadline < now
	if signed != 0 {
		d.SignedAt = db.Time(signed)
	}
	if resolution != "{}" {
		d.Resolution = &Resolution{}
		if err := json.Unmarshal([]byte(resolution), d.Resolution); err != nil {
			return d, fmt.Errorf("workflow: document %s: resolution: %w", d.ID, err)
		}
	}
	if dispatch != "{}" {
		d.Dispatch = &Dispatch{}
		if err := json.Unmarshal([]byte(dispatch), d.Dispatch); err != nil {
			return d, fmt.Errorf("workflow: document %s: dispatch: %w", d.ID, err)
		}
	}
	d.CreatedAt, d.UpdatedAt = db.Time(created), db.Time(updated)
	return d, nil
}

// getDocument reads a document sc may see.
func (c *core) getDocument(ctx context.Context, q db.Execer, sc access.Scope, id string) (Document, error) {
	cond, args := visible(sc, 2)
	d, err := scanDocument(q.QueryRowContext(ctx, `SELECT `+docColumns+docFrom+` WHERE d.id = $1 AND `+cond,
		append([]any{id}, args...)...), c.nowMillis())
	if errors.Is(err, sql.ErrNoRows) {
		return d, fmt.Errorf("workflow: document %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return d, fmt.Errorf("workflow: document: %w", err)
	}
	return d, nil
}

func searchText(d Document) string {
	return norm.Fold(d.Number + " " + d.Title + " " + d.Summary + " " + d.Correspondent + " " + d.OrigNumber)
}

// Register enters a document into its unit's registry with the next
// number and starts its process at the first step.
func (s *Documents) Register(ctx context.Context, sc access.Scope, in DocumentInput) (Document, error) {
	if err := sc.Require(access.RegisterDocuments); err != nil {
		return Document{}, err
	}
	if in.UnitID == "" {
		in.UnitID = sc.UnitID
	}
	var doc Document
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		files, err := s.templates.applyTemplate(ctx, tx, sc, &in)
		if err != nil {
			return err
		}
		if err := in.normalize(); err != nil {
			return err
		}
		if err := s.checkLinks(ctx, tx, sc, in); err != nil {
			return err
		}
		def, err := loadDefinition(ctx, tx, string(in.Kind), 0)
		if err != nil {
			return err
		}
		reg, err := registry(ctx, tx, in.UnitID, in.Kind)
		if err != nil {
			return err
		}
		now := s.now()
		year := now.In(Zone()).Year()
		seq, err := nextSeq(ctx, tx, reg.ID, year)
		if err != nil {
			return err
		}
		doc = Document{DocumentInput: in, ID: newID(), Number: reg.Render(year, seq, in.Medium), Seq: seq, Year: year,
			ProcessID: def.ID, ProcessVersion: def.Version, Step: def.Start, Status: StatusActive, StateVersion: 1,
			CreatedBy: sc.UserID, CreatedAt: db.Time(now.UnixMilli()), UpdatedAt: db.Time(now.UnixMilli())}
		doc.TemplateID = ""
		_, err = tx.ExecContext(ctx, `
			INSERT INTO wf_documents (id, unit_id, registry_id, kind, number, seq, year, medium, title, summary, correspondent,
				orig_number, orig_date, doc_date, received_on, delivery, priority, deadline, search_folded, process_id,
				process_version, step, status, state_version, member_id, org_unit_id, appeal_id, related_id, created_by,
				created_at, updated_at, correspondent_folded)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
				$23, 1, $24, $25, $26, $27, $28, $29, $29, $30)`,
			doc.ID, doc.UnitID, reg.ID, doc.Kind, doc.Number, seq, year, doc.Medium, doc.Title, doc.Summary, doc.Correspondent,
			doc.OrigNumber, doc.OrigDate, doc.DocDate, doc.ReceivedOn, doc.Delivery, doc.Priority, deadlineMillis(doc.Deadline),
			searchText(doc), def.ID, def.Version, def.Start, StatusActive, doc.MemberID, doc.OrgUnitID, doc.AppealID,
			doc.RelatedID, sc.UserID, now.UnixMilli(), norm.Fold(doc.Correspondent))
		if err != nil {
			if db.IsUniqueViolation(err) {
				return valid.Refuse(db.ErrConflict, "number_taken", "number %s is taken (the format gives the same text for two numbers)", doc.Number)
			}
			return fmt.Errorf("workflow: register: %w", err)
		}
		for _, f := range files {
			if err := insertAttachment(ctx, tx, sc, doc.ID, f, now.UnixMilli()); err != nil {
				return err
			}
		}
		if err := addEvent(ctx, tx, sc, doc.ID, "register", "", def.Start, "", map[string]any{"number": doc.Number}); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "document.register", ObjectType: "document", ObjectID: doc.ID,
			UnitID: doc.UnitID, Details: map[string]any{"number": doc.Number, "kind": doc.Kind, "title": doc.Title}}); err != nil {
			return err
		}
		return s.engine.enterStep(ctx, tx, sc, &doc, def, def.Start, nil)
	})
	if err != nil {
		return Document{}, err
	}
	return s.GetDocument(ctx, sc, doc.ID)
}

// checkLinks makes sure the linked member, organisation and documents lie
// in the registering secretary's scope.
func (s *Documents) checkLinks(ctx context.Context, tx db.Execer, sc access.Scope, in DocumentInput) error {
	if _, err := unitPath(ctx, tx, sc, in.UnitID); err != nil {
		return err
	}
	if in.OrgUnitID != "" {
		if _, err := unitPath(ctx, tx, sc, in.OrgUnitID); err != nil {
			return valid.Errorf("org_unit_id", "link_missing", "the linked organisation is not in your part of the federation")
		}
	}
	if in.MemberID != "" {
		lo, hi := sc.PathRange()
		var one int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM crm_members m JOIN units u ON u.id = m.unit_id
			WHERE m.id = $1 AND u.path >= $2 AND u.path < $3`, in.MemberID, lo, hi).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return valid.Errorf("member_id", "link_missing", "the linked member is not in your part of the federation")
		} else if err != nil {
			return fmt.Errorf("workflow: member link: %w", err)
		}
	}
	if in.AppealID != "" {
		if _, err := appealFor(ctx, tx, sc, in.AppealID); err != nil {
			return err
		}
	}
	if in.RelatedID != "" {
		if _, err := s.getDocument(ctx, tx, sc, in.RelatedID); err != nil {
			return valid.Errorf("related_id", "link_missing", "the related document does not exist or is not visible to you")
		}
	}
	return nil
}

// GetDocument returns a document sc may see.
func (s *Documents) GetDocument(ctx context.Context, sc access.Scope, id string) (Document, error) {
	return s.document(ctx, sc, id)
}

// UpdateDocument changes the registration fields of a document that is not
// signed yet; the kind, unit and number never change. A signed document is
// changed only through a new attachment version, which is recorded.
func (s *Documents) UpdateDocument(ctx context.Context, sc access.Scope, id string, in DocumentInput) (Document, error) {
	if err := sc.Require(access.RegisterDocuments); err != nil {
		return Document{}, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := s.getDocument(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if !cur.SignedAt.IsZero() {
			return valid.Errorf("", "doc_signed", "the document is signed: its fields cannot change; upload a new version of a file instead")
		}
		if cur.Status != StatusActive {
			return valid.Errorf("", "doc_finished", "the document's process has ended; it cannot change")
		}
		in.Kind, in.UnitID, in.TemplateID = cur.Kind, cur.UnitID, ""
		if err := in.normalize(); err != nil {
			return err
		}
		if in.Medium != cur.Medium {
			return valid.Errorf("medium", "doc_medium_fixed", "the medium is part of the registration number and cannot change")
		}
		if err := s.checkLinks(ctx, tx, sc, in); err != nil {
			return err
		}
		next := cur
		next.DocumentInput = in
		if _, err := tx.ExecContext(ctx, `UPDATE wf_documents SET medium = $1, title = $2, summary = $3, correspondent = $4,
			orig_number = $5, orig_date = $6, doc_date = $7, received_on = $8, delivery = $9, priority = $10, deadline = $11,
			search_folded = $12, member_id = $13, org_unit_id = $14, appeal_id = $15, related_id = $16, updated_at = $17,
			correspondent_folded = $19
			WHERE id = $18`, in.Medium, in.Title, in.Summary, in.Correspondent, in.OrigNumber, in.OrigDate, in.DocDate,
			in.ReceivedOn, in.Delivery, in.Priority, deadlineMillis(in.Deadline), searchText(next), in.MemberID, in.OrgUnitID,
			in.AppealID, in.RelatedID, db.Now(), id, norm.Fold(in.Correspondent)); err != nil {
			return fmt.Errorf("workflow: update document: %w", err)
		}
		if err := addEvent(ctx, tx, sc, id, "edit", cur.Step, "", "", nil); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "document.edit", ObjectType: "document", ObjectID: id, UnitID: cur.UnitID,
			Details: map[string]any{"number": cur.Number}})
	})
	if err != nil {
		return Document{}, err
	}
	return s.GetDocument(ctx, sc, id)
}
