package inbox

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/auth"
)

// statsHandlers serve the statistics report and its export.
type statsHandlers struct{ Stats *Statistics }

// httpStats answers the report as JSON, or as a CSV or XLSX file. Files
// carry personal data (operators' names) out of the hub, so each is audited.
func (h *statsHandlers) httpStats(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	q := r.URL.Query()
	f, err := statsFilterFromQuery(q, time.Now(), userZone(p))
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	format := q.Get("format")
	switch format {
	case "", "json", "csv", "xlsx":
	default:
		httpapi.Error(w, r, valid.Errorf("format", "format", "format must be json, csv or xlsx"))
		return
	}
	st, err := h.Stats.Report(r.Context(), p.Scope, f)
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	if format == "" || format == "json" {
		httpapi.WriteJSON(w, http.StatusOK, st)
		return
	}
	var body bytes.Buffer
	contentType := "text/csv; charset=utf-8"
	if format == "csv" {
		err = writeStatsCSV(&body, st)
	} else {
		contentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = writeStatsXLSX(&body, st)
	}
	if err == nil {
		err = h.Stats.auditExport(r.Context(), p.Scope, f, format, st)
	}
	if err != nil {
		httpapi.Error(w, r, err)
		return
	}
	from, to := statsDays(f)
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="inbox-stats-%s-%s.%s"`, from, to, format))
	w.Header().Set("Content-Length", strconv.Itoa(body.Len()))
	_, _ = body.WriteTo(w)
}

// userZone is the zone the user sees times in: their own, or the
// installation's.
func userZone(p *auth.Principal) *time.Location {
	if p.User.TimeZone != "" {
		if l, err := time.LoadLocation(p.User.TimeZone); err == nil {
			return l
		}
	}
	return Zone()
}

// statsFilterFromQuery reads from and to (inclusive days, YYYY-MM-DD),
// line_id and tz (def, the user's zone, without it). Without dates the
// report covers the 30 days up to today.
func statsFilterFromQuery(q url.Values, now time.Time, def *time.Location) (StatsFilter, error) {
	f := StatsFilter{LineID: q.Get("line_id"), Loc: def}
	if tz := q.Get("tz"); tz != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			return f, valid.Errorf("tz", "tz", "unknown time zone %q", tz)
		}
		f.Loc = loc
	}
	day := func(name string, def time.Time) (time.Time, error) {
		s := q.Get(name)
		if s == "" {
			return def, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, f.Loc)
		if err != nil {
			return t, valid.Errorf(name, "date", "%s must be a date, YYYY-MM-DD", name)
		}
		return t, nil
	}
	y, m, d := now.In(f.Loc).Date()
	last, err := day("to", time.Date(y, m, d, 0, 0, 0, 0, f.Loc))
	if err != nil {
		return f, err
	}
	if f.From, err = day("from", last.AddDate(0, 0, -29)); err != nil {
		return f, err
	}
	f.To = last.AddDate(0, 0, 1)
	return f, nil
}

// statsDays are the first and last day of f, for file names.
func statsDays(f StatsFilter) (string, string) {
	return f.From.In(f.Loc).Format(time.DateOnly), f.To.In(f.Loc).AddDate(0, 0, -1).Format(time.DateOnly)
}

// statsHeader names the figure columns, in the order of figureCells.
var statsHeader = []string{"Поступило", "Отвечено", "Пропущено", "В очереди", "Закрыто", "Спам",
	"Входящих сообщений", "Ответов операторов",
	"Первый ответ, ср., с", "Первый ответ, 90%, с", "Ожидание, ср., с", "Ожидание, 90%, с",
	"Обработка, ср., с", "Обработка, 90%, с", "Средняя оценка", "Оценок"}

// figureCells are a row's numbers; a timing or rating without samples is
// nil, an empty cell rather than a misleading zero.
func figureCells(f Figures) []any {
	t := func(x float64, n int) any {
		if n == 0 {
			return nil
		}
		return x
	}
	return []any{f.Received, f.Answered, f.Missed, f.Waiting, f.Closed, f.Spam, f.MessagesIn, f.MessagesOut,
		t(f.FirstResponse.AvgS, f.FirstResponse.Count), t(f.FirstResponse.P90S, f.FirstResponse.Count),
		t(f.Wait.AvgS, f.Wait.Count), t(f.Wait.P90S, f.Wait.Count),
		t(f.Handling.AvgS, f.Handling.Count), t(f.Handling.P90S, f.Handling.Count),
		t(f.RatingAvg, f.Rated), f.Rated}
}

// statsTable is one sheet: a titled first column and the figures.
type statsTable struct {
	sheet, first string
	rows         [][]any // first cell is text, the rest figureCells
}

const statsTotal = "Итого"

func statsTables(st Stats) []statsTable {
	days := statsTable{sheet: "По дням", first: "Дата"}
	for _, d := range st.Days {
		days.rows = append(days.rows, append([]any{d.Day}, figureCells(d.Figures)...))
	}
	days.rows = append(days.rows, append([]any{statsTotal}, figureCells(st.Total)...))
	ops := statsTable{sheet: "По операторам", first: "Оператор"}
	for _, o := range st.Operators {
		ops.rows = append(ops.rows, append([]any{o.Name}, figureCells(o.Figures)...))
	}
	lines := statsTable{sheet: "По линиям", first: "Линия"}
	for _, l := range st.Lines {
		lines.rows = append(lines.rows, append([]any{l.Name}, figureCells(l.Figures)...))
	}
	lines.rows = append(lines.rows, append([]any{statsTotal}, figureCells(st.Total)...))
	return []statsTable{days, ops, lines}
}

// writeStatsCSV writes the three tables one under another, each row
// prefixed with its table's name.
func writeStatsCSV(w *bytes.Buffer, st Stats) error {
	cw := csv.NewWriter(w)
	_ = cw.Write(append([]string{"Раздел", "Дата, оператор или линия"}, statsHeader...))
	for _, t := range statsTables(st) {
		for _, row := range t.rows {
			rec := []string{norm.SafeCell(t.sheet)}
			for _, v := range row {
				switch v := v.(type) {
				case nil:
					rec = append(rec, "")
				case string:
					rec = append(rec, norm.SafeCell(v))
				case int:
					rec = append(rec, strconv.Itoa(v))
				case float64:
					rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
				}
			}
			_ = cw.Write(rec)
		}
	}
	cw.Flush()
	return cw.Error()
}

// writeStatsXLSX writes one sheet per table with a stream writer, which
// keeps memory flat however many days or operators there are.
func writeStatsXLSX(w *bytes.Buffer, st Stats) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("inbox: stats xlsx: %w", err)
	}
	for i, t := range statsTables(st) {
		if i == 0 {
			err = x.SetSheetName(x.GetSheetName(0), t.sheet)
		} else {
			_, err = x.NewSheet(t.sheet)
		}
		if err != nil {
			return fmt.Errorf("inbox: stats xlsx: %w", err)
		}
		if err := writeStatsSheet(x, t, bold); err != nil {
			return fmt.Errorf("inbox: stats xlsx %s: %w", t.sheet, err)
		}
	}
	x.SetActiveSheet(0)
	return x.Write(w)
}

func writeStatsSheet(x *excelize.File, t statsTable, headerStyle int) error {
	sw, err := x.NewStreamWriter(t.sheet)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 32); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, len(statsHeader)+1, 13); err != nil {
		return err
	}
	header := []any{t.first}
	for _, h := range statsHeader {
		header = append(header, h)
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: headerStyle}); err != nil {
		return err
	}
	for i, row := range t.rows {
		cells := make([]any, len(row))
		for j, v := range row {
			if s, ok := v.(string); ok {
				v = norm.SafeCell(s)
			}
			cells[j] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}
