package inbox

import (
	"strconv"
	"sync"
	"time"
)

// The event log's readers in this process (the consoles' relay, the
// widget's follower, the search indexer, automation, the webhooks) used
// to read every committed event back from SQL, each on its own: under
// ingest that was a quarter of the hub's CPU. The writers now hand what
// they committed to eventTail, and the readers take it from memory.
//
// SQL stays the truth; the tail is a cache of its newest part. It holds
// only committed events with consecutive seqs, so a reader whose next seq
// is in it gets exactly what SQL would give. Anything else is read from
// SQL: a cursor older than the tail, events another node wrote (they
// break the run of seqs, and the tail starts over at the next local
// commit), the start after a restart.

// tailSize is how many of the newest events the tail keeps.
const tailSize = 4096

// tailTrust is how long the tail may answer "nothing new" without SQL
// having been read: another node's commits arrive by a Redis message,
// and this bounds the delay when that message is lost (as the relay's
// one-second poll of SQL did before).
const tailTrust = time.Second

type eventTail struct {
	mu  sync.Mutex
	evs []*Event // consecutive seqs, oldest first
	// head is the newest seq known committed anywhere: from this node's
	// commits, other nodes' announcements and reads of SQL.
	head int64
	// readEnd is when a read of SQL last reached the log's end.
	readEnd time.Time
}

// committed takes a committed transaction's events, in seq order. Events
// that do not follow the tail's last start it over; events at or below it
// (a writer that committed earlier but came later) are left out.
func (t *eventTail) committed(evs []*Event) {
	if len(evs) == 0 || evs[0].Seq == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.head = max(t.head, evs[len(evs)-1].Seq)
	last := int64(0)
	if n := len(t.evs); n > 0 {
		last = t.evs[n-1].Seq
	}
	switch {
	case evs[0].Seq <= last:
		return
	case evs[0].Seq != last+1:
		clear(t.evs)
		t.evs = t.evs[:0]
	}
	for _, ev := range evs {
		t.evs = append(t.evs, ev.logged())
	}
	if over := len(t.evs) - tailSize; over > 0 {
		// Moved down in halves of the buffer, so the copying costs
		// about one move per event.
		if over < tailSize/2 {
			over = tailSize / 2
		}
		n := copy(t.evs, t.evs[over:])
		clear(t.evs[n:])
		t.evs = t.evs[:n]
	}
}

// announced notes that another node (or this one) committed up to seq.
func (t *eventTail) announced(seq int64) {
	t.mu.Lock()
	t.head = max(t.head, seq)
	t.mu.Unlock()
}

// after is up to limit events past seq from memory; ok is false when SQL
// must be read instead.
func (t *eventTail) after(seq int64, limit int) (evs []*Event, ok bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if n := len(t.evs); n > 0 && seq+1 >= t.evs[0].Seq && seq < t.evs[n-1].Seq {
		i := int(seq + 1 - t.evs[0].Seq)
		return append([]*Event(nil), t.evs[i:min(n, i+limit)]...), true
	}
	if seq >= t.head && time.Since(t.readEnd) < tailTrust {
		return nil, true // nothing is known past seq
	}
	return nil, false
}

// read notes what a read of SQL past seq found: its last event, and
// whether it reached the log's end.
func (t *eventTail) read(seq int64, evs []*Event, limit int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(evs) > 0 {
		t.head = max(t.head, evs[len(evs)-1].Seq)
	}
	if len(evs) < limit {
		t.readEnd = time.Now()
	}
}

// logged is the event as a reader gets it from the log: its columns and
// stored JSON, shared by the readers, which never change it.
func (ev *Event) logged() *Event {
	return &Event{Seq: ev.Seq, Kind: ev.Kind, LineID: ev.LineID, ConversationID: ev.ConversationID,
		AssigneeID: ev.AssigneeID, At: time.UnixMilli(ev.At.UnixMilli()), raw: ev.raw}
}

// storedJSON is an event's payload as the log stores it: the seq field
// first, then the rest of its encoding.
func storedJSON(seq int64, rest []byte) []byte {
	b := make([]byte, 0, len(`{"seq":`)+20+len(rest))
	b = strconv.AppendInt(append(b, `{"seq":`...), seq, 10)
	return append(b, rest...)
}
