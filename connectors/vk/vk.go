// Package vk connects VK communities to the inbox: members write to the
// union's community, operators answer from the inbox. Messages arrive by
// the Callback API (VK POSTs to /hooks/vk/{channel}) or, for installations
// without a public address, by Bots Long Poll; replies go out through
// messages.send with a random_id derived from the reply's id, so a retried
// send never shows twice.
//
// It is built on github.com/SevereCloud/vksdk/v3: the SDK knows VK's method
// protocol, error codes and the Bots Long Poll cycle, and lets each client
// point at another API address (self-hosted proxies, and our tests' fake).
package vk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/SevereCloud/vksdk/v3/api"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
)

// Timings a test may shorten (through export_test.go).
type timings struct {
	rescanEvery    time.Duration // how often long-poll workers are matched to channels
	minBackoff     time.Duration // first wait after a long-poll failure
	maxBackoff     time.Duration
	callTimeout    time.Duration // one API call
	callbackBudget time.Duration // downloads while VK waits for "ok"
	pollBudget     time.Duration // downloads for a long-polled message
	statusEvery    time.Duration // how often "last update" is written per channel
}

var defaultTimings = timings{
	rescanEvery:    2 * time.Second,
	minBackoff:     time.Second,
	maxBackoff:     time.Minute,
	callTimeout:    20 * time.Second,
	callbackBudget: 8 * time.Second,
	pollBudget:     30 * time.Second,
	statusEvery:    10 * time.Second,
}

// Connector is the VK channel kind's adapter.
type Connector struct {
	inbox Inbox
	blobs blob.Store
	log   *slog.Logger
	t     timings

	http *http.Client // API calls, uploads and long polling

	mu      sync.Mutex
	clients map[string]*api.VK // by token and API address
	pacers  map[string]*pacer  // by token: VK's limit is per community token
	names   map[int]string     // VK user id → name, from users.get
	touched map[string]time.Time
	office  Office // the member's office (office.go); nil: none

	cancel context.CancelFunc
	done   chan struct{}
}

// Inbox is what the connector uses of the inbox: the hub fills it from
// the inbox's services.
type Inbox struct {
	inbox.Ingester         // members' messages in
	Threads        Threads // comments' posts and deletions (comment.go); nil: comments are not marked deleted
	Channels       *inbox.Channels
	RatingTaker    // answers to rating requests (rating.go); nil: none taken
}

// Deps are what the connector needs from the hub.
type Deps struct {
	Inbox Inbox
	Blobs blob.Store
	Log   *slog.Logger
}

// New builds the connector; the hub registers it as the vk kind's Sender
// and its CheckChannel as the channel hook.
func New(d Deps) *Connector {
	return newConnector(d, defaultTimings)
}

func newConnector(d Deps, t timings) *Connector {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.ResponseHeaderTimeout = 0 // long polls hold the response for up to 25 s
	return &Connector{inbox: d.Inbox, blobs: d.Blobs, log: d.Log.With("pkg", "vk"), t: t,
		http:    &http.Client{Transport: tr, Timeout: 2 * time.Minute},
		clients: map[string]*api.VK{}, pacers: map[string]*pacer{}, names: map[int]string{}, touched: map[string]time.Time{}}
}

// Routes mounts the Callback API endpoint.
func (c *Connector) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /hooks/vk/{channel}", c.handleCallback)
}

// Start runs the long-poll workers.
func (c *Connector) Start() {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancel, c.done = cancel, make(chan struct{})
	go func() {
		defer close(c.done)
		c.superviseLongPoll(ctx)
	}()
}

// Stop ends the long-poll workers. A worker stuck in a call the SDK does
// not let us cancel is left to finish on its own after a few seconds.
func (c *Connector) Stop() {
	if c.cancel == nil {
		return
	}
	c.cancel()
	select {
	case <-c.done:
	case <-time.After(5 * time.Second):
		c.log.Warn("long-poll workers still stopping")
	}
	c.cancel = nil
}

// client returns the SDK client of a channel's token and API address. The
// SDK's own limiter is switched off: it counts per client object, and on
// error 6 it retries at once up to 20 times. Ours paces every client of a
// token together and leaves retries to the caller.
func (c *Connector) client(token, apiURL string) *api.VK {
	h := sha256.Sum256([]byte(token + "\x00" + apiURL))
	key := hex.EncodeToString(h[:])
	c.mu.Lock()
	defer c.mu.Unlock()
	if vk, ok := c.clients[key]; ok {
		return vk
	}
	th := sha256.Sum256([]byte(token))
	p, ok := c.pacers[hex.EncodeToString(th[:])]
	if !ok {
		// Two requests short of VK's limit: the spacing is kept here, but
		// requests reach VK with scheduling jitter, and at exactly the
		// limit the broadcast test saw 21 in a second (users.get on first
		// contacts goes only through this pacer).
		p = &pacer{every: time.Second / (api.LimitGroupToken - 2)}
		c.pacers[hex.EncodeToString(th[:])] = p
	}
	vk := api.NewVK(token)
	vk.Version = "5.199"
	vk.MethodURL = apiURL
	vk.Client = c.http
	vk.Limit = 0
	vk.Handler = func(method string, params ...api.Params) (api.Response, error) {
		ctx := context.Background()
		for _, ps := range params {
			if pc, ok := ps[":context"].(context.Context); ok {
				ctx = pc
			}
		}
		if err := p.wait(ctx); err != nil {
			return api.Response{}, err
		}
		return vk.DefaultHandler(method, params...)
	}
	c.clients[key] = vk
	return vk
}

// pacer spaces a token's requests evenly at VK's rate.
type pacer struct {
	mu    sync.Mutex
	next  time.Time
	every time.Duration
}

func (p *pacer) wait(ctx context.Context) error {
	p.mu.Lock()
	now := time.Now()
	slot := p.next
	if slot.Before(now) {
		slot = now
	}
	p.next = slot.Add(p.every)
	p.mu.Unlock()
	d := time.Until(slot)
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// touch records that a channel received something, at most every few
// seconds per channel.
func (c *Connector) touch(ctx context.Context, channelID string) {
	now := time.Now()
	c.mu.Lock()
	if now.Sub(c.touched[channelID]) < c.t.statusEvery {
		c.mu.Unlock()
		return
	}
	c.touched[channelID] = now
	c.mu.Unlock()
	_ = c.inbox.Channels.ReportStatus(ctx, channelID, inbox.ChannelStatus{LastUpdateAt: now.UnixMilli()})
}

func (c *Connector) reportError(ctx context.Context, channelID string, err error) {
	_ = c.inbox.Channels.ReportStatus(ctx, channelID, inbox.ChannelStatus{LastError: err.Error(), LastErrorAt: time.Now().UnixMilli()})
}
