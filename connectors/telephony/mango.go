package telephony

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// mango speaks Mango Office VPBX's API: the PBX POSTs form fields
// vpbx_api_key, sign and json to {webhook}/events/call (a leg changed
// state), {webhook}/events/summary (the call is over, with its result) and
// {webhook}/events/recording (a recording is ready), where
// sign = hex(sha256(vpbx_api_key + json + vpbx_api_salt)) over the json
// field exactly as sent. Commands go the same way to {api}/commands/….
type mango struct{}

func (mango) defaultAPIURL() string  { return "https://app.mango-office.ru/vpbx" }
func (mango) defaultHosts() []string { return []string{"mango-office.ru"} }

func (mango) check(ch *inbox.Channel) error {
	if ch.Secrets[secretAPIKey] == "" || ch.Secrets[secretAPISalt] == "" {
		return valid.Errorf("secrets.api_key", "required", "Mango Office needs the VPBX api_key and api_salt (Settings → Integrations → API in the Mango account)")
	}
	return nil
}

func mangoSign(key, js, salt string) string {
	h := sha256.Sum256([]byte(key + js + salt))
	return hex.EncodeToString(h[:])
}

type mangoParty struct {
	Extension  string `json:"extension"`
	Number     string `json:"number"`
	LineNumber string `json:"line_number"`
}

type mangoCall struct {
	EntryID          string     `json:"entry_id"`
	CallID           string     `json:"call_id"`
	Timestamp        int64      `json:"timestamp"`
	Seq              int64      `json:"seq"`
	CallState        string     `json:"call_state"` // Appeared, Connected, OnHold, Disconnected
	Location         string     `json:"location"`   // ivr, queue, abonent
	From             mangoParty `json:"from"`
	To               mangoParty `json:"to"`
	DisconnectReason int        `json:"disconnect_reason"`
}

type mangoSummary struct {
	EntryID          string     `json:"entry_id"`
	CallDirection    int        `json:"call_direction"` // 0 internal, 1 in, 2 out
	From             mangoParty `json:"from"`
	To               mangoParty `json:"to"`
	LineNumber       string     `json:"line_number"`
	CreateTime       int64      `json:"create_time"`
	ForwardTime      int64      `json:"forward_time"`
	TalkTime         int64      `json:"talk_time"`
	EndTime          int64      `json:"end_time"`
	EntryResult      int        `json:"entry_result"` // 1 answered, 0 not
	DisconnectReason int        `json:"disconnect_reason"`
}

type mangoRecording struct {
	EntryID        string `json:"entry_id"`
	CallID         string `json:"call_id"`
	RecordingID    string `json:"recording_id"`
	RecordingState string `json:"recording_state"` // Started, Continued, Completed
	Extension      string `json:"extension"`
	Timestamp      int64  `json:"timestamp"`
	Seq            int64  `json:"seq"`
}

func (mango) parse(r *http.Request, body []byte, ch inbox.Channel, sub string, _ time.Time) ([]Event, error) {
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, valid.Errorf("body", "form", "the body must be form fields vpbx_api_key, sign, json")
	}
	if ch.Secrets[secretAPIKey] == "" || ch.Secrets[secretAPISalt] == "" {
		return nil, errSignature // never verify against empty credentials
	}
	key, sign, js := form.Get("vpbx_api_key"), form.Get("sign"), form.Get("json")
	want := mangoSign(ch.Secrets[secretAPIKey], js, ch.Secrets[secretAPISalt])
	if subtle.ConstantTimeCompare([]byte(key), []byte(ch.Secrets[secretAPIKey])) != 1 ||
		subtle.ConstantTimeCompare([]byte(strings.ToLower(sign)), []byte(want)) != 1 {
		return nil, errSignature
	}
	bad := func(err error) error { return valid.Errorf("json", "json", "the json field does not parse: %v", err) }
	switch strings.Trim(sub, "/") {
	case "events/call":
		var m mangoCall
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			return nil, bad(err)
		}
		if m.EntryID == "" {
			return nil, valid.Errorf("json.entry_id", "required", "entry_id is required")
		}
		return mangoCallEvents(m), nil
	case "events/summary":
		var m mangoSummary
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			return nil, bad(err)
		}
		if m.EntryID == "" {
			return nil, valid.Errorf("json.entry_id", "required", "entry_id is required")
		}
		return mangoSummaryEvents(m), nil
	case "events/recording", "events/record/added":
		var m mangoRecording
		if err := json.Unmarshal([]byte(js), &m); err != nil {
			return nil, bad(err)
		}
		if m.EntryID == "" || m.RecordingID == "" {
			return nil, valid.Errorf("json.recording_id", "required", "entry_id and recording_id are required")
		}
		if m.RecordingState != "" && m.RecordingState != "Completed" {
			return nil, nil // still recording
		}
		at := time.Unix(m.Timestamp, 0).UTC()
		if m.Timestamp == 0 {
			at = time.Now().UTC()
		}
		return []Event{{CallID: m.EntryID, Key: "recording:" + m.RecordingID, At: at, Kind: EvRecording, Recording: m.RecordingID}}, nil
	}
	return nil, nil // other Mango events (dtmf, sms, ping) are acknowledged and ignored
}

// mangoCallEvents maps a leg's state change. Only legs in the IVR or the
// queue that disconnect end the call: an operator's leg that stops ringing
// does not (the call goes on to the next one); events/summary ends it.
func mangoCallEvents(m mangoCall) []Event {
	e := Event{CallID: m.EntryID, Key: fmt.Sprintf("call:%s:%d:%s", m.CallID, m.Seq, m.CallState), At: time.Unix(m.Timestamp, 0).UTC()}
	inbound := m.From.Extension == "" && m.From.Number != ""
	if inbound {
		e.Direction, e.Number, e.Line, e.Extension = DirIn, m.From.Number, firstNonEmpty(m.To.LineNumber, m.To.Number), m.To.Extension
	} else {
		e.Direction, e.Number, e.Extension = DirOut, m.To.Number, m.From.Extension
		e.Line = m.To.LineNumber
		if m.To.Extension != "" {
			e.Direction, e.Number = DirInternal, ""
		}
	}
	switch {
	case m.CallState == "Appeared" && m.Location == "abonent" && inbound:
		e.Kind = EvRinging
	case m.CallState == "Appeared":
		e.Kind = EvStarted
	case m.CallState == "Connected" && (m.Location == "abonent" || !inbound):
		e.Kind = EvAnswered
	case m.CallState == "Disconnected" && m.Location != "abonent":
		e.Kind, e.Cause = EvEnded, strconv.Itoa(m.DisconnectReason)
	default:
		return nil
	}
	return []Event{e}
}

func mangoSummaryEvents(m mangoSummary) []Event {
	e := Event{CallID: m.EntryID, Key: "summary", Kind: EvEnded, At: time.Unix(m.EndTime, 0).UTC(), StartedAt: time.Unix(m.CreateTime, 0).UTC(),
		Cause: strconv.Itoa(m.DisconnectReason), Line: m.LineNumber}
	if m.CreateTime == 0 {
		e.StartedAt = time.Time{}
	}
	switch m.CallDirection {
	case 1:
		e.Direction, e.Number, e.Extension = DirIn, m.From.Number, m.To.Extension
	case 2:
		e.Direction, e.Number, e.Extension = DirOut, m.To.Number, m.From.Extension
	default:
		e.Direction, e.Extension = DirInternal, m.From.Extension
	}
	e.Result = ResMissed
	if m.EntryResult == 1 {
		e.Result = ResAnswered
	}
	out := []Event{e}
	if m.TalkTime > 0 && m.EntryResult == 1 {
		if m.EndTime > m.TalkTime {
			out[0].Duration = int(m.EndTime - m.TalkTime)
		}
		out = append(out, Event{CallID: m.EntryID, Key: "summary:answered", Kind: EvAnswered, At: time.Unix(m.TalkTime, 0).UTC(),
			Extension: e.Extension, Direction: e.Direction, Number: e.Number})
	}
	return out
}

// mangoPost sends a signed command or query.
func mangoPost(ctx context.Context, ch inbox.Channel, path string, payload any) (*http.Request, error) {
	js, _ := json.Marshal(payload)
	form := url.Values{"vpbx_api_key": {ch.Secrets[secretAPIKey]}, "sign": {mangoSign(ch.Secrets[secretAPIKey], string(js), ch.Secrets[secretAPISalt])},
		"json": {string(js)}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, apiURL(mango{}, ch)+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return req, nil
}

// callback is commands/callback: Mango rings the extension, then dials
// the number (without the plus).
func (mango) callback(ctx context.Context, c *http.Client, ch inbox.Channel, id, ext, number string) error {
	req, err := mangoPost(ctx, ch, "/commands/callback", map[string]any{"command_id": id,
		"from": map[string]string{"extension": ext}, "to_number": strings.TrimPrefix(number, "+")})
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("telephony: mango callback: %w", err)
	}
	defer resp.Body.Close()
	var res struct {
		Result int `json:"result"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&res)
	if resp.StatusCode != http.StatusOK || res.Result != 1000 {
		return fmt.Errorf("telephony: mango callback refused: status %d, result %d", resp.StatusCode, res.Result)
	}
	return nil
}

// recordingRequest is queries/recording/post with action "download": Mango
// answers with the file or a redirect to its storage.
func (mango) recordingRequest(ctx context.Context, _ *http.Client, ch inbox.Channel, ref string) (*http.Request, error) {
	return mangoPost(ctx, ch, "/queries/recording/post", map[string]string{"recording_id": ref, "action": "download"})
}
