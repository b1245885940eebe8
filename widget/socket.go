package widget

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/storage/kv"
)

// A visitor's socket costs one goroutine while it is idle: the handler
// returns after the upgrade (the connection is hijacked, so the HTTP
// server's deep stack goes), one goroutine reads the visitor's frames
// (socket_reader.go), a goroutine answers each frame, and a writer
// goroutine exists only while a wake-up is being flushed. Ten thousand
// idle sockets on one node are the benchmark's case.

// Sockets is this node's visitor sockets: opening them, their registry
// (registry.go), and what a socket does (ws.go, live.go).
type Sockets struct {
	node     context.Context // ends when the node stops
	kv       *kv.Client
	log      *slog.Logger
	inbox    Inbox
	local    *registry
	channels *Channels
	visitors *Visitors
	uploads  *Uploads
	messages *Messages
	limiter  *Limiter
	presence *Presence
	turns    flushTurns // flush_turns.go
	shown    shownCounter
	sockets  sync.WaitGroup
}

// visitorConn is one open socket of a visitor on this node.
type visitorConn struct {
	s    *Sockets
	ch   inbox.Channel
	v    visitor
	conn *websocket.Conn
	ctx  context.Context // ends when the socket does
	conv string          // the conversation shown; changed only by the writer, under the registry's lock
	sent atomic.Int64    // last seq read from the conversation; written by the writer only
	ip   string          // the visitor's address and this socket's slot in its count
	slot string

	pending atomic.Bool // a wake-up has not been flushed yet
	writing atomic.Bool // a writer goroutine is running
	recheck atomic.Bool // the visitor's conversation may have changed: re-read it on the next flush

	// A wake-up that names its seq may be served from fresh; one that does
	// not (readSQL) makes the next flush read SQL.
	fresh   freshMessages // socket_fresh.go
	want    atomic.Int64  // the highest seq a wake-up named
	readSQL atomic.Bool
	endOnce sync.Once
}

// socketRequest is what a visitor's socket request asks for.
type socketRequest struct {
	token        string
	since        int64  // the last seq the script has
	conversation string // the conversation the script shows, if any
	ip           string
}

// open serves a visitor's socket accepted for channel ch: it checks the
// visitor's token and the address's allowance, then leaves a goroutine
// reading the visitor's frames.
func (s *Sockets) open(reqCtx context.Context, conn *websocket.Conn, ch inbox.Channel, req socketRequest) {
	v, err := s.visitors.byToken(reqCtx, ch.ID, req.token)
	if err != nil {
		conn.Close(closeRevoked, "unknown or ended chat session; start a new chat")
		return
	}
	ip, slot := req.ip, uuid.NewString()
	if !s.limiter.takeSocketSlot(reqCtx, ip, slot, s.channels.limitsFor(ch).SocketsPerIP) {
		conn.Close(closeLimited, "too many open chats from your address")
		return
	}
	// The socket outlives this request; its context carries the request's
	// logger and id but not its cancellation.
	ctx, cancel := context.WithCancel(context.WithoutCancel(reqCtx))
	c := &visitorConn{s: s, ch: ch, v: v, conn: conn, ctx: ctx, conv: v.ConversationID}
	since := req.since
	if req.conversation != "" && req.conversation != v.ConversationID {
		since = 0
	}
	c.sent.Store(since)
	c.ip, c.slot = ip, slot
	s.sockets.Add(1)
	s.local.add(c)
	s.presence.mark(ctx, v.ID, slot)
	stop := context.AfterFunc(s.node, cancel) // the node stops
	closed := func() {
		stop()
		cancel()
		s.local.remove(c)
		s.presence.unmark(context.WithoutCancel(ctx), v.ID, slot)
		s.limiter.releaseSocketSlot(context.WithoutCancel(ctx), ip, slot)
		s.sockets.Done()
	}
	// The hello goes out on the request's goroutine, which ends anyway,
	// so that the socket's reader never grows its stack (socket_reader.go).
	if c.write(ctx, outFrame{Type: "hello", ConversationID: v.ConversationID}) != nil {
		conn.CloseNow()
		closed()
		return
	}
	c.pokeVisitor()
	r := newFrameReader(ctx, c)
	go func() {
		r.loop()
		conn.CloseNow() // after a Close the handshake is done; otherwise the peer is gone
		closed()
	}()
}

// keepSlots refreshes the slots and presence of this node's sockets in one
// pipeline every third of their lifetime, rather than a timer per socket.
func (s *Sockets) keepSlots(ctx context.Context) {
	tick := time.NewTicker(socketSlotTTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		until := float64(time.Now().Add(socketSlotTTL).UnixMilli())
		pipe := s.kv.Pipeline()
		keys := map[string]bool{}
		s.local.each(func(c *visitorConn) {
			k := s.limiter.socketsKey(c.ip)
			pipe.ZAddXX(ctx, k, redis.Z{Score: until, Member: c.slot})
			keys[k] = true
			pipe.ZAddXX(ctx, s.presence.expiryKey(), redis.Z{Score: until, Member: liveMember(c.v.ID, c.slot)})
		})
		for k := range keys {
			pipe.PExpire(ctx, k, socketSlotTTL)
		}
		if _, err := pipe.Exec(ctx); err != nil && ctx.Err() == nil {
			s.log.Warn("socket slots not refreshed", "err", err)
		}
		s.presence.sweep(ctx)
	}
}

// closeAll closes every socket of this node (they reconnect to another
// node); the channel closes when their goroutines have ended.
func (s *Sockets) closeAll() <-chan struct{} {
	s.local.closeAll()
	closed := make(chan struct{})
	go func() { s.sockets.Wait(); close(closed) }()
	return closed
}

// pokeVisitor wakes the socket to re-read which conversation the visitor
// is in (a new one began, or the session was revoked) as well as its messages.
func (c *visitorConn) pokeVisitor() {
	c.recheck.Store(true)
	c.poke()
}

// pokeAt asks for a flush if the socket has not sent seq yet: the wake-ups
// of a reply (when stored, when dispatched, from the event log) then cost
// one read of the conversation, not three.
func (c *visitorConn) pokeAt(seq int64) {
	if seq <= 0 {
		c.poke()
		return
	}
	if c.sent.Load() < seq {
		for w := c.want.Load(); w < seq && !c.want.CompareAndSwap(w, seq); w = c.want.Load() {
		}
		c.wake()
	}
}

// offer gives the socket a message this node stored in its conversation,
// up to which the conversation has seq upTo.
func (c *visitorConn) offer(m inbox.Message, upTo int64) {
	c.fresh.add(m, c.sent.Load())
	c.pokeAt(max(upTo, m.Seq))
}

// poke asks for a flush that reads SQL.
func (c *visitorConn) poke() {
	c.readSQL.Store(true)
	c.wake()
}

// wake asks for a flush; wake-ups that come while one runs make one more.
func (c *visitorConn) wake() {
	c.pending.Store(true)
	if c.writing.CompareAndSwap(false, true) {
		go c.writer()
	}
}

func (c *visitorConn) writer() {
	for {
		for c.pending.Swap(false) {
			if c.ctx.Err() != nil {
				c.writing.Store(false)
				return
			}
			if err := c.flush(c.ctx); err != nil {
				httpapi.Logger(c.ctx).Debug("widget: socket flush failed", "err", err)
				c.end(websocket.StatusPolicyViolation, "not reading")
			}
		}
		c.writing.Store(false)
		// A poke between the last Swap and the Store above found a writer
		// running and left the work to it.
		if !c.pending.Load() || !c.writing.CompareAndSwap(false, true) {
			return
		}
	}
}

// end closes the socket with a status the script acts on; the reader then
// ends and cleans up. It may be called under the registry's lock.
func (c *visitorConn) end(code websocket.StatusCode, reason string) {
	c.endOnce.Do(func() {
		go c.conn.Close(code, reason)
	})
}

func (c *visitorConn) write(ctx context.Context, f outFrame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.conn.Write(wctx, websocket.MessageText, b)
}
