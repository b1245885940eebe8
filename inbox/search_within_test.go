package inbox_test

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// A filter that leaves few conversations (the active ones, an
// operator's) is answered on SQLite from those conversations' documents;
// one that leaves many from the walk of the word's matches. Both must
// give what the filter and the words ask: only conversations with the
// word, newest first, or ranked; nothing outside the filter.
func TestSearchRareAndCommonFiltersAgree(t *testing.T) {
	w := newTwoUnits(t)
	ctx := context.Background()
	const waiting = 310 // more than the few a filter may leave (inbox.withinLimit)
	var convs []string
	for i := range waiting {
		convs = append(convs, w.ingest(t, w.chA, w.chTokA, fmt.Sprintf("rare-%d", i), fmt.Sprintf("rare-m-%d", i), "Вопрос про взносы"))
	}
	other := w.ingest(t, w.chA, w.chTokA, "rare-other", "rare-other-m", "Вопрос про отпуск")
	taken := []string{convs[3], convs[100], convs[200]}
	for _, c := range append(taken, other) {
		if code := w.as(t, "op1", "POST", "/api/v1/inbox/conversations/"+c+"/take", nil, nil); code != 200 {
			t.Fatalf("take: %d", code)
		}
	}
	if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	newestFirst := []string{taken[2], taken[1], taken[0]} // ingested in this order
	op1 := w.users["op1"].ID
	for _, c := range []struct {
		name   string
		params url.Values
		want   []string
		sorted bool
	}{
		{"active", url.Values{"status": {"active"}}, newestFirst, true},
		{"operator", url.Values{"operator_id": {op1}}, newestFirst, true},
		{"operator, active, relevance", url.Values{"operator_id": {op1}, "status": {"active"}, "sort": {"relevance"}}, newestFirst, false},
		{"another operator", url.Values{"operator_id": {w.users["op2"].ID}}, nil, true},
	} {
		params := c.params
		params.Set("text", "взносов")
		got := ids(w.search(t, "boss", params))
		if !c.sorted {
			slices.Sort(got)
			c.want = slices.Sorted(slices.Values(c.want))
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// Waiting leaves too many for the few-conversations path: the walk
	// pages through the newest matches and never shows a taken one.
	got := ids(w.search(t, "boss", url.Values{"text": {"взносов"}, "status": {"waiting"}, "limit": {"20"}}))
	if len(got) != 20 {
		t.Fatalf("waiting: %d conversations, want a full page of 20", len(got))
	}
	for i, id := range got {
		if id != convs[waiting-1-i] { // the taken ones are older than these
			t.Errorf("waiting, #%d: %s is not the next newest waiting conversation", i, id)
			break
		}
	}
}

func ids(cs []inbox.Conversation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}
