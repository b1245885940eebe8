package privacy

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/norm"
)

// WriteXLSX writes the report as a workbook: a title sheet and one sheet
// per part. Every cell is text made safe against formula injection: the
// values came from members and staff.
func (r Report) WriteXLSX(w io.Writer, zoneDay func(int64) string) error {
	x := excelize.NewFile()
	defer x.Close()
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("privacy: report: %w", err)
	}
	const first = "Субъект"
	if err := x.SetSheetName(x.GetSheetName(0), first); err != nil {
		return fmt.Errorf("privacy: report: %w", err)
	}
	head := [][]string{{"Отчёт субъекту персональных данных"}, {"Субъект", r.Name},
		{"Сформирован", zoneDay(r.MadeAt.UnixMilli())}, {"Сформировал", r.MadeBy}, {}, {"Разделы"}}
	for _, sh := range r.Sheets {
		head = append(head, []string{sh.Title, fmt.Sprintf("%d", len(sh.Rows))})
	}
	if err := writeRows(x, first, head, bold); err != nil {
		return err
	}
	_ = x.SetColWidth(first, "A", "A", 40)
	_ = x.SetColWidth(first, "B", "B", 50)
	used := map[string]bool{first: true}
	for _, sh := range r.Sheets {
		name := sheetName(sh.Title, used)
		if _, err := x.NewSheet(name); err != nil {
			return fmt.Errorf("privacy: report: %w", err)
		}
		rows := append([][]string{sh.Columns}, sh.Rows...)
		if err := writeRows(x, name, rows, bold); err != nil {
			return err
		}
		_ = x.SetColWidth(name, "A", columnName(len(sh.Columns)), 24)
	}
	return x.Write(w)
}

func writeRows(x *excelize.File, sheet string, rows [][]string, bold int) error {
	for i, row := range rows {
		cells := make([]any, len(row))
		for j, c := range row {
			cells[j] = norm.SafeCell(c)
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &cells); err != nil {
			return fmt.Errorf("privacy: report: %w", err)
		}
		if i == 0 && len(row) > 0 {
			end, _ := excelize.CoordinatesToCellName(len(row), 1)
			_ = x.SetCellStyle(sheet, "A1", end, bold)
		}
	}
	return nil
}

// sheetName is a title cut to Excel's 31 characters, without the
// characters Excel refuses, unique in the workbook.
func sheetName(title string, used map[string]bool) string {
	title = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return ' '
		}
		return r
	}, title)
	base := []rune(title)
	if len(base) > 28 {
		base = base[:28]
	}
	name := string(base)
	for n := 2; used[name]; n++ {
		name = fmt.Sprintf("%s %d", string(base), n)
	}
	used[name] = true
	return name
}

func columnName(n int) string {
	s, _ := excelize.ColumnNumberToName(max(n, 1))
	return s
}

//go:embed templates/report.html
var templates embed.FS

var reportPage = template.Must(template.ParseFS(templates, "templates/report.html"))

// WriteHTML writes the report as a printable page (the browser prints it
// to PDF): one table per part.
func (r Report) WriteHTML(w io.Writer, zoneDay func(int64) string) error {
	return reportPage.Execute(w, map[string]any{"R": r, "MadeAt": zoneDay(r.MadeAt.UnixMilli())})
}
