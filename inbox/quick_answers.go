package inbox

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// QuickAnswer is a canned reply an operator inserts by its shortcut. A
// line's answers are shared by everyone who answers the line; a personal
// one (no LineID) belongs to its owner alone.
type QuickAnswer struct {
	ID        string    `json:"id"`
	LineID    string    `json:"line_id,omitempty"`
	LineName  string    `json:"line_name,omitempty"`
	OwnerID   string    `json:"owner_id,omitempty"`
	Shortcut  string    `json:"shortcut"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// QuickAnswers keeps the canned replies of lines and of operators.
type QuickAnswers struct {
	*core
	lines *Lines // a line's answers follow who may see and supervise the line
}

// Limits of quick answers.
const (
	MaxShortcutRunes    = 32
	MaxQuickAnswerBytes = 4000
)

func (q *QuickAnswer) validate() error {
	q.Shortcut = strings.TrimSpace(q.Shortcut)
	n := utf8.RuneCountInString(q.Shortcut)
	if n == 0 || n > MaxShortcutRunes || strings.IndexFunc(q.Shortcut, notShortcutRune) >= 0 {
		return valid.Errorf("shortcut", "shortcut_format", "shortcut must have 1 to %d letters, digits, _ or -", MaxShortcutRunes)
	}
	switch {
	case strings.TrimSpace(q.Text) == "":
		return valid.Errorf("text", "empty", "text is required")
	case len(q.Text) > MaxQuickAnswerBytes:
		return valid.Errorf("text", "too_long", "text is limited to %d bytes", MaxQuickAnswerBytes)
	case !utf8.ValidString(q.Text):
		return valid.Errorf("text", "utf8", "text must be valid UTF-8")
	}
	return nil
}

func notShortcutRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '_' && r != '-'
}

const qaColumns = `q.id, q.line_id, COALESCE(l.name, ''), q.owner_id, q.shortcut, q.text, q.created_at, q.updated_at`

// qaVisible is the scope rule of quick answers: one's own personal answers,
// and the answers of lines of one's subtree or lines one operates in.
const qaVisible = `((q.line_id = '' AND q.owner_id = $%[3]d) OR q.line_id IN (SELECT vl.id FROM inbox_lines vl
	JOIN units vu ON vu.id = vl.unit_id WHERE (vu.path >= $%[1]d AND vu.path < $%[2]d)
	OR EXISTS (SELECT 1 FROM inbox_line_operators vo WHERE vo.line_id = vl.id AND vo.user_id = $%[3]d)))`

func qaVisibleArgs(sc access.Scope, first int) (string, []any) {
	lo, hi := sc.PathRange()
	return fmt.Sprintf(qaVisible, first, first+1, first+2), []any{lo, hi, sc.UserID}
}

func scanQuickAnswer(row interface{ Scan(...any) error }) (QuickAnswer, error) {
	var q QuickAnswer
	var c, u int64
	err := row.Scan(&q.ID, &q.LineID, &q.LineName, &q.OwnerID, &q.Shortcut, &q.Text, &c, &u)
	q.CreatedAt, q.UpdatedAt = ms(c), ms(u)
	return q, err
}

// List returns the caller's personal answers and the answers of
// the lines they can see; with lineID, that line's answers and the personal
// ones (what the console offers in a conversation of the line).
func (qa *QuickAnswers) List(ctx context.Context, sc access.Scope, lineID string) ([]QuickAnswer, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	if lineID != "" {
		if _, err := qa.lines.Get(ctx, sc, lineID); err != nil {
			return nil, err
		}
	}
	cond, args := qaVisibleArgs(sc, 2)
	rows, err := qa.db.QueryContext(ctx, `SELECT `+qaColumns+` FROM inbox_quick_answers q LEFT JOIN inbox_lines l ON l.id = q.line_id
		WHERE ($1 = '' OR q.line_id = '' OR q.line_id = $1) AND `+cond, append([]any{lineID}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("inbox: quick answers: %w", err)
	}
	defer rows.Close()
	out := []QuickAnswer{}
	for rows.Next() {
		q, err := scanQuickAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("inbox: quick answers: %w", err)
		}
		out = append(out, q)
	}
	// Personal first, then by line and shortcut; sorted here because the
	// two engines collate text differently.
	slices.SortFunc(out, func(a, b QuickAnswer) int {
		return cmp.Or(cmp.Compare(a.LineName, b.LineName), cmp.Compare(a.LineID, b.LineID),
			cmp.Compare(norm.Fold(a.Shortcut), norm.Fold(b.Shortcut)))
	})
	return out, rows.Err()
}

// Create adds a personal answer (no LineID) or, for a manager or
// a supervisor of the line, a line's answer.
func (qa *QuickAnswers) Create(ctx context.Context, sc access.Scope, q QuickAnswer) (QuickAnswer, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return QuickAnswer{}, err
	}
	if err := q.validate(); err != nil {
		return QuickAnswer{}, err
	}
	q.ID, q.OwnerID = uuid.Must(uuid.NewV7()).String(), ""
	var unitID string
	if q.LineID == "" {
		q.OwnerID = sc.UserID
	} else {
		line, err := qa.mayManageAnswers(ctx, sc, q.LineID)
		if err != nil {
			return QuickAnswer{}, err
		}
		unitID = line.UnitID
	}
	err := qa.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockAnswers(ctx, tx, q); err != nil {
			return err
		}
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_quick_answers (id, line_id, owner_id, shortcut, text, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6)`, q.ID, q.LineID, q.OwnerID, q.Shortcut, q.Text, now); err != nil {
			return fmt.Errorf("inbox: create quick answer: %w", err)
		}
		return auditAnswer(ctx, tx, sc, "quick_answer.create", q, unitID)
	})
	if err != nil {
		return QuickAnswer{}, err
	}
	return qa.quickAnswer(ctx, sc, q.ID)
}

// Update changes an answer's shortcut and text; its line or
// owner stay. The rights are those of creating it.
func (qa *QuickAnswers) Update(ctx context.Context, sc access.Scope, q QuickAnswer) (QuickAnswer, error) {
	if err := q.validate(); err != nil {
		return QuickAnswer{}, err
	}
	old, unitID, err := qa.answerToChange(ctx, sc, q.ID)
	if err != nil {
		return QuickAnswer{}, err
	}
	q.LineID, q.OwnerID = old.LineID, old.OwnerID
	err = qa.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := lockAnswers(ctx, tx, q); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_quick_answers SET shortcut = $2, text = $3, updated_at = $4 WHERE id = $1`,
			q.ID, q.Shortcut, q.Text, db.Now()); err != nil {
			return fmt.Errorf("inbox: update quick answer: %w", err)
		}
		return auditAnswer(ctx, tx, sc, "quick_answer.update", q, unitID)
	})
	if err != nil {
		return QuickAnswer{}, err
	}
	return qa.quickAnswer(ctx, sc, q.ID)
}

// Delete removes an answer, with the rights of creating it.
func (qa *QuickAnswers) Delete(ctx context.Context, sc access.Scope, id string) error {
	old, unitID, err := qa.answerToChange(ctx, sc, id)
	if err != nil {
		return err
	}
	return qa.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inbox_quick_answers WHERE id = $1`, id); err != nil {
			return fmt.Errorf("inbox: delete quick answer: %w", err)
		}
		return auditAnswer(ctx, tx, sc, "quick_answer.delete", old, unitID)
	})
}

// quickAnswer reads one answer the caller can see.
func (qa *QuickAnswers) quickAnswer(ctx context.Context, sc access.Scope, id string) (QuickAnswer, error) {
	cond, args := qaVisibleArgs(sc, 2)
	q, err := scanQuickAnswer(qa.db.QueryRowContext(ctx, `SELECT `+qaColumns+` FROM inbox_quick_answers q
		LEFT JOIN inbox_lines l ON l.id = q.line_id WHERE q.id = $1 AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return QuickAnswer{}, fmt.Errorf("inbox: quick answer %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return QuickAnswer{}, fmt.Errorf("inbox: quick answer: %w", err)
	}
	return q, nil
}

// answerToChange loads an answer the caller may change, and the unit of
// its line (empty for a personal one).
func (qa *QuickAnswers) answerToChange(ctx context.Context, sc access.Scope, id string) (QuickAnswer, string, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return QuickAnswer{}, "", err
	}
	q, err := qa.quickAnswer(ctx, sc, id)
	if err != nil || q.LineID == "" {
		return q, "", err
	}
	line, err := qa.mayManageAnswers(ctx, sc, q.LineID)
	return q, line.UnitID, err
}

// mayManageAnswers allows a line's answers to inbox managers of the line's
// subtree and to the line's supervisors.
func (qa *QuickAnswers) mayManageAnswers(ctx context.Context, sc access.Scope, lineID string) (Line, error) {
	line, err := qa.lines.Get(ctx, sc, lineID)
	if err != nil {
		return Line{}, err
	}
	var lo, hi string
	if sc.Can(access.ManageInbox) {
		lo, hi = sc.PathRange()
	}
	var n int
	if err := qa.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM inbox_lines l JOIN units u ON u.id = l.unit_id
		WHERE l.id = $1 AND ((u.path >= $2 AND u.path < $3)
		   OR EXISTS (SELECT 1 FROM inbox_line_operators o WHERE o.line_id = l.id AND o.user_id = $4 AND o.supervisor = TRUE))`,
		lineID, lo, hi, sc.UserID).Scan(&n); err != nil {
		return Line{}, fmt.Errorf("inbox: quick answers: %w", err)
	}
	if n == 0 {
		return Line{}, fmt.Errorf("%w: the line's quick answers are kept by its supervisors", access.ErrForbidden)
	}
	return line, nil
}

// lockAnswers serialises changes to one line's (or one owner's) answers
// and refuses a shortcut already used there, whatever its case. The table
// has no unique index on folded shortcuts, so the check runs under a lock:
// the upsert of a counter row locks it on PostgreSQL until commit, and
// SQLite transactions take the write lock at BEGIN anyway.
func lockAnswers(ctx context.Context, tx *sql.Tx, q QuickAnswer) error {
	key := "quick_answers:line:" + q.LineID
	if q.LineID == "" {
		key = "quick_answers:owner:" + q.OwnerID
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_counter (name, seq) VALUES ($1, 1)
		ON CONFLICT (name) DO UPDATE SET seq = inbox_counter.seq + 1`, key); err != nil {
		return fmt.Errorf("inbox: quick answers: lock: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT shortcut FROM inbox_quick_answers WHERE line_id = $1 AND owner_id = $2 AND id <> $3`,
		q.LineID, q.OwnerID, q.ID)
	if err != nil {
		return fmt.Errorf("inbox: quick answers: %w", err)
	}
	defer rows.Close()
	want := norm.Fold(q.Shortcut)
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return fmt.Errorf("inbox: quick answers: %w", err)
		}
		if norm.Fold(s) == want {
			return valid.Refuse(db.ErrConflict, "shortcut_taken", "the shortcut %q is already used by %q", q.Shortcut, s)
		}
	}
	return rows.Err()
}

// auditAnswer records changes to a line's answers; personal ones concern
// nobody else and are not audited.
func auditAnswer(ctx context.Context, tx *sql.Tx, sc access.Scope, action string, q QuickAnswer, unitID string) error {
	if q.LineID == "" {
		return nil
	}
	return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "quick_answer", ObjectID: q.ID, UnitID: unitID,
		Details: map[string]any{"line_id": q.LineID, "shortcut": q.Shortcut}})
}
