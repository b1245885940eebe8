package helpcentre

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// Views, votes and the suggest limit. Redis holds the short memories
// (who viewed what this hour, how many asks this minute), shared by the
// nodes; SQL holds the counts.

// View counts a browser's view of a published article once in
// ViewWindow. A browser the hub has just given its id (fresh: it came
// without the cookie) counts only once per address and user agent in the
// window too, so a client that drops cookies cannot run the count up. It reports whether
// the view was counted. When Redis is unreachable nothing is counted:
// the count is worth less than the page.
func (s *Service) View(ctx context.Context, id, browser, ip, agent string, fresh bool) (bool, error) {
	if browser == "" {
		return false, nil
	}
	ok, err := s.kv.SetNX(ctx, s.kv.Key("help", "view", id, hashed(browser)), 1, ViewWindow).Result()
	if err != nil {
		s.log.Warn("view not counted: Redis unreachable", "article", id, "err", err)
		return false, nil
	}
	if !ok {
		return false, nil
	}
	if fresh {
		if ok, err = s.kv.SetNX(ctx, s.kv.Key("help", "view", id, "ip", hashed(ip+"\n"+agent)), 1, ViewWindow).Result(); err != nil || !ok {
			return false, nil
		}
	}
	if err := s.countView(ctx, id); err != nil {
		return false, err
	}
	return true, nil
}

// Vote records «Была ли статья полезна?» from a browser: once per
// browser and article; the second answer is refused (409) and logged.
func (s *Service) Vote(ctx context.Context, id, browser string, helpful bool) error {
	if _, err := s.getArticle(ctx, id, false); err != nil {
		return err
	}
	err := s.storeVote(ctx, id, browser, helpful)
	if err == errVotedAlready {
		s.log.Info("second vote on a help article refused", "article", id, "browser", hashed(browser)[:12])
	}
	return err
}

// Voted reports whether the browser has answered for the article.
func (s *Service) Voted(ctx context.Context, id, browser string) (bool, error) {
	voted, _, err := s.voteOf(ctx, id, browser)
	return voted, err
}

// allow counts one ask of kind from ip in the current minute and, past
// limit, gives the time left in the minute (0: allowed). When Redis is
// unreachable the visitor is let through.
func (s *Service) allow(ctx context.Context, kind, ip string, limit int) time.Duration {
	now := s.now()
	window := now.Unix() / 60
	k := s.kv.Key("help", "limit", kind, hashed(ip), strconv.FormatInt(window, 10))
	n, err := s.kv.Incr(ctx, k).Result()
	if err != nil {
		s.log.Warn("help limit counter unavailable", "kind", kind, "err", err)
		return 0
	}
	if n == 1 {
		s.kv.Expire(ctx, k, 2*time.Minute)
	}
	if n > int64(limit) {
		left := time.Unix((window+1)*60, 0).Sub(now)
		if n == int64(limit)+1 {
			s.log.Warn("help centre asks over the limit from one address", "kind", kind, "ip", ip, "per_minute", limit)
		}
		return max(left, time.Second)
	}
	return 0
}

// hashed keeps visitors' ids and addresses out of Redis keys as they are.
func hashed(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}
