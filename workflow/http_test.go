package workflow_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// apiUser is a person signed in through the login form of a whole hub.
type apiUser struct {
	*hubtest.Browser
	id string
}

type apiFixture struct {
	n                                    *hubtest.Node
	committee                            org.Unit
	sec, chair, deputy, exec1, exec2, sb apiUser
}

func newAPIFixture(t *testing.T) *apiFixture {
	n := hubtest.Start(t)
	f := &apiFixture{n: n}
	f.committee = n.AddUnit(t, "", org.Committee, "Обком образования")
	other := n.AddUnit(t, "", org.Committee, "Обком связи")
	login := func(name string, role access.Role, unit string) apiUser {
		u := n.AddUser(t, name, role, unit, "pw-"+name+"-long-enough")
		b := n.NewBrowser(t)
		if resp := b.Login(t, name, "pw-"+name+"-long-enough"); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s: %d", name, resp.StatusCode)
		}
		return apiUser{Browser: b, id: u.ID}
	}
	f.sec = login("secretary", access.Secretary, f.committee.ID)
	f.chair = login("chairman", access.Chairman, f.committee.ID)
	f.deputy = login("deputy", access.Deputy, f.committee.ID)
	f.exec1 = login("ivanova", access.Executor, f.committee.ID)
	f.exec2 = login("petrov", access.Executor, f.committee.ID)
	f.sb = login("othersec", access.Secretary, other.ID)
	return f
}

// call sends a JSON request and decodes a 2xx answer into out.
func (u apiUser) call(t *testing.T, method, path, body string, want int, out any) string {
	t.Helper()
	code, resp := u.Do(t, method, path, body)
	if code != want {
		t.Fatalf("%s %s = %d, want %d: %s", method, path, code, want, resp)
	}
	if out != nil {
		if err := json.Unmarshal([]byte(resp), out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, resp)
		}
	}
	return resp
}

func (u apiUser) decide(t *testing.T, id, body string) workflow.Document {
	t.Helper()
	var d workflow.Document
	u.call(t, "POST", "/api/v1/workflow/documents/"+id+"/decisions", body, http.StatusOK, &d)
	return d
}

func (u apiUser) raw(t *testing.T, method, path, ctype string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, u.Base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("X-CSRF-Token", u.CSRF)
	resp, err := u.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, b
}

func TestAPIIncomingRoute(t *testing.T) {
	f := newAPIFixture(t)
	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","medium":"paper","title":"=HYPERLINK(\"http://evil\")",
		"correspondent":"Минобрнауки","orig_number":"01-15/77","orig_date":"2026-02-01","received_on":"2026-02-03","delivery":"почта",
		"summary":"О проверке"}`, http.StatusCreated, &doc)
	if !strings.HasSuffix(doc.Number, "/0001-б") || doc.Step != "resolution" {
		t.Fatalf("registered %+v", doc)
	}
	// The executor cannot open it yet; the other committee's secretary never.
	f.exec1.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusNotFound, nil)
	f.sb.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusNotFound, nil)
	var page workflow.JournalPage
	f.sb.call(t, "GET", "/api/v1/workflow/documents?kind=incoming", "", http.StatusOK, &page)
	if page.Total != 0 {
		t.Fatalf("other committee sees %d documents", page.Total)
	}
	f.sec.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"resolve_deputy"}`, http.StatusForbidden, nil)

	var tasks struct{ Tasks []workflow.Task }
	f.chair.call(t, "GET", "/api/v1/workflow/tasks", "", http.StatusOK, &tasks)
	if len(tasks.Tasks) != 1 || tasks.Tasks[0].DocumentID != doc.ID {
		t.Fatalf("chairman's tasks %+v", tasks)
	}
	var view workflow.DocumentView
	f.chair.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusOK, &view)
	if len(view.Decisions) != 2 {
		t.Fatalf("chairman's decisions %+v", view.Decisions)
	}
	f.chair.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"resolve_deputy","resolution":{"text":"x"}}`,
		http.StatusUnprocessableEntity, nil)
	d := f.chair.decide(t, doc.ID, `{"decision":"resolve_deputy","resolution":{"text":"Подготовить справку","deadline":"2099-04-01","priority":2}}`)
	if d.Step != "assignment" || d.Priority != 2 {
		t.Fatalf("after resolution %+v", d)
	}
	d = f.deputy.decide(t, doc.ID, fmt.Sprintf(`{"decision":"assign","assignees":[%q,%q]}`, f.exec1.id, f.exec2.id))
	if d.Step != "execution" {
		t.Fatalf("after assignment %+v", d)
	}
	f.exec1.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/comments", `{"text":"Беру раздел 1"}`, http.StatusCreated, nil)
	code, _, body := f.exec1.raw(t, "POST", "/api/v1/workflow/uploads/documents/"+doc.ID+"?name=отчёт.html", "text/html",
		[]byte("<script>alert(1)</script>"))
	if code != http.StatusCreated {
		t.Fatalf("upload report: %d %s", code, body)
	}
	var att workflow.Attachment
	_ = json.Unmarshal(body, &att)
	code, hdr, body := f.chair.raw(t, "GET", "/api/v1/workflow/attachments/"+att.ID, "", nil)
	if code != http.StatusOK || hdr.Get("Content-Type") != "application/octet-stream" || !strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment") ||
		string(body) != "<script>alert(1)</script>" {
		t.Fatalf("download: %d %v", code, hdr)
	}
	f.exec1.decide(t, doc.ID, `{"decision":"done","report":"Раздел 1 готов"}`)
	d = f.exec2.decide(t, doc.ID, `{"decision":"done","report":"Раздел 2 готов"}`)
	if d.Status != workflow.StatusClosed {
		t.Fatalf("not closed: %+v", d)
	}
	f.chair.call(t, "GET", "/api/v1/workflow/documents/"+doc.ID, "", http.StatusOK, &view)
	if len(view.History) != 7 || len(view.Decisions) != 0 {
		t.Fatalf("history %d events, decisions %v", len(view.History), view.Decisions)
	}
	var notes struct {
		Notifications []workflow.Notification
		Unread        int
	}
	f.sec.call(t, "GET", "/api/v1/workflow/notifications", "", http.StatusOK, &notes)
	if notes.Unread < 2 {
		t.Fatalf("secretary's notifications %+v", notes)
	}
	f.sec.call(t, "POST", "/api/v1/workflow/notifications/read", `{}`, http.StatusOK, nil)

	// The journal exports to XLSX without formulas.
	code, _, body = f.chair.raw(t, "GET", "/api/v1/workflow/documents/export.xlsx?kind=incoming", "", nil)
	if code != http.StatusOK {
		t.Fatalf("export %d %s", code, body)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	rows, _ := x.GetRows(x.GetSheetName(0))
	if len(rows) != 2 || rows[1][3] != `'=HYPERLINK("http://evil")` {
		t.Fatalf("export rows %q", rows)
	}
	if f, _ := x.GetCellFormula(x.GetSheetName(0), "D2"); f != "" {
		t.Fatalf("title exported as formula %q", f)
	}
	f.chair.call(t, "GET", "/api/v1/workflow/documents/export.xlsx?from=yesterday", "", http.StatusUnprocessableEntity, nil)
}

func TestAPIInternalAndOutgoingRoutes(t *testing.T) {
	f := newAPIFixture(t)
	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"internal","title":"Положение о премировании"}`, http.StatusCreated, &doc)
	f.chair.decide(t, doc.ID, `{"decision":"sign"}`)
	f.sec.decide(t, doc.ID, fmt.Sprintf(`{"decision":"acquaint","assignees":[%q]}`, f.exec1.id))
	if d := f.exec1.decide(t, doc.ID, `{"decision":"acknowledge"}`); d.Status != workflow.StatusClosed {
		t.Fatalf("internal %+v", d)
	}
	f.sec.call(t, "PATCH", "/api/v1/workflow/documents/"+doc.ID, `{"title":"Другое"}`, http.StatusUnprocessableEntity, nil)

	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"internal","title":"Справка"}`, http.StatusCreated, &doc)
	f.chair.decide(t, doc.ID, `{"decision":"sign"}`)
	if d := f.sec.decide(t, doc.ID, `{"decision":"no_acquaintance"}`); d.Status != workflow.StatusClosed {
		t.Fatalf("no acquaintance %+v", d)
	}

	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"outgoing","title":"Ответ в министерство","correspondent":"Минобрнауки"}`,
		http.StatusCreated, &doc)
	f.sec.decide(t, doc.ID, `{"decision":"to_chairman"}`)
	f.chair.call(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"reject"}`, http.StatusUnprocessableEntity, nil)
	f.chair.decide(t, doc.ID, `{"decision":"approve"}`)
	d := f.sec.decide(t, doc.ID, `{"decision":"dispatch","dispatch":{"method":"courier","address":"ул. Ленина, 1"}}`)
	if d.Status != workflow.StatusClosed || d.Dispatch.Method != "courier" {
		t.Fatalf("outgoing %+v", d)
	}

	// Bad input: malformed, unknown fields, oversized.
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming",`, http.StatusUnprocessableEntity, nil)
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","title":"x","colour":"red"}`, http.StatusUnprocessableEntity, nil)
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","title":"`+strings.Repeat("я", 2<<20)+`"}`,
		http.StatusRequestEntityTooLarge, nil)
	f.exec1.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","title":"x"}`, http.StatusForbidden, nil)
}

func TestAPIConcurrentDecision(t *testing.T) {
	f := newAPIFixture(t)
	chair2 := f.n.AddUser(t, "chair2", access.Chairman, f.committee.ID, "pw-chair2-long-enough")
	b2 := apiUser{Browser: f.n.NewBrowser(t), id: chair2.ID}
	b2.Login(t, "chair2", "pw-chair2-long-enough")
	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"internal","title":"Приказ"}`, http.StatusCreated, &doc)
	codes := make([]int, 2)
	bodies := make([]string, 2)
	var wg sync.WaitGroup
	for i, u := range []apiUser{f.chair, b2} {
		wg.Go(func() {
			codes[i], bodies[i] = u.Do(t, "POST", "/api/v1/workflow/documents/"+doc.ID+"/decisions", `{"decision":"sign"}`)
		})
	}
	wg.Wait()
	if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
		t.Fatalf("codes %v %v", codes, bodies)
	}
	for i, c := range codes {
		if c == 409 && !strings.Contains(bodies[i], "уже принял решение кто-то другой") {
			t.Fatalf("conflict message %s", bodies[i])
		}
	}
}

func TestAPIDefinitionsAndFormats(t *testing.T) {
	f := newAPIFixture(t)
	admin := apiUser{Browser: f.n.NewBrowser(t)}
	admin.Login(t, "admin", hubtest.AdminPassword)
	admin.call(t, "PUT", "/api/v1/workflow/registries/"+f.committee.ID+"/incoming",
		`{"format":"Вх-{seq:3}/{yy}{medium}","paper_mark":"п","electronic_mark":""}`, http.StatusOK, nil)
	f.sec.call(t, "PUT", "/api/v1/workflow/registries/"+f.committee.ID+"/incoming",
		`{"format":"{seq}/{year}","paper_mark":"п","electronic_mark":"э"}`, http.StatusForbidden, nil)
	admin.call(t, "PUT", "/api/v1/workflow/registries/"+f.committee.ID+"/incoming", `{"format":"{seq}"}`, http.StatusUnprocessableEntity, nil)
	var doc workflow.Document
	f.sec.call(t, "POST", "/api/v1/workflow/documents", `{"kind":"incoming","medium":"paper","title":"x"}`, http.StatusCreated, &doc)
	if !strings.HasPrefix(doc.Number, "Вх-001/") || !strings.HasSuffix(doc.Number, "п") {
		t.Fatalf("number %q", doc.Number)
	}
	var def workflow.Definition
	admin.call(t, "GET", "/api/v1/workflow/definitions/internal", "", http.StatusOK, &def)
	def.Name = `Внутренний <script>alert(1)</script>`
	def.Steps[1].Decisions = nil // a dead end
	b, _ := json.Marshal(def)
	body := admin.call(t, "PUT", "/api/v1/workflow/definitions/internal", string(b), http.StatusUnprocessableEntity, nil)
	if !strings.Contains(body, "тупик") || !strings.Contains(body, `"code":"invalid"`) {
		t.Fatalf("validation message %s", body)
	}
	admin.call(t, "GET", "/api/v1/workflow/definitions/internal", "", http.StatusOK, &def)
	def.Name = `Внутренний <script>alert(1)</script>`
	b, _ = json.Marshal(def)
	admin.call(t, "PUT", "/api/v1/workflow/definitions/internal", string(b), http.StatusOK, &def)
	if def.Version != 2 {
		t.Fatalf("version %d", def.Version)
	}
	code, hdr, svg := f.sec.raw(t, "GET", "/api/v1/workflow/definitions/internal/diagram.svg?current=signing", "", nil)
	if code != 200 || hdr.Get("Content-Type") != "image/svg+xml" || strings.Contains(string(svg), "<script>") ||
		!strings.Contains(string(svg), "Подпись председателя") || !strings.Contains(string(svg), "&lt;script&gt;") {
		t.Fatalf("diagram %d %s", code, svg)
	}
}
