package widget

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/storage/kv"
)

// Presence knows which visitors have a socket open on some node, so that
// a reply is e-mailed only to a visitor who is away.
//
// It is two keys for the whole installation, not one per visitor: the
// embedded Redis-compatible server walks every key on each command to
// expire them, and ten thousand visitor keys slowed each command to
// milliseconds. Members are "visitor|socket slot": membersKey, all at
// score 0, answers "has this visitor a socket?" by a lexical range;
// expiryKey scores them with their expiry, so a node that died leaves
// entries that the other nodes' sweeps remove.
type Presence struct {
	kv  *kv.Client
	log *slog.Logger
}

func (p *Presence) membersKey() string { return p.kv.Key("widget", "{live}", "members") }
func (p *Presence) expiryKey() string  { return p.kv.Key("widget", "{live}", "expiry") }

func liveMember(visitorID, slot string) string { return visitorID + "|" + slot }

// mark records one of the visitor's sockets.
func (p *Presence) mark(ctx context.Context, visitorID, slot string) {
	m := liveMember(visitorID, slot)
	pipe := p.kv.TxPipeline()
	pipe.ZAdd(ctx, p.membersKey(), redis.Z{Member: m})
	pipe.ZAdd(ctx, p.expiryKey(), redis.Z{Score: float64(time.Now().Add(socketSlotTTL).UnixMilli()), Member: m})
	if _, err := pipe.Exec(ctx); err != nil {
		p.log.Warn("visitor presence not recorded", "err", err)
	}
}

func (p *Presence) unmark(ctx context.Context, visitorID, slot string) {
	m := liveMember(visitorID, slot)
	pipe := p.kv.TxPipeline()
	pipe.ZRem(ctx, p.membersKey(), m)
	pipe.ZRem(ctx, p.expiryKey(), m)
	_, _ = pipe.Exec(ctx)
}

// sweep removes the sockets whose node stopped refreshing them.
func (p *Presence) sweep(ctx context.Context) {
	stale, err := p.kv.ZRangeByScore(ctx, p.expiryKey(), &redis.ZRangeBy{Min: "-inf", Max: fmt.Sprint(time.Now().UnixMilli())}).Result()
	if err != nil || len(stale) == 0 {
		return
	}
	pipe := p.kv.TxPipeline()
	pipe.ZRem(ctx, p.membersKey(), toAny(stale)...)
	pipe.ZRem(ctx, p.expiryKey(), toAny(stale)...)
	_, _ = pipe.Exec(ctx)
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// live reports whether the visitor has a socket open on any node.
func (p *Presence) live(ctx context.Context, visitorID string) (bool, error) {
	p.sweep(ctx)
	ms, err := p.kv.ZRangeByLex(ctx, p.membersKey(), &redis.ZRangeBy{Min: "[" + visitorID + "|", Max: "(" + visitorID + "}", Count: 1}).Result()
	return len(ms) > 0, err
}
