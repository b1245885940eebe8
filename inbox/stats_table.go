package inbox

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/norm"
)

// StatsColumn is one figure column of the report's tables. The one list
// statsColumns feeds the page (Stats.Columns and Stats.Tables), the CSV
// and the XLSX, so the three cannot disagree.
type StatsColumn struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Kind  string `json:"kind"` // "count", "seconds" or "rating"
}

// StatsTable is one breakdown as rows of cells: the first cell names the
// row (a day, an operator, …), the rest follow Stats.Columns; a timing or
// rating without samples is nil, an empty cell rather than a misleading
// zero.
type StatsTable struct {
	ID    string  `json:"id"` // days, lines, operators, kinds, channels
	Title string  `json:"title"`
	First string  `json:"first"` // the first column's title
	Rows  [][]any `json:"rows"`
}

// statsColumn is a column with its value; ru is the title when the
// request has no translator.
type statsColumn struct {
	key, ru, kind string
	cell          func(Figures) any
}

func countColumn(key, ru string, v func(Figures) int) statsColumn {
	return statsColumn{key, ru, "count", func(f Figures) any { return v(f) }}
}

// timingColumns are a timing's mean, median and 90th percentile.
func timingColumns(key, ru string, v func(Figures) Timing) []statsColumn {
	at := func(pick func(Timing) float64) func(Figures) any {
		return func(f Figures) any {
			if t := v(f); t.Count > 0 {
				return pick(t)
			}
			return nil
		}
	}
	return []statsColumn{
		{key + "_avg", ru + ", среднее, с", "seconds", at(func(t Timing) float64 { return t.AvgS })},
		{key + "_median", ru + ", медиана, с", "seconds", at(func(t Timing) float64 { return t.MedianS })},
		{key + "_p90", ru + ", 90%, с", "seconds", at(func(t Timing) float64 { return t.P90S })},
	}
}

var statsColumns = func() []statsColumn {
	cols := []statsColumn{
		countColumn("received", "Поступило", func(f Figures) int { return f.Received }),
		countColumn("answered", "Отвечено", func(f Figures) int { return f.Answered }),
		countColumn("missed", "Пропущено", func(f Figures) int { return f.Missed }),
		countColumn("waiting", "В очереди", func(f Figures) int { return f.Waiting }),
		countColumn("closed", "Закрыто", func(f Figures) int { return f.Closed }),
		countColumn("spam", "Спам", func(f Figures) int { return f.Spam }),
		countColumn("sla_breaches", "Нарушений SLA", func(f Figures) int { return f.SLABreaches }),
		countColumn("messages_in", "Входящих сообщений", func(f Figures) int { return f.MessagesIn }),
		countColumn("messages_out", "Ответов операторов", func(f Figures) int { return f.MessagesOut }),
	}
	cols = append(cols, timingColumns("first_response", "Первый ответ", func(f Figures) Timing { return f.FirstResponse })...)
	cols = append(cols, timingColumns("wait", "Ожидание", func(f Figures) Timing { return f.Wait })...)
	cols = append(cols, timingColumns("handling", "Обработка", func(f Figures) Timing { return f.Handling })...)
	cols = append(cols, timingColumns("resolution", "Решение", func(f Figures) Timing { return f.Resolution })...)
	cols = append(cols, timingColumns("first_response_work", "Первый ответ в рабочее время", func(f Figures) Timing { return f.FirstResponseWork })...)
	cols = append(cols, timingColumns("resolution_work", "Решение в рабочее время", func(f Figures) Timing { return f.ResolutionWork })...)
	cols = append(cols,
		statsColumn{"rating_avg", "Средняя оценка", "rating", func(f Figures) any {
			if f.Rated == 0 {
				return nil
			}
			return f.RatingAvg
		}},
		countColumn("rated", "Оценок", func(f Figures) int { return f.Rated }))
	for i := range 5 {
		cols = append(cols, countColumn("rating_"+strconv.Itoa(i+1), "Оценка "+strconv.Itoa(i+1), func(f Figures) int { return f.Ratings[i] }))
	}
	return cols
}()

// statsTableIDs are the tables in the order of the page and the workbook.
var statsTableIDs = []string{"lines", "operators", "kinds", "channels", "days"}

var statsTableNames = map[string][2]string{ // ru title, ru first column
	"days": {"По дням", "Дата"}, "lines": {"По линиям", "Линия"}, "operators": {"По операторам", "Оператор"},
	"kinds": {"По видам каналов", "Вид канала"}, "channels": {"По каналам", "Канал"},
}

// withTables fills st's Columns and Tables in the caller's language.
func withTables(ctx context.Context, st Stats) Stats {
	tr := func(key, ru string, args ...any) string { return httpapi.Text(ctx, "console.rep_"+key, ru, args...) }
	st.Columns = make([]StatsColumn, len(statsColumns))
	for i, c := range statsColumns {
		st.Columns[i] = StatsColumn{Key: c.key, Title: tr("col_"+c.key, c.ru), Kind: c.kind}
	}
	cells := func(name string, f Figures) []any {
		row := make([]any, 0, len(statsColumns)+1)
		row = append(row, name)
		for _, c := range statsColumns {
			row = append(row, c.cell(f))
		}
		return row
	}
	total := tr("total", "Итого")
	st.Tables = nil
	for _, id := range statsTableIDs {
		names := statsTableNames[id]
		t := StatsTable{ID: id, Title: tr("table_"+id, names[0]), First: tr("first_"+id, names[1]), Rows: [][]any{}}
		switch id {
		case "days":
			for _, d := range st.Days {
				t.Rows = append(t.Rows, cells(d.Day, d.Figures))
			}
		case "lines":
			for _, l := range st.Lines {
				t.Rows = append(t.Rows, cells(l.Name, l.Figures))
			}
		case "operators":
			for _, o := range st.Operators {
				t.Rows = append(t.Rows, cells(o.Name, o.Figures))
			}
		case "kinds":
			for _, k := range st.Kinds {
				t.Rows = append(t.Rows, cells(tr("kind_"+k.Kind, k.Kind), k.Figures))
			}
		case "channels":
			for _, c := range st.Channels {
				t.Rows = append(t.Rows, cells(c.Name, c.Figures))
			}
		}
		if id != "operators" { // never-assigned conversations are in no operator's row
			t.Rows = append(t.Rows, cells(total, st.Total))
		}
		st.Tables = append(st.Tables, t)
	}
	return st
}

// tableByID is one of st's tables, or false.
func tableByID(st Stats, id string) (StatsTable, bool) {
	for _, t := range st.Tables {
		if t.ID == id {
			return t, true
		}
	}
	return StatsTable{}, false
}

// safeCells are a row's cells for a file: text neutralised against
// formula injection, numbers as they are.
func safeCells(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		if s, ok := v.(string); ok {
			v = norm.SafeCell(s)
		}
		out[i] = v
	}
	return out
}

// writeStatsCSV writes one table: a header of its columns, then its rows.
func writeStatsCSV(w io.Writer, st Stats, t StatsTable) error {
	cw := csv.NewWriter(w)
	header := []string{norm.SafeCell(t.First)}
	for _, c := range st.Columns {
		header = append(header, norm.SafeCell(c.Title))
	}
	_ = cw.Write(header)
	for _, row := range t.Rows {
		rec := make([]string, 0, len(row))
		for _, v := range safeCells(row) {
			switch v := v.(type) {
			case nil:
				rec = append(rec, "")
			case string:
				rec = append(rec, v)
			case int:
				rec = append(rec, strconv.Itoa(v))
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			}
		}
		_ = cw.Write(rec)
	}
	cw.Flush()
	return cw.Error()
}

// writeStatsXLSX writes one sheet per table with a stream writer, which
// keeps memory flat however many days or operators there are.
func writeStatsXLSX(w io.Writer, st Stats) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("inbox: stats xlsx: %w", err)
	}
	for i, t := range st.Tables {
		if i == 0 {
			err = x.SetSheetName(x.GetSheetName(0), t.Title)
		} else {
			_, err = x.NewSheet(t.Title)
		}
		if err != nil {
			return fmt.Errorf("inbox: stats xlsx: %w", err)
		}
		if err := writeStatsSheet(x, st.Columns, t, bold); err != nil {
			return fmt.Errorf("inbox: stats xlsx %s: %w", t.ID, err)
		}
	}
	x.SetActiveSheet(0)
	return x.Write(w)
}

func writeStatsSheet(x *excelize.File, cols []StatsColumn, t StatsTable, headerStyle int) error {
	sw, err := x.NewStreamWriter(t.Title)
	if err != nil {
		return err
	}
	if err := sw.SetColWidth(1, 1, 32); err != nil {
		return err
	}
	if err := sw.SetColWidth(2, len(cols)+1, 13); err != nil {
		return err
	}
	header := []any{norm.SafeCell(t.First)}
	for _, c := range cols {
		header = append(header, norm.SafeCell(c.Title))
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: headerStyle}); err != nil {
		return err
	}
	for i, row := range t.Rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, safeCells(row)); err != nil {
			return err
		}
	}
	return sw.Flush()
}
