package chat

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// NewChat asks for a chat: Kind "direct" with one other person, or
// "group" with a title and its people (the creator joins by themselves).
type NewChat struct {
	Kind    string   `json:"kind"`
	Title   string   `json:"title"`
	Members []string `json:"members"`
}

// Chats lists the caller's chats, latest activity first, with what is
// unread in each. The caller's unit chat is made (and its members brought
// up to date with the unit's staff) on the way.
func (s *Service) Chats(ctx context.Context, sc access.Scope) ([]Chat, error) {
	if sc.UnitID != "" && sc.UserID != "" {
		// One who moved leaves the old unit's chat.
		if _, err := s.db.ExecContext(ctx, `DELETE FROM chat_members WHERE user_id = $1
			AND chat_id IN (SELECT id FROM chats WHERE kind = 'unit' AND unit_id <> $2)`, sc.UserID, sc.UnitID); err != nil {
			return nil, fmt.Errorf("chat: leave unit chats: %w", err)
		}
		if _, err := s.EnsureUnitChat(ctx, sc.UnitID); err != nil {
			return nil, err
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.kind, c.title, c.unit_id, un.name, c.last_num, m.read_num, c.last_at,
		(SELECT COUNT(*) FROM chat_messages x WHERE x.chat_id = c.id AND x.num > m.read_num AND x.sender_id <> $1 AND x.deleted_at = 0),
		COALESCE(lm.body, ''), COALESCE(lm.link_kind, ''), COALESCE(lm.files, '[]'), COALESCE(lm.deleted_at, 0), COALESCE(lu.full_name, ''),
		COALESCE((SELECT ou.full_name FROM chat_members o JOIN users ou ON ou.id = o.user_id WHERE o.chat_id = c.id AND o.user_id <> $1 LIMIT 1), '')
		FROM chat_members m JOIN chats c ON c.id = m.chat_id JOIN units un ON un.id = c.unit_id
		LEFT JOIN chat_messages lm ON lm.chat_id = c.id AND lm.num = c.last_num LEFT JOIN users lu ON lu.id = lm.sender_id
		WHERE m.user_id = $1 ORDER BY c.last_at DESC, c.created_at DESC, c.id LIMIT 500`, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("chat: list: %w", err)
	}
	defer rows.Close()
	out := []Chat{}
	for rows.Next() {
		var c Chat
		var unitName, body, linkKind, files, other string
		var lastAt, deleted int64
		if err := rows.Scan(&c.ID, &c.Kind, &c.Title, &c.UnitID, &unitName, &c.LastNum, &c.ReadNum, &lastAt,
			&c.Unread, &body, &linkKind, &files, &deleted, &c.LastFrom, &other); err != nil {
			return nil, fmt.Errorf("chat: list: %w", err)
		}
		c.Title = title(c.Kind, c.Title, unitName, other)
		if lastAt > 0 {
			c.LastAt = db.Time(lastAt)
		}
		c.LastText = preview(body, linkKind, files, deleted > 0)
		out = append(out, c)
	}
	return out, rows.Err()
}

// title is how a chat is named to a member: a unit chat by its unit, a
// direct chat by the other person.
func title(kind, own, unitName, other string) string {
	switch kind {
	case Unit:
		return unitName
	case Direct:
		return other
	}
	return own
}

// preview is a message in the list's one line; the page translates the
// markers of a deleted message, a file and a link card.
func preview(body, linkKind, files string, deleted bool) string {
	switch {
	case deleted:
		return "\x00deleted"
	case body != "":
		return snippet(body, 80)
	case linkKind != "":
		return "\x00link"
	case files != "[]" && files != "":
		return "\x00file"
	}
	return ""
}

func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// EnsureUnitChat makes the unit's chat if it has none and brings its
// members up to date with the unit's active staff; it returns its id.
func (s *Service) EnsureUnitChat(ctx context.Context, unitID string) (string, error) {
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, kind, title, unit_id, created_at) VALUES ($1, 'unit', '', $2, $3)
			ON CONFLICT DO NOTHING`, newID(), unitID, now); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM chats WHERE unit_id = $1 AND kind = 'unit'`, unitID).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO chat_members (chat_id, user_id, read_num, joined_at)
			SELECT $1, us.id, 0, $3 FROM users us WHERE us.unit_id = $2 AND NOT us.disabled ON CONFLICT DO NOTHING`, id, unitID, now); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM chat_members WHERE chat_id = $1
			AND user_id IN (SELECT us.id FROM users us WHERE us.unit_id <> $2 OR us.disabled)`, id, unitID)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("chat: unit chat: %w", err)
	}
	return id, nil
}

// Create starts a direct or group chat. A direct chat with someone the
// caller already has one with is that chat.
func (s *Service) Create(ctx context.Context, sc access.Scope, in NewChat) (Chat, error) {
	people := []string{}
	for _, id := range in.Members {
		if id != sc.UserID && !slices.Contains(people, id) {
			people = append(people, id)
		}
	}
	in.Title = strings.TrimSpace(in.Title)
	switch {
	case sc.UserID == "" || sc.UnitID == "":
		return Chat{}, access.ErrForbidden
	case in.Kind != Direct && in.Kind != Group:
		return Chat{}, valid.Keyed("kind", "chat_kind", "chat_kind", "a chat is direct or group")
	case in.Kind == Direct && len(people) != 1:
		return Chat{}, valid.Keyed("members", "chat_direct_one", "chat_direct_one", "a direct chat is with one other person")
	case in.Kind == Group && in.Title == "":
		return Chat{}, valid.Keyed("title", "chat_title", "chat_title", "a group chat needs a title")
	case utf8.RuneCountInString(in.Title) > MaxTitleRunes:
		return Chat{}, valid.Keyed("title", "chat_title_long", "chat_title_long", "the title is too long")
	case in.Kind == Group && (len(people) == 0 || len(people) >= MaxGroupSize):
		return Chat{}, valid.Keyed("members", "chat_group_size", "chat_group_size", "a group chat has 2 to %d people", MaxGroupSize)
	}
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range people {
			ok, err := s.reachable(ctx, tx, sc, p)
			if err != nil {
				return err
			}
			if !ok {
				return valid.Keyed("members", "chat_person", "chat_person", "no such colleague among those you may write to")
			}
		}
		var key any
		if in.Kind == Direct {
			pair := []string{sc.UserID, people[0]}
			slices.Sort(pair)
			key = pair[0] + "|" + pair[1]
			err := tx.QueryRowContext(ctx, `SELECT id FROM chats WHERE direct_key = $1`, key).Scan(&id)
			if err == nil {
				return nil
			}
			if err != sql.ErrNoRows {
				return err
			}
			in.Title = ""
		}
		id = newID()
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, kind, title, unit_id, direct_key, created_by, created_at, last_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, id, in.Kind, in.Title, sc.UnitID, key, sc.UserID, now); err != nil {
			return err
		}
		for _, p := range append([]string{sc.UserID}, people...) {
			if _, err := tx.ExecContext(ctx, `INSERT INTO chat_members (chat_id, user_id, read_num, joined_at) VALUES ($1, $2, 0, $3)`,
				id, p, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		if valid.Is(err) {
			return Chat{}, err
		}
		return Chat{}, fmt.Errorf("chat: create: %w", err)
	}
	return s.Get(ctx, sc, id)
}

// Get is one of the caller's chats with its members.
func (s *Service) Get(ctx context.Context, sc access.Scope, id string) (Chat, error) {
	c, err := s.open(ctx, sc, id)
	if err != nil {
		return Chat{}, err
	}
	ms, err := s.members(ctx, s.db, c.ID)
	if err != nil {
		return Chat{}, err
	}
	out := Chat{ID: c.ID, Kind: c.Kind, UnitID: c.UnitID, LastNum: c.LastNum, Members: ms}
	other := ""
	for _, m := range ms {
		if m.ID == sc.UserID {
			out.ReadNum = m.ReadNum
		} else if other == "" {
			other = m.Name
		}
	}
	out.Title = title(c.Kind, c.Title, c.UnitName, other)
	return out, nil
}

// MarkRead moves the caller's read mark forward to num (never back, never
// past the last message); the caller's other tabs hear of it.
func (s *Service) MarkRead(ctx context.Context, sc access.Scope, id string, num int64) error {
	c, err := s.open(ctx, sc, id)
	if err != nil {
		return err
	}
	num = min(num, c.LastNum)
	var seq int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE chat_members SET read_num = $3 WHERE chat_id = $1 AND user_id = $2 AND read_num < $3`,
			c.ID, sc.UserID, num)
		if err != nil {
			return fmt.Errorf("chat: read mark: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		seq, err = logEvent(ctx, tx, c.ID, EvRead, "", sc.UserID)
		return err
	})
	if err == nil && seq > 0 {
		s.relay.committed(ctx)
	}
	return err
}
