package widget

import (
	"context"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// system is the widget's own scope for reading the inbox: visitors are
// authenticated by their token, and only their conversation is read.
var system = access.System("widget")

// lineState is what the widget tells visitors about a line right now.
type lineState struct {
	Open      bool // within working hours
	Online    bool // some operator is online
	AskRating bool
	OffHours  string
}

// stateCache keeps line states for a few seconds: every page view of the
// site asks for them.
type stateCache struct {
	ttl      time.Duration
	mu       sync.Mutex
	online   map[string]bool // by line, from the supervisors' overview
	onlineAt time.Time
	lines    map[string]cachedLine
}

type cachedLine struct {
	l  inbox.Line
	at time.Time
}

func newStateCache(ttl time.Duration) *stateCache {
	return &stateCache{ttl: ttl, lines: map[string]cachedLine{}}
}

func (w *Widget) lineState(ctx context.Context, lineID string) (lineState, error) {
	l, err := w.line(ctx, lineID)
	if err != nil {
		return lineState{}, err
	}
	s := w.state
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.online == nil || time.Since(s.onlineAt) > s.ttl {
		ov, err := w.inbox.Supervisor.Overview(ctx, system, nil)
		if err != nil {
			return lineState{}, err
		}
		s.online, s.onlineAt = map[string]bool{}, time.Now()
		for _, o := range ov {
			for _, op := range o.Operators {
				if op.Presence == inbox.Online {
					s.online[o.LineID] = true
				}
			}
		}
	}
	return lineState{Open: l.Hours.Open(time.Now()), Online: s.online[lineID], AskRating: l.AskRating, OffHours: l.OffHoursReply}, nil
}

func (w *Widget) line(ctx context.Context, id string) (inbox.Line, error) {
	s := w.state
	s.mu.Lock()
	c, ok := s.lines[id]
	s.mu.Unlock()
	if ok && time.Since(c.at) < s.ttl {
		return c.l, nil
	}
	l, err := w.inbox.Lines.Get(ctx, system, id)
	if err != nil {
		return inbox.Line{}, err
	}
	s.mu.Lock()
	s.lines[id] = cachedLine{l: l, at: time.Now()}
	s.mu.Unlock()
	return l, nil
}

// nameCache keeps operators' display names.
type nameCache struct {
	mu sync.Mutex
	m  map[string]cachedName
}

type cachedName struct {
	name, avatar string
	at           time.Time
}

func newNameCache() *nameCache { return &nameCache{m: map[string]cachedName{}} }

// operatorName is what the visitor sees as the author of a reply: the
// operator's name, or nothing for automatic replies.
func (w *Widget) operatorName(ctx context.Context, userID string) string {
	name, _ := w.operator(ctx, userID)
	return name
}

// operator is the operator's name and the address of their photo ("" if
// they have none), kept for a minute: a new photo shows within it.
func (w *Widget) operator(ctx context.Context, userID string) (name, avatar string) {
	if userID == "" || w.org == nil {
		return "", ""
	}
	w.names.mu.Lock()
	c, ok := w.names.m[userID]
	w.names.mu.Unlock()
	if ok && time.Since(c.at) < time.Minute {
		return c.name, c.avatar
	}
	u, err := w.org.GetUser(ctx, system, userID)
	if err != nil {
		return "", ""
	}
	key, err := w.org.AvatarKey(ctx, userID)
	if err != nil {
		return u.FullName, ""
	}
	if key != "" {
		avatar = AvatarPath + key
	}
	w.names.mu.Lock()
	w.names.m[userID] = cachedName{name: u.FullName, avatar: avatar, at: time.Now()}
	w.names.mu.Unlock()
	return u.FullName, avatar
}
