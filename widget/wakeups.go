package widget

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Wakeups wakes visitors' sockets on every node through Redis pub/sub: a
// conversation has news, a visitor's session changed, or an operator is
// typing or has read. Each node wakes its own sockets at once and tells
// the others; the payload names the node, which skips its own message.
type Wakeups struct {
	kv    *kv.Client
	log   *slog.Logger
	node  string // names this node's wake-ups, which it does not need back
	local *registry
	out   *outbox
}

func (wk *Wakeups) channelKey() string { return wk.kv.Key("widget", "wake") }

// wake tells every node that a visitor's conversation changed (a new one
// started, or the session was revoked).
func (wk *Wakeups) wake(ctx context.Context, visitorID string) {
	wk.local.pokeVisitor(visitorID)
	wk.publish(ctx, "v:"+visitorID)
}

// wakeConversation tells every node that conversation convID has its
// message seq (0: has new messages); sockets that sent it already stay asleep.
func (wk *Wakeups) wakeConversation(ctx context.Context, convID string, seq int64) {
	wk.local.pokeConv(convID, seq)
	wk.publish(ctx, "c:"+convID+" "+strconv.FormatInt(seq, 10))
}

// stored tells every node that this node stored m, its conversation
// having reached seq upTo; this node's sockets send m without reading it.
func (wk *Wakeups) stored(ctx context.Context, m inbox.Message, upTo int64) {
	wk.local.offerConv(m, upTo)
	wk.publish(ctx, "c:"+m.ConversationID+" "+strconv.FormatInt(max(upTo, m.Seq), 10))
}

// publish tells the other nodes; the payload names this node, which has
// woken its own sockets already and skips its own message. It goes
// through the outbox (wakeups_out.go) unless that is full or not running.
func (wk *Wakeups) publish(ctx context.Context, payload string) {
	m := wk.node + " " + payload
	if wk.out.running.Load() {
		select {
		case wk.out.ch <- m:
			return
		default:
		}
	}
	if err := wk.kv.Publish(ctx, wk.channelKey(), m).Err(); err != nil {
		wk.log.Warn("wake-up not published", "err", err)
	}
}

func (wk *Wakeups) follow(ctx context.Context) {
	for ctx.Err() == nil {
		sub := wk.kv.Subscribe(ctx, wk.channelKey())
		stop := context.AfterFunc(ctx, func() { sub.Close() })
		for msg := range sub.Channel() {
			from, p, ok := strings.Cut(msg.Payload, " ")
			if !ok {
				p = from
			} else if from == wk.node {
				continue
			}
			switch {
			case strings.HasPrefix(p, "v:"):
				wk.local.pokeVisitor(p[2:])
			case strings.HasPrefix(p, "c:"):
				conv, seq, _ := strings.Cut(p[2:], " ")
				n, _ := strconv.ParseInt(seq, 10, 64)
				wk.local.pokeConv(conv, n)
			case strings.HasPrefix(p, "s:"):
				wk.signalFromPeer(p[2:])
			}
		}
		stop()
		sub.Close()
		sleepCtx(ctx, time.Second)
	}
}

// signal sends f to every socket showing conversation convID, on every node.
func (wk *Wakeups) signal(ctx context.Context, convID string, f outFrame) {
	wk.local.signalConv(convID, f)
	b, err := json.Marshal(f)
	if err == nil {
		wk.publish(ctx, "s:"+convID+" "+string(b))
	}
}

// signalFromPeer delivers a signal another node published ("s:CONV JSON").
func (wk *Wakeups) signalFromPeer(p string) {
	conv, raw, ok := strings.Cut(p, " ")
	var f outFrame
	if !ok || json.Unmarshal([]byte(raw), &f) != nil || (f.Type != "typing" && f.Type != "read") {
		return
	}
	wk.local.signalConv(conv, f)
}
