package inbox_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// A reply resubmitted with its client id (a double click, a retry after a
// dropped answer) is answered with the message stored the first time, even
// when the conversation has since changed so that a new reply would be
// refused or would take it from the queue; a new client id is not.
func TestRetriedReplyIsAnsweredWithTheFirst(t *testing.T) {
	f := newFixture(t, inbox.Manual)
	base := f.n.Server.URL
	reply := func(t *testing.T, conv, clientID string) (int, inbox.Message) {
		t.Helper()
		code, body := call(t, base, f.tok1, "POST", "/api/v1/inbox/conversations/"+conv+"/messages",
			inbox.ReplyInput{Text: "Ответ " + clientID, ClientID: clientID})
		var m inbox.Message
		_ = json.Unmarshal(body, &m)
		return code, m
	}
	tests := []struct {
		name       string
		meanwhile  string // SQL run on the conversation between the two tries
		newID      int    // the status a reply with a new client id then gets
		wantStatus string // the conversation's status after the retry
	}{
		{"resubmitted at once", "", http.StatusCreated, "active"},
		{"after the conversation closed", `UPDATE inbox_conversations SET status = 'closed', closed_at = 1 WHERE id = $1`, http.StatusConflict, "closed"},
		{"after it went back to the queue", `UPDATE inbox_conversations SET status = 'waiting', assignee_id = '' WHERE id = $1`, 0, "waiting"},
		{"after it passed to another operator", `UPDATE inbox_conversations SET assignee_id = '` + "%OP2%" + `' WHERE id = $1`, http.StatusForbidden, "active"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var first inbox.Message
			code, in := f.post(t, base, "retry-"+string(rune('a'+i)), "retry-msg-"+string(rune('a'+i)), "Вопрос")
			if in.ConversationID == "" {
				t.Fatalf("ingest = %d %+v", code, in)
			}
			code, first = reply(t, in.ConversationID, "r-1")
			if code != http.StatusCreated {
				t.Fatalf("first reply = %d", code)
			}
			if tt.meanwhile != "" {
				q := tt.meanwhile
				if q == tests[3].meanwhile {
					q = `UPDATE inbox_conversations SET assignee_id = $2 WHERE id = $1`
					f.exec(t, q, in.ConversationID, f.op2.ID)
				} else {
					f.exec(t, q, in.ConversationID)
				}
			}
			code, again := reply(t, in.ConversationID, "r-1")
			if code != http.StatusCreated || again.ID != first.ID || again.Seq != first.Seq {
				t.Fatalf("retry = %d %+v, want %d and the first reply %s", code, again, http.StatusCreated, first.ID)
			}
			if got := f.conversation(t, in.ConversationID).Status; got != tt.wantStatus {
				t.Fatalf("conversation %s after the retry, want %s", got, tt.wantStatus)
			}
			if tt.newID != 0 {
				if code, _ := reply(t, in.ConversationID, "r-2"); code != tt.newID {
					t.Fatalf("a new reply = %d, want %d", code, tt.newID)
				}
			}
			var n int
			if err := f.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_messages WHERE conversation_id = $1 AND client_id = 'r-1'`, in.ConversationID).Scan(&n); err != nil || n != 1 {
				t.Fatalf("%d copies of the reply (%v)", n, err)
			}
		})
	}
}
