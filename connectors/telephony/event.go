package telephony

import (
	"cmp"
	"slices"
	"strings"
	"time"
)

// Kinds of neutral call events every adapter produces.
const (
	EvStarted     = "started"     // a call appeared: incoming from outside, or an outgoing one dialled
	EvRinging     = "ringing"     // it rings at an extension
	EvAnswered    = "answered"    // someone took it
	EvTransferred = "transferred" // it moved to another extension
	EvEnded       = "ended"       // it is over
	EvRecording   = "recording"   // its recording is ready at the provider
)

// Directions and results of calls.
const (
	DirIn       = "in"
	DirOut      = "out"
	DirInternal = "internal"

	ResAnswered  = "answered"
	ResMissed    = "missed"
	ResBusy      = "busy"
	ResVoicemail = "voicemail"
	ResFailed    = "failed"
)

// Event is what an adapter makes of one provider notification.
type Event struct {
	CallID string `json:"call_id"` // the provider's id of the whole call
	// Key identifies the notification itself (its sequence number or id):
	// a redelivery carries the same key and is stored once.
	Key       string    `json:"key"`
	Seq       int64     `json:"seq"` // provider's order within the call, 0 when it has none
	At        time.Time `json:"at"`
	Kind      string    `json:"kind"`
	Direction string    `json:"direction,omitempty"`
	Number    string    `json:"number,omitempty"`     // outside party
	Line      string    `json:"line,omitempty"`       // our public number
	Extension string    `json:"extension,omitempty"`  // operator's extension
	Duration  int       `json:"duration_s,omitempty"` // talk seconds, when the provider says
	Result    string    `json:"result,omitempty"`     // provider's verdict on ended
	Cause     string    `json:"cause,omitempty"`      // provider's hang-up cause, as given
	Recording string    `json:"recording,omitempty"`  // recording id or URL
	StartedAt time.Time `json:"started_at,omitzero"`  // call start as the provider reports it on later events
}

// Call is the state of a call folded from its events.
type Call struct {
	Direction     string
	State         string // ringing, talking, ended
	Number        string
	Line          string
	Extension     string
	StartedAt     time.Time
	AnsweredAt    time.Time
	EndedAt       time.Time
	WaitS, TalkS  int
	Result, Cause string
	Recording     string
}

// kindOrder breaks ties between events of the same time and sequence: a
// call starts before it rings, rings before it is answered, and so on.
var kindOrder = map[string]int{EvStarted: 0, EvRinging: 1, EvAnswered: 2, EvTransferred: 3, EvEnded: 4, EvRecording: 5}

// Fold computes a call from its events. The events are sorted first (by
// sequence, then time, then kind), so the result is the same whatever
// order they arrived in; duplicates are removed by the caller's key.
func Fold(evs []Event) Call {
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b Event) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), a.At.Compare(b.At), cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			strings.Compare(a.Key, b.Key))
	})
	var c Call
	first := func(t *time.Time, v time.Time) {
		if !v.IsZero() && (t.IsZero() || v.Before(*t)) {
			*t = v
		}
	}
	for _, e := range evs {
		if c.Direction == "" || (e.Kind == EvStarted && e.Direction != "") {
			c.Direction = cmp.Or(e.Direction, c.Direction)
		}
		c.Number = cmp.Or(c.Number, e.Number)
		c.Line = cmp.Or(c.Line, e.Line)
		first(&c.StartedAt, e.StartedAt)
		switch e.Kind {
		case EvStarted:
			first(&c.StartedAt, e.At)
		case EvRinging:
			first(&c.StartedAt, e.At)
			if c.AnsweredAt.IsZero() && e.Extension != "" {
				c.Extension = e.Extension
			}
		case EvAnswered:
			first(&c.AnsweredAt, e.At)
			if e.Extension != "" {
				c.Extension = e.Extension // sorted: whoever answered last (after a transfer) holds the call
			}
		case EvTransferred:
			if e.Extension != "" {
				c.Extension = e.Extension
			}
		case EvEnded:
			if c.EndedAt.IsZero() || e.At.After(c.EndedAt) {
				c.EndedAt = e.At
			}
			if e.Result != "" {
				c.Result = e.Result
			}
			c.Cause = cmp.Or(e.Cause, c.Cause)
			if e.Duration > 0 {
				c.TalkS = e.Duration
			}
			if e.Extension != "" && c.Extension == "" {
				c.Extension = e.Extension
			}
		case EvRecording:
			c.Recording = e.Recording
		}
		if e.Kind != EvRecording && e.Recording != "" && c.Recording == "" {
			c.Recording = e.Recording
		}
	}
	c.finish()
	return c
}

func (c *Call) finish() {
	if c.StartedAt.IsZero() {
		c.StartedAt = cmp.Or(c.AnsweredAt, c.EndedAt)
	}
	switch {
	case !c.EndedAt.IsZero():
		c.State = "ended"
	case !c.AnsweredAt.IsZero():
		c.State = "talking"
	default:
		c.State = "ringing"
	}
	if c.State == "ended" && c.Result == "" {
		c.Result = ResMissed
		if !c.AnsweredAt.IsZero() || c.TalkS > 0 {
			c.Result = ResAnswered
		}
	}
	if c.Result == ResAnswered && !c.EndedAt.IsZero() && c.TalkS > 0 && (c.AnsweredAt.IsZero() || c.AnsweredAt.After(c.EndedAt)) {
		// Only the summary came, or the answer was only seen after the end
		// (providers that send no answer time): the end minus the talk.
		c.AnsweredAt = c.EndedAt.Add(-time.Duration(c.TalkS) * time.Second)
	}
	if c.Result == ResAnswered && c.TalkS == 0 && !c.AnsweredAt.IsZero() && !c.EndedAt.IsZero() {
		c.TalkS = int(c.EndedAt.Sub(c.AnsweredAt) / time.Second)
	}
	waitEnd := c.AnsweredAt
	if waitEnd.IsZero() {
		waitEnd = c.EndedAt
	}
	if !waitEnd.IsZero() && waitEnd.After(c.StartedAt) {
		c.WaitS = int(waitEnd.Sub(c.StartedAt) / time.Second)
	}
	if c.Result != ResAnswered && c.Result != "" {
		c.TalkS = 0
	}
}
