package inbox

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
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
	// Stored is given the reply as stored, seq included, so a socket that
	// shows the conversation can send it without reading it back.
	Stored(ctx context.Context, ch Channel, m Message)
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
	// Rating, when set, asks the contact to rate the conversation: the
	// connector shows five answers the way of its channel
	// (rating_request.go).
	Rating *RatingAsk
	// ThreadKey, for an answer to a comment, is the post's key (thread.go);
	// ReplyToExternalID the provider's id of the member's latest comment,
	// and Private says the operator chose a private message instead.
	ThreadKey         string
	ReplyToExternalID string
	Private           bool
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
	// RateLimited says the provider refused for rate (Telegram's 429, VK's
	// errors 6, 9 and 29): the message waits RetryAfter, and the try is
	// counted but does not use up one of its limited attempts.
	RateLimited bool
}

func (e *SendError) Error() string { return e.Reason }

const (
	maxAttempts     = 8
	leaseTime       = 2 * time.Minute
	defaultRatePerS = 20
)

func (c *core) dispatchStream() string { return c.kv.Key("inbox", "dispatch") }

const dispatchGroup = "senders"

// enqueueDispatch adds a pending message to the work stream. If Redis is
// down the SQL rescan finds it.
func (c *core) enqueueDispatch(ctx context.Context, messageID string) error {
	return c.kv.XAdd(ctx, &redis.XAddArgs{Stream: c.dispatchStream(), MaxLen: 100000, Approx: true,
		Values: map[string]any{"id": messageID}}).Err()
}

// dispatchOne sends one reply if it can be claimed (see claim), and
// returns the conversation's next reply when this one is done (sent or
// failed for good), for the worker to send next.
func (d *dispatcher) dispatchOne(id string) (next string) {
	e, ctx := d.dispatch, d.ctx
	rateLimited, ok := e.claim(ctx, id)
	if !ok {
		return ""
	}
	m, err := messageTx(ctx, e.db.Prepared(), id)
	if err != nil {
		return ""
	}
	conv, err := conversationTx(ctx, e.db.Prepared(), m.ConversationID)
	if err != nil {
		return ""
	}
	ch, err := e.channelByID(ctx, m.ChannelID)
	if err != nil {
		return ""
	}
	sender, ok := e.sender(ch.Kind)
	if !ok {
		e.finishSend(ctx, conv, m, rateLimited, SendResult{}, &SendError{Permanent: true, Reason: "no connector for channel kind " + ch.Kind})
		return d.successor(conv.ID, 0)
	}
	if _, local := sender.(StoredSender); !local {
		rate := ch.RatePerS
		if rate <= 0 {
			rate = defaultRatePerS
		}
		if wait := e.awaitRate(ctx, d.limiter, ch.ID, rate); wait > 0 {
			d.later(m.ID, e.deferSend(ctx, m.ID, wait, false, m.StatusReason))
			return ""
		}
	}
	started := db.Now()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out := OutboundMessage{ID: m.ID, ConversationID: conv.ID, Seq: m.Seq, ExternalChatID: conv.ExternalChatID, ContactID: conv.ContactID,
		AuthorID: m.AuthorID, Text: m.Text, Attachments: m.Attachments, Attempt: m.Attempts + 1, Rating: ratingAskOf(ctx, e.core, m)}
	threadReply(ctx, e.db.Prepared(), conv, m, &out)
	result, err := sender.Send(sctx, ch, out)
	if ctx.Err() != nil {
		e.deferSend(context.WithoutCancel(ctx), m.ID, 0, false, m.StatusReason)
		return ""
	}
	if done, due := e.finishSend(ctx, conv, m, rateLimited, result, err); !done {
		d.later(m.ID, due)
		return ""
	}
	var notBefore int64
	if p, ok := sender.(Paced); ok && err == nil {
		notBefore = started + p.ChatGap(ch, conv.ExternalChatID).Milliseconds()
	}
	return d.successor(conv.ID, notBefore)
}

// awaitRate takes a turn under the channel's rate, shared by all nodes.
// A burst of one spaces sends evenly: providers count their limits per
// second, and a full bucket released at once would double them. A turn
// due soon is waited for here — handing it back to the once-a-second
// rescan would cut a busy channel's throughput to a few messages a
// second; a longer wait is returned for the message to be deferred.
func (d *Dispatch) awaitRate(ctx context.Context, limiter *redis_rate.Limiter, channelID string, rate int) time.Duration {
	deadline := time.Now().Add(2 * time.Second)
	for {
		r, err := limiter.Allow(ctx, d.kv.Key("out", channelID), redis_rate.Limit{Rate: rate, Burst: 1, Period: time.Second})
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

// deferSend puts a message back to pending, due after wait, and returns
// when it is due (ms). counted says whether this was a real attempt.
func (d *Dispatch) deferSend(ctx context.Context, id string, wait time.Duration, counted bool, reason string) int64 {
	inc := 0
	if counted {
		inc = 1
	}
	now := db.Now()
	due := now + wait.Milliseconds()
	_, _ = d.db.ExecContext(ctx, `UPDATE inbox_messages SET lease_until = 0, next_attempt_at = $2, attempts = attempts + $3,
		status_reason = $4, updated_at = $5 WHERE id = $1`, id, due, inc, reason, now)
	return due
}

// deferRateLimited puts back a message the provider refused for rate: the
// try is counted (the operator sees it) and marked as not using up one of
// the limited attempts.
func (d *Dispatch) deferRateLimited(ctx context.Context, id string, wait time.Duration, reason string) int64 {
	now := db.Now()
	due := now + wait.Milliseconds()
	_, _ = d.db.ExecContext(ctx, `UPDATE inbox_messages SET lease_until = 0, next_attempt_at = $2, attempts = attempts + 1,
		rate_limited = rate_limited + 1, status_reason = $3, updated_at = $4 WHERE id = $1`, id, due, reason, now)
	return due
}

// backoff is exponential with jitter: 1 s, 2 s, 4 s … up to 5 minutes.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 9)
	d = min(d, 5*time.Minute)
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

// finishSend records the outcome: sent; retried later (honouring the
// provider's retry-after); or failed for good, visible to the operator,
// who can retry it. done says the message no longer holds up its
// conversation; otherwise due is when it will be tried again (ms).
// rateLimited is how many earlier tries were refused for rate: they do
// not count against maxAttempts.
func (d *Dispatch) finishSend(ctx context.Context, conv Conversation, m Message, rateLimited int, res SendResult, sendErr error) (done bool, due int64) {
	ch, _ := d.channelByID(ctx, m.ChannelID)
	if sendErr == nil {
		d.metric.dispatched.WithLabelValues(ch.Kind, "sent").Inc()
		d.setDelivery(ctx, conv, m, DeliverySent, "", res.ProviderID)
		return true, 0
	}
	var se *SendError
	permanent, wait, reason := false, time.Duration(0), sendErr.Error()
	attempts := m.Attempts + 1
	if errors.As(sendErr, &se) {
		permanent, wait = se.Permanent, se.RetryAfter
		switch {
		case se.Deferred && !permanent:
			return false, d.deferSend(ctx, m.ID, wait, false, m.StatusReason)
		case se.RateLimited && !permanent:
			d.metric.dispatched.WithLabelValues(ch.Kind, "rate_limited").Inc()
			due = d.deferRateLimited(ctx, m.ID, max(wait, time.Second), reason)
			d.statusChanged(ctx, conv, m, attempts, reason)
			return false, due
		}
	}
	if counted := attempts - rateLimited; permanent || counted >= maxAttempts {
		d.metric.dispatched.WithLabelValues(ch.Kind, "failed").Inc()
		if !permanent {
			reason = fmt.Sprintf("gave up after %d attempts: %s", counted, reason)
		}
		d.log.Warn("send failed for good", "message", m.ID, "channel", m.ChannelID, "reason", reason)
		d.setDelivery(ctx, conv, m, DeliveryFailed, reason, "")
		return true, 0
	}
	d.metric.dispatched.WithLabelValues(ch.Kind, "retry").Inc()
	due = d.deferSend(ctx, m.ID, max(wait, backoff(attempts-rateLimited)), true, reason)
	d.statusChanged(ctx, conv, m, attempts, reason)
	return false, due
}

// statusChanged tells the console that a reply waits for another try.
func (d *Dispatch) statusChanged(ctx context.Context, conv Conversation, m Message, attempts int, reason string) {
	m.Attempts, m.StatusReason = attempts, reason
	_ = d.write(ctx, func(tx db.Execer, w *txw) error {
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &m})
		return nil
	})
}

func (d *Dispatch) setDelivery(ctx context.Context, conv Conversation, m Message, status, reason, providerID string) {
	now := db.Now()
	err := d.write(ctx, func(tx db.Execer, w *txw) error {
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
		// A copy: the transaction may run again after a deadlock.
		sent := m
		sent.Status, sent.StatusReason, sent.SentAt, sent.Attempts = status, reason, ms(sentAt), m.Attempts+attempt
		w.add(&Event{Kind: EvStatus, LineID: conv.LineID, ConversationID: conv.ID, AssigneeID: conv.AssigneeID, At: time.Now(), Message: &sent})
		return nil
	})
	if err != nil {
		d.log.Error("recording delivery status failed", "message", m.ID, "err", err)
	}
}

// ReportDeliveryFailure marks a reply that was sent as failed after the
// fact: a mail bounce, a provider's delivery report. The operator sees it
// failed with the reason and can retry.
func (d *Dispatch) ReportDeliveryFailure(ctx context.Context, channelID, messageID, reason string) error {
	m, err := messageTx(ctx, d.db, messageID)
	if err != nil {
		return err
	}
	if m.ChannelID != channelID || m.Direction != DirOut {
		return fmt.Errorf("inbox: message %s: %w", messageID, db.ErrNotFound)
	}
	conv, err := conversationTx(ctx, d.db, m.ConversationID)
	if err != nil {
		return err
	}
	d.setDelivery(ctx, conv, m, DeliveryFailed, reason, "")
	return nil
}

// RegisterSender makes s send the replies of channels of kind; the hub
// registers each connector's.
func (d *Dispatch) RegisterSender(kind string, s Sender) {
	d.sendMu.Lock()
	defer d.sendMu.Unlock()
	d.senders[kind] = s
}

func (d *Dispatch) sender(kind string) (Sender, bool) {
	d.sendMu.RLock()
	defer d.sendMu.RUnlock()
	s, ok := d.senders[kind]
	return s, ok
}
