package feed

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// New posts reach open feed pages live over server-sent events, the way
// the bell's count does (notify/stream.go): each page holds a stream that
// waits on a channel here; the watcher (Run) wakes every stream of this
// node when the newest post id changes, whichever node published it, and
// each stream then reads from SQL the posts after the last one it sent
// that its reader may see. A lost wake-up costs at most the half-minute
// re-read; a reconnecting page passes the last id it has (?after=).

// Run watches for new posts until ctx ends.
func (s *Service) Run(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		var last string
		if err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), '') FROM feed_posts`).Scan(&last); err == nil {
			s.mu.Lock()
			changed := last != s.last
			s.last = last
			s.mu.Unlock()
			if changed {
				s.poke()
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Stop ends the live streams, so that a node shutting down does not wait
// for open pages.
func (s *Service) Stop() { s.once.Do(func() { close(s.done) }) }

func (s *Service) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.subs[ch] = struct{}{}
	s.mu.Unlock()
	return ch, func() {
		s.mu.Lock()
		delete(s.subs, ch)
		s.mu.Unlock()
	}
}

// poke wakes this node's streams.
func (s *Service) poke() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// newSince reads the posts after id (a UUIDv7, so by time) the caller
// may see, oldest first; id "" gives the newest one's id and no posts.
func (s *Service) newSince(ctx context.Context, sc access.Scope, id string) ([]Post, string, error) {
	cond, args := visibleSQL(sc, 2)
	if id == "" {
		err := s.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(p.id), '0')`+postFrom+` WHERE $1 = '' AND `+cond, append([]any{id}, args...)...).Scan(&id)
		return nil, id, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+postColumns+postFrom+` WHERE p.id > $1 AND `+cond+` ORDER BY p.id LIMIT 20`, append([]any{id}, args...)...)
	if err != nil {
		return nil, id, fmt.Errorf("feed: new posts: %w", err)
	}
	var out []Post
	var heads []pollHead
	for rows.Next() {
		p, ph, err := scanPost(rows)
		if err != nil {
			rows.Close()
			return nil, id, err
		}
		out, heads = append(out, p), append(heads, ph)
	}
	rows.Close()
	for i := range out {
		if err := s.decorate(ctx, sc, &out[i], heads[i]); err != nil {
			return nil, id, err
		}
		id = out[i].ID
	}
	return out, id, rows.Err()
}
