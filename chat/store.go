package chat

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/names"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// errNotMember refuses a non-member a chat that lies in their scope.
func errNotMember() error {
	return valid.Refuse(access.ErrForbidden, "chat_not_member", "you are not a member of this chat")
}

// chatRow is a chat as the rules need it.
type chatRow struct {
	ID, Kind, Title, UnitID, UnitPath, UnitName string
	LastNum                                     int64
}

func newID() string { return uuid.Must(uuid.NewV7()).String() }

func (s *Service) load(ctx context.Context, q db.Execer, id string) (chatRow, error) {
	var c chatRow
	if _, err := uuid.Parse(id); err != nil {
		return c, fmt.Errorf("chat %q: %w", id, db.ErrNotFound)
	}
	err := q.QueryRowContext(ctx, `SELECT c.id, c.kind, c.title, c.unit_id, un.path, un.name, c.last_num
		FROM chats c JOIN units un ON un.id = c.unit_id WHERE c.id = $1`, id).
		Scan(&c.ID, &c.Kind, &c.Title, &c.UnitID, &c.UnitPath, &c.UnitName, &c.LastNum)
	if errors.Is(err, sql.ErrNoRows) {
		return c, fmt.Errorf("chat %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return c, fmt.Errorf("chat: load: %w", err)
	}
	return c, nil
}

// open is a chat the caller is a member of. A chat outside the caller's
// scope that they are not in is not found; one inside it is forbidden.
// A unit chat takes its unit's staff in as they come to it.
func (s *Service) open(ctx context.Context, sc access.Scope, id string) (chatRow, error) {
	c, err := s.load(ctx, s.db, id)
	if err != nil {
		return c, err
	}
	ok, err := s.isMember(ctx, s.db, c.ID, sc.UserID)
	if err != nil {
		return c, err
	}
	if ok && c.Kind == Unit && sc.UnitID != c.UnitID {
		// Moved to another unit: the old unit's chat is no longer theirs.
		if _, err := s.db.ExecContext(ctx, `DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2`, c.ID, sc.UserID); err != nil {
			return c, fmt.Errorf("chat: leave unit chat: %w", err)
		}
		ok = false
	}
	if !ok && c.Kind == Unit && sc.UnitID == c.UnitID && sc.UserID != "" {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO chat_members (chat_id, user_id, read_num, joined_at)
			VALUES ($1, $2, 0, $3) ON CONFLICT DO NOTHING`, c.ID, sc.UserID, db.Now()); err != nil {
			return c, fmt.Errorf("chat: join unit chat: %w", err)
		}
		ok = true
	}
	if ok {
		return c, nil
	}
	if sc.Covers(c.UnitPath) {
		return c, errNotMember()
	}
	return c, fmt.Errorf("chat %s: %w", id, db.ErrNotFound)
}

func (s *Service) isMember(ctx context.Context, q db.Execer, chatID, userID string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM chat_members WHERE chat_id = $1 AND user_id = $2`, chatID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("chat: member: %w", err)
	}
	return n > 0, nil
}

// members are a chat's people by name.
func (s *Service) members(ctx context.Context, q db.Execer, chatID string) ([]Member, error) {
	rows, err := q.QueryContext(ctx, `SELECT us.id, us.full_name, m.read_num FROM chat_members m JOIN users us ON us.id = m.user_id
		WHERE m.chat_id = $1 ORDER BY us.full_name, us.id`, chatID)
	if err != nil {
		return nil, fmt.Errorf("chat: members: %w", err)
	}
	defer rows.Close()
	out := []Member{}
	for rows.Next() {
		var m Member
		if err := rows.Scan(&m.ID, &m.Name, &m.ReadNum); err != nil {
			return nil, err
		}
		m.Surname = names.Split(m.Name).Surname
		out = append(out, m)
	}
	return out, rows.Err()
}

// memberIDs are the ids of a chat's members, for the live relay.
func (s *Service) memberIDs(ctx context.Context, chatID string) (map[string]bool, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id FROM chat_members WHERE chat_id = $1`, chatID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}

// Person is someone a chat can be started with.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Unit string `json:"unit"`
}

// reachableWhere limits people to those a caller may start a chat with:
// the active staff of their scope and of the units above them (their
// chain of heads). $1, $2: the scope's range; $3: its path.
const reachableWhere = `NOT us.disabled AND ((un.path >= $1 AND un.path < $2) OR substr(CAST($3 AS TEXT), 1, length(un.path)) = un.path)`

// People lists who the caller may start a chat with, matching q (folded
// in Go: SQLite's lower() folds only ASCII).
func (s *Service) People(ctx context.Context, sc access.Scope, q string) ([]Person, error) {
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT us.id, us.full_name, un.name FROM users us JOIN units un ON un.id = us.unit_id
		WHERE `+reachableWhere+` AND us.id <> $4 ORDER BY us.full_name, us.id LIMIT 5000`, lo, hi, sc.UnitPath, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("chat: people: %w", err)
	}
	defer rows.Close()
	q = norm.Fold(q)
	out := []Person{}
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Unit); err != nil {
			return nil, err
		}
		if len(out) < 30 && strings.Contains(norm.Fold(p.Name), q) {
			out = append(out, p)
		}
	}
	return out, rows.Err()
}

// reachable reports whether the caller may put userID in a chat.
func (s *Service) reachable(ctx context.Context, q db.Execer, sc access.Scope, userID string) (bool, error) {
	lo, hi := sc.PathRange()
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users us JOIN units un ON un.id = us.unit_id
		WHERE `+reachableWhere+` AND us.id = $4`, lo, hi, sc.UnitPath, userID).Scan(&n)
	return n > 0, err
}

// nextEvent takes the next event number inside tx; the counter's row lock
// holds other writers until tx commits, so events commit in seq order.
func nextEvent(ctx context.Context, tx db.Execer) (int64, error) {
	var seq int64
	err := tx.QueryRowContext(ctx, `UPDATE chat_counter SET seq = seq + 1 WHERE name = 'events' RETURNING seq`).Scan(&seq)
	if err != nil {
		return 0, fmt.Errorf("chat: event number: %w", err)
	}
	return seq, nil
}

// logEvent records a change for the live streams.
func logEvent(ctx context.Context, tx db.Execer, chatID, kind, messageID, userID string) (int64, error) {
	seq, err := nextEvent(ctx, tx)
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO chat_events (seq, chat_id, kind, message_id, user_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, seq, chatID, kind, messageID, userID, db.Now())
	if err != nil {
		return 0, fmt.Errorf("chat: event: %w", err)
	}
	return seq, nil
}

// readNum is a member's read mark (0 when they are not a member).
func (s *Service) readNum(ctx context.Context, chatID, userID string) int64 {
	var n int64
	_ = s.db.QueryRowContext(ctx, `SELECT read_num FROM chat_members WHERE chat_id = $1 AND user_id = $2`, chatID, userID).Scan(&n)
	return n
}
