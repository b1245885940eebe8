package mailing

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
)

// SMSGateway sends one SMS. id is the same on every try for one ledger
// row, so a gateway that deduplicates by it drops a resend after a crash.
type SMSGateway interface {
	Send(ctx context.Context, from, to, text, id string) error
}

// SMSError is a gateway's refusal; Permanent ones are not retried.
type SMSError struct {
	Permanent bool
	Reason    string
}

func (e *SMSError) Error() string { return "sms: " + e.Reason }

// SMSGateways keep the SMS gateways campaigns send through, with their
// keys sealed by the hub's key.
type SMSGateways struct {
	db  *db.DB
	box *secretbox.Box
}

// SMSGatewayConfig is a stored gateway.
type SMSGatewayConfig struct {
	ID         string `json:"id"`
	UnitID     string `json:"unit_id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"` // http, smsru
	URL        string `json:"url"`
	APIKey     string `json:"api_key,omitempty"` // write-only
	Sender     string `json:"sender"`
	RatePerSec int    `json:"rate_per_sec"`
}

// CreateSMSGateway stores a gateway; the key is sealed.
func (s *SMSGateways) CreateSMSGateway(ctx context.Context, sc access.Scope, g SMSGatewayConfig) (SMSGatewayConfig, error) {
	if err := requireSend(sc); err != nil || sc.Role == access.Secretary {
		return SMSGatewayConfig{}, fmt.Errorf("%w: only administrators, chairmen and deputies manage SMS gateways", access.ErrForbidden)
	}
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return g, valid.Errorf("name", "required", "name is required")
	}
	if !slices.Contains([]string{"http", "smsru"}, g.Kind) {
		return g, valid.Errorf("kind", "kind", "kind must be http or smsru")
	}
	if g.Kind == "http" {
		if u, err := url.Parse(g.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return g, valid.Errorf("url", "url", "url must be an http(s) address")
		}
	}
	if g.RatePerSec < 0 || g.RatePerSec > 10000 {
		return g, valid.Errorf("rate_per_sec", "range", "rate_per_sec must be 0–10000")
	}
	g.ID, g.UnitID = uuid.Must(uuid.NewV7()).String(), sc.UnitID
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO mailing_sms_gateways (id, unit_id, name, kind, url, api_key, sender, rate_per_sec, created_at)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, g.ID, g.UnitID, g.Name, g.Kind, g.URL, s.box.Seal(g.APIKey), g.Sender, g.RatePerSec, db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "mailing.sms_gateway.create", ObjectType: "sms_gateway", ObjectID: g.ID,
			Details: map[string]any{"name": g.Name, "kind": g.Kind}})
	})
	g.APIKey = ""
	return g, err
}

// ListSMSGateways lists the gateways sc's campaigns may use (its own
// subtree's and its parents'), without their keys.
func (s *SMSGateways) ListSMSGateways(ctx context.Context, sc access.Scope) ([]SMSGatewayConfig, error) {
	if err := requireSend(sc); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT g.id, g.unit_id, g.name, g.kind, g.url, g.sender, g.rate_per_sec
		FROM mailing_sms_gateways g JOIN units u ON u.id = g.unit_id WHERE `+usableFrom+` ORDER BY g.name`, lo, hi, sc.UnitPath)
	if err != nil {
		return nil, fmt.Errorf("mailing: SMS gateways: %w", err)
	}
	defer rows.Close()
	out := []SMSGatewayConfig{}
	for rows.Next() {
		var g SMSGatewayConfig
		if err := rows.Scan(&g.ID, &g.UnitID, &g.Name, &g.Kind, &g.URL, &g.Sender, &g.RatePerSec); err != nil {
			return nil, fmt.Errorf("mailing: SMS gateways: %w", err)
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func (s *SMSGateways) smsGateway(ctx context.Context, sc access.Scope, id string) (SMSGateway, error) {
	if id == "" {
		return nil, errors.New("an SMS campaign needs an SMS gateway")
	}
	lo, hi := sc.PathRange()
	return s.openGateway(ctx, id, s.db.QueryRowContext(ctx, `SELECT g.kind, g.url, g.api_key, g.sender FROM mailing_sms_gateways g JOIN units u ON u.id = g.unit_id
		WHERE g.id = $4 AND `+usableFrom, lo, hi, sc.UnitPath, id))
}

// Gateway opens a stored gateway by id, unscoped: the inbox's SMS
// channels send operators' messages through the gateway the channel's
// administrator chose (connectors/sms), with the campaigns' client.
func (s *SMSGateways) Gateway(ctx context.Context, id string) (SMSGateway, error) {
	return s.openGateway(ctx, id, s.db.QueryRowContext(ctx, `SELECT kind, url, api_key, sender FROM mailing_sms_gateways WHERE id = $1`, id))
}

func (s *SMSGateways) openGateway(ctx context.Context, id string, row *sql.Row) (SMSGateway, error) {
	var g SMSGatewayConfig
	err := row.Scan(&g.Kind, &g.URL, &g.APIKey, &g.Sender)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("mailing: SMS gateway %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	if g.APIKey, err = s.box.Open(g.APIKey); err != nil {
		return nil, err
	}
	client := &http.Client{Timeout: 20 * time.Second}
	switch g.Kind {
	case "smsru":
		return &SMSRu{Key: g.APIKey, Client: client, Sender: g.Sender}, nil
	default:
		return &HTTPGateway{URL: g.URL, Key: g.APIKey, Client: client, Sender: g.Sender}, nil
	}
}

// HTTPGateway is the generic gateway: a JSON POST {to, from, text, id}
// with a Bearer key; 2xx is sent, 4xx refused for good, the rest retried.
type HTTPGateway struct {
	URL, Key, Sender string
	Client           *http.Client
}

func (g *HTTPGateway) Send(ctx context.Context, from, to, text, id string) error {
	if from == "" {
		from = g.Sender
	}
	body, _ := json.Marshal(map[string]string{"to": to, "from": from, "text": text, "id": id})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return &SMSError{Permanent: true, Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", id)
	if g.Key != "" {
		req.Header.Set("Authorization", "Bearer "+g.Key)
	}
	resp, err := g.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode < 300:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return fmt.Errorf("gateway answered %d", resp.StatusCode)
	}
	return &SMSError{Permanent: true, Reason: fmt.Sprintf("gateway answered %d %s", resp.StatusCode, strings.TrimSpace(string(msg)))}
}

// SMSRu speaks the sms.ru HTTP API (https://sms.ru/api/send): GET
// /sms/send with api_id, to, msg, from and json=1; status_code 100 is
// accepted. It has no idempotency key, so a resend after a crash may
// reach the phone twice (the e-mail path does not have this limit).
type SMSRu struct {
	Key, Sender string
	BaseURL     string // default https://sms.ru
	Client      *http.Client
}

func (g *SMSRu) Send(ctx context.Context, from, to, text, _ string) error {
	base := g.BaseURL
	if base == "" {
		base = "https://sms.ru"
	}
	if from == "" {
		from = g.Sender
	}
	q := url.Values{"api_id": {g.Key}, "to": {strings.TrimPrefix(to, "+")}, "msg": {text}, "json": {"1"}}
	if from != "" {
		q.Set("from", from)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/sms/send", strings.NewReader(q.Encode()))
	if err != nil {
		return &SMSError{Permanent: true, Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := g.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("sms.ru answered %d", resp.StatusCode)
	}
	var r struct {
		Status     string `json:"status"`
		StatusCode int    `json:"status_code"`
		StatusText string `json:"status_text"`
		SMS        map[string]struct {
			Status     string `json:"status"`
			StatusCode int    `json:"status_code"`
			StatusText string `json:"status_text"`
		} `json:"sms"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&r); err != nil {
		return fmt.Errorf("sms.ru: unreadable answer: %w", err)
	}
	if r.Status != "OK" {
		// A refusal of the whole request is a problem of the account (key,
		// balance, sender name): it counts towards the outage budget, so the
		// campaign pauses itself rather than failing every recipient.
		return fmt.Errorf("sms.ru %d %s", r.StatusCode, r.StatusText)
	}
	for _, one := range r.SMS {
		if one.Status != "OK" {
			return &SMSError{Permanent: true, Reason: fmt.Sprintf("sms.ru %d %s", one.StatusCode, one.StatusText)}
		}
	}
	return nil
}

func (set *senderSet) smsWorker(j *job, q <-chan item, out chan<- outcome) {
	for it := range q {
		r, ok := set.prepare(j, &it, out)
		if !ok {
			continue
		}
		id := fmt.Sprintf("%s.%d", j.id, it.seq)
		if o, ok := set.deliver(j, it, func() error { return set.sms.Send(j.ctx, set.smsFrom, it.address, r.SMS, id) }); ok {
			out <- o
		} else {
			j.inflight.Add(-1)
		}
	}
}
