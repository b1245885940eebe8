package widget

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/google/uuid"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi"
)

// A visitor's socket costs one goroutine while it is idle: the handler
// returns after the upgrade (the connection is hijacked, so the HTTP
// server's deep stack goes), one goroutine reads the visitor's frames and
// answers them, and a writer goroutine exists only while a wake-up is being
// flushed. Ten thousand idle sockets on one node are the benchmark's case.

// visitorConn is one open socket of a visitor on this node.
type visitorConn struct {
	w    *Widget
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
	endOnce sync.Once
}

func (w *Widget) httpSocket(rw http.ResponseWriter, r *http.Request) {
	ch, err := w.channel(r.Context(), r.PathValue("channel"))
	if err != nil {
		fail(rw, r, http.StatusNotFound, "not_found", "no such chat")
		return
	}
	if !w.originAllowed(ch, r) {
		httpapi.Logger(r.Context()).Info("widget: socket origin refused", "channel", ch.ID, "origin", r.Header.Get("Origin"))
		fail(rw, r, http.StatusForbidden, "origin", "this site is not allowed to use this chat")
		return
	}
	// The Origin was checked against the channel's list just above.
	// Compression would keep a flate state of tens of kilobytes per socket.
	conn, err := websocket.Accept(smallBuffers{rw}, r, &websocket.AcceptOptions{InsecureSkipVerify: true, CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return
	}
	conn.SetReadLimit(w.limits.MaxFrameBytes)
	q := r.URL.Query()
	v, err := w.visitorByToken(r.Context(), ch.ID, q.Get("token"))
	if err != nil {
		conn.Close(closeRevoked, "unknown or ended chat session; start a new chat")
		return
	}
	ip, slot := w.clientIP(r), uuid.NewString()
	if !w.takeSocketSlot(r.Context(), ip, slot, w.limitsFor(ch).SocketsPerIP) {
		conn.Close(closeLimited, "too many open chats from your address")
		return
	}
	// The socket outlives this request; its context carries the request's
	// logger and id but not its cancellation.
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.Context()))
	c := &visitorConn{w: w, ch: ch, v: v, conn: conn, ctx: ctx, conv: v.ConversationID}
	since, _ := strconv.ParseInt(q.Get("since"), 10, 64)
	if qc := q.Get("conversation"); qc != "" && qc != v.ConversationID {
		since = 0
	}
	c.sent.Store(since)
	c.ip, c.slot = ip, slot
	w.sockets.Add(1)
	w.local.add(c)
	w.markLive(ctx, v.ID, slot)
	go func() {
		defer w.sockets.Done()
		defer w.releaseSocketSlot(context.WithoutCancel(ctx), ip, slot)
		defer w.unmarkLive(context.WithoutCancel(ctx), v.ID, slot)
		defer w.local.remove(c)
		defer cancel()
		defer context.AfterFunc(w.ctx, cancel)() // the node stops
		if c.write(ctx, outFrame{Type: "hello", ConversationID: v.ConversationID}) != nil {
			conn.CloseNow()
			return
		}
		c.pokeVisitor()
		c.readLoop(ctx)
		conn.CloseNow() // after a Close the handshake is done; otherwise the peer is gone
	}()
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
	if seq <= 0 || c.sent.Load() < seq {
		c.poke()
	}
}

// poke asks for a flush; wake-ups that come while one runs make one more.
func (c *visitorConn) poke() {
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
