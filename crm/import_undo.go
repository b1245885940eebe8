package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ImportBatches keeps the imports run by the wizard as batches: their
// progress, and the undo of a whole batch.
//
// Undo removes the cards the batch created and puts back the fields of the
// cards it changed, as they were before the import. A card edited since
// the import (its updated_at moved on), merged away, or (for a created
// one) already linked to a conversation, an appeal, a call or a mailing is
// kept and counted as kept: undo never throws away work done after the
// import. Removed cards are deleted, not archived: they existed only
// because of the file, and a deleted card frees its union card number for
// the corrected file. Both the run and the undo are audited.
type ImportBatches struct {
	db *db.DB
	// links say whether a card is referred to elsewhere (then undo keeps it).
	links *MemberLinks
}

// Batch states.
const (
	BatchRunning = "running"
	BatchDone    = "done"
	BatchFailed  = "failed"
	BatchUndone  = "undone"
)

// ImportBatch is one run of the wizard's import.
type ImportBatch struct {
	ID         string    `json:"id"`
	UserName   string    `json:"user_name"`
	FileName   string    `json:"file_name"`
	Status     string    `json:"status"`
	Total      int       `json:"total"`
	Done       int       `json:"done"`
	Created    int       `json:"created"`
	Updated    int       `json:"updated"`
	Errors     int       `json:"errors"`
	Message    string    `json:"message,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	FinishedAt time.Time `json:"finished_at,omitzero"`
	UndoneAt   time.Time `json:"undone_at,omitzero"`
}

// UndoReport counts what an undo did.
type UndoReport struct {
	Removed  int `json:"removed"`
	Restored int `json:"restored"`
	Kept     int `json:"kept"`
}

func (s *ImportBatches) begin(ctx context.Context, sc access.Scope, fileName string, total int) (string, error) {
	id := uuid.Must(uuid.NewV7()).String()
	_, err := s.db.ExecContext(ctx, `INSERT INTO crm_import_batches (id, unit_id, user_id, user_name, file_name, status, total, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, sc.UnitID, sc.UserID, sc.UserName, fileName, BatchRunning, total, db.Now())
	if err != nil {
		return "", fmt.Errorf("crm: import batch: %w", err)
	}
	return id, nil
}

func (s *ImportBatches) finish(ctx context.Context, id string, rep ImportReport, runErr error) error {
	status, msg := BatchDone, ""
	if runErr != nil {
		status, msg = BatchFailed, runErr.Error()
		if ve, ok := valid.As(runErr); ok {
			msg = ve.Code
		}
	}
	_, err := s.db.ExecContext(ctx, `UPDATE crm_import_batches SET status = $2, done = $3, created = $4, updated = $5, errors = $6,
		message = $7, finished_at = $8 WHERE id = $1`, id, status, len(rep.Rows), rep.Created, rep.Updated, rep.Errors, msg, db.Now())
	return err
}

// Get returns a batch started by the caller or in the caller's units.
func (s *ImportBatches) Get(ctx context.Context, sc access.Scope, id string) (ImportBatch, error) {
	if err := requireEdit(sc); err != nil { // those who may import
		return ImportBatch{}, err
	}
	lo, hi := sc.PathRange()
	var b ImportBatch
	var created, finished, undone int64
	var full string
	err := s.db.QueryRowContext(ctx, `SELECT b.id, `+audit.ActorSQL("b.user_id", "b.user_name")+`, b.file_name, b.status, b.total, b.done, b.created, b.updated, b.errors,
			b.message, b.created_at, b.finished_at, b.undone_at
		FROM crm_import_batches b LEFT JOIN units u ON u.id = b.unit_id
		WHERE b.id = $1 AND (b.user_id = $2 AND b.user_id <> '' OR u.path >= $3 AND u.path < $4)`, id, sc.UserID, lo, hi).Scan(
		&b.ID, &full, &b.UserName, &b.FileName, &b.Status, &b.Total, &b.Done, &b.Created, &b.Updated, &b.Errors, &b.Message,
		&created, &finished, &undone)
	b.UserName = audit.Actor(full, b.UserName)
	if errors.Is(err, sql.ErrNoRows) {
		return ImportBatch{}, fmt.Errorf("crm: import batch %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return ImportBatch{}, fmt.Errorf("crm: import batch: %w", err)
	}
	b.CreatedAt = db.Time(created)
	if finished > 0 {
		b.FinishedAt = db.Time(finished)
	}
	if undone > 0 {
		b.UndoneAt = db.Time(undone)
	}
	return b, nil
}

// undoChunk is the number of cards undone in one transaction.
const undoChunk = 500

// Undo takes back a finished batch (see ImportBatches). Cards outside the
// caller's scope are not touched, so a secretary undoes only what lies
// in her units.
func (s *ImportBatches) Undo(ctx context.Context, sc access.Scope, id string) (UndoReport, error) {
	if err := requireEdit(sc); err != nil {
		return UndoReport{}, err
	}
	b, err := s.Get(ctx, sc, id)
	if err != nil {
		return UndoReport{}, err
	}
	switch b.Status {
	case BatchRunning:
		return UndoReport{}, valid.Errorf("batch", "import_running", "the import is still running")
	case BatchUndone:
		return UndoReport{}, valid.Errorf("batch", "import_undone", "the import has already been undone")
	}
	type entry struct {
		member, previous string
		afterAt          int64
	}
	var entries []entry
	rows, err := s.db.QueryContext(ctx, `SELECT member_id, previous, after_at FROM crm_import_batch_members WHERE batch_id = $1`, id)
	if err != nil {
		return UndoReport{}, fmt.Errorf("crm: undo import: %w", err)
	}
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.member, &e.previous, &e.afterAt); err != nil {
			rows.Close()
			return UndoReport{}, fmt.Errorf("crm: undo import: %w", err)
		}
		entries = append(entries, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return UndoReport{}, fmt.Errorf("crm: undo import: %w", err)
	}
	var rep UndoReport
	for len(entries) > 0 {
		chunk := entries[:min(undoChunk, len(entries))]
		entries = entries[len(chunk):]
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			for _, e := range chunk {
				done, err := undoCard(ctx, tx, s.links, sc, id, e.member, e.previous, e.afterAt)
				if err != nil {
					return err
				}
				switch {
				case !done:
					rep.Kept++
				case e.previous == "":
					rep.Removed++
				default:
					rep.Restored++
				}
			}
			return nil
		})
		if err != nil {
			return rep, err
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE crm_import_batches SET status = $2, undone_at = $3 WHERE id = $1`, id, BatchUndone, db.Now()); err != nil {
			return fmt.Errorf("crm: undo import: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member.import_undo", ObjectType: "member_import", ObjectID: id, UnitID: sc.UnitID,
			Details: map[string]any{"file": b.FileName, "removed": rep.Removed, "restored": rep.Restored, "kept": rep.Kept}})
	})
	return rep, err
}

// undoCard takes one card back; false: it was kept (see ImportBatches).
func undoCard(ctx context.Context, tx *sql.Tx, links *MemberLinks, sc access.Scope, batch, id, previous string, afterAt int64) (bool, error) {
	m, err := getMember(ctx, tx, sc, id)
	if errors.Is(err, db.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if m.UpdatedAt.UnixMilli() != afterAt {
		return false, nil // edited since the import
	}
	if previous != "" {
		var in MemberInput
		if err := json.Unmarshal([]byte(previous), &in); err != nil {
			return false, fmt.Errorf("crm: undo import %s: card %s: %w", batch, id, err)
		}
		if _, err := tx.ExecContext(ctx, `SAVEPOINT undo_card`); err != nil {
			return false, fmt.Errorf("crm: undo import: %w", err)
		}
		_, _, err := updateMember(ctx, tx, sc, m, in, map[string]any{"import_undo": batch})
		if err != nil {
			if _, ok := valid.As(err); !ok && !errors.Is(err, db.ErrConflict) && !errors.Is(err, db.ErrNotFound) {
				return false, err
			}
			_, rerr := tx.ExecContext(ctx, `ROLLBACK TO SAVEPOINT undo_card`)
			return false, rerr
		}
		_, err = tx.ExecContext(ctx, `RELEASE SAVEPOINT undo_card`)
		return err == nil, err
	}
	if used, err := links.linked(ctx, tx, id); err != nil || used {
		return false, err
	}
	for _, q := range []string{`DELETE FROM crm_member_contacts WHERE member_id = $1`, `DELETE FROM crm_member_words WHERE member_id = $1`,
		`DELETE FROM crm_members WHERE id = $1`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return false, fmt.Errorf("crm: undo import: delete %s: %w", id, err)
		}
	}
	return true, audit.Record(ctx, tx, sc, audit.Entry{Action: "member.delete", ObjectType: "member", ObjectID: id, UnitID: m.UnitID,
		Details: map[string]any{"name": m.FullName, "import_undo": batch}})
}

// undoLog gathers, for an import run as a batch, the rows of
// crm_import_batch_members; nil for an import that is not a batch.
type undoLog struct {
	id    string
	seen  map[string]bool // cards already recorded
	again [][2]any        // cards met again: member id, their new after_at
}

func newUndoLog(batchID string) *undoLog {
	if batchID == "" {
		return nil
	}
	return &undoLog{id: batchID, seen: map[string]bool{}}
}

// add records a card the import created (previous "") or changed. A card
// met again in a later batch keeps its first record (the card before the
// import); only its after_at moves on.
func (l *undoLog) add(rows [][]any, memberID, previous string, afterAt int64) [][]any {
	if l == nil {
		return rows
	}
	if l.seen[memberID] {
		l.again = append(l.again, [2]any{memberID, afterAt})
		return rows
	}
	return append(rows, []any{l.id, memberID, previous, afterAt})
}

// commit notes the rows written in tx and moves on the after_at of cards
// met again.
func (l *undoLog) commit(ctx context.Context, tx *sql.Tx, rows [][]any) error {
	if l == nil {
		return nil
	}
	for _, r := range rows {
		l.seen[r[1].(string)] = true
	}
	for _, a := range l.again {
		if _, err := tx.ExecContext(ctx, `UPDATE crm_import_batch_members SET after_at = $3 WHERE batch_id = $1 AND member_id = $2`,
			l.id, a[0], a[1]); err != nil {
			return fmt.Errorf("crm: import batch: %w", err)
		}
	}
	l.again = nil
	return nil
}

// previousCard is a stored card as undo puts it back.
func previousCard(m Member) string {
	b, _ := json.Marshal(m.MemberInput)
	return string(b)
}

// Running returns the batches still running that the caller may see
// (started by them or in their units), newest first: the secretaries'
// home page shows them.
func (s *ImportBatches) Running(ctx context.Context, sc access.Scope) ([]ImportBatch, error) {
	if err := requireEdit(sc); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT b.id, `+audit.ActorSQL("b.user_id", "b.user_name")+`, b.file_name, b.status, b.total, b.done, b.created_at
		FROM crm_import_batches b LEFT JOIN units u ON u.id = b.unit_id
		WHERE b.status = 'running' AND (b.user_id = $1 AND b.user_id <> '' OR u.path >= $2 AND u.path < $3)
		ORDER BY b.created_at DESC LIMIT 20`, sc.UserID, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("crm: running imports: %w", err)
	}
	defer rows.Close()
	out := []ImportBatch{}
	for rows.Next() {
		var b ImportBatch
		var created int64
		var full string
		if err := rows.Scan(&b.ID, &full, &b.UserName, &b.FileName, &b.Status, &b.Total, &b.Done, &created); err != nil {
			return nil, fmt.Errorf("crm: running imports: %w", err)
		}
		b.UserName = audit.Actor(full, b.UserName)
		b.CreatedAt = db.Time(created)
		out = append(out, b)
	}
	return out, rows.Err()
}
