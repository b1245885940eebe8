package chat

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
)

// Calls: audio and video between the members of a small chat, browser to
// browser (WebRTC, a full mesh of up to MaxCallSize people). The hub only
// carries the signalling over the chat's socket: who is invited, who took
// the call, and the offers, answers and ICE candidates, each relayed to
// one named participant of the same call and to nobody else. A call's
// state is a Redis hash, so a call spans nodes; frames go out through
// Redis pub/sub and each node hands them to its own sockets.
//
// Nothing of a call is stored in SQL except, when nobody took it, the
// chat message MissedCallText from the caller.

// MaxCallSize is the most people in one call: every browser sends its
// media to every other one, which a phone bears up to four.
const MaxCallSize = 4

// MissedCallText is the chat message a call nobody took leaves.
const MissedCallText = "Пропущенный звонок"

// Operations of the call frames. The page sends invite, accept, decline,
// signal and hangup; the hub sends ringing, invite, accepted, joined,
// declined, left, signal, ended and error.
const (
	OpInvite   = "invite"
	OpAccept   = "accept"
	OpDecline  = "decline"
	OpSignal   = "signal"
	OpHangup   = "hangup"
	OpRinging  = "ringing"
	OpAccepted = "accepted"
	OpJoined   = "joined"
	OpDeclined = "declined"
	OpLeft     = "left"
	OpEnded    = "ended"
	OpError    = "error"
)

// Call participants' states in the hash ("u:"+userID).
const (
	stInvited  = "invited"
	stJoined   = "joined"
	stDeclined = "declined"
	stLeft     = "left"
)

// CallMsg is one call frame, {"type":"call","call":{…}} on the socket.
type CallMsg struct {
	Op     string          `json:"op"`
	CallID string          `json:"call_id,omitempty"`
	ChatID string          `json:"chat_id,omitempty"`
	Media  string          `json:"media,omitempty"` // audio | video
	To     string          `json:"to,omitempty"`    // signal: the participant it is for
	From   string          `json:"from,omitempty"`  // set by the hub, never taken from the page
	Name   string          `json:"name,omitempty"`  // From's full name
	Title  string          `json:"title,omitempty"` // the chat's title (invite)
	Peers  []Member        `json:"peers,omitempty"` // accepted: who is in the call already
	Data   json.RawMessage `json:"data,omitempty"`  // signal: SDP or an ICE candidate, opaque to the hub
	Error  string          `json:"error,omitempty"` // error: a key of the page's strings
}

// errCall is a refused call frame; its text is the key the page shows.
type errCall string

func (e errCall) Error() string { return string(e) }

// Refusals.
const (
	ErrCallRefused = errCall("call_refused") // not a participant, or not in this state
	ErrCallTooBig  = errCall("call_too_big") // the chat has more than MaxCallSize members
	ErrCallFull    = errCall("call_full")
	ErrCallOver    = errCall("call_over")
)

// callEnvelope is a frame on its way to one person's sockets on any node.
type callEnvelope struct {
	To  string  `json:"to"`
	Msg CallMsg `json:"msg"`
}

func (s calls) callKey(id string) string { return s.deps.KV.Key("chat", "call", id) }
func (s calls) callChannel() string      { return s.deps.KV.Key("chat", "calls") }

// call is a call's state as read from its hash.
type call struct {
	ID, ChatID, Caller, Media string
	Over, Answered            bool
	People                    map[string]string // userID → state
}

func (s calls) loadCall(ctx context.Context, id string) (call, error) {
	c := call{ID: id, People: map[string]string{}}
	if s.deps.KV == nil || id == "" {
		return c, ErrCallRefused
	}
	h, err := s.deps.KV.HGetAll(ctx, s.callKey(id)).Result()
	if err != nil {
		return c, err
	}
	if len(h) == 0 {
		return c, ErrCallRefused // no such call: told the same as someone else's
	}
	for k, v := range h {
		if u, ok := strings.CutPrefix(k, "u:"); ok {
			c.People[u] = v
		}
	}
	c.ChatID, c.Caller, c.Media = h["chat"], h["caller"], h["media"]
	c.Over, c.Answered = h["over"] != "", h["answered"] != ""
	return c, nil
}

func (c call) count(state string) int {
	n := 0
	for _, st := range c.People {
		if st == state {
			n++
		}
	}
	return n
}

// Signal handles a call frame from sc's socket. A frame about a call the
// sender is not a participant of (in the state the operation needs) is
// refused and goes nowhere.
func (s *Service) Signal(ctx context.Context, sc access.Scope, m CallMsg) error {
	return calls{s}.signal(ctx, sc, m)
}

// calls is the service's call desk: its own methods, the service's state.
type calls struct{ *Service }

func (s calls) signal(ctx context.Context, sc access.Scope, m CallMsg) error {
	if s.deps.KV == nil {
		return ErrCallRefused
	}
	if m.Op == OpInvite {
		return s.invite(ctx, sc, m)
	}
	c, err := s.loadCall(ctx, m.CallID)
	if err != nil {
		return err
	}
	me := sc.UserID
	st := c.People[me]
	if st == "" {
		return ErrCallRefused
	}
	if c.Over {
		return ErrCallOver
	}
	key := s.callKey(c.ID)
	switch m.Op {
	case OpAccept:
		if st != stInvited {
			return ErrCallRefused
		}
		if c.count(stJoined) >= MaxCallSize {
			return ErrCallFull
		}
		s.deps.KV.HSet(ctx, key, "u:"+me, stJoined, "answered", "1")
		var peers []Member
		for u, st := range c.People {
			if st == stJoined {
				peers = append(peers, Member{ID: u, Name: s.nameOf(ctx, u)})
				s.sendCall(ctx, u, CallMsg{Op: OpJoined, CallID: c.ID, ChatID: c.ChatID, From: me, Name: s.nameOf(ctx, me)})
			}
		}
		s.sendCall(ctx, me, CallMsg{Op: OpAccepted, CallID: c.ID, ChatID: c.ChatID, Media: c.Media, Peers: peers})
	case OpDecline:
		if st != stInvited {
			return ErrCallRefused
		}
		s.deps.KV.HSet(ctx, key, "u:"+me, stDeclined)
		c.People[me] = stDeclined
		s.tell(ctx, c, "", CallMsg{Op: OpDeclined, CallID: c.ID, ChatID: c.ChatID, From: me, Name: s.nameOf(ctx, me)})
		if !c.Answered && c.count(stInvited) == 0 {
			s.endCall(ctx, c, true)
		}
	case OpSignal:
		if st != stJoined || m.To == me || c.People[m.To] != stJoined {
			return ErrCallRefused
		}
		s.sendCall(ctx, m.To, CallMsg{Op: OpSignal, CallID: c.ID, ChatID: c.ChatID, From: me, Data: m.Data})
	case OpHangup:
		if st != stJoined && st != stInvited {
			return ErrCallRefused
		}
		s.deps.KV.HSet(ctx, key, "u:"+me, stLeft)
		c.People[me] = stLeft
		s.tell(ctx, c, me, CallMsg{Op: OpLeft, CallID: c.ID, ChatID: c.ChatID, From: me, Name: s.nameOf(ctx, me)})
		switch {
		case me == c.Caller && !c.Answered:
			s.endCall(ctx, c, true) // the caller gave up before anyone took it
		case c.count(stJoined) <= 1 && (c.Answered || c.count(stInvited) == 0):
			s.endCall(ctx, c, !c.Answered)
		}
	default:
		return ErrCallRefused
	}
	return nil
}

// invite starts a call in a chat of at most MaxCallSize members that the
// caller is one of, and rings the others for RingFor.
func (s calls) invite(ctx context.Context, sc access.Scope, m CallMsg) error {
	ch, err := s.open(ctx, sc, m.ChatID)
	if err != nil {
		return ErrCallRefused // not found and forbidden alike: nothing about the chat leaks
	}
	ms, err := s.members(ctx, s.db, ch.ID)
	if err != nil {
		return err
	}
	if len(ms) > MaxCallSize {
		return ErrCallTooBig
	}
	if len(ms) < 2 {
		return ErrCallRefused
	}
	if m.Media != "audio" {
		m.Media = "video"
	}
	c := call{ID: newID(), ChatID: ch.ID, Caller: sc.UserID, Media: m.Media, People: map[string]string{}}
	fields := []any{"chat", c.ChatID, "caller", c.Caller, "media", c.Media}
	for _, p := range ms {
		st := stInvited
		if p.ID == sc.UserID {
			st = stJoined
		}
		c.People[p.ID] = st
		fields = append(fields, "u:"+p.ID, st)
	}
	key := s.callKey(c.ID)
	if err := s.deps.KV.HSet(ctx, key, fields...).Err(); err != nil {
		return err
	}
	s.deps.KV.Expire(ctx, key, 6*time.Hour)
	title := ch.Title
	if ch.Kind == Direct {
		title = ""
	}
	var peers []Member
	name := s.nameOf(ctx, sc.UserID)
	for _, p := range ms {
		if p.ID != sc.UserID {
			peers = append(peers, Member{ID: p.ID, Name: p.Name})
			s.sendCall(ctx, p.ID, CallMsg{Op: OpInvite, CallID: c.ID, ChatID: c.ChatID, Media: c.Media, From: sc.UserID, Name: name, Title: title})
		}
	}
	s.sendCall(ctx, sc.UserID, CallMsg{Op: OpRinging, CallID: c.ID, ChatID: c.ChatID, Media: c.Media, Peers: peers})
	go s.ringOut(c.ID)
	return nil
}

// ringOut ends a call nobody took within RingFor as missed.
func (s calls) ringOut(id string) {
	ring := s.deps.RingFor
	if ring <= 0 {
		ring = 45 * time.Second
	}
	stop := s.runCtx
	if stop == nil {
		stop = context.Background()
	}
	select {
	case <-time.After(ring):
	case <-stop.Done():
		return // the node stops; the call's hash expires on its own
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(stop), 30*time.Second)
	defer cancel()
	c, err := s.loadCall(ctx, id)
	if err != nil || c.Over || c.Answered {
		return
	}
	s.endCall(ctx, c, true)
}

// endCall ends a call once (whichever node gets there first) and, when
// nobody took it, leaves MissedCallText in the chat from the caller.
func (s calls) endCall(ctx context.Context, c call, missed bool) {
	ok, err := s.deps.KV.HSetNX(ctx, s.callKey(c.ID), "over", "1").Result()
	if err != nil || !ok {
		return
	}
	defer s.tell(ctx, c, "", CallMsg{Op: OpEnded, CallID: c.ID, ChatID: c.ChatID}) // after the message: "ended" means it is there
	if !missed {
		return
	}
	// The caller is a member (or the call would not exist); the rest of a
	// scope matters to Send only for mentions and link cards, which this
	// message has none of.
	if _, err := s.Send(context.WithoutCancel(ctx), access.Scope{UserID: c.Caller}, c.ChatID, Post{Text: MissedCallText}); err != nil {
		s.log.Warn("missed call not written to the chat", "call", c.ID, "err", err)
	}
}

// tell sends m to every participant of c but skip.
func (s calls) tell(ctx context.Context, c call, skip string, m CallMsg) {
	for u := range c.People {
		if u != skip {
			s.sendCall(ctx, u, m)
		}
	}
}

// sendCall hands m to every socket of userID, on every node.
func (s calls) sendCall(ctx context.Context, userID string, m CallMsg) {
	b, _ := json.Marshal(callEnvelope{To: userID, Msg: m})
	if err := s.deps.KV.Publish(context.WithoutCancel(ctx), s.callChannel(), string(b)).Err(); err != nil {
		s.log.Warn("call frame not published", "op", m.Op, "err", err)
	}
}

// listenCalls hands the call frames published by any node to this node's
// sockets until ctx ends.
func (s calls) listenCalls(ctx context.Context) {
	for ctx.Err() == nil {
		sub := s.deps.KV.Subscribe(ctx, s.callChannel())
		if _, err := sub.Receive(ctx); err == nil {
			s.callsOnce.Do(func() { close(s.callsReady) })
		}
		for msg := range sub.Channel() {
			var env callEnvelope
			if json.Unmarshal([]byte(msg.Payload), &env) == nil {
				s.relay.deliverCall(env.To, env.Msg)
			}
		}
		sub.Close()
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// callError is the key a refusal shows as, or "" for a failure of the hub.
func callError(err error) string {
	var e errCall
	if errors.As(err, &e) {
		return string(e)
	}
	return "call_failed"
}
