package telephony

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// generic is profhub's own format (docs/CHANNELS.md), for any PBX or
// middleware that can POST JSON: Asterisk AGI/AMI scripts, FreeSWITCH
// event handlers, 3CX call-flow scripts. The body is one event or an array
// of them; the X-Profhub-Signature header is
// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>." + body>" with the
// channel's webhook secret, the same scheme as the API channel's outbound
// webhooks. A timestamp outside the window is refused.
type generic struct{}

// GenericEvent is one event of the generic format.
type GenericEvent struct {
	ID           string    `json:"id"`      // unique per event: a redelivery repeats it
	CallID       string    `json:"call_id"` // the same for every event of a call
	Seq          int64     `json:"seq"`     // order within the call, if the PBX has one
	Type         string    `json:"type"`    // started, ringing, answered, transferred, ended, recording
	At           time.Time `json:"at"`
	Direction    string    `json:"direction,omitempty"` // in, out, internal
	Number       string    `json:"number,omitempty"`    // the outside party
	Line         string    `json:"line,omitempty"`      // the federation's number
	Extension    string    `json:"extension,omitempty"`
	DurationS    int       `json:"duration_s,omitempty"` // talk time, on ended
	Result       string    `json:"result,omitempty"`     // on ended: answered, missed, busy, voicemail, failed
	Cause        string    `json:"cause,omitempty"`
	RecordingURL string    `json:"recording_url,omitempty"`
}

var genericTypes = []string{EvStarted, EvRinging, EvAnswered, EvTransferred, EvEnded, EvRecording}

func (generic) defaultAPIURL() string  { return "" }
func (generic) defaultHosts() []string { return nil }

func (generic) check(ch *inbox.Channel) error {
	if ch.Secrets[secretWebhook] == "" {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		ch.Secrets[secretWebhook] = base64.RawURLEncoding.EncodeToString(b)
	}
	return nil
}

func (g generic) parse(r *http.Request, body []byte, ch inbox.Channel, _ string, now time.Time) ([]Event, error) {
	sig := r.Header.Get(inbox.SignatureHeader)
	if ch.Secrets[secretWebhook] == "" {
		return nil, errSignature // never verify against an empty key
	}
	if sig == "" || !inbox.VerifySignature(ch.Secrets[secretWebhook], sig, body, now, window(r)) {
		if sig != "" && inbox.VerifySignature(ch.Secrets[secretWebhook], sig, body, now, 100*365*24*time.Hour) {
			return nil, errStale
		}
		return nil, errSignature
	}
	var list []GenericEvent
	if t := bytes.TrimSpace(body); len(t) > 0 && t[0] == '[' {
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, valid.Errorf("body", "json", "the body must be a JSON event or an array of events: %v", err)
		}
	} else {
		var one GenericEvent
		if err := json.Unmarshal(body, &one); err != nil {
			return nil, valid.Errorf("body", "json", "the body must be a JSON event or an array of events: %v", err)
		}
		list = []GenericEvent{one}
	}
	if len(list) > 100 {
		return nil, valid.Errorf("body", "too_many", "at most 100 events per request")
	}
	out := make([]Event, 0, len(list))
	for i, ge := range list {
		if ge.ID == "" || ge.CallID == "" || len(ge.ID) > 200 || len(ge.CallID) > 200 {
			return nil, valid.Errorf(fmt.Sprintf("events[%d].id", i), "required", "id and call_id are required (up to 200 bytes)")
		}
		if !slices.Contains(genericTypes, ge.Type) {
			return nil, valid.Errorf(fmt.Sprintf("events[%d].type", i), "type", "type must be one of %s", strings.Join(genericTypes, ", "))
		}
		if ge.At.IsZero() {
			return nil, valid.Errorf(fmt.Sprintf("events[%d].at", i), "required", "at (RFC 3339 time) is required")
		}
		switch ge.Direction {
		case "", DirIn, DirOut, DirInternal:
		default:
			return nil, valid.Errorf(fmt.Sprintf("events[%d].direction", i), "direction", "direction must be in, out or internal")
		}
		switch ge.Result {
		case "", ResAnswered, ResMissed, ResBusy, ResVoicemail, ResFailed:
		default:
			return nil, valid.Errorf(fmt.Sprintf("events[%d].result", i), "result", "result must be answered, missed, busy, voicemail or failed")
		}
		e := Event{CallID: ge.CallID, Key: ge.ID, Seq: ge.Seq, At: ge.At, Kind: ge.Type, Direction: ge.Direction,
			Number: ge.Number, Line: ge.Line, Extension: ge.Extension, Duration: ge.DurationS, Result: ge.Result, Cause: ge.Cause,
			Recording: ge.RecordingURL}
		if ge.Type == EvEnded {
			e.HeldBy = ge.Extension // the extension on the call when it ended is credited with it
		}
		out = append(out, e)
	}
	return out, nil
}

// window is the connector's replay window, carried on the request by the
// handler.
func window(r *http.Request) time.Duration {
	if w, ok := r.Context().Value(windowKey{}).(time.Duration); ok {
		return w
	}
	return 5 * time.Minute
}

type windowKey struct{}

// GenericCallback is what profhub POSTs to a generic channel's
// callback_url for click-to-call, signed like the events.
type GenericCallback struct {
	Event     string `json:"event"` // "callback"
	ID        string `json:"id"`
	Extension string `json:"extension"`
	Number    string `json:"number"`
}

func (generic) callback(ctx context.Context, c *http.Client, ch inbox.Channel, id, ext, number string) error {
	target := ch.Settings[settingCallbackURL]
	if target == "" {
		return valid.Errorf("channel", "no_callback", "this telephony channel has no callback_url: click-to-call is not set up")
	}
	body, _ := json.Marshal(GenericCallback{Event: "callback", ID: id, Extension: ext, Number: number})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(inbox.SignatureHeader, inbox.Sign(ch.Secrets[secretWebhook], time.Now(), body))
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("telephony: callback request: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("telephony: callback request: the PBX answered %d", resp.StatusCode)
	}
	return nil
}

func (generic) recordingRequest(ctx context.Context, _ *http.Client, _ inbox.Channel, ref string) (*http.Request, error) {
	return http.NewRequestWithContext(ctx, http.MethodGet, ref, nil)
}
