package inbox_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
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

// sameAtWork gives f's working-time timings for a line without hours,
// which counts every minute.
func sameAtWork(f *inbox.Figures) {
	f.FirstResponseWork, f.ResolutionWork = f.FirstResponse, f.Resolution
}

func TestStatsFigures(t *testing.T) {
	w := newStatsWorld(t)
	var st inbox.Stats
	if code := w.as(t, "boss", "GET", statsPeriod, nil, &st); code != 200 {
		t.Fatalf("stats: %d", code)
	}
	want := inbox.Figures{Received: 6, Answered: 3, Missed: 2, Waiting: 1, Closed: 3, Spam: 1, MessagesIn: 6, MessagesOut: 3,
		FirstResponse: inbox.Timing{Count: 3, AvgS: 76.67, MedianS: 90, P90S: 120},
		Wait:          inbox.Timing{Count: 4, AvgS: 26.25, MedianS: 10, P90S: 60},
		Handling:      inbox.Timing{Count: 2, AvgS: 315, MedianS: 90, P90S: 540},
		Resolution:    inbox.Timing{Count: 2, AvgS: 350, MedianS: 100, P90S: 600},
		RatingAvg:     3.67, Rated: 3, Ratings: [5]int{0, 1, 0, 1, 1}}
	sameAtWork(&want) // the test's lines have no hours
	if st.Total != want {
		t.Errorf("total\n got %+v\nwant %+v", st.Total, want)
	}
	if st.OwnOnly || st.TZ != "Asia/Yekaterinburg" || !st.From.Equal(time.Date(2026, 11, 1, 0, 0, 0, 0, installation)) ||
		!st.To.Equal(time.Date(2026, 11, 3, 0, 0, 0, 0, installation)) {
		t.Errorf("period %s–%s in %s, own only %v", st.From, st.To, st.TZ, st.OwnOnly)
	}
	days := []inbox.DayStats{
		{Day: "2026-11-01", Figures: inbox.Figures{Received: 3, Answered: 3, MessagesIn: 3, MessagesOut: 3, Closed: 1,
			FirstResponse: inbox.Timing{Count: 3, AvgS: 76.67, MedianS: 90, P90S: 120}, Wait: inbox.Timing{Count: 3, AvgS: 31.67, MedianS: 30, P90S: 60},
			Handling: inbox.Timing{Count: 1, AvgS: 540, MedianS: 540, P90S: 540}, Resolution: inbox.Timing{Count: 1, AvgS: 600, MedianS: 600, P90S: 600},
			RatingAvg: 4.5, Rated: 2, Ratings: [5]int{0, 0, 0, 1, 1}}},
		{Day: "2026-11-02", Figures: inbox.Figures{Received: 3, Missed: 2, Waiting: 1, Closed: 2, Spam: 1, MessagesIn: 3,
			Wait: inbox.Timing{Count: 1, AvgS: 10, MedianS: 10, P90S: 10}, Handling: inbox.Timing{Count: 1, AvgS: 90, MedianS: 90, P90S: 90},
			Resolution: inbox.Timing{Count: 1, AvgS: 100, MedianS: 100, P90S: 100}, RatingAvg: 2, Rated: 1, Ratings: [5]int{0, 1, 0, 0, 0}}},
	}
	for i := range days {
		sameAtWork(&days[i].Figures)
	}
	if !slices.Equal(st.Days, days) {
		t.Errorf("days\n got %+v\nwant %+v", st.Days, days)
	}
	op1 := inbox.OperatorStats{OperatorID: w.users["op1"].ID, Name: "Петров Пётр", Figures: inbox.Figures{Received: 2, Answered: 1,
		Missed: 1, Closed: 2, MessagesIn: 2, MessagesOut: 1, FirstResponse: inbox.Timing{Count: 1, AvgS: 120, MedianS: 120, P90S: 120},
		Wait: inbox.Timing{Count: 2, AvgS: 35, MedianS: 10, P90S: 60}, Handling: inbox.Timing{Count: 2, AvgS: 315, MedianS: 90, P90S: 540},
		Resolution: inbox.Timing{Count: 2, AvgS: 350, MedianS: 100, P90S: 600}, RatingAvg: 3.5, Rated: 2, Ratings: [5]int{0, 1, 0, 0, 1}}}
	sameAtWork(&op1.Figures)
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
	if got := x.GetSheetList(); !slices.Equal(got, []string{"По линиям", "По операторам", "По видам каналов", "По каналам", "По дням"}) {
		t.Fatalf("sheets %v", got)
	}
	cells := []struct{ sheet, cell, want string }{
		{"По дням", "A1", "Дата"},
		{"По дням", "B1", "Поступило"},
		{"По дням", "H1", "Нарушений SLA"},
		{"По дням", "J1", "Ответов операторов"},
		{"По дням", "K1", "Первый ответ, среднее, с"},
		{"По дням", "L1", "Первый ответ, медиана, с"},
		{"По дням", "M1", "Первый ответ, 90%, с"},
		{"По дням", "T1", "Решение, среднее, с"},
		{"По дням", "W1", "Первый ответ в рабочее время, среднее, с"},
		{"По дням", "Z1", "Решение в рабочее время, среднее, с"},
		{"По дням", "AI1", "Оценка 5"},
		{"По дням", "A2", "2026-11-01"},
		{"По дням", "B2", "3"},
		{"По дням", "J2", "3"},
		{"По дням", "K2", "76.67"},
		{"По дням", "L2", "90"},
		{"По дням", "M2", "120"},
		{"По дням", "A3", "2026-11-02"},
		{"По дням", "D3", "2"}, // missed
		{"По дням", "K3", ""},  // nobody answered: no first-response time
		{"По дням", "A4", "Итого"},
		{"По дням", "B4", "6"},
		{"По дням", "H4", "0"}, // no conversation here missed a target
		{"По дням", "T4", "350"},
		{"По дням", "W4", "76.67"}, // the lines have no hours: working time is all time
		{"По дням", "Z4", "350"},
		{"По дням", "AC4", "3.67"},
		{"По дням", "AD4", "3"},
		{"По дням", "AF4", "1"}, // one rating of 2
		{"По дням", "AI4", "1"}, // one of 5
		{"По операторам", "A1", "Оператор"},
		{"По операторам", "A2", "'" + hostileName},
		{"По операторам", "A4", "Петров Пётр"},
		{"По операторам", "B4", "2"},
		{"По линиям", "A1", "Линия"},
		{"По линиям", "A2", "'+Линия Б"},
		{"По линиям", "A3", "Линия А"},
		{"По линиям", "B3", "5"},
		{"По линиям", "G3", "1"}, // spam
		{"По линиям", "A4", "Итого"},
		{"По видам каналов", "A2", "API"},
		{"По видам каналов", "B2", "6"},
		{"По каналам", "B2", "1"}, // line B's channel sorts first
		{"По каналам", "B3", "5"},
	}
	for _, c := range cells {
		got, err := x.GetCellValue(c.sheet, c.cell)
		if err != nil || got != c.want {
			t.Errorf("%s!%s = %q (%v), want %q", c.sheet, c.cell, got, err, c.want)
		}
	}
	// The hostile names are text cells, not formulas.
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

// TestStatsTableCSV: one table per file, under the same columns as the
// page and the workbook; names that a spreadsheet would run as formulas
// are neutralised; each file is audited with its table.
func TestStatsTableCSV(t *testing.T) {
	w := newStatsWorld(t)
	// A channel named as a formula, as a hostile administrator might.
	if _, err := w.n.DB.Exec(`UPDATE inbox_channels SET name = $2 WHERE id = $1`, w.chA.ID, `=HYPERLINK("http://x","y")`); err != nil {
		t.Fatal(err)
	}
	read := func(login, table string) (http.Header, [][]string) {
		h, body := download(t, w, login, "&format=csv&table="+table)
		recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return h, recs
	}
	h, recs := read("chaira", "operators")
	if cd := h.Get("Content-Disposition"); cd != `attachment; filename="inbox-stats-operators-2026-11-01-2026-11-02.csv"` {
		t.Errorf("Content-Disposition %q", cd)
	}
	if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	var st inbox.Stats
	if code := w.as(t, "chaira", "GET", statsPeriod, nil, &st); code != 200 {
		t.Fatal(code)
	}
	// The CSV's header is the page's columns.
	want := []string{"Оператор"}
	for _, c := range st.Columns {
		want = append(want, c.Title)
	}
	if !slices.Equal(recs[0], want) || len(recs) != 3 || recs[1][0] != "'"+hostileName || recs[2][0] != "Петров Пётр" || recs[2][1] != "2" {
		t.Fatalf("operators csv %q", recs)
	}
	_, recs = read("chaira", "channels")
	if len(recs) != 3 || recs[1][0] != `'=HYPERLINK("http://x","y")` || recs[1][1] != "5" || recs[2][0] != "Итого" {
		t.Errorf("channels csv %q", recs)
	}
	for _, r := range recs {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q would run as a formula", c)
			}
		}
	}
	_, recs = read("chaira", "days")
	if len(recs) != 4 || recs[1][0] != "2026-11-01" || recs[1][1] != "2" || recs[3][0] != "Итого" || recs[3][1] != "5" {
		t.Errorf("days csv %q", recs)
	}
	// Every cell of the page's table is the file's.
	tbl := st.Tables[slices.IndexFunc(st.Tables, func(t inbox.StatsTable) bool { return t.ID == "days" })]
	for i, row := range tbl.Rows {
		for j, v := range row {
			got := recs[i+1][j]
			if s := fmt.Sprint(v); v != nil && s != got || v == nil && got != "" {
				t.Errorf("days[%d][%d]: page %v, csv %q", i, j, v, got)
			}
		}
	}
	if _, body := download(t, w, "chaira", "&format=csv"); !bytes.HasPrefix(body, []byte("Дата,")) {
		t.Errorf("a CSV without a table is the days':\n%s", body)
	}
	for _, b := range []string{"", "x"} {
		if code := w.as(t, "chaira", "GET", statsPeriod+"&format=csv&table=audit"+b, nil, nil); code != http.StatusUnprocessableEntity {
			t.Errorf("unknown table: %d", code)
		}
	}
	bs, _ := json.Marshal(st)
	if bytes.Contains(bs, []byte("Линия Б")) || bytes.Contains(bs, []byte("Борисов")) {
		t.Errorf("unit B leaks into unit A's report")
	}
	var details string
	if err := w.n.DB.QueryRow(`SELECT details FROM audit_log WHERE action = 'inbox.stats_export' AND actor_id = $1 AND unit_id = $2
		AND details LIKE '%"table":"channels"%'`, w.users["chaira"].ID, w.unitA.ID).Scan(&details); err != nil || !strings.Contains(details, `"format":"csv"`) {
		t.Errorf("audit of the export: %q %v", details, err)
	}
	if n := w.auditCount(t, "inbox.stats_export"); n != 4 {
		t.Errorf("%d exports audited, want 4", n)
	}
}

// TestStatsFilters: operator, kind of channel and channel narrow the
// report within what the caller may see; bad values are refused.
func TestStatsFilters(t *testing.T) {
	w := newStatsWorld(t)
	tests := []struct {
		who, query string
		received   int
		operators  string
	}{
		{"boss", "&operator_id=" + w.users["op1"].ID, 2, "Петров Пётр"},
		{"boss", "&channel_kind=api", 6, hostileName + "|Борисов Борис|Петров Пётр"},
		{"boss", "&channel_kind=telegram", 0, ""},
		{"boss", "&channel_id=" + w.chB.ID, 1, "Борисов Борис"},
		{"boss", "&channel_id=" + w.chA.ID + "&operator_id=" + w.users["op2"].ID, 1, hostileName},
		{"boss", "&line_id=" + w.lineA.ID + "&channel_id=" + w.chB.ID, 0, ""},
		// Filters never widen the scope: unit A's chairman asking for
		// line B's channel or operator sees nothing of it.
		{"chaira", "&channel_id=" + w.chB.ID, 0, ""},
		{"chaira", "&operator_id=" + w.users["opb"].ID, 0, ""},
		{"op1", "&operator_id=" + w.users["op2"].ID, 0, ""},
	}
	for _, tc := range tests {
		var st inbox.Stats
		if code := w.as(t, tc.who, "GET", statsPeriod+tc.query, nil, &st); code != 200 {
			t.Fatalf("%s%s: %d", tc.who, tc.query, code)
		}
		if st.Total.Received != tc.received || names(st) != tc.operators {
			t.Errorf("%s%s: %d received, operators %q", tc.who, tc.query, st.Total.Received, names(st))
		}
		hours, heat := 0, 0
		for h, n := range st.Hours {
			hours += n
			for d := range 7 {
				heat += st.Heat[d][h]
			}
		}
		if hours != tc.received || heat != tc.received {
			t.Errorf("%s%s: hours add up to %d, heat map to %d", tc.who, tc.query, hours, heat)
		}
	}
	if code := w.as(t, "boss", "GET", statsPeriod+"&channel_kind=pigeon", nil, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("unknown kind: %d", code)
	}
	// 366 days are one report; 367 are not.
	if code := w.as(t, "boss", "GET", "/api/v1/inbox/stats?from=2025-11-01&to=2026-11-01", nil, nil); code != 200 {
		t.Errorf("366 days: %d", code)
	}
	if code := w.as(t, "boss", "GET", "/api/v1/inbox/stats?from=2025-10-31&to=2026-11-01", nil, nil); code != http.StatusUnprocessableEntity {
		t.Errorf("367 days: %d", code)
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
