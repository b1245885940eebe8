package feed

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Comment is a reader's remark under a post (plain text).
type Comment struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	Text       string    `json:"text"`
	At         time.Time `json:"at"`
}

// Comments lists a post's comments, oldest first.
func (s *Service) Comments(ctx context.Context, sc access.Scope, id string) ([]Comment, error) {
	if _, _, err := s.get(ctx, s.db, sc, id); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.id, c.author_id, COALESCE(us.full_name, ''), c.text, c.created_at
		FROM feed_comments c LEFT JOIN users us ON us.id = c.author_id WHERE c.post_id = $1 ORDER BY c.id LIMIT 1000`, id)
	if err != nil {
		return nil, fmt.Errorf("feed: comments: %w", err)
	}
	defer rows.Close()
	out := []Comment{}
	for rows.Next() {
		var c Comment
		var at int64
		if err := rows.Scan(&c.ID, &c.AuthorID, &c.AuthorName, &c.Text, &at); err != nil {
			return nil, err
		}
		c.At = db.Time(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// AddComment adds the caller's comment to a post they may read.
func (s *Service) AddComment(ctx context.Context, sc access.Scope, id, text string) (Comment, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > MaxComment || !utf8.ValidString(text) {
		return Comment{}, valid.Errorf("text", "feed_comment", "a comment is 1 to %d characters", MaxComment)
	}
	if _, _, err := s.get(ctx, s.db, sc, id); err != nil {
		return Comment{}, err
	}
	c := Comment{ID: uuid.Must(uuid.NewV7()).String(), AuthorID: sc.UserID, AuthorName: sc.UserName, Text: text, At: s.now()}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_comments (id, post_id, author_id, text, created_at) VALUES ($1, $2, $3, $4, $5)`,
			c.ID, id, sc.UserID, text, c.At.UnixMilli()); err != nil {
			return fmt.Errorf("feed: comment: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "feed.comment", ObjectType: "feed_post", ObjectID: id, UnitID: sc.UnitID})
	})
	return c, err
}

// React puts the caller's emoji under a post, or takes it back when it is
// there; only the fixed set is accepted.
func (s *Service) React(ctx context.Context, sc access.Scope, id, emoji string) ([]Count, error) {
	if !slices.Contains(Reactions, emoji) {
		return nil, valid.Errorf("emoji", "feed_emoji", "choose one of the offered reactions")
	}
	if _, _, err := s.get(ctx, s.db, sc, id); err != nil {
		return nil, err
	}
	res, err := s.db.ExecContext(ctx, `DELETE FROM feed_reactions WHERE post_id = $1 AND user_id = $2 AND emoji = $3`, id, sc.UserID, emoji)
	if err != nil {
		return nil, fmt.Errorf("feed: react: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO feed_reactions (post_id, user_id, emoji) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			id, sc.UserID, emoji); err != nil {
			return nil, fmt.Errorf("feed: react: %w", err)
		}
	}
	return s.reactions(ctx, sc, id)
}

// Vote records the caller's answer to a post's poll: one option, or
// several in a poll with multiple choice. A person votes once.
func (s *Service) Vote(ctx context.Context, sc access.Scope, id string, choice []int) (Post, error) {
	_, ph, err := s.get(ctx, s.db, sc, id)
	if err != nil {
		return Post{}, err
	}
	if ph.question == "" {
		return Post{}, valid.Refuse(db.ErrConflict, "feed_no_poll", "the post has no poll")
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feed_poll_options WHERE post_id = $1`, id).Scan(&n); err != nil {
		return Post{}, err
	}
	slices.Sort(choice)
	choice = slices.Compact(choice)
	if len(choice) == 0 || (!ph.multi && len(choice) > 1) || choice[0] < 0 || choice[len(choice)-1] >= n {
		return Post{}, valid.Errorf("options", "feed_vote", "choose one of the poll's options (several only where the poll allows)")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var voted int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM feed_votes WHERE post_id = $1 AND user_id = $2`, id, sc.UserID).Scan(&voted); err != nil {
			return err
		}
		if voted > 0 {
			return valid.Refuse(db.ErrConflict, "feed_voted", "you have already voted in this poll")
		}
		for _, c := range choice {
			if _, err := tx.ExecContext(ctx, `INSERT INTO feed_votes (post_id, user_id, idx, at) VALUES ($1, $2, $3, $4)`,
				id, sc.UserID, c, s.now().UnixMilli()); err != nil {
				if db.IsUniqueViolation(err) { // a second tab voted at the same moment
					return valid.Refuse(db.ErrConflict, "feed_voted", "you have already voted in this poll")
				}
				return fmt.Errorf("feed: vote: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return Post{}, err
	}
	return s.Get(ctx, sc, id)
}

// Pin puts a post at the top of its readers' feeds (pin false: takes it
// off): its author, or an administrator over it.
func (s *Service) Pin(ctx context.Context, sc access.Scope, id string, pin bool) (Post, error) {
	p, _, err := s.get(ctx, s.db, sc, id)
	if err != nil {
		return Post{}, err
	}
	if !canManage(sc, p) {
		return Post{}, valid.Refuse(access.ErrForbidden, "feed_not_author", "only the author of the post and administrators do this")
	}
	at, by := int64(0), ""
	if pin {
		at, by = s.now().UnixMilli(), sc.UserID
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE feed_posts SET pinned_at = $2, pinned_by = $3 WHERE id = $1`, id, at, by); err != nil {
			return fmt.Errorf("feed: pin: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: map[bool]string{true: "feed.pin", false: "feed.unpin"}[pin],
			ObjectType: "feed_post", ObjectID: id, UnitID: sc.UnitID})
	})
	if err != nil {
		return Post{}, err
	}
	return s.Get(ctx, sc, id)
}
