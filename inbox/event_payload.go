package inbox

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// Followers of the event log (the widget's, the search indexer) need a
// message event's message, not its conversation; decoding the whole stored
// payload for it was a fifth of the hub's CPU under ingest. A message
// event is written by msgEvent and encoded by txw.flush, so its payload
// always has one layout: the header fields, "conversation", then
// "message" as the last member, which starts with its id, conversation id
// and seq. These read just that part, and fall back to decoding the whole
// payload whenever the bytes are not laid out so.

// messageKey starts the message member of a message event's payload. Keys
// are never escaped by the encoder and strings inside values always are,
// so the text cannot hold it; the conversation has no member of that name.
var messageKey = []byte(`"message":{"id":"`)

// messageJSON is the stored message object of an EvMessage event's
// payload, or nil when the payload is not laid out as msgEvent writes it.
func messageJSON(raw []byte) []byte {
	i := bytes.LastIndex(raw, messageKey)
	if i < 0 || len(raw) < 2 || raw[len(raw)-1] != '}' || raw[len(raw)-2] != '}' {
		return nil
	}
	return raw[i+len(`"message":`) : len(raw)-1]
}

// messageHead reads the seq of the message an EvMessage payload carries
// straight from its bytes: `{"id":"…","conversation_id":"…","seq":N,`.
// ok is false when the bytes differ from that in any way (the caller then
// decodes), or when the message is not in conversation convID.
func messageHead(raw []byte, convID string) (seq int64, ok bool) {
	m := messageJSON(raw)
	if m == nil {
		return 0, false
	}
	m = m[len(`{"id":"`):]
	end := bytes.IndexByte(m, '"')
	if end < 0 || bytes.IndexByte(m[:end], '\\') >= 0 {
		return 0, false
	}
	m = m[end:]
	prefix := `","conversation_id":"` + convID + `","seq":`
	if !bytes.HasPrefix(m, []byte(prefix)) {
		return 0, false
	}
	m = m[len(prefix):]
	end = bytes.IndexByte(m, ',')
	if end < 0 {
		return 0, false
	}
	seq, err := strconv.ParseInt(string(m[:end]), 10, 64)
	return seq, err == nil
}

// storedMessage decodes the message of an EvMessage event read back from
// the log into dst: the message object alone when the payload is laid out
// as expected, else the whole payload.
func storedMessage(raw []byte, dst any) error {
	if m := messageJSON(raw); m != nil && json.Unmarshal(m, dst) == nil {
		return nil
	}
	var p struct {
		Message json.RawMessage `json:"message"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		return err
	}
	return json.Unmarshal(p.Message, dst)
}
