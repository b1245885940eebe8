package crm

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
)

// Translator gives the text of a catalogue key (web/i18n) in a language;
// the hub passes i18n.T. Files the CRM writes for people (the problems of
// a dry run) are in the reader's language.
type Translator func(lang, key string, args ...any) string

// problemText is a problem of a dry run in lang: its translation by code
// when the catalogue has one, else the importer's message.
func (tr Translator) problemText(lang string, p ImportRow) string {
	if tr == nil {
		return p.Message
	}
	if p.Code != "" {
		key := "console.imp_err_" + p.Code
		if s := tr(lang, key); s != key {
			if p.Code == "custom_required" { // the text names the field: "… «%s»"
				return tr(lang, key, p.Field)
			}
			return s
		}
	}
	return p.Message
}

func (tr Translator) text(lang, key, fallback string) string {
	if tr == nil {
		return fallback
	}
	if s := tr(lang, key); s != key {
		return s
	}
	return fallback
}

// WriteProblemsXLSX writes the last dry run's problems as a workbook: the
// row number, the field, the problem, then the row's own cells, so the
// secretary can correct the file beside it.
func (s *ImportSessions) WriteProblemsXLSX(ctx context.Context, w io.Writer, sc access.Scope, id, lang string) error {
	ss, err := s.session(sc, id)
	if err != nil {
		return err
	}
	s.mu.Lock()
	dry := ss.dry
	s.mu.Unlock()
	if dry == nil {
		return valid.Errorf("session", "import_not_checked", "check the file first")
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := s.tr.text(lang, "console.imp_problems_sheet", "Problems")
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("crm: import problems: %w", err)
	}
	text, err := textStyle(x)
	if err != nil {
		return err
	}
	header := []any{s.tr.text(lang, "console.imp_row", "Row"), s.tr.text(lang, "console.imp_field", "Field"),
		s.tr.text(lang, "console.imp_problem", "Problem")}
	for _, h := range dry.Header {
		header = append(header, h)
	}
	if err := x.SetSheetRow(sheet, "A1", &header); err != nil {
		return fmt.Errorf("crm: import problems: %w", err)
	}
	for i, p := range dry.Problems {
		field := ""
		if p.Field != "" {
			field = s.tr.text(lang, "console.imp_field_"+p.Field, p.Field)
		}
		row := []any{p.Row, field, s.tr.problemText(lang, p.ImportRow)}
		for _, c := range p.Cells {
			row = append(row, c)
		}
		cell := "A" + strconv.Itoa(i+2)
		if err := x.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("crm: import problems: %w", err)
		}
		for j, c := range row[1:] {
			if str, ok := c.(string); ok && norm.SafeCell(str) != str {
				name, _ := excelize.CoordinatesToCellName(j+2, i+2)
				if err := x.SetCellStyle(sheet, name, name, text); err != nil {
					return fmt.Errorf("crm: import problems: %w", err)
				}
			}
		}
	}
	_ = x.SetColWidth(sheet, "C", "C", 50)
	return x.Write(w)
}
