package inbox

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestMessagePayloadReadInPart checks the partial reads of a stored
// message event against decoding the whole payload, for payloads laid out
// as flush stores them and for ones that are not (which must fall back).
func TestMessagePayloadReadInPart(t *testing.T) {
	conv := Conversation{ID: "c1", LineID: "l1", ContactName: `"message":{"id":"x` + "\\", Labels: []string{`"message":{"id":"y","conversation_id":"c1","seq":99,`}}
	texts := []string{"hi", `{"event":"closed","by":"u"}`, `quote " and \ and "message":{"id":"z","conversation_id":"c1","seq":7,`, "ё\u2028<>&"}
	for i, text := range texts {
		m := Message{ID: "m1", ConversationID: "c1", Seq: int64(40 + i), Direction: DirIn, Text: text, Attachments: []Attachment{{Name: "a"}}, CreatedAt: time.UnixMilli(1700000000123)}
		if i == 1 {
			m.Direction = DirSystem
		}
		ev := msgEvent(conv, m)
		b, err := json.Marshal(ev)
		if err != nil {
			t.Fatal(err)
		}
		stored := &Event{Seq: 5, Kind: EvMessage, ConversationID: "c1", raw: b}
		if seq, ok := messageHead(b, "c1"); !ok || seq != m.Seq {
			t.Fatalf("text %q: head %d %v, want %d", text, seq, ok, m.Seq)
		}
		if _, ok := messageHead(b, "c2"); ok {
			t.Fatalf("text %q: head read for another conversation", text)
		}
		if got := stored.MessageSeq(); got != m.Seq {
			t.Fatalf("text %q: MessageSeq %d, want %d", text, got, m.Seq)
		}
		var got Message
		if err := storedMessage(b, &got); err != nil || got.Text != text || got.ID != "m1" || !got.CreatedAt.Equal(m.CreatedAt) || got.Direction != m.Direction {
			t.Fatalf("text %q: stored message %+v, %v", text, got, err)
		}
		if code := stored.SystemCode(); (i == 1) != (code == "closed") {
			t.Fatalf("text %q: system code %q", text, code)
		}
	}
	// Not the layout msgEvent writes: a data member after the message, keys
	// in another order. The partial reads must not guess.
	odd := []string{
		`{"seq":1,"kind":"message","conversation_id":"c1","message":{"id":"m","conversation_id":"c1","seq":3,"text":"t"},"data":{"a":1}}`,
		`{"seq":1,"kind":"message","conversation_id":"c1","message":{"seq":3,"id":"m","conversation_id":"c1","text":"t"}}`,
		`{"seq":1,"kind":"message","conversation_id":"c1","message":{"id":"m\"","conversation_id":"c1","seq":3,"text":"t"}}`,
	}
	for _, raw := range odd {
		stored := &Event{Seq: 1, Kind: EvMessage, ConversationID: "c1", raw: []byte(raw)}
		if got := stored.MessageSeq(); got != 3 {
			t.Fatalf("%s: MessageSeq %d, want 3", raw, got)
		}
		var m Message
		if err := storedMessage([]byte(raw), &m); err != nil || m.Text != "t" || !strings.HasPrefix(m.ID, "m") {
			t.Fatalf("%s: stored message %+v, %v", raw, m, err)
		}
	}
}
