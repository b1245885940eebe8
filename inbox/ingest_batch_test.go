package inbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// Concurrent messages share batches (several per conversation, new and
// known contacts, replays mixed in). Each conversation's messages must be
// numbered 1..n without gaps, every message stored once, and the event
// log numbered without gaps with each payload naming its own seq.
func TestConcurrentIngestNumbersMessagesAndEvents(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	ctx := context.Background()
	const contacts, perContact = 6, 15
	var wg sync.WaitGroup
	errs := make(chan error, contacts*perContact*2)
	for c := range contacts {
		for m := range perContact {
			for range 2 { // every message is delivered twice, concurrently
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := f.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: fmt.Sprintf("c%d-m%d", c, m),
						From: inbox.Identity{ExternalID: fmt.Sprintf("batch-contact-%d", c)}, Text: "текст"})
					errs <- err
				}()
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}

	rows, err := f.n.DB.Query(`SELECT conversation_id, seq FROM inbox_messages WHERE direction = 'in' ORDER BY conversation_id, seq`)
	if err != nil {
		t.Fatal(err)
	}
	seqs := map[string][]int64{}
	for rows.Next() {
		var conv string
		var seq int64
		if err := rows.Scan(&conv, &seq); err != nil {
			t.Fatal(err)
		}
		seqs[conv] = append(seqs[conv], seq)
	}
	rows.Close()
	if len(seqs) != contacts {
		t.Fatalf("%d conversations, want %d", len(seqs), contacts)
	}
	for conv, s := range seqs {
		if len(s) != perContact {
			t.Fatalf("conversation %s has %d inbound messages, want %d", conv, len(s), perContact)
		}
		for i := 1; i < len(s); i++ {
			if s[i] != s[i-1]+1 {
				t.Fatalf("conversation %s seqs %v have a gap", conv, s)
			}
		}
		var last int64
		if err := f.n.DB.QueryRow(`SELECT last_seq FROM inbox_conversations WHERE id = $1`, conv).Scan(&last); err != nil || last != s[len(s)-1] {
			t.Fatalf("conversation %s last_seq %d (%v), last message %d", conv, last, err, s[len(s)-1])
		}
	}

	rows, err = f.n.DB.Query(`SELECT seq, payload FROM inbox_events ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prev int64
	for rows.Next() {
		var seq int64
		var payload string
		if err := rows.Scan(&seq, &payload); err != nil {
			t.Fatal(err)
		}
		var p struct{ Seq int64 }
		if err := json.Unmarshal([]byte(payload), &p); err != nil || p.Seq != seq {
			t.Fatalf("event %d: payload names seq %d (%v)", seq, p.Seq, err)
		}
		if prev != 0 && seq != prev+1 {
			t.Fatalf("event log jumps from %d to %d", prev, seq)
		}
		prev = seq
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var counter int64
	if err := f.n.DB.QueryRow(`SELECT seq FROM inbox_counter WHERE name = 'events'`).Scan(&counter); err != nil || counter != prev {
		t.Fatalf("event counter %d (%v), last event %d", counter, err, prev)
	}
}
