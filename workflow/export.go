package workflow

import (
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
)

// MaxExportRows bounds one journal export.
const MaxExportRows = 50000

var exportHeadings = []string{"Рег. номер", "Дата регистрации", "Вид", "Заголовок", "Корреспондент", "Исх. номер", "Дата исх.",
	"Способ", "Краткое содержание", "Приоритет", "Срок", "Этап", "Статус", "Просрочен"}

// ExportJournal writes the journal the filter selects as XLSX. Every text
// cell goes through export.SafeCell: titles and senders come from outside
// and may be formulas. The export is audited.
func (s *Journal) ExportJournal(ctx context.Context, sc access.Scope, f JournalFilter, w io.Writer) (int, error) {
	f.Offset = 0
	var docs []Document
	for len(docs) < MaxExportRows {
		f.Limit = 500
		page, err := s.Journal(ctx, sc, f)
		if err != nil {
			return 0, err
		}
		docs = append(docs, page.Documents...)
		if len(page.Documents) < f.Limit {
			break
		}
		f.Offset += f.Limit
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := "Журнал"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return 0, err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, err
	}
	_ = sw.SetColWidth(1, 1, 20)
	_ = sw.SetColWidth(4, 4, 50)
	_ = sw.SetColWidth(9, 9, 50)
	head := make([]any, len(exportHeadings))
	for i, h := range exportHeadings {
		head[i] = h
	}
	if err := sw.SetRow("A1", head); err != nil {
		return 0, err
	}
	kinds := map[Kind]string{KindInternal: "внутренний", KindIncoming: "входящий", KindOutgoing: "исходящий"}
	statuses := map[Status]string{StatusActive: "в работе", StatusClosed: "закрыт", StatusRejected: "отклонён"}
	for i, d := range docs {
		overdue := ""
		if d.Overdue {
			overdue = "да"
		}
		row := []any{norm.SafeCell(d.Number), d.CreatedAt.In(Zone()).Format("02.01.2006"), kinds[d.Kind], norm.SafeCell(d.Title),
			norm.SafeCell(d.Correspondent), norm.SafeCell(d.OrigNumber), d.OrigDate, norm.SafeCell(d.Delivery),
			norm.SafeCell(d.Summary), d.Priority, d.Deadline, norm.SafeCell(d.StepName), statuses[d.Status], overdue}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			return 0, err
		}
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	if err := audit.Record(ctx, s.db, sc, audit.Entry{Action: "document.export", ObjectType: "registry", ObjectID: string(f.Kind),
		Details: map[string]any{"rows": len(docs), "filter": fmt.Sprintf("%+v", f)}}); err != nil {
		return 0, err
	}
	if _, err := x.WriteTo(w); err != nil {
		return 0, fmt.Errorf("workflow: export: %w", err)
	}
	return len(docs), nil
}
