package feed

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Confirm records that the caller has read an important post
// ("Ознакомлен"). A second confirmation changes nothing and keeps the
// first time.
func (s *Service) Confirm(ctx context.Context, sc access.Scope, id string) (Post, error) {
	p, _, err := s.get(ctx, s.db, sc, id)
	if err != nil {
		return Post{}, err
	}
	if !p.Important {
		return Post{}, valid.Refuse(db.ErrConflict, "feed_not_important", "the post does not ask for confirmation")
	}
	if !s.isReader(ctx, id, sc.UserID) {
		return Post{}, valid.Refuse(access.ErrForbidden, "feed_not_reader", "only the post's audience confirms it")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO feed_confirms (post_id, user_id, at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			id, sc.UserID, s.now().UnixMilli())
		if err != nil {
			return fmt.Errorf("feed: confirm: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "feed.confirm", ObjectType: "feed_post", ObjectID: id, UnitID: sc.UnitID})
	})
	if err != nil {
		return Post{}, err
	}
	return s.Get(ctx, sc, id)
}

func (s *Service) isReader(ctx context.Context, postID, userID string) bool {
	rs, err := s.readers(ctx, s.db, postID)
	if err != nil {
		return false
	}
	for _, r := range rs {
		if r.ID == userID {
			return true
		}
	}
	return false
}

// UnitReaders are the readers of one unit: who confirmed, who has not.
type UnitReaders struct {
	Unit      string   `json:"unit"`
	Confirmed []Reader `json:"confirmed"`
	Pending   []Reader `json:"pending"`
}

// Confirmations is the list of who has and who has not confirmed an
// important post, by unit: for its author and the administrators over it.
func (s *Service) Confirmations(ctx context.Context, sc access.Scope, id string) ([]UnitReaders, error) {
	p, err := s.managed(ctx, sc, id)
	if err != nil {
		return nil, err
	}
	rs, err := s.readers(ctx, s.db, p.ID)
	if err != nil {
		return nil, err
	}
	out := []UnitReaders{}
	idx := map[string]int{}
	for _, r := range rs {
		i, ok := idx[r.unitPath]
		if !ok {
			i = len(out)
			idx[r.unitPath] = i
			out = append(out, UnitReaders{Unit: r.UnitName, Confirmed: []Reader{}, Pending: []Reader{}})
		}
		if r.ConfirmedAt.IsZero() {
			out[i].Pending = append(out[i].Pending, r)
		} else {
			out[i].Confirmed = append(out[i].Confirmed, r)
		}
	}
	return out, nil
}

// managed reads an important post the caller manages; one they may read
// but not manage is refused, one they may not read is not found.
func (s *Service) managed(ctx context.Context, sc access.Scope, id string) (Post, error) {
	p, _, err := s.get(ctx, s.db, sc, id)
	if err != nil {
		return Post{}, err
	}
	if !canManage(sc, p) {
		return Post{}, valid.Refuse(access.ErrForbidden, "feed_not_author", "only the author of the post and administrators do this")
	}
	if !p.Important {
		return Post{}, valid.Refuse(db.ErrConflict, "feed_not_important", "the post does not ask for confirmation")
	}
	return p, nil
}

// Remind tells the readers who have not confirmed the post, at most once
// a day (the button "Напомнить"; the daily sweep takes the same turn). It
// returns how many were reminded.
func (s *Service) Remind(ctx context.Context, sc access.Scope, id string) (int, error) {
	p, err := s.managed(ctx, sc, id)
	if err != nil {
		return 0, err
	}
	n, ok, err := s.remind(ctx, p.ID, sc.UserName)
	if err != nil {
		return 0, err
	}
	if !ok {
		return 0, valid.Refuse(db.ErrConflict, "feed_reminded", "the reminder has already gone today; the next one can go tomorrow")
	}
	return n, nil
}

// remind takes today's turn of the post (false: it was taken) and tells
// the readers who have not confirmed it.
func (s *Service) remind(ctx context.Context, postID, by string) (int, bool, error) {
	today := s.today()
	n, ok := 0, false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE feed_posts SET reminded_on = $2 WHERE id = $1 AND reminded_on <> $2`, postID, today)
		if err != nil {
			return fmt.Errorf("feed: remind: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return nil
		}
		ok = true
		rs, err := s.readers(ctx, tx, postID)
		if err != nil {
			return err
		}
		var text, author string
		if err := tx.QueryRowContext(ctx, `SELECT p.body_text, COALESCE(us.full_name, '') FROM feed_posts p LEFT JOIN users us ON us.id = p.author_id
			WHERE p.id = $1`, postID).Scan(&text, &author); err != nil {
			return err
		}
		if by == "" {
			by = author
		}
		for _, r := range rs {
			if r.ConfirmedAt.IsZero() {
				n++
			}
		}
		return s.tellReaders(ctx, tx, postID, by, text, NoticeReminder, "feed-remind:"+postID+":"+today, true)
	})
	return n, ok, err
}

// reminderAge is how long after posting the daily sweep keeps reminding.
const reminderAge = 30 * 24 * time.Hour

// remindHour is when the working day has begun: the sweep reminds from
// then on, so nobody's phone rings at midnight.
const remindHour = 9

// SweepReminders reminds, once a day from remindHour on, the readers of
// every recent important post who have not confirmed it; a post is not
// reminded on the day it was published (its readers were told then).
// Several nodes may sweep: each post's day is taken once.
func (s *Service) SweepReminders(ctx context.Context) (int, error) {
	now := s.now().In(s.zone)
	if now.Hour() < remindHour {
		return 0, nil
	}
	y, m, d := now.Date()
	dayStart := time.Date(y, m, d, 0, 0, 0, 0, s.zone).UnixMilli()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM feed_posts WHERE important AND created_at < $1 AND created_at > $2 AND reminded_on <> $3
		ORDER BY created_at LIMIT 500`, dayStart, now.Add(-reminderAge).UnixMilli(), s.today())
	if err != nil {
		return 0, fmt.Errorf("feed: sweep: %w", err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	total := 0
	for _, id := range ids {
		n, _, err := s.remind(ctx, id, "")
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
