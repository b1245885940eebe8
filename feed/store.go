package feed

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// visibleSQL is the condition "the caller may read post p" (p joined with
// its author's unit as pu), with its arguments from $n on: they are its
// author, in its audience (named, or at or below a unit of it, by the
// unit's current path), or an administrator whose scope covers the
// author's unit.
func visibleSQL(sc access.Scope, n int) (string, []any) {
	lo, hi := sc.PathRange()
	a := func(i int) string { return "$" + strconv.Itoa(n+i) }
	cond := `(p.author_id = ` + a(0) + ` OR EXISTS (SELECT 1 FROM feed_audience fa LEFT JOIN units au ON fa.kind = 'unit' AND au.id = fa.ref_id
		WHERE fa.post_id = p.id AND ((fa.kind = 'user' AND fa.ref_id = ` + a(0) + `)
			OR (fa.kind = 'unit' AND substr(CAST(` + a(1) + ` AS TEXT), 1, length(au.path)) = au.path)))
		OR (` + a(2) + ` = 'administrator' AND pu.path >= ` + a(3) + ` AND pu.path < ` + a(4) + `))`
	me := sc.UserID
	if me == "" {
		me = "-" // the system scope is nobody's reader
	}
	path := sc.UnitPath
	if path == "" {
		path = "-"
	}
	return cond, []any{me, path, string(sc.Role), lo, hi}
}

const postColumns = `p.id, p.author_id, COALESCE(us.full_name, ''), pu.name, pu.path, p.body_html, p.important, p.pinned_at, p.created_at, p.poll_question, p.poll_multi`

const postFrom = ` FROM feed_posts p JOIN units pu ON pu.id = p.unit_id LEFT JOIN users us ON us.id = p.author_id`

type pollHead struct {
	question string
	multi    bool
}

func scanPost(row interface{ Scan(...any) error }) (Post, pollHead, error) {
	var p Post
	var ph pollHead
	var pinned, created int64
	err := row.Scan(&p.ID, &p.AuthorID, &p.AuthorName, &p.UnitName, &p.unitPath, &p.HTML, &p.Important, &pinned, &created, &ph.question, &ph.multi)
	p.Pinned, p.CreatedAt = pinned > 0, db.Time(created)
	return p, ph, err
}

// canManage: the author, or an administrator over the author's unit.
func canManage(sc access.Scope, p Post) bool {
	return p.AuthorID == sc.UserID || (sc.Role == access.Administrator && sc.Covers(p.unitPath))
}

// get reads one post the caller may see; any other id is ErrNotFound.
func (s *Service) get(ctx context.Context, q db.Execer, sc access.Scope, id string) (Post, pollHead, error) {
	cond, args := visibleSQL(sc, 2)
	p, ph, err := scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id = $1 AND `+cond, append([]any{id}, args...)...))
	if errors.Is(err, sql.ErrNoRows) {
		return p, ph, db.ErrNotFound
	}
	if err != nil {
		return p, ph, fmt.Errorf("feed: post: %w", err)
	}
	return p, ph, nil
}

// list reads the posts the caller may see: pinned ones (pinned true), or
// the others created before the instant (ms), newest first.
func (s *Service) list(ctx context.Context, sc access.Scope, pinned bool, before int64, limit int) ([]Post, []pollHead, error) {
	cond, args := visibleSQL(sc, 2)
	where := ` WHERE p.pinned_at = 0 AND p.created_at < $1 AND ` + cond + ` ORDER BY p.created_at DESC, p.id DESC LIMIT ` + strconv.Itoa(limit)
	if pinned {
		where = ` WHERE p.pinned_at > 0 AND CAST($1 AS BIGINT) > 0 AND ` + cond + ` ORDER BY p.pinned_at DESC LIMIT 20`
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+postColumns+postFrom+where, append([]any{before}, args...)...)
	if err != nil {
		return nil, nil, fmt.Errorf("feed: list: %w", err)
	}
	defer rows.Close()
	var out []Post
	var heads []pollHead
	for rows.Next() {
		p, ph, err := scanPost(rows)
		if err != nil {
			return nil, nil, err
		}
		out, heads = append(out, p), append(heads, ph)
	}
	return out, heads, rows.Err()
}

// Reader is one person of a post's audience, with their unit and when
// they confirmed it (zero: not yet).
type Reader struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	UnitName    string    `json:"unit_name"`
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	unitPath    string
}

// readers resolves the audience now: the active staff at or below its
// units and the named people, never the author, by unit and name.
func (s *Service) readers(ctx context.Context, q db.Execer, postID string) ([]Reader, error) {
	rows, err := q.QueryContext(ctx, `SELECT us.id, us.full_name, un.name, un.path, COALESCE(c.at, 0)
		FROM users us JOIN units un ON un.id = us.unit_id JOIN feed_posts p ON p.id = $1
		LEFT JOIN feed_confirms c ON c.post_id = p.id AND c.user_id = us.id
		WHERE NOT us.disabled AND us.id <> p.author_id AND EXISTS (SELECT 1 FROM feed_audience fa LEFT JOIN units au ON fa.kind = 'unit' AND au.id = fa.ref_id
			WHERE fa.post_id = p.id AND ((fa.kind = 'user' AND fa.ref_id = us.id) OR (fa.kind = 'unit' AND substr(un.path, 1, length(au.path)) = au.path)))
		ORDER BY un.path, us.full_name, us.id LIMIT 20000`, postID)
	if err != nil {
		return nil, fmt.Errorf("feed: readers: %w", err)
	}
	defer rows.Close()
	var out []Reader
	for rows.Next() {
		var r Reader
		var at int64
		if err := rows.Scan(&r.ID, &r.Name, &r.UnitName, &r.unitPath, &at); err != nil {
			return nil, err
		}
		if at > 0 {
			r.ConfirmedAt = db.Time(at)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
