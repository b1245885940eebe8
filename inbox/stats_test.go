package inbox_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/inbox"
)

// installation is the hub's zone in tests: PROFHUB_TIME_ZONE's default, Orenburg's UTC+5.
var installation = time.FixedZone("UTC+5", 5*3600)

// statsConv is one conversation of the stats fixture: how it is played
// through the API, then the times (offsets from created, in seconds; -1
// leaves the column 0) it is pinned to so that the figures are exact.
type statsConv struct {
	line     string // "A" or "B"
	operator string // login that takes it; "" leaves it in the queue
	reply    bool
	end      string // "", "close" or "spam"
	created  time.Time
	assigned int64
	first    int64
	closed   int64
	rating   int
}

var statsConvs = []statsConv{
	{line: "A", operator: "op1", reply: true, end: "close", created: time.Date(2026, 11, 1, 10, 0, 0, 0, installation), assigned: 60, first: 120, closed: 600, rating: 5},
	{line: "A", operator: "op2", reply: true, created: time.Date(2026, 11, 1, 23, 30, 0, 0, installation), assigned: 30, first: 90, closed: -1},
	// Still 1 November in UTC, already the 2nd in Orenburg.
	{line: "A", created: time.Date(2026, 11, 2, 0, 30, 0, 0, installation), assigned: -1, first: -1, closed: -1},
	{line: "A", operator: "op1", end: "close", created: time.Date(2026, 11, 2, 12, 0, 0, 0, installation), assigned: 10, first: -1, closed: 100, rating: 2},
	{line: "A", end: "spam", created: time.Date(2026, 11, 2, 13, 0, 0, 0, installation), assigned: -1, first: -1, closed: 5},
	{line: "B", operator: "opb", reply: true, created: time.Date(2026, 11, 1, 12, 0, 0, 0, installation), assigned: 5, first: 20, closed: -1, rating: 4},
	// Outside the period: never counted.
	{line: "A", operator: "op1", reply: true, created: time.Date(2026, 10, 31, 23, 59, 0, 0, installation), assigned: 1, first: 2, closed: -1},
}

// newStatsWorld plays statsConvs through the real engine and pins their times.
func newStatsWorld(t *testing.T) *twoUnits {
	t.Helper()
	w := newTwoUnits(t)
	for _, op := range []string{"op1", "op2", "opb"} {
		if code := w.as(t, op, "POST", "/api/v1/inbox/presence", map[string]string{"status": "online"}, nil); code != 200 {
			t.Fatalf("presence of %s: %d", op, code)
		}
	}
	for i, sc := range statsConvs {
		ch, tok := w.chA, w.chTokA
		if sc.line == "B" {
			ch, tok = w.chB, w.chTokB
		}
		var in inbox.APIInbound
		in.Contact.ID, in.Contact.Name = "member-"+string(rune('a'+i)), "Член профсоюза"
		in.Message.ID, in.Message.Text = "m-"+string(rune('a'+i)), "Вопрос"
		code, body := call(t, w.n.Server.URL, tok, "POST", "/hooks/api/"+ch.ID+"/messages", in)
		if code != http.StatusCreated {
			t.Fatalf("inbound %d: %d %s", i, code, body)
		}
		var res inbox.IngestResult
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		conv := "/api/v1/inbox/conversations/" + res.ConversationID
		actor := sc.operator
		if sc.operator != "" {
			if code := w.as(t, actor, "POST", conv+"/take", nil, nil); code != 200 {
				t.Fatalf("%s takes %d: %d", actor, i, code)
			}
		} else {
			actor = "op1" // an operator of line A may close or mark a waiting conversation
		}
		if sc.reply {
			if code := w.as(t, actor, "POST", conv+"/messages", inbox.ReplyInput{Text: "Ответ"}, nil); code != http.StatusCreated {
				t.Fatalf("%s replies to %d: %d", actor, i, code)
			}
		}
		if sc.end != "" {
			if code := w.as(t, actor, "POST", conv+"/"+sc.end, nil, nil); code != 200 {
				t.Fatalf("%s: %s %d: %d", actor, sc.end, i, code)
			}
		}
		// The engine itself recorded what the report counts.
		var assigned, first, closed int64
		if err := w.n.DB.QueryRow(`SELECT assigned_at, first_response_at, closed_at FROM inbox_conversations WHERE id = $1`,
			res.ConversationID).Scan(&assigned, &first, &closed); err != nil {
			t.Fatal(err)
		}
		if (assigned > 0) != (sc.assigned >= 0) || (first > 0) != (sc.first >= 0) || (closed > 0) != (sc.closed >= 0) {
			t.Fatalf("conversation %d: assigned %d, first response %d, closed %d", i, assigned, first, closed)
		}
		at := func(off int64) int64 {
			if off < 0 {
				return 0
			}
			return sc.created.UnixMilli() + off*1000
		}
		if _, err := w.n.DB.Exec(`UPDATE inbox_conversations SET created_at = $2, queued_at = $2, assigned_at = $3,
			first_response_at = $4, closed_at = $5, rating = $6 WHERE id = $1`,
			res.ConversationID, sc.created.UnixMilli(), at(sc.assigned), at(sc.first), at(sc.closed), sc.rating); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

const statsPeriod = "/api/v1/inbox/stats?from=2026-11-01&to=2026-11-02"

func TestStatsFigures(t *testing.T) {
	w := newStatsWorld(t)
	var st inbox.Stats
	if code := w.as(t, "boss", "GET", statsPeriod, nil, &st); code != 200 {
		t.Fatalf("stats: %d", code)
	}
	want := inbox.Figures{Received: 6, Answered: 3, Missed: 2, Waiting: 1, Closed: 3, Spam: 1, MessagesIn: 6, MessagesOut: 3,
		FirstResponse: inbox.Timing{Count: 3, AvgS: 76.67, P90S: 120},
		Wait:          inbox.Timing{Count: 4, AvgS: 26.25, P90S: 60},
		Handling:      inbox.Timing{Count: 2, AvgS: 315, P90S: 540},
		RatingAvg:     3.67, Rated: 3}
	if st.Total != want {
		t.Errorf("total\n got %+v\nwant %+v", st.Total, want)
	}
	if st.OwnOnly || st.TZ != "Asia/Yekaterinburg" || !st.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, installation)) ||
		!st.To.Equal(time.Date(2026, 11, 3, 0, 0, 0, 0, installation)) {
		t.Errorf("period %s–%s in %s, own only %v", st.From, st.To, st.TZ, st.OwnOnly)
	}
	days := []inbox.DayStats{
		{Day: "2026-11-01", Figures: inbox.Figures{Received: 3, Answered: 3, MessagesIn: 3, MessagesOut: 3, Closed: 1,
			FirstResponse: inbox.Timing{Count: 3, AvgS: 76.67, P90S: 120}, Wait: inbox.Timing{Count: 3, AvgS: 31.67, P90S: 60},
			Handling: inbox.Timing{Count: 1, AvgS: 540, P90S: 540}, RatingAvg: 4.5, Rated: 2}},
		{Day: "2026-11-02", Figures: inbox.Figures{Received: 3, Missed: 2, Waiting: 1, Closed: 2, Spam: 1, MessagesIn: 3,
			Wait: inbox.Timing{Count: 1, AvgS: 10, P90S: 10}, Handling: inbox.Timing{Count: 1, AvgS: 90, P90S: 90}, RatingAvg: 2, Rated: 1}},
	}
	if !slices.Equal(st.Days, days) {
		t.Errorf("days\n got %+v\nwant %+v", st.Days, days)
	}
	op1 := inbox.OperatorStats{OperatorID: w.users["op1"].ID, Name: "Петров Пётр", Figures: inbox.Figures{Received: 2, Answered: 1,
		Missed: 1, Closed: 2, MessagesIn: 2, MessagesOut: 1, FirstResponse: inbox.Timing{Count: 1, AvgS: 120, P90S: 120},
		Wait: inbox.Timing{Count: 2, AvgS: 35, P90S: 60}, Handling: inbox.Timing{Count: 2, AvgS: 315, P90S: 540}, RatingAvg: 3.5, Rated: 2}}
	if got := names(st); got != hostileName+"|Борисов Борис|Петров Пётр" {
		t.Errorf("operators %s", got)
	} else if st.Operators[2] != op1 {
		t.Errorf("op1\n got %+v\nwant %+v", st.Operators[2], op1)
	}
	if len(st.Lines) != 2 || st.Lines[0].Name != "+Линия Б" || st.Lines[0].Received != 1 || st.Lines[1].Received != 5 ||
		st.Lines[1].Spam != 1 || st.Lines[1].LineID != w.lineA.ID {
		t.Errorf("lines %+v", st.Lines)
	}
}

// names lists a report's operators, "|"-separated.
func names(st inbox.Stats) string {
	var ops []string
	for _, o := range st.Operators {
		ops = append(ops, o.Name)
	}
	return strings.Join(ops, "|")
}

// lineNames lists a report's lines, "|"-separated.
func lineNames(st inbox.Stats) string {
	var ls []string
	for _, l := range st.Lines {
		ls = append(ls, l.Name)
	}
	return strings.Join(ls, "|")
}

func TestStatsScope(t *testing.T) {
	w := newStatsWorld(t)
	tests := []struct {
		who, query string
		received   int
		operators  string
		lines      string
		ownOnly    bool
	}{
		{"boss", "", 6, hostileName + "|Борисов Борис|Петров Пётр", "+Линия Б|Линия А", false},
		{"boss", "&line_id=" + w.lineB.ID, 1, "Борисов Борис", "+Линия Б", false},
		// Unit A's chairman and administrator watch unit A's line, not B's.
		{"chaira", "", 5, hostileName + "|Петров Пётр", "Линия А", false},
		{"admina", "", 5, hostileName + "|Петров Пётр", "Линия А", false},
		// A line supervisor watches that line; belonging to unit B shows
		// nothing of line B's conversations to an ordinary operator.
		{"sup", "", 5, hostileName + "|Петров Пётр", "Линия А", false},
		// Operators get their own figures only.
		{"op1", "", 2, "Петров Пётр", "Линия А", true},
		{"op2", "", 1, hostileName, "Линия А", true},
		{"opb", "", 1, "Борисов Борис", "+Линия Б", true},
		{"op1", "&line_id=" + w.lineA.ID, 2, "Петров Пётр", "Линия А", true},
	}
	for _, tc := range tests {
		var st inbox.Stats
		if code := w.as(t, tc.who, "GET", statsPeriod+tc.query, nil, &st); code != 200 {
			t.Fatalf("%s%s: %d", tc.who, tc.query, code)
		}
		if st.Total.Received != tc.received || names(st) != tc.operators || lineNames(st) != tc.lines || st.OwnOnly != tc.ownOnly {
			t.Errorf("%s%s: %d received, operators %q, lines %q, own only %v", tc.who, tc.query, st.Total.Received, names(st),
				lineNames(st), st.OwnOnly)
		}
		sum := 0
		for _, d := range st.Days {
			sum += d.Received
		}
		if sum != tc.received || len(st.Days) != 2 {
			t.Errorf("%s: days add up to %d over %d days", tc.who, sum, len(st.Days))
		}
	}
	bad := []struct{ who, query string }{
		{"op1", statsPeriod + "&line_id=" + w.lineB.ID},               // a line one cannot see: 404
		{"boss", "/api/v1/inbox/stats?from=2026-11-31"},               // not a date
		{"boss", "/api/v1/inbox/stats?from=2026-11-03&to=2026-11-01"}, // backwards
		{"boss", "/api/v1/inbox/stats?from=2024-01-01&to=2026-11-01"}, // too long
		{"boss", statsPeriod + "&format=pdf"},                         // unknown format
		{"boss", statsPeriod + "&tz=Mars/Olympus"},                    // unknown zone
	}
	for i, tc := range bad {
		want := http.StatusUnprocessableEntity
		if i == 0 {
			want = http.StatusNotFound
		}
		if code := w.as(t, tc.who, "GET", tc.query, nil, nil); code != want {
			t.Errorf("%s %s: %d, want %d", tc.who, tc.query, code, want)
		}
	}
	if n := w.auditCount(t, "inbox.stats_export"); n != 0 {
		t.Errorf("%d exports audited for JSON reports", n)
	}
}

// download fetches an export as login.
func download(t *testing.T, w *twoUnits, login, query string) (http.Header, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", w.n.Server.URL+statsPeriod+query, nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens[login])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("%s%s: %d %s", login, query, resp.StatusCode, body)
	}
	return resp.Header, body
}

func TestStatsXLSX(t *testing.T) {
	w := newStatsWorld(t)
	h, body := download(t, w, "boss", "&format=xlsx")
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="inbox-stats-2026-11-01-2026-11-02.xlsx"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got := x.GetSheetList(); !slices.Equal(got, []string{"По дням", "По операторам", "По линиям"}) {
		t.Fatalf("sheets %v", got)
	}
	cells := []struct{ sheet, cell, want string }{
		{"По дням", "A1", "Дата"},
		{"По дням", "B1", "Поступило"},
		{"По дням", "I1", "Ответов операторов"},
		{"По дням", "J1", "Первый ответ, ср., с"},
		{"По дням", "K1", "Первый ответ, 90%, с"},
		{"По дням", "A2", "2026-11-01"},
		{"По дням", "B2", "3"},
		{"По дням", "I2", "3"},
		{"По дням", "J2", "76.67"},
		{"По дням", "K2", "120"},
		{"По дням", "A3", "2026-11-02"},
		{"По дням", "D3", "2"}, // missed
		{"По дням", "J3", ""},  // nobody answered: no first-response time
		{"По дням", "A4", "Итого"},
		{"По дням", "B4", "6"},
		{"По дням", "P4", "3.67"},
		{"По операторам", "A1", "Оператор"},
		{"По операторам", "A2", "'" + hostileName},
		{"По операторам", "A4", "Петров Пётр"},
		{"По операторам", "B4", "2"},
		{"По линиям", "A1", "Линия"},
		{"По линиям", "A2", "'+Линия Б"},
		{"По линиям", "A3", "Линия А"},
		{"По линиям", "B3", "5"},
		{"По линиям", "G3", "1"}, // spam
	}
	for _, c := range cells {
		got, err := x.GetCellValue(c.sheet, c.cell)
		if err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
	}
	// The hostile name is a text cell, not a formula.
	for _, c := range []struct{ sheet, cell string }{{"По операторам", "A2"}, {"По линиям", "A2"}} {
		if f, err := x.GetCellFormula(c.sheet, c.cell); err != nil || f != "" {
			t.Errorf("%s!%s holds formula %q (%v)", c.sheet, c.cell, f, err)
		}
		if typ, _ := x.GetCellType(c.sheet, c.cell); typ == excelize.CellTypeFormula {
			t.Errorf("%s!%s is a formula cell", c.sheet, c.cell)
		}
	}
	// An operator's own export holds their figures only.
	_, body = download(t, w, "op1", "&format=xlsx")
	x2, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer x2.Close()
	rows, _ := x2.GetRows("По операторам")
	if len(rows) != 2 || rows[1][0] != "Петров Пётр" || rows[1][1] != "2" {
		t.Errorf("op1's operators sheet %v", rows)
	}
	if n := w.auditCount(t, "inbox.stats_export"); n != 2 {
		t.Errorf("%d exports audited, want 2", n)
	}
}

func TestStatsCSV(t *testing.T) {
	w := newStatsWorld(t)
	h, body := download(t, w, "chaira", "&format=csv")
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="inbox-stats-2026-11-01-2026-11-02.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]string{} // "section/name" → figures
	for _, r := range recs[1:] {
		got[r[0]+"/"+r[1]] = r[2:]
	}
	if recs[0][0] != "Раздел" || recs[0][2] != "Поступило" || len(recs) != 1+3+2+2 {
		t.Fatalf("csv:\n%s", body)
	}
	for key, want := range map[string]string{
		"По дням/2026-11-01":            "2",
		"По дням/2026-11-02":            "3",
		"По дням/Итого":                 "5",
		"По операторам/'" + hostileName: "1",
		"По операторам/Петров Пётр":     "2",
		"По линиям/Линия А":             "5",
	} {
		if r, ok := got[key]; !ok || r[0] != want {
			t.Errorf("%s: %v, want received %s", key, r, want)
		}
	}
	if bytes.Contains(body, []byte("Линия Б")) || bytes.Contains(body, []byte("Борисов")) {
		t.Errorf("unit B leaks into unit A's export:\n%s", body)
	}
	var details string
	if err := w.n.DB.QueryRow(`SELECT details FROM audit_log WHERE action = 'inbox.stats_export' AND actor_id = $1 AND unit_id = $2`,
		w.users["chaira"].ID, w.unitA.ID).Scan(&details); err != nil || !strings.Contains(details, `"format":"csv"`) {
		t.Errorf("audit of the export: %q %v", details, err)
	}
}

// Working hours without a zone of their own are the installation's
// (PROFHUB_TIME_ZONE, Orenburg's UTC+5 by default), not Moscow's.
func TestWorkingHoursInTheInstallationsZone(t *testing.T) {
	h := inbox.WorkingHours{Week: map[string][]inbox.Period{"mon": {{From: "09:00", To: "18:00"}}}}
	// Monday 7 December 2026, 09:30 in Orenburg: 07:30 in Moscow.
	at := time.Date(2026, 12, 7, 9, 30, 0, 0, installation)
	if !h.Open(at) {
		t.Errorf("09:30 in the installation's zone is closed")
	}
	if h.Open(at.Add(9 * time.Hour)) {
		t.Errorf("18:30 in the installation's zone is open")
	}
	h.TZ = "Europe/Moscow"
	if h.Open(at) {
		t.Errorf("07:30 in Moscow, with the line's own zone, is open")
	}
}
