package absence_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

type people struct {
	n                   *hubtest.Node
	op, ch, chB, sec    org.User
	opW, chW, chBW, scW *hubtest.Browser
}

func setup(t *testing.T) people {
	n := hubtest.Start(t)
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	b := n.AddUnit(t, "", org.Committee, "Обком Б")
	p := people{n: n}
	p.op = n.AddUser(t, "abs.op", access.Operator, a.ID, "password-abs")
	p.ch = n.AddUser(t, "abs.ch", access.Chairman, a.ID, "password-abs")
	p.sec = n.AddUser(t, "abs.sec", access.Secretary, a.ID, "password-abs")
	p.chB = n.AddUser(t, "abs.chb", access.Chairman, b.ID, "password-abs")
	login := func(l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, "password-abs"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	p.opW, p.chW, p.chBW, p.scW = login("abs.op"), login("abs.ch"), login("abs.chb"), login("abs.sec")
	return p
}

func (p people) count(t *testing.T, userID string) int {
	t.Helper()
	var n int
	if err := p.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM absences WHERE user_id = $1`, userID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestRequestAndDecide: an operator requests a vacation, their chairman
// hears of it and approves it; bad input, overlaps, people outside the
// caller's units and one's own approval are refused in Russian and
// change nothing.
func TestRequestAndDecide(t *testing.T) {
	p := setup(t)
	vac := `{"kind":"vacation","starts_on":"2027-07-05","ends_on":"2027-07-18","comment":"ежегодный"}`
	code, body := p.opW.Do(t, "POST", "/api/v1/absences", vac)
	if code != http.StatusCreated || !strings.Contains(body, `"status":"requested"`) {
		t.Fatalf("request = %d %s", code, body)
	}
	id := between(body, `"id":"`, `"`)
	if _, body := p.chW.Do(t, "GET", "/api/v1/notifications", ""); !strings.Contains(body, `"kind":"absence_requested"`) {
		t.Errorf("the chairman was not told: %s", body)
	}
	refusals := []struct {
		name string
		b    *hubtest.Browser
		path string
		body string
		code int
		text string
	}{
		{"ends before it starts", p.opW, "/api/v1/absences", `{"kind":"vacation","starts_on":"2027-08-10","ends_on":"2027-08-01"}`, 422, "не может закончиться (01.08.2027) раньше, чем началось (10.08.2027)"},
		{"unknown kind", p.opW, "/api/v1/absences", `{"kind":"holiday","starts_on":"2027-08-10","ends_on":"2027-08-11"}`, 422, "Выберите вид отсутствия"},
		{"overlapping", p.opW, "/api/v1/absences", `{"kind":"day_off","starts_on":"2027-07-18","ends_on":"2027-07-19"}`, 409, "пересекается с другим: с 05.07.2027 по 18.07.2027"},
		{"an operator for someone else", p.opW, "/api/v1/absences", `{"user_id":"` + p.ch.ID + `","kind":"vacation","starts_on":"2027-08-10","ends_on":"2027-08-11"}`, 403, "только сотрудникам своих подразделений"},
		{"a head of another committee", p.chBW, "/api/v1/absences", `{"user_id":"` + p.op.ID + `","kind":"vacation","starts_on":"2027-08-10","ends_on":"2027-08-11"}`, 403, "только сотрудникам своих подразделений"},
		{"a head of another committee decides", p.chBW, "/api/v1/absences/" + id + "/approve", ``, 404, ""},
		{"one's own approval", p.opW, "/api/v1/absences/" + id + "/approve", ``, 403, "вышестоящий руководитель"},
		{"a secretary decides", p.scW, "/api/v1/absences/" + id + "/approve", ``, 403, "руководитель подразделения"},
	}
	for _, r := range refusals {
		code, body := r.b.Do(t, "POST", r.path, r.body)
		if code != r.code || !strings.Contains(body, r.text) {
			t.Errorf("%s = %d %s; want %d with %q", r.name, code, body, r.code, r.text)
		}
	}
	if n := p.count(t, p.op.ID); n != 1 {
		t.Fatalf("the refusals changed the absences: %d rows", n)
	}
	if n := p.count(t, p.ch.ID); n != 0 {
		t.Fatalf("an absence was recorded for the chairman: %d", n)
	}
	if code, body := p.chW.Do(t, "GET", "/api/v1/absences/requests", ""); code != 200 || !strings.Contains(body, id) {
		t.Fatalf("requests = %d %s", code, body)
	}
	if code, body := p.chW.Do(t, "POST", "/api/v1/absences/"+id+"/approve", ""); code != 200 || !strings.Contains(body, `"status":"approved"`) {
		t.Fatalf("approve = %d %s", code, body)
	}
	if code, body := p.chW.Do(t, "POST", "/api/v1/absences/"+id+"/reject", `{"reason":"поздно"}`); code != 409 || !strings.Contains(body, "уже не ждёт решения") {
		t.Errorf("a second decision = %d %s", code, body)
	}
	if _, body := p.opW.Do(t, "GET", "/api/v1/notifications", ""); !strings.Contains(body, `"kind":"absence_decided"`) {
		t.Errorf("the operator was not told: %s", body)
	}
	code, body = p.opW.Do(t, "GET", "/api/v1/absences?month=2027-07", "")
	if code != 200 || !strings.Contains(body, "Тест abs.op") || !strings.Contains(body, `"starts_on":"2027-07-05"`) || strings.Contains(body, "abs.chb") {
		t.Errorf("the chart = %d %s", code, body)
	}
	if code, body := p.chBW.Do(t, "GET", "/api/v1/absences?month=2027-07", ""); code != 200 || strings.Contains(body, "2027-07-05") {
		t.Errorf("another committee's chart shows the absence: %d %s", code, body)
	}
	// The chairman's own request is decided above them, not by themselves.
	code, body = p.chW.Do(t, "POST", "/api/v1/absences", `{"kind":"business_trip","starts_on":"2027-07-06","ends_on":"2027-07-07"}`)
	if code != 201 {
		t.Fatalf("the chairman's request = %d %s", code, body)
	}
	if code, body := p.chW.Do(t, "POST", "/api/v1/absences/"+between(body, `"id":"`, `"`)+"/approve", ""); code != 403 || !strings.Contains(body, "вышестоящий") {
		t.Errorf("the chairman approves their own = %d %s", code, body)
	}
	// A head enters an absence of their operator: approved at once.
	code, body = p.chW.Do(t, "POST", "/api/v1/absences", `{"user_id":"`+p.op.ID+`","kind":"sick_leave","starts_on":"2027-09-01","ends_on":"2027-09-03"}`)
	if code != 201 || !strings.Contains(body, `"status":"approved"`) {
		t.Errorf("entered = %d %s", code, body)
	}
}

// TestAbsentExecutorIsFlagged: the chairman holds a document's task the
// secretary sent; when the chairman's absence is approved, the secretary
// is told, with a link to the document.
func TestAbsentExecutorIsFlagged(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	secScope := p.sec.Scope("test")
	doc, err := p.n.Docs.Documents.Register(ctx, secScope, workflow.DocumentInput{Kind: workflow.KindInternal, Title: "О графике отпусков"})
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(p.n.Config.Zone()).Format(time.DateOnly)
	a, err := p.n.Absences.Create(ctx, p.n.System, absence.Input{UserID: p.ch.ID, Kind: absence.BusinessTrip, StartsOn: today, EndsOn: today})
	if err != nil || a.Status != absence.Approved {
		t.Fatalf("entered = %+v %v", a, err)
	}
	items, _, err := p.n.Notify.List(ctx, secScope, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, it := range items {
		if it.Kind == absence.AlertAbsent && strings.Contains(it.Text, doc.Title) && strings.Contains(it.Text, "Тест abs.ch") && it.Link == workflow.DocumentLink(doc.ID) {
			found = true
		}
	}
	if !found {
		t.Errorf("the secretary was not told of the absent chairman: %+v", items)
	}
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestOverlappingRequestsAtOnce: requests and a head's entries for one
// person, all sharing a day and sent at the same moment, leave exactly
// one absence; every other is refused as overlapping (on PostgreSQL the
// person's row is locked for the check, on SQLite the write lock is).
func TestOverlappingRequestsAtOnce(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		const n = 8
		errs := make(chan error, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			sc := p.op.Scope("test")
			if i%2 == 1 {
				sc = p.ch.Scope("test") // the head enters it, approved at once
			}
			in := absence.Input{UserID: p.op.ID, Kind: absence.DayOff,
				StartsOn: fmt.Sprintf("2028-0%d-%02d", round+3, 10+i), EndsOn: fmt.Sprintf("2028-0%d-20", round+3)}
			go func() {
				<-start
				_, err := p.n.Absences.Create(ctx, sc, in)
				errs <- err
			}()
		}
		close(start)
		var created int
		for i := 0; i < n; i++ {
			if err := <-errs; err == nil {
				created++
			} else if !strings.Contains(err.Error(), "overlaps another absence") {
				t.Errorf("round %d: refused with %v, want an overlap", round, err)
			}
		}
		if created != 1 {
			t.Errorf("round %d: %d overlapping absences created at once, want 1", round, created)
		}
	}
	if got := p.count(t, p.op.ID); got != 3 {
		t.Errorf("%d absences stored, want 3 (one a round)", got)
	}
}
