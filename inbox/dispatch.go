package inbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/go-redis/redis_rate/v10"
	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/storage/db"
)

// Sender delivers replies through one kind of channel. Each connector
// implements it; the engine calls it with the same OutboundMessage.ID on
// every retry, so providers that deduplicate (Telegram, VK random_id, mail
// Message-ID) never show a reply twice.
type Sender interface {
	Send(ctx context.Context, ch Channel, m OutboundMessage) (SendResult, error)
}

// StoredSender is a Sender whose contact reads replies where they are
// stored (the site widget's sockets read the conversation from SQL). The
// engine calls Stored on the node that stored a reply as soon as it
// commits, so the contact sees it without waiting for the dispatch queue;
// Send still runs from dispatch for what needs a retry (an e-mail to an
// away visitor) and to mark the reply sent. Such a sender has no provider
// whose rate must be kept, so dispatch does not pace it.
type StoredSender interface {
	Sender
	Stored(ctx context.Context, ch Channel, conversationID string)
	// SentWhenStored reports whether storing is all a reply through ch
	// needs (no e-mail to an away visitor may follow): the reply is then
	// stored as sent, in the same transaction, and not dispatched.
	SentWhenStored(ch Channel) bool
}

// OutboundMessage is a reply to deliver.
type OutboundMessage struct {
	ID             string // idempotency key, stable across retries
	ConversationID string
	ExternalChatID string
	ContactID      string
	Seq            int64 // the reply's place in its conversation
	AuthorID       string
	Text           string
	Attachments    []Attachment
	Attempt        int
}

// SendResult is what the provider said.
type SendResult struct {
	ProviderID string // the provider's id of the sent message
}

// SendError classifies a failed send. Other errors are treated as
// temporary.
type SendError struct {
	Permanent  bool          // retrying will not help (blocked by the user, bad address)
	RetryAfter time.Duration // the provider asked to wait this long
	Reason     string
	// Deferred says the provider was not contacted (the connector is
	// keeping to a per-chat pace or a pause the provider asked for): the
	// message waits RetryAfter without using up one of its attempts.
	Deferred bool
	// Blocked says the person blocked the bot or community: a mass
	// mailing stops writing to them on this channel.
	Blocked bool
}

func (e *SendError) Error() string { return e.Reason }

const (
	maxAttempts     = 8
	leaseTime       = 2 * time.Minute
	defaultRatePerS = 20
)

func (e *Engine) dispatchStream() string { return e.kv.Key("inbox", "dispatch") }

const dispatchGroup = "senders"

// enqueueDispatch adds a pending message to the work stream. If Redis is
// down the SQL rescan finds it.
func (e *Engine) enqueueDispatch(ctx context.Context, messageID string) error {
	return e.kv.XAdd(ctx, &redis.XAddArgs{Stream: e.dispatchStream(), MaxLen: 100000, Approx: true,
		Values: map[string]any{"id": messageID}}).Err()
}

// runDispatcher reads the work stream as a member of the consumer group,
// claims entries left by dead workers, and rescans SQL for due retries and
// for anything the stream lost.
func (e *Engine) runDispatcher(ctx context.Context) {
	limiter := redis_rate.NewLimiter(e.kv)
	consumer := e.node
	work := make(chan string, 64)
	for range 4 {
		go func() {
			for id := range work {
				e.dispatchOne(ctx, limiter, id)
			}
		}()
	}
	defer close(work)
	rescan := time.NewTicker(time.Second)
	defer rescan.Stop()
	lastClaim := time.Now()
	for ctx.Err() == nil {
		err := e.kv.XGroupCreateMkStream(ctx, e.dispatchStream(), dispatchGroup, "$").Err()
		if err != nil && !strings.Contains(err.Error(), "BUSYGROUP") {
			sleep(ctx, time.Second)
			e.rescanOutbox(ctx, work)
			continue
		}
		// A deadline of its own: a blocked read must not outlive a shutdown
		// or a Redis that went away mid-read.
		rctx, rcancel := context.WithTimeout(ctx, 2*time.Second)
		streams, err := e.kv.XReadGroup(rctx, &redis.XReadGroupArgs{Group: dispatchGroup, Consumer: consumer,
			Streams: []string{e.dispatchStream(), ">"}, Count: 64, Block: 500 * time.Millisecond}).Result()
		rcancel()
		if err != nil && !isNil(err) {
			if ctx.Err() != nil {
				return
			}
			sleep(ctx, 500*time.Millisecond)
		}
		for _, s := range streams {
			for _, msg := range s.Messages {
				if id, ok := msg.Values["id"].(string); ok {
					select {
					case work <- id:
					case <-ctx.Done():
						return
					}
				}
				e.kv.XAck(ctx, e.dispatchStream(), dispatchGroup, msg.ID)
			}
		}
		if time.Since(lastClaim) > 15*time.Second {
			lastClaim = time.Now()
			e.claimAbandoned(ctx, consumer, work)
		}
		select {
		case <-rescan.C:
			e.rescanOutbox(ctx, work)
		default:
		}
	}
}

// claimAbandoned takes over stream entries a dead worker read but never
// acknowledged.
func (e *Engine) claimAbandoned(ctx context.Context, consumer string, work chan<- string) {
	msgs, _, err := e.kv.XAutoClaim(ctx, &redis.XAutoClaimArgs{Stream: e.dispatchStream(), Group: dispatchGroup,
		Consumer: consumer, MinIdle: 30 * time.Second, Start: "0", Count: 100}).Result()
	if err != nil {
		return
	}
	for _, msg := range msgs {
		if id, ok := msg.Values["id"].(string); ok {
			work <- id
		}
		e.kv.XAck(ctx, e.dispatchStream(), dispatchGroup, msg.ID)
	}
}

// rescanOutbox finds pending messages that are due and not leased: retries
// whose backoff has passed, and messages whose stream entry was lost.
func (e *Engine) rescanOutbox(ctx context.Context, work chan<- string) {
	now := db.Now()
	rows, err := e.db.QueryContext(ctx, `SELECT id FROM inbox_messages WHERE status = 'pending' AND next_attempt_at <= $1
		AND lease_until < $1 AND created_at < $2 ORDER BY next_attempt_at LIMIT 200`, now, now-2000)
	if err != nil {
		return
	}
	var ids []string
	for rows.Next() {
		var id string
		if rows.Scan(&id) == nil {
			ids = append(ids, id)
		}
	}
	rows.Close()
	for _, id := range ids {
		select {
		case work <- id:
		case <-ctx.Done():
			return
		}
	}
}

// dispatchOne sends one message if it is still pending and due, under a
// lease in SQL so that two workers never send it at the same time.
func (e *Engine) dispatchOne(ctx context.Context, limiter *redis_rate.Limiter, id string) {
	now := db.Now()
	res, err := e.db.Prepared().ExecContext(ctx, `UPDATE inbox_messages SET lease_until = $2 WHERE id = $1 AND status = 'pending'
		AND lease_until < $3 AND next_attempt_at <= $3`, id, now+leaseTime.Milliseconds(), now)
	if err != nil {
		return
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return
	}
	m, err := messageTx(ctx, e.db.Prepared(), id)
	if err != nil {
		return
	}
	conv, err := conversationTx(ctx, e.db.Prepared(), m.ConversationID)
	if err != nil {
		return
	}
	ch, err := e.channelByID(ctx, m.ChannelID)
	if err != nil {
		return
	}
	sender, ok := e.sender(ch.Kind)
	if !ok {
		e.finishSend(ctx, conv, m, SendResult{}, &SendError{Permanent: true, Reason: "no connector for channel kind " + ch.Kind})
		return
	}
	if _, local := sender.(StoredSender); !local {
		rate := ch.RatePerS
		if rate <= 0 {
			rate = defaultRatePerS
		}
		if wait := e.awaitRate(ctx, limiter, ch.ID, rate); wait > 0 {
			e.deferSend(ctx, m.ID, wait, false, "")
			return
		}
	}
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := OutboundMessage{ID: m.ID, ConversationID: conv.ID, Seq: m.Seq, ExternalChatID: conv.ExternalChatID, ContactID: conv.ContactID,
		AuthorID: m.AuthorID, Text: m.Text, Attachments: m.Attachments, Attempt: m.Attempts + 1}
	result, err := sender.Send(sctx, ch, out)
	if ctx.Err() != nil {
		e.deferSend(context.WithoutCancel(ctx), m.ID, 0, false, "")
		return
	}
	e.finishSend(ctx, conv, m, result, err)
}

// awaitRate takes a turn under the channel's rate, shared by all nodes.
// A burst of one spaces sends evenly: providers count their limits per
// second, and a full bucket released at once would double them. A turn
// due soon is waited for here — handing it back to the once-a-second
// rescan would cut a busy channel's throughput to a few messages a
// second; a longer wait is returned for the message to be deferred.
func (e *Engine) awaitRate(ctx context.Context, limiter *redis_rate.Limiter, channelID string, rate int) time.Duration {
	deadline := time.Now().Add(2 * time.Second)
	for {
		r, err := limiter.Allow(ctx, e.kv.Key("out", channelID), redis_rate.Limit{Rate: rate, Burst: 1, Period: time.Second})
		if err != nil || r.Allowed > 0 {
			return 0 // without Redis the provider's own limit answers
		}
		if time.Now().Add(r.RetryAfter).After(deadline) {
			return r.RetryAfter
		}
		sleep(ctx, r.RetryAfter)
		if ctx.Err() != nil {
			return time.Second
		}
	}
}

// deferSend puts a message back to pending, due after wait. counted says
// whether this was a real attempt.
func (e *Engine) deferSend(ctx context.Context, id string, wait time.Duration, counted bool, reason string) {
	inc := 0
	if counted {
		inc = 1
	}
	_, _ = e.db.ExecContext(ctx, `UPDATE inbox_messages SET lease_until = 0, next_attempt_at = $2, attempts = attempts + $3,
		status_reason = $4, updated_at = $5 WHERE id = $1`, id, db.Now()+wait.Milliseconds(), inc, reason, db.Now())
}

// backoff is exponential with jitter: 1 s, 2 s, 4 s … up to 5 minutes.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// finishSend records the outcome: sent; retried later (honouring the
// provider's retry-after); or failed for good, visible to the operator,
// who can retry it.
func (e *Engine) finishSend(ctx context.Context, conv Conversation, m Message, res SendResult, sendErr error) {
	ch, _ := e.channelByID(ctx, m.ChannelID)
	if sendErr == nil {
		e.metric.dispatched.WithLabelValues(ch.Kind, "sent").Inc()
		e.setDelivery(ctx, conv, m, DeliverySent, "", res.ProviderID)
		return
	}
	var se *SendError
	permanent, wait, reason := false, time.Duration(0), sendErr.Error()
	if errors.As(sendErr, &se) {
		permanent, wait = se.Permanent, se.RetryAfter
		if se.Deferred && !permanent {
			e.deferSend(ctx, m.ID, wait, false, m.StatusReason)
			return
		}
	}
	attempts := m.Attempts + 1
	if permanent || attempts >= maxAttempts {
		e.metric.dispatched.WithLabelValues(ch.Kind, "failed").Inc()
		if !permanent {
			reason = fmt.Sprintf("gave up after %d attempts: %s", attempts, reason)
		}
		e.log.Warn("send failed for good", "message", m.ID, "channel", m.ChannelID, "reason", reason)
		e.setDelivery(ctx, conv, m, DeliveryFailed, reason, "")
		return
	}
	e.metric.dispatched.WithLabelValues(ch.Kind, "retry").Inc()
	e.deferSend(ctx, m.ID, max(wait, backoff(attempts)), true, reason)
	m.Attempts, m.StatusReason = attempts, reason
	_ = e.write(ctx, func(tx db.Execer, w *txw) error {
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &m})
		return nil
	})
}

func (e *Engine) setDelivery(ctx context.Context, conv Conversation, m Message, status, reason, providerID string) {
	now := db.Now()
	err := e.write(ctx, func(tx db.Execer, w *txw) error {
		sentAt := int64(0)
		if status == DeliverySent {
			sentAt = now
		}
		attempt := 1
		if status == DeliveryDelivered || status == DeliveryRead {
			attempt, sentAt = 0, m.SentAt.UnixMilli() // a receipt, not a send
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_messages SET status = $2, status_reason = $3, provider_id = $4, sent_at = $5,
			lease_until = 0, attempts = attempts + $7, updated_at = $6 WHERE id = $1`, m.ID, status, reason, providerID, sentAt, now, attempt); err != nil {
			return err
		}
		m.Status, m.StatusReason, m.SentAt, m.Attempts = status, reason, ms(sentAt), m.Attempts+attempt
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &m})
		return nil
	})
	if err != nil {
		e.log.Error("recording delivery status failed", "message", m.ID, "err", err)
	}
}

// ReportDeliveryFailure marks a reply that was sent as failed after the
// fact: a mail bounce, a provider's delivery report. The operator sees it
// failed with the reason and can retry.
func (e *Engine) ReportDeliveryFailure(ctx context.Context, channelID, messageID, reason string) error {
	m, err := messageTx(ctx, e.db, messageID)
	if err != nil {
		return err
	}
	if m.ChannelID != channelID || m.Direction != DirOut {
		return fmt.Errorf("inbox: message %s: %w", messageID, db.ErrNotFound)
	}
	conv, err := conversationTx(ctx, e.db, m.ConversationID)
	if err != nil {
		return err
	}
	e.setDelivery(ctx, conv, m, DeliveryFailed, reason, "")
	return nil
}
