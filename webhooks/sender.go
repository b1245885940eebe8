package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// SignatureHeader carries t=<unix seconds>,v1=<hex HMAC-SHA256 of
// "<t>.<body>" under the endpoint's secret> (docs/API.md, "Webhooks").
const SignatureHeader = "Profhub-Signature"

// maxParallel is how many endpoints one node sends to at once.
const maxParallel = 8

// Sign is the signature header's value for body at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(m.Sum(nil))
}

// due is an endpoint's head delivery, ready to send.
type due struct {
	id, endpointID, url, secret, body string
	attempts                          int
}

// sendDue sends the head delivery of every enabled endpoint whose head is
// due. Only the head: a later delivery waits for the one before it, so an
// endpoint gets its events in order.
func (s *Service) sendDue(ctx context.Context) (int, error) {
	now := s.now().UnixMilli()
	rows, err := s.db.QueryContext(ctx, `SELECT d.id, d.endpoint_id, e.url, e.secret, d.body, d.attempts
		FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
		WHERE e.enabled AND d.status = 'pending' AND d.next_at <= $1 AND d.claimed_until < $1
		AND d.seq = (SELECT MIN(h.seq) FROM webhook_deliveries h WHERE h.endpoint_id = d.endpoint_id AND h.status = 'pending')
		LIMIT 100`, now)
	if err != nil {
		return 0, fmt.Errorf("webhooks: due: %w", err)
	}
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.endpointID, &d.url, &d.secret, &d.body, &d.attempts); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, maxParallel)
	sent := 0
	for _, d := range list {
		// The claim: of several nodes that saw the same head, one moves
		// claimed_until and sends; the others' updates match no row.
		res, err := s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET claimed_until = $1
			WHERE id = $2 AND status = 'pending' AND claimed_until < $3`, now+claimFor.Milliseconds(), d.id, now)
		if err != nil {
			return sent, fmt.Errorf("webhooks: claim: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		sent++
		wg.Add(1)
		sem <- struct{}{}
		go func(d due) {
			defer wg.Done()
			defer func() { <-sem }()
			s.attempt(ctx, d)
		}(d)
	}
	wg.Wait()
	return sent, nil
}

// attempt POSTs one delivery and records the answer: any 2xx takes it,
// anything else (an error status, a refused connection, no answer in
// Timeout) sets the next attempt by Backoff.
func (s *Service) attempt(ctx context.Context, d due) {
	secret, err := s.box.Open(d.secret)
	if err != nil {
		s.record(ctx, d, 0, fmt.Errorf("secret unreadable: %w", err))
		return
	}
	body := []byte(d.body)
	actx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodPost, d.url, bytes.NewReader(body))
	if err != nil {
		s.record(ctx, d, 0, err)
		return
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "profhub-webhooks/1")
	req.Header.Set("Profhub-Delivery", d.id)
	req.Header.Set(SignatureHeader, Sign(secret, s.now(), body))
	resp, err := s.client.Do(req)
	if err != nil {
		s.record(ctx, d, 0, err)
		return
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		s.record(ctx, d, resp.StatusCode, fmt.Errorf("answered %d", resp.StatusCode))
		return
	}
	s.record(ctx, d, resp.StatusCode, nil)
}

func (s *Service) record(ctx context.Context, d due, code int, failure error) {
	now := s.now()
	attempts := d.attempts + 1
	var err error
	if failure == nil {
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET status = 'sent', attempts = $1, last_code = $2,
			last_error = '', sent_at = $3, claimed_until = 0 WHERE id = $4`, attempts, code, now.UnixMilli(), d.id)
	} else {
		msg := failure.Error()
		if len(msg) > 300 {
			msg = msg[:300]
		}
		next := now.Add(Backoff(attempts))
		s.log.Warn("webhook delivery failed; will retry", "delivery", d.id, "endpoint", d.endpointID,
			"attempt", attempts, "code", code, "err", failure, "next", next)
		_, err = s.db.ExecContext(ctx, `UPDATE webhook_deliveries SET attempts = $1, last_code = $2, last_error = $3,
			next_at = $4, claimed_until = 0 WHERE id = $5`, attempts, code, msg, next.UnixMilli(), d.id)
	}
	if err != nil {
		// The claim lapses and the delivery is tried again: a receiver
		// may get it twice, and tells by its id.
		s.log.Warn("webhooks: could not record an attempt", "delivery", d.id, "err", err)
	}
}
