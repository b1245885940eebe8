package feed

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Poll is a post's poll as one reader sees it: the counts once they have
// voted (or to those who manage the post).
type Poll struct {
	Question string   `json:"question"`
	Multiple bool     `json:"multiple"`
	Options  []Option `json:"options"`
	Voted    bool     `json:"voted"`
	Voters   int      `json:"voters"`
}

// Option is one answer of a poll.
type Option struct {
	Text  string `json:"text"`
	Votes int    `json:"votes"`
	Mine  bool   `json:"mine"`
}

// decorate fills what a post card shows besides the post's own row.
func (s *Service) decorate(ctx context.Context, sc access.Scope, p *Post, ph pollHead) error {
	p.CanManage = canManage(sc, *p)
	var err error
	if p.Audience, err = s.audience(ctx, p.ID); err != nil {
		return err
	}
	if p.Files, err = s.files(ctx, p.ID); err != nil {
		return err
	}
	if ph.question != "" {
		if p.Poll, err = s.poll(ctx, sc, p, ph); err != nil {
			return err
		}
	}
	if p.Reactions, err = s.reactions(ctx, sc, p.ID); err != nil {
		return err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM feed_comments WHERE post_id = $1`, p.ID).Scan(&p.Comments); err != nil {
		return fmt.Errorf("feed: comments: %w", err)
	}
	if p.Important {
		var at int64
		if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(at), 0) FROM feed_confirms WHERE post_id = $1 AND user_id = $2`, p.ID, sc.UserID).
			Scan(&at); err != nil {
			return fmt.Errorf("feed: confirmed: %w", err)
		}
		if at > 0 {
			p.ConfirmedAt = db.Time(at)
		}
		if p.CanManage {
			rs, err := s.readers(ctx, s.db, p.ID)
			if err != nil {
				return err
			}
			p.Readers = len(rs)
			for _, r := range rs {
				if !r.ConfirmedAt.IsZero() {
					p.Confirmed++
				}
			}
		}
	}
	return nil
}

func (s *Service) audience(ctx context.Context, postID string) (Audience, error) {
	a := Audience{Units: []Named{}, People: []Named{}}
	rows, err := s.db.QueryContext(ctx, `SELECT fa.kind, fa.ref_id, COALESCE(un.name, us.full_name, '')
		FROM feed_audience fa LEFT JOIN units un ON fa.kind = 'unit' AND un.id = fa.ref_id LEFT JOIN users us ON fa.kind = 'user' AND us.id = fa.ref_id
		WHERE fa.post_id = $1 ORDER BY 3`, postID)
	if err != nil {
		return a, fmt.Errorf("feed: audience: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var n Named
		if err := rows.Scan(&kind, &n.ID, &n.Name); err != nil {
			return a, err
		}
		if kind == "unit" {
			a.Units = append(a.Units, n)
		} else {
			a.People = append(a.People, n)
		}
	}
	return a, rows.Err()
}

func (s *Service) poll(ctx context.Context, sc access.Scope, p *Post, ph pollHead) (*Poll, error) {
	pl := &Poll{Question: ph.question, Multiple: ph.multi, Options: []Option{}}
	rows, err := s.db.QueryContext(ctx, `SELECT o.idx, o.text, (SELECT COUNT(*) FROM feed_votes v WHERE v.post_id = o.post_id AND v.idx = o.idx),
		(SELECT COUNT(*) FROM feed_votes v WHERE v.post_id = o.post_id AND v.idx = o.idx AND v.user_id = $2)
		FROM feed_poll_options o WHERE o.post_id = $1 ORDER BY o.idx`, p.ID, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("feed: poll: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var idx, mine int
		var o Option
		if err := rows.Scan(&idx, &o.Text, &o.Votes, &mine); err != nil {
			return nil, err
		}
		o.Mine = mine > 0
		pl.Voted = pl.Voted || o.Mine
		pl.Options = append(pl.Options, o)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM feed_votes WHERE post_id = $1`, p.ID).Scan(&pl.Voters); err != nil {
		return nil, err
	}
	if !pl.Voted && !p.CanManage { // the counts are shown after one's own vote
		for i := range pl.Options {
			pl.Options[i].Votes = 0
		}
		pl.Voters = 0
	}
	return pl, nil
}

func (s *Service) reactions(ctx context.Context, sc access.Scope, postID string) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT emoji, COUNT(*), SUM(CASE WHEN user_id = $2 THEN 1 ELSE 0 END)
		FROM feed_reactions WHERE post_id = $1 GROUP BY emoji`, postID, sc.UserID)
	if err != nil {
		return nil, fmt.Errorf("feed: reactions: %w", err)
	}
	defer rows.Close()
	got := map[string]Count{}
	for rows.Next() {
		var c Count
		var mine int
		if err := rows.Scan(&c.Emoji, &c.Count, &mine); err != nil {
			return nil, err
		}
		c.Mine = mine > 0
		got[c.Emoji] = c
	}
	out := make([]Count, 0, len(Reactions))
	for _, e := range Reactions { // the fixed order, every emoji offered
		c, ok := got[e]
		if !ok {
			c = Count{Emoji: e}
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
