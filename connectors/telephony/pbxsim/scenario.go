package pbxsim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Call is one call to play.
type Call struct {
	ID        string // the provider's call id
	Direction string // in (default) or out
	Number    string // the outside party, as the provider writes it (79161234567)
	Line      string // the federation's number
	Extension string // the operator's extension
	Answered  bool
	Start     time.Time
	Wait      time.Duration // ringing before the answer (or the hang-up)
	Talk      time.Duration
	Recording string // recording id; "" for none
	// TransferTo, on an answered call, is the extension the operator
	// hands the call to halfway through the talk; it holds it to the end.
	TransferTo string
}

// holder is the extension on the call when it ends.
func (c Call) holder() string {
	if c.Answered && c.TransferTo != "" {
		return c.TransferTo
	}
	return c.Extension
}

// Notification is one HTTP request the PBX sends to the hub.
type Notification struct {
	Path   string // appended to the hook address ("" or "/events/call")
	Body   []byte
	Header http.Header
}

// Notifications are the call's notifications in the provider's format,
// in the order the provider sends them.
func (p *PBX) Notifications(c Call) []Notification {
	if c.Direction == "" {
		c.Direction = "in"
	}
	if c.Start.IsZero() {
		c.Start = time.Now().Add(-c.Wait - c.Talk - time.Second)
	}
	switch p.Provider {
	case "mango":
		return p.mango(c)
	case "zadarma":
		return p.zadarma(c)
	}
	return p.generic(c)
}

// Post sends one notification to hook (the channel's webhook address).
func Post(hook string, n Notification) (int, error) {
	req, err := http.NewRequest(http.MethodPost, hook+n.Path, bytes.NewReader(n.Body))
	if err != nil {
		return 0, err
	}
	for k, v := range n.Header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}

// Play posts every notification of the call and fails on any answer but 200.
func (p *PBX) Play(hook string, c Call) error {
	for _, n := range p.Notifications(c) {
		code, err := Post(hook, n)
		if err != nil {
			return err
		}
		if code != http.StatusOK {
			return fmt.Errorf("pbxsim: %s%s answered %d", hook, n.Path, code)
		}
	}
	return nil
}

// --- generic ---------------------------------------------------------------

// SignGeneric is the X-Profhub-Signature of body at t.
func SignGeneric(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac.Sum(nil))
}

// GenericNotification signs events (one map or a slice) at time t.
func (p *PBX) GenericNotification(events any, t time.Time) Notification {
	b, _ := json.Marshal(events)
	return Notification{Body: b, Header: http.Header{"Content-Type": {"application/json"},
		"X-Profhub-Signature": {SignGeneric(p.Secret, t, b)}}}
}

// WithBody is n with body in place of its own, signed anew by p now: for
// posting a body exactly as written (a documentation example).
func (n Notification) WithBody(p *PBX, body []byte) Notification {
	n.Body = body
	n.Header = n.Header.Clone()
	n.Header.Set("X-Profhub-Signature", SignGeneric(p.Secret, time.Now(), body))
	return n
}

func (p *PBX) generic(c Call) []Notification {
	answer := c.Start.Add(c.Wait)
	end := answer.Add(c.Talk)
	if !c.Answered {
		end = answer
	}
	num := "+" + strings.TrimPrefix(c.Number, "+")
	ev := func(seq int, typ string, at time.Time, extra map[string]any) map[string]any {
		m := map[string]any{"id": fmt.Sprintf("%s-%d", c.ID, seq), "call_id": c.ID, "seq": seq, "type": typ, "at": at.UTC().Format(time.RFC3339Nano),
			"direction": c.Direction, "number": num, "line": c.Line}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	evs := []map[string]any{ev(1, "started", c.Start, nil)}
	if c.Direction == "in" {
		evs = append(evs, ev(2, "ringing", c.Start.Add(time.Second), map[string]any{"extension": c.Extension}))
	}
	if c.Answered {
		evs = append(evs, ev(3, "answered", answer, map[string]any{"extension": c.Extension}))
		if c.TransferTo != "" {
			moved := answer.Add(c.Talk / 2)
			evs = append(evs, ev(4, "transferred", moved, map[string]any{"extension": c.TransferTo}))
			evs = append(evs, ev(5, "answered", moved.Add(time.Second), map[string]any{"extension": c.TransferTo}))
		}
		evs = append(evs, ev(6, "ended", end, map[string]any{"extension": c.holder(), "result": "answered", "duration_s": int(c.Talk / time.Second)}))
	} else {
		evs = append(evs, ev(6, "ended", end, map[string]any{"result": "missed", "cause": "caller hung up"}))
	}
	if c.Recording != "" {
		evs = append(evs, ev(7, "recording", end.Add(time.Second), map[string]any{"recording_url": p.RecordingURL(c.Recording)}))
	}
	out := make([]Notification, len(evs))
	for i, e := range evs {
		out[i] = p.GenericNotification(e, time.Now())
	}
	return out
}

// --- Mango Office ----------------------------------------------------------

// MangoNotification signs a Mango event posted to path.
func (p *PBX) MangoNotification(path string, payload any) Notification {
	js, _ := json.Marshal(payload)
	form := url.Values{"vpbx_api_key": {p.Key}, "sign": {MangoSign(p.Key, string(js), p.Salt)}, "json": {string(js)}}
	return Notification{Path: path, Body: []byte(form.Encode()), Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}
}

func (p *PBX) mango(c Call) []Notification {
	answer := c.Start.Add(c.Wait)
	end := answer.Add(c.Talk)
	if !c.Answered {
		end = answer
	}
	number := strings.TrimPrefix(c.Number, "+")
	entry := c.ID
	seq := 0
	call := func(state, location string, at time.Time, from, to map[string]string) Notification {
		seq++
		return p.MangoNotification("/events/call", map[string]any{"entry_id": entry, "call_id": entry + "-leg", "timestamp": at.Unix(),
			"seq": seq, "call_state": state, "location": location, "from": from, "to": to, "disconnect_reason": 1110})
	}
	var out []Notification
	dir := 1
	if c.Direction == "out" {
		dir = 2
		ext := map[string]string{"extension": c.Extension}
		to := map[string]string{"number": number, "line_number": c.Line}
		out = append(out, call("Appeared", "abonent", c.Start, ext, to))
		if c.Answered {
			out = append(out, call("Connected", "abonent", answer, ext, to))
		}
		out = append(out, call("Disconnected", "abonent", end, ext, to))
	} else {
		from := map[string]string{"number": number}
		out = append(out, call("Appeared", "ivr", c.Start, from, map[string]string{"line_number": c.Line}))
		toExt := map[string]string{"extension": c.Extension, "line_number": c.Line}
		out = append(out, call("Appeared", "abonent", c.Start.Add(time.Second), from, toExt))
		if c.Answered {
			out = append(out, call("Connected", "abonent", answer, from, toExt))
		}
		if c.Answered && c.TransferTo != "" {
			// The operator hands the call on: the new leg rings and is
			// taken, the first leg leaves.
			moved := answer.Add(c.Talk / 2)
			toNew := map[string]string{"extension": c.TransferTo, "line_number": c.Line}
			out = append(out, call("Appeared", "abonent", moved, from, toNew))
			out = append(out, call("Connected", "abonent", moved.Add(time.Second), from, toNew))
			out = append(out, call("Disconnected", "abonent", moved.Add(time.Second), from, toExt))
			toExt = toNew
		}
		out = append(out, call("Disconnected", "abonent", end, from, toExt))
	}
	talk := int64(0)
	result := 0
	if c.Answered {
		talk, result = answer.Unix(), 1
	}
	sum := map[string]any{"entry_id": entry, "call_direction": dir, "line_number": c.Line, "create_time": c.Start.Unix(),
		"forward_time": c.Start.Add(time.Second).Unix(), "talk_time": talk, "end_time": end.Unix(), "entry_result": result,
		"disconnect_reason": 1110}
	if dir == 1 {
		sum["from"], sum["to"] = map[string]string{"number": number}, map[string]string{"extension": c.Extension}
	} else {
		sum["from"], sum["to"] = map[string]string{"extension": c.Extension}, map[string]string{"number": number}
	}
	out = append(out, p.MangoNotification("/events/summary", sum))
	if c.Recording != "" {
		out = append(out, p.MangoNotification("/events/recording", map[string]any{"entry_id": entry, "call_id": entry + "-leg",
			"recording_id": c.Recording, "recording_state": "Completed", "extension": c.Extension, "timestamp": end.Unix(), "seq": seq + 1}))
	}
	return out
}

// --- Zadarma ---------------------------------------------------------------

// ZadarmaNotification signs a Zadarma notification as Zadarma does.
func (p *PBX) ZadarmaNotification(f url.Values) Notification {
	var fields []string
	switch f.Get("event") {
	case "NOTIFY_START", "NOTIFY_INTERNAL", "NOTIFY_END":
		fields = []string{"caller_id", "called_did", "call_start"}
	case "NOTIFY_ANSWER":
		fields = []string{"caller_id", "destination", "call_start"}
	case "NOTIFY_OUT_START", "NOTIFY_OUT_END":
		fields = []string{"internal", "destination", "call_start"}
	case "NOTIFY_RECORD":
		fields = []string{"pbx_call_id", "call_id_with_rec"}
	}
	var s strings.Builder
	for _, k := range fields {
		s.WriteString(f.Get(k))
	}
	return Notification{Body: []byte(f.Encode()), Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"},
		"Signature": {ZadarmaSign(p.Secret, s.String())}}}
}

var msk = time.FixedZone("MSK", 3*3600)

func (p *PBX) zadarma(c Call) []Notification {
	zone := p.Zone
	if zone == nil {
		zone = msk
	}
	start := c.Start.In(zone).Format("2006-01-02 15:04:05")
	number := strings.TrimPrefix(c.Number, "+")
	base := func(event string) url.Values {
		return url.Values{"event": {event}, "call_start": {start}, "pbx_call_id": {c.ID}}
	}
	dur := "0"
	disp := "no answer"
	if c.Answered {
		dur, disp = strconv.Itoa(int(c.Talk/time.Second)), "answered"
	}
	rec := func(v url.Values) url.Values {
		if c.Recording != "" {
			v.Set("is_recorded", "1")
			v.Set("call_id_with_rec", c.Recording)
		} else {
			v.Set("is_recorded", "0")
		}
		return v
	}
	var out []Notification
	if c.Direction == "out" {
		s := base("NOTIFY_OUT_START")
		s.Set("internal", c.Extension)
		s.Set("destination", number)
		out = append(out, p.ZadarmaNotification(s))
		e := base("NOTIFY_OUT_END")
		e.Set("internal", c.Extension)
		e.Set("destination", number)
		e.Set("caller_id", c.Line)
		e.Set("duration", dur)
		e.Set("disposition", disp)
		e.Set("status_code", "16")
		out = append(out, p.ZadarmaNotification(rec(e)))
	} else {
		s := base("NOTIFY_START")
		s.Set("caller_id", number)
		s.Set("called_did", c.Line)
		out = append(out, p.ZadarmaNotification(s))
		in := base("NOTIFY_INTERNAL")
		in.Set("caller_id", number)
		in.Set("called_did", c.Line)
		in.Set("internal", c.Extension)
		out = append(out, p.ZadarmaNotification(in))
		answer := func(ext string) {
			a := base("NOTIFY_ANSWER")
			a.Set("caller_id", number)
			a.Set("destination", ext)
			a.Set("internal", ext)
			out = append(out, p.ZadarmaNotification(a))
		}
		if c.Answered {
			answer(c.Extension)
		}
		if c.Answered && c.TransferTo != "" {
			moved := base("NOTIFY_INTERNAL")
			moved.Set("caller_id", number)
			moved.Set("called_did", c.Line)
			moved.Set("internal", c.TransferTo)
			out = append(out, p.ZadarmaNotification(moved))
			answer(c.TransferTo)
		}
		e := base("NOTIFY_END")
		e.Set("caller_id", number)
		e.Set("called_did", c.Line)
		e.Set("internal", c.holder())
		e.Set("duration", dur)
		e.Set("disposition", disp)
		e.Set("status_code", "16")
		out = append(out, p.ZadarmaNotification(rec(e)))
	}
	if c.Recording != "" {
		r := url.Values{"event": {"NOTIFY_RECORD"}, "pbx_call_id": {c.ID}, "call_id_with_rec": {c.Recording}}
		out = append(out, p.ZadarmaNotification(r))
	}
	return out
}
