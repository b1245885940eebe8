package inbox_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/profhub/profhub/inbox"
)

// TestSavedViews: a view keeps the console's filter; a personal one is
// its owner's, a shared one is seen in its unit's subtree and not beside
// it; only the owner changes it; a view whose label or line is gone still
// opens and says what is missing; a user keeps at most 30.
func TestSavedViews(t *testing.T) {
	w := newTwoUnits(t)
	ctx := context.Background()
	ingest := func(ch inbox.Channel, contact, text string) string {
		t.Helper()
		res, err := w.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: contact + text,
			From: inbox.Identity{ExternalID: contact, Name: "Член " + contact}, Text: text, NoAutoReply: true})
		if err != nil {
			t.Fatal(err)
		}
		return res.ConversationID
	}
	urgentConv := ingest(w.chA, "a1", "Срочно: перерасчёт взносов")
	ingest(w.chA, "a2", "Вопрос про отпуск")
	ingest(w.chB, "b1", "Вопрос в обком Б")
	urgent, err := w.n.Inbox.Labels.Save(ctx, w.n.System, inbox.Label{Name: "Срочно", Color: "#c62828"})
	if err != nil {
		t.Fatal(err)
	}
	if code := w.as(t, "op1", "PUT", "/api/v1/inbox/conversations/"+urgentConv+"/labels/"+urgent.ID, nil, nil); code != http.StatusOK {
		t.Fatalf("label: %d", code)
	}

	type viewIn struct {
		Name   string           `json:"name"`
		Shared bool             `json:"shared"`
		Filter inbox.ViewFilter `json:"filter"`
	}
	var mine, shared inbox.View
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: "  Срочные   линии А ",
		Filter: inbox.ViewFilter{Tab: "all", LineID: w.lineA.ID, LabelID: urgent.ID}}, &mine); code != http.StatusCreated {
		t.Fatalf("save personal view: %d", code)
	}
	if mine.Name != "Срочные линии А" || mine.Filter.LabelName != "Срочно" || mine.Filter.LineName != "Линия А" {
		t.Fatalf("saved %+v", mine)
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: "Вся линия А", Shared: true,
		Filter: inbox.ViewFilter{Tab: "all", LineID: w.lineA.ID}}, &shared); code != http.StatusCreated {
		t.Fatalf("save shared view: %d", code)
	}

	list := func(login string) map[string]inbox.View {
		t.Helper()
		var r struct{ Views []inbox.View }
		if code := w.as(t, login, "GET", "/api/v1/inbox/views", nil, &r); code != http.StatusOK {
			t.Fatalf("%s lists views: %d", login, code)
		}
		out := map[string]inbox.View{}
		for _, v := range r.Views {
			out[v.Name] = v
		}
		return out
	}
	op1 := list("op1")
	if len(op1) != 2 || op1["Срочные линии А"].Count != 1 || op1["Вся линия А"].Count != 2 || !op1["Вся линия А"].Mine {
		t.Fatalf("op1's views: %+v", op1)
	}
	// A colleague of the unit sees the shared view, not the personal one;
	// a unit beside it sees neither.
	if op2 := list("op2"); len(op2) != 1 || op2["Вся линия А"].Mine || op2["Вся линия А"].Count != 2 {
		t.Fatalf("op2's views: %+v", op2)
	}
	if opb := list("opb"); len(opb) != 0 {
		t.Fatalf("unit B sees %+v", opb)
	}
	if boss := list("boss"); len(boss) != 1 {
		t.Fatalf("the federation's administrator sees %+v; want the shared view only", boss)
	}
	for _, c := range []struct {
		who, method, path string
		body              any
		want              int
	}{
		{"opb", "GET", "/api/v1/inbox/views/" + shared.ID, nil, http.StatusNotFound},
		{"op2", "GET", "/api/v1/inbox/views/" + mine.ID, nil, http.StatusNotFound},
		{"op2", "PATCH", "/api/v1/inbox/views/" + shared.ID, map[string]any{"name": "Чужое"}, http.StatusForbidden},
		{"op2", "DELETE", "/api/v1/inbox/views/" + shared.ID, nil, http.StatusForbidden},
		{"op1", "POST", "/api/v1/inbox/views", viewIn{Name: "x", Filter: inbox.ViewFilter{Tab: "everything"}}, http.StatusUnprocessableEntity},
		{"op1", "POST", "/api/v1/inbox/views", viewIn{Name: "", Filter: inbox.ViewFilter{Tab: "all"}}, http.StatusUnprocessableEntity},
		{"op1", "POST", "/api/v1/inbox/views", viewIn{Name: "x", Filter: inbox.ViewFilter{Tab: "all", LabelID: "gone"}}, http.StatusUnprocessableEntity},
		{"op1", "POST", "/api/v1/inbox/views", viewIn{Name: "x", Filter: inbox.ViewFilter{Tab: "all", Text: "взнос", From: "вчера"}}, http.StatusUnprocessableEntity},
		{"op1", "PATCH", "/api/v1/inbox/views/" + mine.ID, map[string]any{"shared": true}, http.StatusOK},
		{"op1", "PATCH", "/api/v1/inbox/views/" + mine.ID, map[string]any{"shared": false}, http.StatusOK},
	} {
		if got := w.as(t, c.who, c.method, c.path, c.body, nil); got != c.want {
			t.Errorf("%s %s %s: %d, want %d", c.who, c.method, c.path, got, c.want)
		}
	}

	// The label is deleted: the view still opens, without it, and says so.
	if err := w.n.Inbox.Labels.Delete(ctx, w.n.System, urgent.ID); err != nil {
		t.Fatal(err)
	}
	var got inbox.View
	if code := w.as(t, "op1", "GET", "/api/v1/inbox/views/"+mine.ID, nil, &got); code != http.StatusOK {
		t.Fatalf("a view whose label is gone: %d", code)
	}
	if len(got.Missing) != 1 || got.Missing[0] != (inbox.ViewMissing{Kind: "label", Name: "Срочно"}) ||
		got.Filter.LabelID != "" || got.Filter.LineID != w.lineA.ID || got.Count != 2 {
		t.Fatalf("view without its label: %+v", got)
	}
	// A text search and an attribute are parts of a view too.
	var text inbox.View
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: "Про взносы",
		Filter: inbox.ViewFilter{Tab: "all", Text: "взносов", Status: "open"}}, &text); code != http.StatusCreated {
		t.Fatalf("save a text view: %d", code)
	}
	if v := list("op1")["Про взносы"]; v.Filter.Text != "взносов" {
		t.Fatalf("text view %+v", v)
	}

	// At most 30 views a user; the 31st is refused, another user's count
	// is their own.
	for i := len(list("op1")); i < inbox.MaxViewsPerUser; i++ {
		if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: fmt.Sprintf("Вид %02d", i),
			Filter: inbox.ViewFilter{Tab: "mine"}}, nil); code != http.StatusCreated {
			t.Fatalf("view %d: %d", i+1, code)
		}
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: "Лишний", Filter: inbox.ViewFilter{Tab: "mine"}}, nil); code != http.StatusConflict {
		t.Fatalf("view 31: %d, want 409", code)
	}
	if code := w.as(t, "op2", "POST", "/api/v1/inbox/views", viewIn{Name: "Мой", Filter: inbox.ViewFilter{Tab: "mine"}}, nil); code != http.StatusCreated {
		t.Fatalf("op2's first view: %d", code)
	}
	// The owner deletes; then there is room again.
	if code := w.as(t, "op1", "DELETE", "/api/v1/inbox/views/"+shared.ID, nil, nil); code != http.StatusNoContent {
		t.Fatalf("delete: %d", code)
	}
	if code := w.as(t, "op1", "POST", "/api/v1/inbox/views", viewIn{Name: "Снова", Filter: inbox.ViewFilter{Tab: "queue"}}, nil); code != http.StatusCreated {
		t.Fatalf("after a delete: %d", code)
	}
	if n := w.auditCount(t, "inbox.view_delete"); n != 1 {
		t.Fatalf("audited deletes: %d", n)
	}
}
