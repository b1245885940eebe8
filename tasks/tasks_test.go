package tasks_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/tasks"
	"github.com/profhub/profhub/workflow"
)

type people struct {
	n                             *hubtest.Node
	ch, ex, co, ob, op, chB, exB  org.User
	chW, exW, coW, obW, opW, chBW *hubtest.Browser
}

func setup(t *testing.T) people {
	n := hubtest.Start(t)
	a := n.AddUnit(t, "", org.Committee, "Обком А")
	b := n.AddUnit(t, "", org.Committee, "Обком Б")
	p := people{n: n}
	p.ch = n.AddUser(t, "tk.ch", access.Chairman, a.ID, "password-tk")
	p.ex = n.AddUser(t, "tk.ex", access.Executor, a.ID, "password-tk")
	p.co = n.AddUser(t, "tk.co", access.Operator, a.ID, "password-tk")
	p.ob = n.AddUser(t, "tk.ob", access.Secretary, a.ID, "password-tk")
	p.op = n.AddUser(t, "tk.op", access.Operator, a.ID, "password-tk")
	p.chB = n.AddUser(t, "tk.chb", access.Chairman, b.ID, "password-tk")
	p.exB = n.AddUser(t, "tk.exb", access.Executor, b.ID, "password-tk")
	login := func(l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, "password-tk"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	p.chW, p.exW, p.coW, p.obW, p.opW, p.chBW = login("tk.ch"), login("tk.ex"), login("tk.co"), login("tk.ob"), login("tk.op"), login("tk.chb")
	return p
}

func (p people) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := p.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM tasks`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

func must(t *testing.T, b *hubtest.Browser, method, path, body string, code int, want ...string) string {
	t.Helper()
	got, resp := b.Do(t, method, path, body)
	if got != code {
		t.Fatalf("%s %s = %d %s; want %d", method, path, got, resp, code)
	}
	for _, w := range want {
		if !strings.Contains(resp, w) {
			t.Fatalf("%s %s: %s lacks %q", method, path, resp, w)
		}
	}
	return resp
}

// TestTaskLifecycle: a chairman sets a task from a document for an
// executor with a co-executor and an observer; each does only their part,
// the task goes new → in progress → awaiting check → returned → … → done,
// the history names everyone in full, and people who are no party to it
// do not find it.
func TestTaskLifecycle(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	doc, err := p.n.Docs.Documents.Register(ctx, p.ob.Scope("test"), workflow.DocumentInput{Kind: workflow.KindInternal, Title: "О подготовке пленума"})
	if err != nil {
		t.Fatal(err)
	}
	body := `{"title":"Подготовить проект постановления","description":"К пленуму","assignee_id":"` + p.ex.ID +
		`","co_executor_ids":["` + p.co.ID + `"],"observer_ids":["` + p.ob.ID + `"],"due_on":"2030-01-15",` +
		`"checklist":["Собрать предложения","Согласовать с юристом"],"source_kind":"document","source_id":"` + doc.ID + `"}`
	resp := must(t, p.chW, "POST", "/api/v1/tasks", body, 201, `"status":"new"`, `"title":"`+doc.Number+` · О подготовке пленума"`, `"name":"Тест tk.ex"`)
	id := between(resp, `"task":{"id":"`, `"`)
	item := between(resp, `"checklist":[{"id":"`, `"`)
	base := "/api/v1/tasks/" + id

	must(t, p.exW, "GET", "/api/v1/notifications", "", 200, `"kind":"task_assigned"`)
	for _, b := range []*hubtest.Browser{p.opW, p.chBW} {
		must(t, b, "GET", base, "", 404)
		must(t, b, "POST", base+"/comments", `{"text":"чужой"}`, 404)
	}
	must(t, p.chW, "POST", base+"/start", "", 403, "может только исполнитель: Тест tk.ex")
	must(t, p.obW, "POST", base+"/comments", `{"text":"вижу"}`, 403, "Наблюдатель может только читать")
	must(t, p.obW, "GET", base, "", 200, `"role":"observer"`, `"actions":[]`)
	must(t, p.exW, "POST", base+"/submit", "", 409, "обновите страницу")
	must(t, p.exW, "POST", base+"/start", "", 200, `"status":"in_progress"`)
	must(t, p.coW, "POST", base+"/checklist/"+item, `{"done":true}`, 200, `"items_done":1`, `"done_by_name":"Тест tk.co"`)
	must(t, p.coW, "POST", base+"/comments", `{"text":"Предложения собраны"}`, 200, `"author_name":"Тест tk.co"`)
	must(t, p.coW, "POST", base+"/submit", "", 403, "исполнитель")
	must(t, p.exW, "POST", base+"/submit", "", 200, `"status":"awaiting_check"`)
	must(t, p.chW, "GET", "/api/v1/notifications", "", 200, `"kind":"task_changed"`)
	must(t, p.exW, "POST", base+"/accept", "", 403, "только поставивший её: Тест tk.ch")
	must(t, p.chW, "POST", base+"/return", "", 422, "почему задача возвращается")
	must(t, p.chW, "POST", base+"/return", `{"text":"Добавьте смету"}`, 200, `"status":"returned"`, "Добавьте смету")
	must(t, p.exW, "POST", base+"/start", "", 200, `"status":"in_progress"`)
	must(t, p.exW, "POST", base+"/submit", "", 200)
	resp = must(t, p.chW, "POST", base+"/accept", "", 200, `"status":"done"`)
	for _, w := range []string{`"who":"Тест tk.ch","action":"created"`, `"who":"Тест tk.ex","action":"start"`, `"who":"Тест tk.co","action":"item_done"`,
		`"who":"Тест tk.ch","action":"return","note":"Добавьте смету"`, `"who":"Тест tk.ch","action":"accept"`} {
		if !strings.Contains(resp, w) {
			t.Errorf("history lacks %s: %s", w, resp)
		}
	}
	must(t, p.coW, "POST", base+"/checklist/"+item, `{"done":false}`, 409, "уже выполнена")

	// the lists
	must(t, p.exW, "GET", "/api/v1/tasks?view=mine", "", 200, id)
	must(t, p.coW, "GET", "/api/v1/tasks?view=mine", "", 200, id)
	must(t, p.chW, "GET", "/api/v1/tasks?view=assigned&status=done&q=ПОСТАНОВЛЕНИЯ", "", 200, id)
	must(t, p.obW, "GET", "/api/v1/tasks?view=watching", "", 200, id)
	must(t, p.chW, "GET", "/api/v1/tasks?source=document:"+doc.ID, "", 200, id, `"status":"done"`)
	for _, q := range []string{"view=assigned&status=new", "view=assigned&overdue=1", "view=assigned&to=2029-12-31", "view=assigned&q=смета"} {
		if r := must(t, p.chW, "GET", "/api/v1/tasks?"+q, "", 200); strings.Contains(r, id) {
			t.Errorf("%s lists the task: %s", q, r)
		}
	}
	if r := must(t, p.opW, "GET", "/api/v1/tasks?source=document:"+doc.ID, "", 200); strings.Contains(r, id) {
		t.Errorf("a stranger sees the document's task: %s", r)
	}
}

// TestTaskRefusals: a disabled assignee, one outside the caller's units,
// a past deadline, no title, a file over the limit and a document the
// caller cannot see are refused in Russian and change nothing.
func TestTaskRefusals(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	if err := p.n.Org.SetDisabled(ctx, p.n.System, p.op.ID, true); err != nil {
		t.Fatal(err)
	}
	task := func(assignee, extra string) string {
		return `{"title":"Проверить списки","assignee_id":"` + assignee + `","due_days":3` + extra + `}`
	}
	cases := []struct {
		name, body string
		code       int
		text       string
	}{
		{"disabled", task(p.op.ID, ""), 409, "Сотрудник Тест tk.op отключён"},
		{"outside the units", task(p.exB.ID, ""), 403, "только сотрудникам своих подразделений"},
		{"an observer outside", task(p.ex.ID, `,"observer_ids":["`+p.exB.ID+`"]`), 403, "только сотрудникам своих подразделений"},
		{"unknown person", task("nobody", ""), 403, "только сотрудникам своих подразделений"},
		{"past deadline", `{"title":"Проверить","assignee_id":"` + p.ex.ID + `","due_on":"2020-03-01"}`, 422, "Срок 01.03.2020 уже прошёл"},
		{"no deadline", `{"title":"Проверить","assignee_id":"` + p.ex.ID + `"}`, 422, "Укажите срок"},
		{"empty title", `{"title":"   ","assignee_id":"` + p.ex.ID + `","due_days":1}`, 422, "Укажите название задачи"},
		{"a foreign document", task(p.ex.ID, `,"source_kind":"document","source_id":"nope"`), 404, "не найдено"},
	}
	for _, c := range cases {
		code, body := p.chW.Do(t, "POST", "/api/v1/tasks", c.body)
		if code != c.code || !strings.Contains(body, c.text) {
			t.Errorf("%s = %d %s; want %d with %q", c.name, code, body, c.code, c.text)
		}
	}
	if n := p.count(t); n != 0 {
		t.Fatalf("refusals left %d tasks", n)
	}
	resp := must(t, p.chW, "POST", "/api/v1/tasks", task(p.ex.ID, ""), 201)
	id := between(resp, `"task":{"id":"`, `"`)
	// a file over the limit
	big := strings.Repeat("a", tasks.MaxFileBytes+1)
	req, _ := http.NewRequest("POST", p.chW.Base+tasks.UploadPrefix+id+"?name=big.txt", strings.NewReader(big))
	req.Header.Set("X-CSRF-Token", p.chW.CSRF)
	r, err := p.chW.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != 422 {
		t.Errorf("a file over the limit = %d", r.StatusCode)
	}
	// a small one is kept and read back by a party only
	req, _ = http.NewRequest("POST", p.chW.Base+tasks.UploadPrefix+id+"?name=список.txt", strings.NewReader("Иванов\nПетров\n"))
	req.Header.Set("X-CSRF-Token", p.chW.CSRF)
	if r, err = p.chW.Client.Do(req); err != nil || r.StatusCode != 201 {
		t.Fatalf("upload = %v %v", r, err)
	}
	r.Body.Close()
	card := must(t, p.exW, "GET", "/api/v1/tasks/"+id, "", 200, `"name":"список.txt"`, "file_added")
	if strings.Count(card, `"action":"file_added"`) != 1 {
		t.Errorf("the refused file left a trace: %s", card)
	}
	fileID := between(card, `"files":[{"id":"`, `"`)
	must(t, p.exW, "GET", "/api/v1/tasks/"+id+"/files/"+fileID, "", 200, "Петров")
	must(t, p.chBW, "GET", "/api/v1/tasks/"+id+"/files/"+fileID, "", 404)
}

// TestTaskDeadlineInWorkingDays: five working days from 29 December 2026
// end on 14 January 2027, over the New Year holidays of the production
// calendar; the overdue task is reported to the assignee and the one who
// set it once, however often the sweep runs.
func TestTaskDeadlineInWorkingDays(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	zone := p.n.Config.Zone()
	p.n.Tasks.SetNow(func() time.Time { return time.Date(2026, 12, 29, 10, 0, 0, 0, zone) })
	sc := p.ch.Scope("test")
	tk, err := p.n.Tasks.Create(ctx, sc, tasks.Input{Title: "Отчёт за год", AssigneeID: p.ex.ID, DueDays: 5})
	if err != nil {
		t.Fatal(err)
	}
	if tk.DueOn != "2027-01-14" || tk.DueDays != 5 {
		t.Fatalf("due = %s (%d days), want 2027-01-14", tk.DueOn, tk.DueDays)
	}
	short, err := p.n.Tasks.Create(ctx, sc, tasks.Input{Title: "Поздравить ветеранов", AssigneeID: p.ex.ID, DueDays: 1})
	if err != nil || short.DueOn != "2026-12-30" {
		t.Fatalf("one working day = %+v %v", short.DueOn, err)
	}
	if n, err := p.n.Tasks.Sweep(ctx); err != nil || n != 0 {
		t.Fatalf("nothing is overdue yet: %d %v", n, err)
	}
	p.n.Tasks.SetNow(func() time.Time { return time.Date(2027, 1, 12, 9, 0, 0, 0, zone) })
	for i, want := range []int{1, 0, 0} {
		if n, err := p.n.Tasks.Sweep(ctx); err != nil || n != want {
			t.Fatalf("sweep %d = %d %v, want %d", i, n, err, want)
		}
	}
	for _, u := range []org.User{p.ex, p.ch} {
		items, _, err := p.n.Notify.List(ctx, u.Scope("test"), "", 50)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if it.Kind == tasks.AlertOverdue {
				n++
				if !strings.Contains(it.Text, "Поздравить ветеранов · 30.12.2026") || it.Link != tasks.Link(short.ID) {
					t.Errorf("overdue notice: %+v", it)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s has %d overdue notices, want 1", u.Login, n)
		}
	}
	list, err := p.n.Tasks.List(ctx, sc, tasks.Filter{View: tasks.ViewAssigned, Overdue: true})
	if err != nil || len(list) != 1 || list[0].ID != short.ID || !list[0].Overdue {
		t.Fatalf("overdue list = %+v %v", list, err)
	}
}

// TestAbsentAssigneeIsFlagged: the one who set a task sees that its
// assignee is away, and is told when the absence is approved.
func TestAbsentAssigneeIsFlagged(t *testing.T) {
	p := setup(t)
	ctx := context.Background()
	tk, err := p.n.Tasks.Create(ctx, p.ch.Scope("test"), tasks.Input{Title: "Сверить взносы", AssigneeID: p.ex.ID, DueDays: 10})
	if err != nil {
		t.Fatal(err)
	}
	today := time.Now().In(p.n.Config.Zone()).Format(time.DateOnly)
	if _, err := p.n.Absences.Create(ctx, p.n.System, absence.Input{UserID: p.ex.ID, Kind: absence.SickLeave, StartsOn: today, EndsOn: today}); err != nil {
		t.Fatal(err)
	}
	must(t, p.chW, "GET", "/api/v1/tasks/"+tk.ID, "", 200, `"absent":{"kind":"sick_leave"`)
	if r := must(t, p.exW, "GET", "/api/v1/tasks/"+tk.ID, "", 200); strings.Contains(r, `"absent"`) {
		t.Errorf("the assignee is shown their own absence: %s", r)
	}
	must(t, p.chW, "GET", "/api/v1/tasks?view=assigned", "", 200, `"absent":{"kind":"sick_leave"`)
	must(t, p.chW, "GET", "/api/v1/notifications", "", 200, `"kind":"absent_executor"`, "Сверить взносы")
}

// TestTaskFromEvent: a task set from a calendar event links back to it;
// someone who cannot see the event cannot set a task from it.
func TestTaskFromEvent(t *testing.T) {
	p := setup(t)
	resp := must(t, p.chW, "POST", "/api/v1/calendar/events", `{"kind":"meeting","title":"Планёрка аппарата","start":"2030-01-10T10:00","end":"2030-01-10T11:00"}`, 201)
	ev := between(resp, `"id":"`, `"`)
	body := `{"title":"Разослать итоги планёрки","assignee_id":"` + p.ex.ID + `","due_days":2,"source_kind":"event","source_id":"` + ev + `"}`
	must(t, p.chW, "POST", "/api/v1/tasks", body, 201, `"title":"Планёрка аппарата"`, `"link":"/calendar#event/`+ev+`"`)
	must(t, p.opW, "POST", "/api/v1/tasks", `{"title":"Чужое","assignee_id":"`+p.op.ID+`","due_days":2,"source_kind":"event","source_id":"`+ev+`"}`, 404, "не найдено")
}
