package worktime

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// WriteXLSX writes the month's sheet of the unit as an Excel file: a row a
// person with their hours (numbers) or absence letters by day, the month's
// total and the norm. Names and reasons are text made safe against formula
// injection; nothing in the file is a formula. The export is audited.
func (s *Service) WriteXLSX(ctx context.Context, w io.Writer, sc access.Scope, unitID, month string) error {
	sh, err := s.Month(ctx, sc, unitID, month)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	name := "Табель " + sh.Month
	if err := x.SetSheetName(x.GetSheetName(0), name); err != nil {
		return fmt.Errorf("worktime: export: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("worktime: export: %w", err)
	}
	off, err := x.NewStyle(&excelize.Style{Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	if err != nil {
		return fmt.Errorf("worktime: export: %w", err)
	}
	cell := func(col, row int) string { c, _ := excelize.CoordinatesToCellName(col, row); return c }
	set := func(col, row int, v any) error {
		if s, ok := v.(string); ok {
			return x.SetCellStr(name, cell(col, row), norm.SafeCell(s))
		}
		return x.SetCellValue(name, cell(col, row), v)
	}
	if err := set(1, 1, norm.SafeCell(sh.UnitName)+" · "+sh.Month); err != nil {
		return err
	}
	header := []any{"Сотрудник"}
	for _, d := range sh.Days {
		n, _ := strconv.Atoi(d.Date[8:])
		header = append(header, n)
	}
	header = append(header, "Итого, ч", "Норма, ч")
	for i, v := range header {
		if err := set(i+1, 2, v); err != nil {
			return err
		}
	}
	_ = x.SetRowStyle(name, 2, 2, bold)
	_ = x.SetColWidth(name, "A", "A", 34)
	last, _ := excelize.ColumnNumberToName(len(sh.Days) + 1)
	_ = x.SetColWidth(name, "B", last, 5)
	for r, row := range sh.Rows {
		y := r + 3
		if err := set(1, y, row.Name); err != nil {
			return err
		}
		for i, c := range row.Cells {
			var v any
			switch {
			case c.Correction != nil || c.Minutes > 0:
				v = float64(c.Minutes) / 60
			case c.Code != "":
				v = c.Code
			}
			if v != nil {
				if err := set(i+2, y, v); err != nil {
					return err
				}
			}
			if sh.Days[i].Off {
				_ = x.SetCellStyle(name, cell(i+2, y), cell(i+2, y), off)
			}
			if c.Correction != nil {
				_ = x.AddComment(name, excelize.Comment{Cell: cell(i+2, y), Author: "profhub",
					Paragraph: []excelize.RichTextRun{{Text: norm.SafeCell("Исправлено: " + c.Correction.Reason)}}})
			}
		}
		if err := set(len(sh.Days)+2, y, float64(row.Minutes)/60); err != nil {
			return err
		}
		if err := set(len(sh.Days)+3, y, sh.NormHours); err != nil {
			return err
		}
	}
	if err := audit.Record(ctx, s.db, sc, audit.Entry{Action: "worktime.export", ObjectType: "unit", ObjectID: sh.UnitID, UnitID: sh.UnitID,
		Details: map[string]any{"month": sh.Month, "rows": len(sh.Rows)}}); err != nil {
		return err
	}
	return x.Write(w)
}
