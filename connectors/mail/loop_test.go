package mail

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// Each loop rule on its own: a letter that trips it is not answered
// automatically, and the same letter without it is.
func TestNoAutoAnswerRules(t *testing.T) {
	own := map[string]bool{"hotline@union.example": true, "news@union.example": true}
	for _, tc := range []struct {
		name     string
		from     string
		headers  string
		answered bool
		want     string // a word of the reason; "" when the letter may be answered
	}{
		{"a member's letter", "maria@example.ru", "", false, ""},
		{"our own mailbox", "hotline@union.example", "", false, "address of this hub"},
		{"our own mailbox, other case", "HotLine@Union.Example", "", false, "address of this hub"},
		{"a campaign account's address", "news@union.example", "", false, "address of this hub"},
		{"Auto-Submitted: auto-replied", "maria@example.ru", "Auto-Submitted: auto-replied\n", false, "Auto-Submitted: auto-replied"},
		{"Auto-Submitted: auto-generated", "maria@example.ru", "Auto-Submitted: Auto-Generated\n", false, "Auto-Submitted: auto-generated"},
		{"Auto-Submitted: no", "maria@example.ru", "Auto-Submitted: no\n", false, ""},
		{"Precedence: bulk", "maria@example.ru", "Precedence: bulk\n", false, "Precedence: bulk"},
		{"Precedence: list", "maria@example.ru", "Precedence: list\n", false, "Precedence: list"},
		{"Precedence: junk", "maria@example.ru", "Precedence: junk\n", false, "Precedence: junk"},
		{"Precedence: first-class", "maria@example.ru", "Precedence: first-class\n", false, ""},
		{"X-Autoreply", "maria@example.ru", "X-Autoreply: yes\n", false, "X-Autoreply"},
		{"a mailing list", "maria@example.ru", "List-Id: Members <members.lists.example.ru>\n", false, "List-Id"},
		{"a null return path", "maria@example.ru", "Return-Path: <>\n", false, "null return path"},
		{"a return path", "maria@example.ru", "Return-Path: <maria@example.ru>\n", false, ""},
		{"answered less than an hour ago", "maria@example.ru", "", true, "less than an hour"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw := strings.ReplaceAll(fmt.Sprintf("From: %s\nTo: hotline@union.example\nSubject: s\nMessage-ID: <x@example.ru>\n%sContent-Type: text/plain\n\ntext\n",
				tc.from, tc.headers), "\n", "\r\n")
			l := parseLetter([]byte(raw), defaultLimits, "")
			got := noAutoAnswer(l, own, tc.answered)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Fatalf("noAutoAnswer = %q, want %q", got, tc.want)
			}
		})
	}
}

// A reply's References are the parent's References and its Message-ID
// (RFC 5322 section 3.6.4), trimmed to the root and the latest letters.
func TestReplyReferences(t *testing.T) {
	long := make([]string, 30)
	for i := range long {
		long[i] = fmt.Sprintf("r%d@x", i)
	}
	for _, tc := range []struct {
		name            string
		refs, inReplyTo []string
		id              string
		want            []string
	}{
		{"with References", []string{"a@x", "b@x"}, []string{"b@x"}, "c@x", []string{"a@x", "b@x", "c@x"}},
		{"one In-Reply-To instead", nil, []string{"b@x"}, "c@x", []string{"b@x", "c@x"}},
		{"several In-Reply-To: none taken", nil, []string{"a@x", "b@x"}, "c@x", []string{"c@x"}},
		{"a first letter", nil, nil, "c@x", []string{"c@x"}},
		{"no Message-ID", []string{"a@x"}, nil, "", []string{"a@x"}},
		{"a long thread", long, nil, "c@x", append([]string{"r0@x"}, append(long[len(long)-maxRefs+2:], "c@x")...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := replyReferences(tc.refs, tc.inReplyTo, tc.id)
			if !slices.Equal(got, tc.want) || len(got) > maxRefs {
				t.Fatalf("replyReferences = %q, want %q", got, tc.want)
			}
		})
	}
}
