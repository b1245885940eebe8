package widget

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Limits protect the public endpoints: a flood from one address or one
// socket is refused before it reaches SQL or the operators.
type Limits struct {
	SessionsPerIPHour     int     // new visitors (chat or offline form) per address per hour
	SocketsPerIP          int     // open sockets per address, counted across nodes in Redis
	MessagesPerSecond     float64 // per socket, with a burst of MessageBurst
	MessageBurst          int
	MaxFrameBytes         int64 // one WebSocket frame; larger closes the socket (1009)
	MaxTextRunes          int   // one message's text
	MaxUploadBytes        int64 // one file; the hub's PROFHUB_MAX_BODY_BYTES caps it too
	UploadsPerVisitorHour int
}

// DefaultLimits are generous for people and tight for scripts. Offices
// behind one NAT address share the per-address limits.
var DefaultLimits = Limits{SessionsPerIPHour: 30, SocketsPerIP: 50, MessagesPerSecond: 2, MessageBurst: 10,
	MaxFrameBytes: 32 << 10, MaxTextRunes: 4000, MaxUploadBytes: 10 << 20, UploadsPerVisitorHour: 30}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.SessionsPerIPHour > 0 {
		d.SessionsPerIPHour = l.SessionsPerIPHour
	}
	if l.SocketsPerIP > 0 {
		d.SocketsPerIP = l.SocketsPerIP
	}
	if l.MessagesPerSecond > 0 {
		d.MessagesPerSecond = l.MessagesPerSecond
	}
	if l.MessageBurst > 0 {
		d.MessageBurst = l.MessageBurst
	}
	if l.MaxFrameBytes > 0 {
		d.MaxFrameBytes = l.MaxFrameBytes
	}
	if l.MaxTextRunes > 0 {
		d.MaxTextRunes = l.MaxTextRunes
	}
	if l.MaxUploadBytes > 0 {
		d.MaxUploadBytes = l.MaxUploadBytes
	}
	if l.UploadsPerVisitorHour > 0 {
		d.UploadsPerVisitorHour = l.UploadsPerVisitorHour
	}
	return d
}

// Limiter counts what one address or visitor does, across the nodes in
// Redis: new chats, uploads and open sockets.
type Limiter struct {
	kv  *kv.Client
	cfg *config.Config
	log *slog.Logger
}

// clientIP is the peer's address, or the last hop a trusted reverse proxy
// appended to X-Forwarded-For (as the web package decides).
func (l *Limiter) clientIP(r *http.Request) string {
	return httpapi.ClientIP(r, l.cfg != nil && l.cfg.TrustProxy)
}

// countWithin counts one more event under key in a fixed window and
// reports whether it is within max. When Redis is unreachable it lets the
// visitor through: the chat matters more than the limit.
func (l *Limiter) countWithin(ctx context.Context, key string, window time.Duration, max int) bool {
	slot := strconv.FormatInt(time.Now().UnixMilli()/window.Milliseconds(), 10)
	k := l.kv.Key("widget", key, slot)
	n, err := l.kv.Incr(ctx, k).Result()
	if err != nil {
		l.log.Warn("limit counter unavailable", "key", key, "err", err)
		return true
	}
	if n == 1 {
		l.kv.Expire(ctx, k, window+time.Minute)
	}
	return n <= int64(max)
}

// socketSlot holds one of an address's sockets in a sorted set shared by
// the nodes; entries expire unless refreshed, so a crashed node's sockets
// free their slots by themselves.
var socketSlot = redis.NewScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`)

const socketSlotTTL = 90 * time.Second

func (l *Limiter) socketsKey(ip string) string { return l.kv.Key("widget", "sockets", ip) }

// takeSocketSlot reserves a slot for socket id, or reports the address is
// at its limit.
func (l *Limiter) takeSocketSlot(ctx context.Context, ip, id string, max int) bool {
	now := time.Now().UnixMilli()
	ok, err := socketSlot.Run(ctx, l.kv, []string{l.socketsKey(ip)}, now, now+socketSlotTTL.Milliseconds(),
		max, id, socketSlotTTL.Milliseconds()).Int()
	if err != nil {
		l.log.Warn("socket limit unavailable", "err", err)
		return true
	}
	return ok == 1
}

func (l *Limiter) releaseSocketSlot(ctx context.Context, ip, id string) {
	l.kv.ZRem(ctx, l.socketsKey(ip), id)
}

// bucket is a socket's message allowance (one socket lives on one node, so
// it needs no Redis).
type bucket struct {
	tokens float64
	last   time.Time
	rate   float64
	burst  float64
}

func newBucket(rate float64, burst int) *bucket {
	return &bucket{tokens: float64(burst), last: time.Now(), rate: rate, burst: float64(burst)}
}

func (b *bucket) allow() bool {
	now := time.Now()
	b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
