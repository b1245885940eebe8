package webpush

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	wp "github.com/SherClockHolmes/webpush-go"
)

// ErrGone means the push service no longer knows the subscription (404 or
// 410): the browser unsubscribed or the subscription expired. It is
// removed, never retried.
var ErrGone = errors.New("webpush: subscription gone")

// StatusError is any other refusal of the push service; 429 and 5xx are
// worth trying again.
type StatusError struct {
	Code int
	Body string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("webpush: push service answered %d: %s", e.Code, e.Body)
}

// Temporary reports whether trying again later may succeed.
func (e *StatusError) Temporary() bool { return e.Code == http.StatusTooManyRequests || e.Code >= 500 }

// Subscription is what a browser's PushSubscription.toJSON() gives.
type Subscription struct {
	Endpoint string
	P256dh   string
	Auth     string
}

// Options tune a Sender.
type Options struct {
	// Subscriber is the contact in the VAPID token ("sub"): the hub's
	// https address, or a mailto: address; push services write there
	// when a sender misbehaves.
	Subscriber string
	// TTL is how long a push service keeps a message for an offline
	// phone (default a day).
	TTL time.Duration
	// Client replaces the guarded HTTP client (tests pointing at a
	// push service on loopback).
	Client *http.Client
}

// Sender pushes messages signed with one key pair.
type Sender struct {
	keys Keys
	opt  Options
}

// NewSender makes a Sender. Endpoints are addresses browsers give, so the
// default client refuses loopback and private addresses: a subscription
// cannot make the hub post into its own network.
func NewSender(keys Keys, opt Options) *Sender {
	if opt.Subscriber == "" || !strings.HasPrefix(opt.Subscriber, "https:") && !strings.HasPrefix(opt.Subscriber, "mailto:") {
		opt.Subscriber = "mailto:webpush@profhub.invalid"
	}
	if opt.TTL <= 0 {
		opt.TTL = 24 * time.Hour
	}
	if opt.Client == nil {
		opt.Client = guardedClient()
	}
	return &Sender{keys: keys, opt: opt}
}

// PublicKey is the applicationServerKey browsers subscribe with.
func (s *Sender) PublicKey() string { return s.keys.Public }

// Send encrypts payload for sub and posts it to the push service.
func (s *Sender) Send(ctx context.Context, sub Subscription, payload []byte) error {
	if !strings.HasPrefix(sub.Endpoint, "https://") {
		return fmt.Errorf("webpush: endpoint %q is not https", sub.Endpoint)
	}
	resp, err := wp.SendNotificationWithContext(ctx, payload, &wp.Subscription{Endpoint: sub.Endpoint,
		Keys: wp.Keys{P256dh: sub.P256dh, Auth: sub.Auth}}, &wp.Options{
		HTTPClient: s.opt.Client, Subscriber: s.opt.Subscriber, TTL: int(s.opt.TTL.Seconds()), Urgency: wp.UrgencyHigh,
		VAPIDPublicKey: s.keys.Public, VAPIDPrivateKey: s.keys.Private,
	})
	if err != nil {
		return fmt.Errorf("webpush: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return ErrGone
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	}
	return &StatusError{Code: resp.StatusCode, Body: strings.TrimSpace(string(body))}
}

func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	cgnat := netip.MustParsePrefix("100.64.0.0/10")
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip)
}

// guardedClient dials only public addresses and follows no redirects.
func guardedClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		ap, err := netip.ParseAddrPort(address)
		if err != nil || blockedAddr(ap.Addr()) {
			return fmt.Errorf("webpush: push endpoint address %s refused (private, loopback or link-local)", address)
		}
		return nil
	}}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: 20 * time.Second, MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
