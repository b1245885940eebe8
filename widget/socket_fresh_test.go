package widget

import (
	"slices"
	"testing"

	"github.com/profhub/profhub/inbox"
)

func TestFreshMessagesServeOnlyTheNextRun(t *testing.T) {
	msg := func(conv string, seq int64) inbox.Message { return inbox.Message{ConversationID: conv, Seq: seq} }
	tests := []struct {
		name  string
		sent  int64 // what the socket had sent when each message was added
		add   []inbox.Message
		conv  string
		after int64
		want  []int64 // seqs taken
		left  []int64 // seqs kept
	}{
		{"the next seq", 4, []inbox.Message{msg("a", 5)}, "a", 4, []int64{5}, nil},
		{"a run, added out of order", 4, []inbox.Message{msg("a", 6), msg("a", 5)}, "a", 4, []int64{5, 6}, nil},
		{"a gap waits for SQL", 4, []inbox.Message{msg("a", 6)}, "a", 4, nil, []int64{6}},
		{"a run up to a gap", 4, []inbox.Message{msg("a", 5), msg("a", 7)}, "a", 4, []int64{5}, []int64{7}},
		{"sent already is not kept", 5, []inbox.Message{msg("a", 5)}, "a", 5, nil, nil},
		{"sent meanwhile is dropped", 4, []inbox.Message{msg("a", 5), msg("a", 6)}, "a", 5, []int64{6}, nil},
		{"twice is once", 4, []inbox.Message{msg("a", 5), msg("a", 5)}, "a", 4, []int64{5}, nil},
		{"another conversation is dropped", 4, []inbox.Message{msg("b", 5)}, "a", 4, nil, nil},
		{"only the newest are kept", 0, func() (ms []inbox.Message) {
			for s := int64(1); s <= freshLimit+2; s++ {
				ms = append(ms, msg("a", s))
			}
			return ms
		}(), "a", 0, nil, []int64{3, 4, 5, 6, 7, 8, 9, 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f freshMessages
			for _, m := range tt.add {
				f.add(m, tt.sent)
			}
			var got, left []int64
			for _, m := range f.take(tt.conv, tt.after) {
				got = append(got, m.Seq)
			}
			for _, m := range f.msgs {
				left = append(left, m.Seq)
			}
			if !slices.Equal(got, tt.want) || !slices.Equal(left, tt.left) {
				t.Fatalf("took %v, kept %v; want %v and %v", got, left, tt.want, tt.left)
			}
		})
	}
}
