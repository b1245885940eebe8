package inbox_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
)

// searchOf is what the console gets from a search: the conversations,
// each with its matching message cut and marked.
type searchOf struct {
	Conversations []inbox.Conversation `json:"conversations"`
}

func (w *twoUnits) ingest(t *testing.T, channel inbox.Channel, token, contact, msgID, text string) string {
	t.Helper()
	var in inbox.APIInbound
	in.Contact.ID, in.Contact.Name = contact, "Член профсоюза "+contact
	in.Message.ID, in.Message.Text = msgID, text
	code, body := call(t, w.n.Server.URL, token, "POST", "/hooks/api/"+channel.ID+"/messages", in)
	if code >= 300 {
		t.Fatalf("ingest %s: %d %s", msgID, code, body)
	}
	var res inbox.IngestResult
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatal(err)
	}
	return res.ConversationID
}

func (w *twoUnits) search(t *testing.T, login string, params url.Values) []inbox.Conversation {
	t.Helper()
	var out searchOf
	if code := w.as(t, login, "GET", "/api/v1/inbox/conversations?"+params.Encode(), nil, &out); code != 200 {
		t.Fatalf("search %v as %s: %d", params, login, code)
	}
	return out.Conversations
}

func convIDs(cs []inbox.Conversation) string {
	var ids []string
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return strings.Join(ids, ",")
}

func TestSearchFindsWordFormsWithinScope(t *testing.T) {
	w := newTwoUnits(t)
	ctx := context.Background()
	dues := w.ingest(t, w.chA, w.chTokA, "c1", "m1", "Когда платить членские взносы за декабрь?")
	leave := w.ingest(t, w.chA, w.chTokA, "c3", "m3", "Добрый день, вопрос про отпуск")
	duesB := w.ingest(t, w.chB, w.chTokB, "c2", "m2", "Взносов в этом году не будет? Пришлём ответ")
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/conversations/"+leave+"/take", nil, nil); code != 200 {
		t.Fatalf("take: %d", code)
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/conversations/"+leave+"/notes", map[string]string{"text": "Проверить справку о доходах"}, nil); code >= 300 {
		t.Fatalf("note: %d", code)
	}
	if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}

	got := w.search(t, "op1", url.Values{"text": {"взносы"}})
	if convIDs(got) != dues {
		t.Fatalf("op1 searching взносы: %s, want only line A's %s", convIDs(got), dues)
	}
	m := got[0].Match
	if m == nil || strings.Join(m.Parts, "|") != "Когда платить членские |взносы| за декабрь?" {
		t.Fatalf("snippet %+v", m)
	}
	if got := w.search(t, "opb", url.Values{"text": {"взнос"}}); convIDs(got) != duesB || got[0].Match.Parts[1] != "Взносов" {
		t.Fatalf("opb searching взнос: %+v", got)
	}
	if got := w.search(t, "boss", url.Values{"text": {"ВЗНОСАМИ"}}); len(got) != 2 || got[0].ID != duesB {
		t.Fatalf("boss, newest first: %s, want %s then %s", convIDs(got), duesB, dues)
	}
	if got := w.search(t, "boss", url.Values{"text": {"взносы"}, "line_id": {w.lineA.ID}}); convIDs(got) != dues {
		t.Fatalf("line filter: %s", convIDs(got))
	}
	if got := w.search(t, "boss", url.Values{"text": {"пришлем взносы"}}); convIDs(got) != duesB {
		t.Fatalf("every word (ё as е): %s", convIDs(got))
	}
	if got := w.search(t, "op1", url.Values{"text": {"справки"}}); convIDs(got) != leave {
		t.Fatalf("operators find their notes: %s", convIDs(got))
	}
	if got := w.search(t, "op1", url.Values{"text": {"справки"}, "operator_id": {w.users["op2"].ID}}); len(got) != 0 {
		t.Fatalf("operator filter: %s", convIDs(got))
	}
	if got := w.search(t, "op1", url.Values{"text": {"справки"}, "status": {"active"}, "channel": {"api"}, "sort": {"relevance"}}); convIDs(got) != leave {
		t.Fatalf("status and channel: %s", convIDs(got))
	}
	if got := w.search(t, "op1", url.Values{"text": {"взносы"}, "status": {"closed"}}); len(got) != 0 {
		t.Fatalf("status filter: %s", convIDs(got))
	}
	today := time.Now().Format(time.DateOnly)
	tomorrow := time.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	if got := w.search(t, "boss", url.Values{"text": {"взносы"}, "from": {today}, "to": {today}}); len(got) != 2 {
		t.Fatalf("today: %s", convIDs(got))
	}
	if got := w.search(t, "boss", url.Values{"text": {"взносы"}, "from": {tomorrow}}); len(got) != 0 {
		t.Fatalf("from tomorrow: %s", convIDs(got))
	}
	if got := w.search(t, "boss", url.Values{"text": {"и в на"}}); len(got) != 0 {
		t.Fatalf("stop words only: %s", convIDs(got))
	}
	if code := w.as(t, "boss", "GET", "/api/v1/inbox/conversations?text=x&from=31.12.2026", nil, nil); code != 422 {
		t.Fatalf("a bad date: %d", code)
	}
	if code := w.as(t, "boss", "GET", "/api/v1/inbox/conversations?text=x&sort=best", nil, nil); code != 422 {
		t.Fatalf("a bad sort: %d", code)
	}
}

// TestSearchIndexerCatchesUp: messages whose events were trimmed before
// the indexer saw them are found by its walk of the messages, and a
// restart does not index anything twice.
func TestSearchIndexerCatchesUp(t *testing.T) {
	w := newTwoUnits(t)
	ctx := context.Background()
	w.ingest(t, w.chA, w.chTokA, "c1", "m1", "Материальная помощь к отпуску")
	if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	missed := w.ingest(t, w.chA, w.chTokA, "c2", "m2", "Путёвки в санаторий")
	if _, err := w.n.DB.Exec(`DELETE FROM inbox_events`); err != nil {
		t.Fatal(err)
	}
	w.ingest(t, w.chB, w.chTokB, "c3", "m3", "Путевка для ребенка")
	if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	if got := w.search(t, "boss", url.Values{"text": {"путёвку"}}); len(got) != 2 || got[1].ID != missed {
		t.Fatalf("after a trimmed log: %s", convIDs(got))
	}
	if _, err := w.n.DB.Exec(`UPDATE inbox_search_state SET event_seq = 0, backfill_after = '', backfilled = FALSE`); err != nil {
		t.Fatal(err)
	}
	if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	var docs int
	if err := w.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_search_docs`).Scan(&docs); err != nil {
		t.Fatal(err)
	}
	if docs != 3 {
		t.Fatalf("%d index rows for 3 messages", docs)
	}
}

// TestSearchFiltersFollowTheConversation: the filters a search applies
// (kept in PostgreSQL's index beside the words) follow the conversation
// as it is taken and closed, and a stale index never shows a wrong hit.
func TestSearchFiltersFollowTheConversation(t *testing.T) {
	w := newTwoUnits(t)
	ctx := context.Background()
	conv := w.ingest(t, w.chA, w.chTokA, "c1", "m1", "Вопрос про взносы за ноябрь")
	index := func() {
		t.Helper()
		if err := w.n.Inbox.Search.IndexSearch(ctx); err != nil {
			t.Fatal(err)
		}
	}
	find := func(params url.Values) string {
		t.Helper()
		params.Set("text", "взносов")
		return convIDs(w.search(t, "boss", params))
	}
	index()
	op1 := w.users["op1"].ID
	for _, c := range []struct {
		params url.Values
		want   string
	}{
		{url.Values{"status": {"waiting"}}, conv},
		{url.Values{"status": {"open"}}, conv},
		{url.Values{"status": {"closed"}}, ""},
		{url.Values{"operator_id": {op1}}, ""},
		{url.Values{"line_id": {w.lineA.ID}, "channel": {"api"}}, conv},
		{url.Values{"line_id": {w.lineB.ID}}, ""},
	} {
		if got := find(c.params); got != c.want {
			t.Errorf("waiting, %v: %q, want %q", c.params, got, c.want)
		}
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/conversations/"+conv+"/take", nil, nil); code != 200 {
		t.Fatalf("take: %d", code)
	}
	// Before the indexer has seen the change: never a conversation that
	// no longer passes the filter.
	if got := find(url.Values{"status": {"waiting"}}); got != "" {
		t.Errorf("taken, not yet indexed, status waiting: %q", got)
	}
	index()
	if got := find(url.Values{"operator_id": {op1}, "status": {"active"}}); got != conv {
		t.Errorf("taken by op1, active: %q", got)
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/conversations/"+conv+"/close", nil, nil); code != 200 {
		t.Fatalf("close: %d", code)
	}
	index()
	for _, c := range []struct {
		params url.Values
		want   string
	}{
		{url.Values{"status": {"closed"}, "operator_id": {op1}}, conv},
		{url.Values{"status": {"open"}}, ""},
		{url.Values{"status": {"active"}, "sort": {"relevance"}}, ""},
		{url.Values{"status": {"closed"}, "sort": {"relevance"}}, conv},
	} {
		if got := find(c.params); got != c.want {
			t.Errorf("closed, %v: %q, want %q", c.params, got, c.want)
		}
	}
}
