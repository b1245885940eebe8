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
	Key string `json:"key"`
	Seq int64  `json:"seq"` // provider's order within the call, 0 when it has none
	// At is when it happened, as the provider says. A provider that gives
	// an event no time of its own (Zadarma) puts the call's start here and
	// its structural order in Seq, so the order of arrival changes nothing;
	// Received then holds the arrival, the best estimate of the time.
	At        time.Time `json:"at"`
	Received  time.Time `json:"received,omitzero"`
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
	// HeldBy, on an ended event, is the extension that held the call when
	// it ended, where the provider says so: it is credited with the call
	// whatever order the transfers before it were reported in.
	HeldBy string `json:"held_by,omitempty"`
}

// when is the best time known for an event: the provider's own, or its
// arrival when the provider gave it none.
func (e Event) when() time.Time {
	if !e.Received.IsZero() {
		return e.Received
	}
	return e.At
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

// Fold computes a call from its events. The events are sorted first by
// their own time, then sequence (which orders events of one time), then
// kind and key, so the result is the same whatever order they arrived in;
// duplicates are removed by the caller's key. An extension the provider
// names as holding the call at its end has the last word on who took it.
func Fold(evs []Event) Call {
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b Event) int {
		return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.Seq, b.Seq), cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			a.Received.Compare(b.Received), strings.Compare(a.Key, b.Key))
	})
	var c Call
	var heldBy string
	answers, guessed := 0, 0 // answered events, and those timed by their arrival only
	for _, e := range evs {
		c.apply(e)
		switch {
		case e.Kind == EvEnded && e.HeldBy != "":
			heldBy = e.HeldBy
		case e.Kind == EvAnswered:
			answers++
			if !e.Received.IsZero() {
				guessed++
			}
		}
	}
	if heldBy != "" {
		c.Extension = heldBy
	}
	if answers > 0 && guessed == answers && c.TalkS > 0 && !c.EndedAt.IsZero() {
		// An answer's arrival is a guess that depends on delivery; the end
		// less the talk time the provider measured is not.
		c.AnsweredAt = c.EndedAt.Add(-time.Duration(c.TalkS) * time.Second)
	}
	c.finish()
	return c
}

// earliest sets *t to v when v is known and earlier.
func earliest(t *time.Time, v time.Time) {
	if !v.IsZero() && (t.IsZero() || v.Before(*t)) {
		*t = v
	}
}

// apply folds one event, in order, into the call.
func (c *Call) apply(e Event) {
	if c.Direction == "" || (e.Kind == EvStarted && e.Direction != "") {
		c.Direction = cmp.Or(e.Direction, c.Direction)
	}
	c.Number = cmp.Or(c.Number, e.Number)
	c.Line = cmp.Or(c.Line, e.Line)
	earliest(&c.StartedAt, e.StartedAt)
	switch e.Kind {
	case EvStarted:
		earliest(&c.StartedAt, e.At)
	case EvRinging:
		earliest(&c.StartedAt, e.At)
		if c.AnsweredAt.IsZero() && e.Extension != "" {
			c.Extension = e.Extension
		}
	case EvAnswered:
		earliest(&c.AnsweredAt, e.when())
		if e.Extension != "" {
			c.Extension = e.Extension // sorted: whoever answered last (after a transfer) holds the call
		}
	case EvTransferred:
		if e.Extension != "" {
			c.Extension = e.Extension
		}
	case EvEnded:
		if at := e.when(); c.EndedAt.IsZero() || at.After(c.EndedAt) {
			c.EndedAt = at
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
