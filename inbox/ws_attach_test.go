package inbox_test

import (
	"fmt"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// A console socket must be attached to the relay by the time its dial
// returns: the hello seq is the relay's cursor at attach, so an event
// committed between the handshake and a later attach would lie below hello
// and never reach that socket (a CI test and the ingest bench each lost
// one that way). Each socket here posts at once, without waiting for hello.
func TestConsoleSocketAttachedWhenHandshakeCompletes(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	for i := range 10 {
		before := f.n.Inbox.Events.ClientCount()
		ws := dial(t, base, f.tok1, 0)
		if got := f.n.Inbox.Events.ClientCount(); got != before+1 {
			t.Fatalf("socket %d: the relay has %d clients after the dial returned, want %d", i, got, before+1)
		}
		text := fmt.Sprintf("Сообщение номер %d", i)
		if code, _ := f.post(t, base, fmt.Sprintf("member-%d", i), fmt.Sprintf("ext-%d", i), text); code >= 300 {
			t.Fatalf("post %d = %d", i, code)
		}
		ws.waitEvent(t, "message", func(ev map[string]any) bool {
			m, _ := ev["message"].(map[string]any)
			return m["text"] == text
		})
	}
}
