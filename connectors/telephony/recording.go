package telephony

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Recordings come from addresses the PBX names, so a forged or hostile
// event must not make profhub fetch from its own network (server-side
// request forgery). A fetch may only go to the provider's hosts (or the
// channel's recording_hosts); every connection, including each redirect,
// is checked when it is dialled (after DNS), refusing loopback, private,
// link-local, multicast and unspecified addresses unless the exact
// host:port is one of the channel's trusted_addrs (an on-site PBX); and
// the size and time are capped.

// errRefused marks a recording that will never be fetched (no retry).
type errRefused struct{ msg string }

func (e *errRefused) Error() string { return e.msg }

// recordingBackoff is the wait before each retry of a failed fetch.
var recordingBackoff = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute, 2 * time.Hour}

func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	cgnat := netip.MustParsePrefix("100.64.0.0/10")
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsMulticast() ||
		ip.IsUnspecified() || ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip)
}

// guardedClient fetches recordings of one channel.
func guardedClient(hosts, trusted []string, timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		if slices.Contains(trusted, address) {
			return nil
		}
		ap, err := netip.ParseAddrPort(address)
		if err != nil {
			return &errRefused{"recording address " + address + " is not an IP address"}
		}
		if blockedAddr(ap.Addr()) {
			return &errRefused{"recording address " + address + " is private, loopback or link-local: refused"}
		}
		return nil
	}}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: 10 * time.Second,
		ResponseHeaderTimeout: 30 * time.Second, MaxIdleConns: 4, IdleConnTimeout: 30 * time.Second}
	return &http.Client{Transport: tr, Timeout: timeout, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) >= 3 {
			return &errRefused{"too many redirects"}
		}
		if !hostAllowed(req.URL.Hostname(), hosts) {
			return &errRefused{"redirect to " + req.URL.Hostname() + ", which is not one of the provider's hosts"}
		}
		return nil
	}}
}

func hostAllowed(host string, hosts []string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, h := range hosts {
		if host == h || strings.HasSuffix(host, "."+h) {
			return true
		}
	}
	return false
}

func trustedAddrs(ch inbox.Channel) []string {
	var out []string
	for _, a := range strings.Split(ch.Settings[settingTrustedAddrs], ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

type recJob struct {
	id, channelID, ref string
	attempts           int
}

// FetchRecordings downloads the recordings due at or before now, one
// after the other, and returns how many it stored. A failure that may
// pass (network, 5xx) is retried later with backoff; a refusal (SSRF
// guard, too large, 4xx) or the last failed retry marks the call
// "recording unavailable" with the reason.
func (c *Connector) FetchRecordings(ctx context.Context, now time.Time) (int, error) {
	rows, err := c.db.QueryContext(ctx, `SELECT id, channel_id, recording_ref, rec_attempts FROM tel_calls
		WHERE recording_state = 'pending' AND rec_next_at <= $1 ORDER BY rec_next_at LIMIT 20`, now.UnixMilli())
	if err != nil {
		return 0, fmt.Errorf("telephony: due recordings: %w", err)
	}
	var jobs []recJob
	for rows.Next() {
		var j recJob
		if rows.Scan(&j.id, &j.channelID, &j.ref, &j.attempts) == nil {
			jobs = append(jobs, j)
		}
	}
	rows.Close()
	stored := 0
	for _, j := range jobs {
		if ctx.Err() != nil {
			return stored, ctx.Err()
		}
		// Claim it: another node scanning at the same time skips it.
		res, err := c.db.ExecContext(ctx, `UPDATE tel_calls SET rec_next_at = $3 WHERE id = $1 AND recording_state = 'pending'
			AND rec_attempts = $2 AND rec_next_at <= $4`, j.id, j.attempts, now.Add(10*time.Minute).UnixMilli(), now.UnixMilli())
		if err != nil {
			return stored, err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		if c.fetchOne(ctx, j, now) {
			stored++
		}
	}
	return stored, nil
}

func (c *Connector) fetchOne(ctx context.Context, j recJob, now time.Time) bool {
	ch, err := c.inbox.Channels.Get(ctx, j.channelID)
	if err != nil {
		c.recordingFailed(ctx, j, &errRefused{"the channel is gone"}, now)
		return false
	}
	info, ctype, err := c.download(ctx, ch, j.ref)
	if err != nil {
		c.log.Warn("recording not fetched", "call", j.id, "attempt", j.attempts+1, "err", err)
		c.recordingFailed(ctx, j, err, now)
		return false
	}
	_, err = c.db.ExecContext(ctx, `UPDATE tel_calls SET recording_state = 'ready', recording_key = $2, recording_size = $3,
		recording_type = $4, recording_error = '', rec_attempts = rec_attempts + 1, updated_at = $5 WHERE id = $1`,
		j.id, info.Key, info.Size, ctype, db.Now())
	if err != nil {
		_ = c.blobs.Delete(context.WithoutCancel(ctx), info.Key)
		return false
	}
	return true
}

func (c *Connector) recordingFailed(ctx context.Context, j recJob, cause error, now time.Time) {
	var refused *errRefused
	var api *apiError
	permanent := errors.As(cause, &refused) || errors.Is(cause, blob.ErrTooLarge) ||
		(errors.As(cause, &api) && api.status >= 400 && api.status < 500 && api.status != http.StatusTooManyRequests)
	msg := cause.Error()
	if len(msg) > 300 {
		msg = msg[:300]
	}
	if permanent || j.attempts+1 > len(recordingBackoff) {
		_, _ = c.db.ExecContext(ctx, `UPDATE tel_calls SET recording_state = 'unavailable', recording_error = $2, rec_attempts = rec_attempts + 1,
			updated_at = $3 WHERE id = $1`, j.id, msg, db.Now())
		return
	}
	_, _ = c.db.ExecContext(ctx, `UPDATE tel_calls SET recording_error = $2, rec_attempts = rec_attempts + 1, rec_next_at = $3, updated_at = $4
		WHERE id = $1`, j.id, msg, now.Add(recordingBackoff[j.attempts]).UnixMilli(), db.Now())
}

// download fetches one recording into the blob store.
func (c *Connector) download(ctx context.Context, ch inbox.Channel, ref string) (blob.Info, string, error) {
	a, err := adapterOf(ch)
	if err != nil {
		return blob.Info{}, "", &errRefused{err.Error()}
	}
	hosts, trusted := recordingHosts(a, ch), trustedAddrs(ch)
	client := guardedClient(hosts, trusted, 5*time.Minute)
	defer client.CloseIdleConnections()
	// The API call that names the recording goes through the guard too:
	// its answer can redirect.
	req, err := a.recordingRequest(ctx, client, ch, ref)
	if err != nil {
		return blob.Info{}, "", unwrapRefusal(err)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return blob.Info{}, "", &errRefused{"recording address is not http(s)"}
	}
	if !hostAllowed(req.URL.Hostname(), hosts) {
		return blob.Info{}, "", &errRefused{"recording host " + req.URL.Hostname() + " is not one of the provider's hosts"}
	}
	resp, err := client.Do(req)
	if err != nil {
		return blob.Info{}, "", unwrapRefusal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return blob.Info{}, "", &apiError{status: resp.StatusCode, msg: fmt.Sprintf("recording download: status %d", resp.StatusCode)}
	}
	max := maxRecordingBytes(ch)
	if resp.ContentLength > max {
		return blob.Info{}, "", &errRefused{fmt.Sprintf("recording of %d bytes is larger than the channel's cap of %d", resp.ContentLength, max)}
	}
	body := bufio.NewReaderSize(resp.Body, sniffLen)
	head, _ := body.Peek(sniffLen) // a shorter file gives what it has
	ctype := recordingType(head, resp.Header.Get("Content-Type"))
	info, err := c.blobs.Put(ctx, body, max)
	if errors.Is(err, blob.ErrTooLarge) {
		return blob.Info{}, "", &errRefused{fmt.Sprintf("recording is larger than the channel's cap of %d bytes", max)}
	}
	if err != nil {
		return blob.Info{}, "", err
	}
	return info, ctype, nil
}

// unwrapRefusal finds the guard's refusal inside a client error.
func unwrapRefusal(err error) error {
	var refused *errRefused
	if errors.As(err, &refused) {
		return refused
	}
	return err
}

// PurgeRecordings deletes recordings older than their channel's
// retention_days, auditing each deletion, and returns how many it deleted.
func (c *Connector) PurgeRecordings(ctx context.Context, now time.Time) (int, error) {
	chans, err := c.inbox.Channels.OfKind(ctx, inbox.KindTelephony)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ch := range chans {
		days := retentionDays(ch)
		if days <= 0 {
			continue
		}
		cut := now.Add(-time.Duration(days) * 24 * time.Hour).UnixMilli()
		rows, err := c.db.QueryContext(ctx, `SELECT id, unit_id, recording_key FROM tel_calls WHERE channel_id = $1 AND recording_state = 'ready'
			AND started_at < $2 LIMIT 500`, ch.ID, cut)
		if err != nil {
			return n, err
		}
		type victim struct{ id, unit, key string }
		var vs []victim
		for rows.Next() {
			var v victim
			if rows.Scan(&v.id, &v.unit, &v.key) == nil {
				vs = append(vs, v)
			}
		}
		rows.Close()
		for _, v := range vs {
			if err := c.deleteRecording(ctx, v.id, v.unit, v.key, days); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

func retentionDays(ch inbox.Channel) int {
	var d int
	fmt.Sscan(ch.Settings[settingRetentionDays], &d)
	return d
}

func (c *Connector) deleteRecording(ctx context.Context, id, unit, key string, days int) error {
	err := c.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tel_calls SET recording_state = 'deleted', recording_key = '', updated_at = $2 WHERE id = $1`,
			id, db.Now()); err != nil {
			return err
		}
		return auditRetention(ctx, tx, id, unit, days)
	})
	if err != nil {
		return fmt.Errorf("telephony: retention: %w", err)
	}
	if err := c.blobs.Delete(ctx, key); err != nil && !errors.Is(err, blob.ErrNotFound) {
		c.log.Warn("recording file not deleted", "call", id, "err", err)
	}
	return nil
}
