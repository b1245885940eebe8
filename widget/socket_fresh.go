package widget

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/profhub/profhub/inbox"
)

// freshLimit bounds what a socket keeps of messages this node stored for
// it; a socket that falls further behind reads the rest from SQL.
const freshLimit = 8

// freshMessages holds messages this node has just stored in a socket's
// conversation (an operator's reply, the visitor's own message), so the
// socket's writer sends them without reading them back from SQL: at a
// thousand messages a second that read was most of the widget's queries.
// SQL stays the truth: only a run that continues exactly where the socket
// is (the next seq) is taken from here; a gap (a note, another node's
// message) makes the writer read SQL as before.
type freshMessages struct {
	mu   sync.Mutex
	msgs []inbox.Message // ascending seq
}

// add keeps m unless the socket has sent it already.
func (f *freshMessages) add(m inbox.Message, sent int64) {
	if m.Seq <= sent {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	i := len(f.msgs)
	for i > 0 && f.msgs[i-1].Seq >= m.Seq {
		i--
	}
	if i < len(f.msgs) && f.msgs[i].Seq == m.Seq {
		return
	}
	f.msgs = append(f.msgs, inbox.Message{})
	copy(f.msgs[i+1:], f.msgs[i:])
	f.msgs[i] = m
	if len(f.msgs) > freshLimit {
		f.msgs = append(f.msgs[:0], f.msgs[len(f.msgs)-freshLimit:]...)
	}
}

// take returns the messages of conv that follow seq after without a gap,
// and forgets those and every message at or before after; messages of
// another conversation (the visitor started a new one) are dropped.
func (f *freshMessages) take(conv string, after int64) []inbox.Message {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []inbox.Message
	keep := f.msgs[:0]
	for _, m := range f.msgs {
		switch {
		case m.ConversationID != conv || m.Seq <= after:
		case m.Seq == after+1:
			out = append(out, m)
			after = m.Seq
		default:
			keep = append(keep, m)
		}
	}
	clear(f.msgs[len(keep):])
	f.msgs = keep
	if len(f.msgs) == 0 {
		f.msgs = nil // an idle socket holds no array
	}
	return out
}

// shownCounter counts the messages sockets sent, by where they were read:
// "memory" (fresh) or "sql".
type shownCounter struct{ memory, sql prometheus.Counter }

func newShownCounter(reg prometheus.Registerer) shownCounter {
	v := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "profhub_widget_messages_shown_total",
		Help: "Messages sent to visitors' sockets, by where they were read: memory (just stored on this node) or sql.",
	}, []string{"read"})
	if reg != nil {
		reg.MustRegister(v)
	}
	return shownCounter{memory: v.WithLabelValues("memory"), sql: v.WithLabelValues("sql")}
}
