package widget

import (
	"context"
	"sync"
	"time"

	"github.com/profhub/profhub/inbox"
)

// lineState is what the widget tells visitors about a line right now.
type lineState struct {
	Open      bool // within working hours
	Online    bool // some operator is online
	AskRating bool
	OffHours  string
}

// LineStates tells visitors whether a line is open and whether someone can
// answer now, keeping the answers a few seconds: every page view of the
// site asks for them.
type LineStates struct {
	lines      *inbox.Lines
	supervisor *inbox.Supervisor
	cache      *stateCache
}

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

func (ls *LineStates) state(ctx context.Context, lineID string) (lineState, error) {
	l, err := ls.line(ctx, lineID)
	if err != nil {
		return lineState{}, err
	}
	s := ls.cache
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.online == nil || time.Since(s.onlineAt) > s.ttl {
		ov, err := ls.supervisor.Overview(ctx, system, nil)
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

func (ls *LineStates) line(ctx context.Context, id string) (inbox.Line, error) {
	s := ls.cache
	s.mu.Lock()
	c, ok := s.lines[id]
	s.mu.Unlock()
	if ok && time.Since(c.at) < s.ttl {
		return c.l, nil
	}
	l, err := ls.lines.Get(ctx, system, id)
	if err != nil {
		return inbox.Line{}, err
	}
	s.mu.Lock()
	s.lines[id] = cachedLine{l: l, at: time.Now()}
	s.mu.Unlock()
	return l, nil
}
