package inbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/storage/db"
)

// The generic API channel lets any system feed the inbox: it POSTs a
// message with the channel's token, and receives the operators' replies as
// HMAC-signed webhooks (like Chatwoot's API channel). It is also what the
// load benchmark drives.

// APIInbound is the body of POST /hooks/api/{channel}/messages.
type APIInbound struct {
	Contact struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Phone string `json:"phone"`
		Email string `json:"email"`
	} `json:"contact"`
	ChatID  string `json:"chat_id"`
	Message struct {
		ID      string    `json:"id"`
		Text    string    `json:"text"`
		Subject string    `json:"subject"`
		SentAt  time.Time `json:"sent_at"`
	} `json:"message"`
}

// APIWebhook is the body profhub POSTs to an API channel's webhook_url.
type APIWebhook struct {
	Event          string       `json:"event"` // "message"
	ID             string       `json:"id"`    // stable across retries: deduplicate on it
	ConversationID string       `json:"conversation_id"`
	ChatID         string       `json:"chat_id"`
	ContactID      string       `json:"contact_id"`
	Text           string       `json:"text"`
	Attachments    []Attachment `json:"attachments"`
	Attempt        int          `json:"attempt"`
}

// SignatureHeader carries "t=<unix seconds>,v1=<hex HMAC-SHA256 of t.body>".
const SignatureHeader = "X-Profhub-Signature"

// Sign computes the signature header value for body at time t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// VerifySignature checks a signature header, refusing ones older than
// maxAge (replays).
func VerifySignature(secret, header string, body []byte, now time.Time, maxAge time.Duration) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(sec, 0)); d > maxAge || d < -maxAge {
		return false
	}
	want := Sign(secret, time.Unix(sec, 0), body)
	return hmac.Equal([]byte(want), []byte("t="+ts+",v1="+sig))
}

func validateWebhookURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return valid.Errorf("settings.webhook_url", "url", "webhook_url must be an absolute http(s) address")
	}
	return nil
}

// webhookSender delivers API channel replies to the channel's webhook.
type webhookSender struct {
	client *http.Client
}

// pullProvider marks replies of an API channel without a webhook: they
// wait for the other system to fetch them (GET /hooks/api/{channel}/replies).
const pullProvider = "pull"

func (s *webhookSender) Send(ctx context.Context, ch Channel, m OutboundMessage) (SendResult, error) {
	target := ch.Settings["webhook_url"]
	if target == "" {
		return SendResult{ProviderID: pullProvider}, nil
	}
	body, _ := json.Marshal(APIWebhook{Event: "message", ID: m.ID, ConversationID: m.ConversationID, ChatID: m.ExternalChatID,
		ContactID: m.ContactID, Text: m.Text, Attachments: m.Attachments, Attempt: m.Attempt})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return SendResult{}, &SendError{Permanent: true, Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.ID)
	req.Header.Set(SignatureHeader, Sign(ch.Secrets["webhook_secret"], time.Now(), body))
	client := s.client
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return SendResult{}, &SendError{Reason: "webhook: " + err.Error()}
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return SendResult{ProviderID: resp.Header.Get("X-Message-Id")}, nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		return SendResult{}, &SendError{RetryAfter: time.Duration(wait) * time.Second, Reason: fmt.Sprintf("webhook answered %d", resp.StatusCode)}
	default:
		return SendResult{}, &SendError{Permanent: true, Reason: fmt.Sprintf("webhook refused with %d", resp.StatusCode)}
	}
}

// apiChannel authenticates an API channel call. Only a token that is
// really unknown (or belongs elsewhere) is refused as such; a lookup that
// failed (the database is down) returns its error, which callers answer
// with 503: a client told "unknown token" stops sending for good.
func (c *core) apiChannel(ctx context.Context, channelID, token string) (Channel, error) {
	ch, err := c.channelByToken(ctx, token)
	if errors.Is(err, db.ErrNotFound) || (err == nil && (ch.ID != channelID || ch.Kind != KindAPI)) {
		return Channel{}, ErrBadChannelToken
	}
	return ch, err
}

// IngestAPI authenticates an API channel call and ingests its message.
func (ing *Ingestion) IngestAPI(ctx context.Context, channelID, token string, in APIInbound) (IngestResult, error) {
	ch, err := ing.apiChannel(ctx, channelID, token)
	if err != nil {
		return IngestResult{}, err
	}
	return ing.ingestAPI(ctx, ch, in)
}

func (ing *Ingestion) ingestAPI(ctx context.Context, ch Channel, in APIInbound) (IngestResult, error) {
	return ing.Ingest(ctx, Inbound{ChannelID: ch.ID, ExternalChatID: in.ChatID, ExternalMessageID: in.Message.ID,
		From: Identity{ExternalID: in.Contact.ID, Name: in.Contact.Name, Phone: in.Contact.Phone, Email: in.Contact.Email},
		Text: in.Message.Text, Subject: in.Message.Subject, SentAt: in.Message.SentAt})
}

// APIReply is a reply as an API channel's pull endpoint returns it.
type APIReply struct {
	ID             string       `json:"id"`
	ConversationID string       `json:"conversation_id"`
	ChatID         string       `json:"chat_id"`
	Text           string       `json:"text"`
	Attachments    []Attachment `json:"attachments"`
	CreatedAt      int64        `json:"created_at"`
}

// PullReplies returns an API channel's replies after the id cursor (ids
// sort by time) and marks them delivered: the way a system without a
// public address (a 1C server behind NAT) collects the operators' answers.
func (d *Dispatch) PullReplies(ctx context.Context, channelID, token, after string, limit int) ([]APIReply, error) {
	ch, err := d.apiChannel(ctx, channelID, token)
	if err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := d.db.QueryContext(ctx, `SELECT m.id, m.conversation_id, c.external_chat_id, m.text, m.attachments, m.created_at
		FROM inbox_messages m JOIN inbox_conversations c ON c.id = m.conversation_id
		WHERE m.channel_id = $1 AND m.direction = 'out' AND m.provider_id = $2 AND m.id > $3 ORDER BY m.id LIMIT $4`,
		ch.ID, pullProvider, after, limit)
	if err != nil {
		return nil, fmt.Errorf("inbox: pull: %w", err)
	}
	out := []APIReply{}
	for rows.Next() {
		var r APIReply
		var att string
		if err := rows.Scan(&r.ID, &r.ConversationID, &r.ChatID, &r.Text, &att, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, fmt.Errorf("inbox: pull: %w", err)
		}
		_ = json.Unmarshal([]byte(att), &r.Attachments)
		out = append(out, r)
	}
	rows.Close()
	for _, r := range out {
		m, err := messageTx(ctx, d.db, r.ID)
		if err != nil || m.Status != DeliverySent {
			continue
		}
		conv, err := conversationTx(ctx, d.db, r.ConversationID)
		if err == nil {
			d.setDelivery(ctx, conv, m, DeliveryDelivered, "", pullProvider)
		}
	}
	return out, rows.Err()
}

func bearerToken(r *http.Request) string {
	return strings.TrimSpace(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
}
