package inbox

import (
	"testing"
	"time"
)

func tailEvents(from, to int64) []*Event {
	var evs []*Event
	for s := from; s <= to; s++ {
		evs = append(evs, &Event{Seq: s, Kind: EvMessage, raw: storedJSON(s, []byte(`,"kind":"message"}`))})
	}
	return evs
}

func tailSeqs(evs []*Event) (first, last int64, n int) {
	if len(evs) == 0 {
		return 0, 0, 0
	}
	return evs[0].Seq, evs[len(evs)-1].Seq, len(evs)
}

// TestEventTailServesOnlyConsecutiveCommits: the tail answers a cursor
// from memory only when its next seq is held; events that break the run
// (another node's in between, a writer that came late) send the reader
// to SQL, and "nothing new" is trusted only for a while after a read of
// SQL reached the end, and never past a seq another node announced.
func TestEventTailServesOnlyConsecutiveCommits(t *testing.T) {
	var tl eventTail
	if _, ok := tl.after(0, 10); ok {
		t.Fatal("an empty tail answered before SQL was read")
	}
	tl.committed(tailEvents(1, 10))
	if evs, ok := tl.after(3, 4); !ok {
		t.Fatal("held events not served")
	} else if f, l, n := tailSeqs(evs); f != 4 || l != 7 || n != 4 {
		t.Fatalf("served %d..%d (%d)", f, l, n)
	}
	if string(tl.evs[0].raw) != `{"seq":1,"kind":"message"}` {
		t.Fatalf("stored JSON %s", tl.evs[0].raw)
	}
	if _, ok := tl.after(10, 10); ok {
		t.Fatal("nothing new trusted without a read of SQL")
	}
	tl.read(10, nil, 10)
	if evs, ok := tl.after(10, 10); !ok || len(evs) != 0 {
		t.Fatalf("caught up: %v %v", evs, ok)
	}
	tl.announced(12) // another node's 11 and 12
	if _, ok := tl.after(10, 10); ok {
		t.Fatal("nothing new answered past another node's announcement")
	}
	tl.committed(tailEvents(13, 15)) // starts over: 11 and 12 are not held
	if _, ok := tl.after(10, 10); ok {
		t.Fatal("served across another node's events")
	}
	if evs, ok := tl.after(12, 10); !ok {
		t.Fatal("the new run not served")
	} else if f, l, _ := tailSeqs(evs); f != 13 || l != 15 {
		t.Fatalf("served %d..%d", f, l)
	}
	tl.committed(tailEvents(11, 12)) // committed earlier, handed over later
	if f, _, _ := tailSeqs(tl.evs); f != 13 {
		t.Fatalf("late events taken: tail starts at %d", f)
	}
	tl.read(15, nil, 10)
	tl.readEnd = time.Now().Add(-2 * tailTrust)
	if _, ok := tl.after(15, 10); ok {
		t.Fatal("nothing new trusted long after the last read of SQL")
	}
	tl.committed(tailEvents(16, 16+tailSize))
	if f, l, n := tailSeqs(tl.evs); l != 16+tailSize || n > tailSize || f != l-int64(n)+1 {
		t.Fatalf("trimmed tail %d..%d (%d)", f, l, n)
	}
	if _, ok := tl.after(15, 10); ok {
		t.Fatal("served a cursor older than the tail")
	}
}
