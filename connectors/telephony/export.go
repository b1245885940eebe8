package telephony

import (
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
)

var exportHeader = []string{"Начало", "Направление", "Номер", "Член профсоюза", "Линия (номер)", "Добавочный", "Оператор",
	"Результат", "Ожидание, с", "Разговор, с", "Запись"}
var exportWidths = []float64{18, 12, 16, 32, 16, 10, 28, 12, 12, 12, 12}

var dirNames = map[string]string{DirIn: "входящий", DirOut: "исходящий", DirInternal: "внутренний"}
var resultNames = map[string]string{ResAnswered: "отвечен", ResMissed: "пропущен", ResBusy: "занято", ResVoicemail: "автоответчик",
	ResFailed: "не состоялся", "": "идёт"}

// exportRow makes a call's cells; every text a caller or PBX could have
// chosen goes through export.SafeCell against formula injection.
func exportRow(r CallRow, loc *time.Location) []any {
	return []any{r.StartedAt.In(loc).Format("02.01.2006 15:04:05"), dirNames[r.Direction], norm.SafeCell(r.Number),
		norm.SafeCell(r.MemberName), norm.SafeCell(r.LineNumber), norm.SafeCell(r.Extension), norm.SafeCell(r.OperatorName),
		resultNames[r.Result], r.WaitS, r.TalkS, r.Recording}
}

// moscowLoc is Zadarma's own zone, and the connector's when the hub
// names none, loaded once; UTC+3 when the
// system has no zone database (Moscow has had no other offset since 2014).
var moscowLoc = sync.OnceValue(func() *time.Location {
	if l, err := time.LoadLocation("Europe/Moscow"); err == nil {
		return l
	}
	return time.FixedZone("MSK", 3*3600)
})

// WriteCallsXLSX writes the filtered call log as one sheet.
func (c *Connector) WriteCallsXLSX(ctx context.Context, w io.Writer, sc access.Scope, f CallFilter) (int, error) {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "Звонки"
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	for i, wd := range exportWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return 0, fmt.Errorf("telephony: export: %w", err)
		}
	}
	head := make([]any, len(exportHeader))
	for i, h := range exportHeader {
		head[i] = h
	}
	if err := sw.SetRow("A1", head, excelize.RowOpts{StyleID: bold}); err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	n := 1
	err = c.eachCall(ctx, sc, f, func(r CallRow) error {
		n++
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, exportRow(r, c.zone))
	})
	if err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return 0, fmt.Errorf("telephony: export: %w", err)
	}
	return n - 1, x.Write(w)
}
