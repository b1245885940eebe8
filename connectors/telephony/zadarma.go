package telephony

import (
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// zadarma speaks Zadarma's PBX notifications: form POSTs with an "event"
// field (NOTIFY_START, NOTIFY_INTERNAL, NOTIFY_ANSWER, NOTIFY_END,
// NOTIFY_OUT_START, NOTIFY_OUT_END, NOTIFY_RECORD) and a Signature header,
// base64 of the hex HMAC-SHA1 (as PHP's hash_hmac returns it) of fields
// that depend on the event, keyed with the API secret. Before it sends
// anything, Zadarma checks the address with GET ?zd_echo=X and expects X
// back. Its API signs requests the same way over
// method + sorted query + md5(sorted query).
type zadarma struct{}

func (zadarma) defaultAPIURL() string  { return "https://api.zadarma.com" }
func (zadarma) defaultHosts() []string { return []string{"zadarma.com"} }

func (zadarma) check(ch *inbox.Channel) error {
	if ch.Secrets[secretAPIKey] == "" || ch.Secrets[secretAPISec] == "" {
		return valid.Errorf("secrets.api_key", "required", "Zadarma needs the API key and secret (Settings → API in the Zadarma account)")
	}
	return nil
}

func zadarmaSign(secret, s string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
}

// zadarmaSigned lists, per event, the fields whose concatenation is signed.
var zadarmaSigned = map[string][]string{
	"NOTIFY_START":     {"caller_id", "called_did", "call_start"},
	"NOTIFY_INTERNAL":  {"caller_id", "called_did", "call_start"},
	"NOTIFY_ANSWER":    {"caller_id", "destination", "call_start"},
	"NOTIFY_END":       {"caller_id", "called_did", "call_start"},
	"NOTIFY_OUT_START": {"internal", "destination", "call_start"},
	"NOTIFY_OUT_END":   {"internal", "destination", "call_start"},
	"NOTIFY_RECORD":    {"pbx_call_id", "call_id_with_rec"},
}

func (zadarma) parse(r *http.Request, body []byte, ch inbox.Channel, _ string, now time.Time) ([]Event, error) {
	f, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, valid.Errorf("body", "form", "the body must be form fields")
	}
	ev := f.Get("event")
	fields, known := zadarmaSigned[ev]
	if !known {
		// Other notifications (NOTIFY_IVR, SMS, speech recognition) are
		// not call events; they are still authenticated when they can be.
		return nil, nil
	}
	if ch.Secrets[secretAPISec] == "" {
		return nil, errSignature // never verify against an empty secret
	}
	var s strings.Builder
	for _, k := range fields {
		s.WriteString(f.Get(k))
	}
	want := zadarmaSign(ch.Secrets[secretAPISec], s.String())
	if !hmac.Equal([]byte(r.Header.Get("Signature")), []byte(want)) {
		return nil, errSignature
	}
	id := f.Get("pbx_call_id")
	if id == "" {
		return nil, valid.Errorf("pbx_call_id", "required", "pbx_call_id is required")
	}
	start, err := time.ParseInLocation("2006-01-02 15:04:05", f.Get("call_start"), zadarmaZone(ch))
	if err != nil && ev != "NOTIFY_RECORD" {
		return nil, valid.Errorf("call_start", "time", "call_start must read YYYY-MM-DD HH:MM:SS")
	}
	// Zadarma gives no event a time or a sequence of its own, only the
	// call's start: every event is placed at the start and ordered by
	// its place in a call (zadarmaSeq), so the order in which the
	// notifications arrive changes nothing. Their arrival (kept from the
	// first delivery) is the estimate of when they happened.
	now = now.UTC()
	e := Event{CallID: id, At: start.UTC(), Seq: zadarmaSeq[ev], Received: now, StartedAt: start.UTC()}
	switch ev {
	case "NOTIFY_START":
		e.Key, e.Kind, e.Received, e.Direction, e.Number, e.Line = "start", EvStarted, time.Time{}, DirIn, f.Get("caller_id"), f.Get("called_did")
	case "NOTIFY_INTERNAL":
		e.Key, e.Kind, e.Direction, e.Number, e.Line, e.Extension = "internal:"+f.Get("internal"), EvRinging, DirIn, f.Get("caller_id"),
			f.Get("called_did"), f.Get("internal")
	case "NOTIFY_ANSWER":
		e.Key, e.Kind, e.Extension = "answer:"+f.Get("internal"), EvAnswered, f.Get("internal")
	case "NOTIFY_END":
		e.Key, e.Kind, e.Direction, e.Number, e.Line = "end", EvEnded, DirIn, f.Get("caller_id"), f.Get("called_did")
		zadarmaEnd(&e, f)
	case "NOTIFY_OUT_START":
		e.Key, e.Kind, e.Received, e.Direction, e.Number, e.Extension = "out_start", EvStarted, time.Time{}, DirOut, f.Get("destination"), f.Get("internal")
	case "NOTIFY_OUT_END":
		e.Key, e.Kind, e.Direction, e.Number, e.Extension = "out_end", EvEnded, DirOut, f.Get("destination"), f.Get("internal")
		zadarmaEnd(&e, f)
	case "NOTIFY_RECORD":
		// It carries no call_start: placed at its arrival, after the call.
		e.Key, e.Kind, e.Recording, e.At, e.Received, e.StartedAt = "record:"+f.Get("call_id_with_rec"), EvRecording,
			f.Get("call_id_with_rec"), now, time.Time{}, time.Time{}
	}
	return []Event{e}, nil
}

// zadarmaSeq is each notification's place in a call.
var zadarmaSeq = map[string]int64{"NOTIFY_START": 1, "NOTIFY_OUT_START": 1, "NOTIFY_INTERNAL": 2, "NOTIFY_ANSWER": 3,
	"NOTIFY_END": 4, "NOTIFY_OUT_END": 4, "NOTIFY_RECORD": 5}

// zadarmaZone is the zone of the account's call_start times: the
// channel's time_zone, by default Moscow (Zadarma's own), never the
// server's.
func zadarmaZone(ch inbox.Channel) *time.Location {
	if tz := ch.Settings[settingTimeZone]; tz != "" {
		if l, err := time.LoadLocation(tz); err == nil {
			return l
		}
	}
	return moscowLoc()
}

func zadarmaEnd(e *Event, f url.Values) {
	e.Cause = f.Get("disposition")
	switch e.Cause {
	case "answered":
		e.Result = ResAnswered
	case "busy":
		e.Result = ResBusy
	case "cancel", "no answer":
		e.Result = ResMissed
	default:
		e.Result = ResFailed
	}
	fmt.Sscan(f.Get("duration"), &e.Duration)
	// The extension on the call when it ended decides who took it, after
	// any transfers: last_internal where Zadarma sends it, else internal.
	e.HeldBy = cmp.Or(f.Get("last_internal"), f.Get("internal"))
	if e.Extension == "" {
		e.Extension = e.HeldBy
	}
	if f.Get("is_recorded") == "1" {
		e.Recording = f.Get("call_id_with_rec")
	}
}

// zadarmaGet calls a signed API method.
func zadarmaGet(ctx context.Context, c *http.Client, ch inbox.Channel, method string, params url.Values, out any) error {
	params.Set("format", "json")
	q := params.Encode() // sorted by key, spaces as +, as PHP's http_build_query
	sum := md5.Sum([]byte(q))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, apiURL(zadarma{}, ch)+method+"?"+q, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", ch.Secrets[secretAPIKey]+":"+zadarmaSign(ch.Secrets[secretAPISec], method+q+hex.EncodeToString(sum[:])))
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("telephony: zadarma %s: %w", method, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 256<<10))
	var st struct {
		Status  string `json:"status"`
		Message string `json:"message"`
	}
	_ = json.Unmarshal(b, &st)
	if resp.StatusCode != http.StatusOK || st.Status != "success" {
		return &apiError{status: resp.StatusCode, msg: fmt.Sprintf("zadarma %s: status %d %s", method, resp.StatusCode, st.Message)}
	}
	return json.Unmarshal(b, out)
}

// apiError is a provider API's refusal; 4xx ones are not retried.
type apiError struct {
	status int
	msg    string
}

func (e *apiError) Error() string { return "telephony: " + e.msg }

func (zadarma) callback(ctx context.Context, c *http.Client, ch inbox.Channel, _, ext, number string) error {
	var res struct{}
	return zadarmaGet(ctx, c, ch, "/v1/request/callback/", url.Values{"from": {ext}, "to": {strings.TrimPrefix(number, "+")}}, &res)
}

// recordingRequest asks /v1/pbx/record/request/ for a temporary link and
// returns the request that downloads it.
func (zadarma) recordingRequest(ctx context.Context, c *http.Client, ch inbox.Channel, ref string) (*http.Request, error) {
	var res struct {
		Link  string   `json:"link"`
		Links []string `json:"links"`
	}
	if err := zadarmaGet(ctx, c, ch, "/v1/pbx/record/request/", url.Values{"call_id": {ref}}, &res); err != nil {
		return nil, err
	}
	link := res.Link
	if link == "" && len(res.Links) > 0 {
		link = res.Links[0]
	}
	if link == "" {
		return nil, &apiError{status: http.StatusNotFound, msg: "zadarma gave no recording link"}
	}
	return http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
}
