package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// visibleConversation is the scope rule for conversations, applied in SQL:
// the conversation's line belongs to a unit of the caller's subtree, or the
// caller operates in that line, or the conversation is theirs.
const visibleConversation = `((u.path >= $%d AND u.path < $%d) OR c.assignee_id = $%d
	OR EXISTS (SELECT 1 FROM inbox_line_operators lo WHERE lo.line_id = c.line_id AND lo.user_id = $%d))`

func visibleArgs(sc access.Scope, first int) (string, []any) {
	lo, hi := sc.PathRange()
	return fmt.Sprintf(visibleConversation, first, first+1, first+2, first+2), []any{lo, hi, sc.UserID}
}

// role describes what the caller may do with one conversation.
type role struct {
	conv       Conversation
	line       Line
	operator   bool // in the line's operators
	supervisor bool // may watch, join, take over and reassign
}

// conversationFor loads a conversation the caller may see, with their
// role in it; others get db.ErrNotFound.
func (k *core) conversationFor(ctx context.Context, sc access.Scope, id string) (role, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return role{}, err
	}
	cond, args := visibleArgs(sc, 2)
	var unitPath string // a supervisor's reach: read with the row, not after it
	c, err := scanConversation(withExtra{k.db.QueryRowCached(ctx, `SELECT `+convColumns+`, u.path`+convFrom+` JOIN units u ON u.id = c.unit_id
		WHERE c.id = $1 AND `+cond, append([]any{id}, args...)...), []any{&unitPath}})
	if errors.Is(err, sql.ErrNoRows) {
		return role{}, fmt.Errorf("inbox: conversation %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return role{}, fmt.Errorf("inbox: conversation: %w", err)
	}
	line, err := k.lineByID(ctx, c.LineID)
	if err != nil {
		return role{}, err
	}
	r := role{conv: c, line: line}
	for _, o := range line.Operators {
		if o.UserID == sc.UserID {
			r.operator = true
			r.supervisor = o.Supervisor
		}
	}
	if sc.Can(access.SuperviseInbox) && sc.Covers(unitPath) {
		r.supervisor = true
	}
	return r, nil
}

// withExtra scans a row's leading columns into what its caller asks for
// and the columns after them into extra.
type withExtra struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (w withExtra) Scan(dest ...any) error { return w.row.Scan(append(dest, w.extra...)...) }

func (r role) mayAnswer(sc access.Scope) error {
	if r.conv.AssigneeID == sc.UserID || r.supervisor {
		return nil
	}
	if r.conv.Status == StatusWaiting && r.operator {
		return nil
	}
	return fmt.Errorf("%w: the conversation belongs to another operator", access.ErrForbidden)
}
