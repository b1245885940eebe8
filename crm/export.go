package crm

import (
	"archive/zip"
	"compress/flate"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Exporter writes member selections as XLSX or CSV and audits each export.
type Exporter struct {
	db      *db.DB
	members *Members
}

// exportHeader names the columns of a member export, in the order of
// exportRow.
var exportHeader = []string{"Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Телефоны", "E-mail",
	"Организация", "Место работы", "Должность", "Отрасль", "Статус", "Дата вступления", "Дата выбытия", "Причина выбытия",
	"№ профбилета", "№ карты ПрофДисконт", "Активист", "Роли", "Согласие на обработку", "Согласие на рассылки", "Тип", "Код"}

var exportWidths = []float64{18, 14, 18, 12, 5, 18, 24, 30, 30, 22, 18, 10, 12, 12, 20, 14, 16, 9, 20, 12, 18, 12, 38}

var statusNames = map[Status]string{StatusMember: "член профсоюза", StatusLeft: "выбыл", StatusSuspended: "приостановлено",
	StatusExcluded: "исключён", StatusDeceased: "умер"}

var kindNames = map[Kind]string{KindMember: "член профсоюза", KindPress: "пресса", KindPartner: "партнёр",
	KindProspect: "потенциальный член", KindOther: "другое"}

// exportPhones is the column of the phones in exportRow.
const exportPhones = 5

// exportRow is a member as text cells, each made safe against formula
// injection: names, workplaces and notes come from people and files we do
// not control. The phones are left as they are (+79991234567): the CSV and
// XLSX writers keep them text in their own ways (csvPhones, textStyle),
// so that Excel shows them as typed, without an apostrophe.
func exportRow(m Member) []string {
	yes := func(b bool) string {
		if b {
			return "да"
		}
		return ""
	}
	processing := ""
	if c := m.Consents.Processing; c != nil && c.Given {
		processing = "да " + c.Date
	}
	var mailings []string
	for _, ch := range Channels {
		if m.Consents.Mailings[ch].Given {
			mailings = append(mailings, ch)
		}
	}
	row := []string{m.Surname, m.GivenName, m.Patronymic, m.BirthDate, m.Sex, strings.Join(m.Phones, ", "),
		strings.Join(m.Emails, ", "), m.UnitName, m.Workplace, m.Position, m.Industry, statusNames[m.Status], m.JoinedOn,
		m.LeftOn, m.LeftReason, m.CardNumber, m.DiscountCard, yes(m.Activist), strings.Join(m.Flags, ", "),
		strings.TrimSpace(processing), strings.Join(mailings, ", "), kindNames[m.Kind], m.ID}
	for i, c := range row {
		if i != exportPhones {
			row[i] = norm.SafeCell(c)
		}
	}
	return row
}

// exportFields are the active member custom fields, whose columns follow
// the standard ones (the card's own values; empty where a field does not
// apply).
func (s *Exporter) exportFields(ctx context.Context) ([]CustomField, error) {
	defs, err := loadCustomFields(ctx, s.db, EntityMember)
	if err != nil {
		return nil, err
	}
	var out []CustomField
	for _, f := range defs {
		if !f.Retired {
			out = append(out, f)
		}
	}
	return out, nil
}

// customCells are a card's (or a conversation's) custom values as text
// cells, in the order of fields: yes/no in words, numbers with a decimal
// comma as Russian Excel reads them.
func customCells(values map[string]any, fields []CustomField) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		switch v := values[f.Key].(type) {
		case nil:
		case bool:
			out[i] = map[bool]string{true: "да", false: "нет"}[v]
		case float64:
			out[i] = strings.Replace(strconv.FormatFloat(v, 'f', -1, 64), ".", ",", 1)
		default:
			out[i] = norm.SafeCell(fmt.Sprint(v))
		}
	}
	return out
}

// csvPhones is the phones cell of a CSV export: ="+79991234567", the form
// Excel opens as the text between the quotes (a bare +7… is read as a
// number or a formula, and an apostrophe would show). Only a value made
// of phone characters is wrapped, so nothing but text can come of it;
// anything else gets SafeCell. The importer reads the form back
// (unwrapTextFormula).
func csvPhones(c string) string {
	if c == "" {
		return c
	}
	if strings.Trim(c, "+0123456789 ,()-") == "" {
		return `="` + c + `"`
	}
	return norm.SafeCell(c)
}

// textStyle adds to x the style of a text cell whose value starts like a
// formula (a phone +7…): number format "@" with Excel's quote prefix, so
// the cell shows the value as typed, without an apostrophe, and stays text
// when edited. excelize's Style has no field for the quote prefix; its
// cell format record has.
func textStyle(x *excelize.File) (int, error) {
	id, err := x.NewStyle(&excelize.Style{NumFmt: 49})
	if err != nil {
		return 0, fmt.Errorf("crm: export: %w", err)
	}
	if x.Styles == nil || x.Styles.CellXfs == nil || id >= len(x.Styles.CellXfs.Xf) {
		return 0, fmt.Errorf("crm: export: style %d not found", id)
	}
	yes := true
	x.Styles.CellXfs.Xf[id].QuotePrefix = &yes
	return id, nil
}

// auditExport checks that the caller may export and records the export
// of the selection f (its size counted now) before the first row is
// written.
func (s *Exporter) auditExport(ctx context.Context, sc access.Scope, f MemberFilter, format string) error {
	if err := requireEdit(sc); err != nil {
		return err
	}
	f.Limit = 1
	page, err := s.members.ListMembers(ctx, sc, f)
	if err != nil {
		return err
	}
	n := page.Total
	unit := f.UnitID
	if unit == "" {
		unit = sc.UnitID
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member.export", ObjectType: "member_export", UnitID: unit,
			Details: map[string]any{"format": format, "rows": n, "unit_id": f.UnitID, "q": f.Query, "industry": f.Industry,
				"status": f.Status, "birth_month": f.BirthMonth, "activist": f.Activist, "flag": f.Flag, "consent": f.Consent,
				"joined_from": f.JoinedFrom, "joined_to": f.JoinedTo}})
	})
}

// WriteMembersCSV writes the selection as UTF-8 CSV with a byte-order
// mark, which Excel needs to read Cyrillic.
func (s *Exporter) WriteMembersCSV(ctx context.Context, w io.Writer, sc access.Scope, f MemberFilter) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	fields, err := s.exportFields(ctx)
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	header := slices.Clone(exportHeader)
	for _, cf := range fields {
		header = append(header, norm.SafeCell(cf.Label))
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	err = s.members.EachMember(ctx, sc, f, func(m Member) error {
		row := exportRow(m)
		row[exportPhones] = csvPhones(row[exportPhones])
		return cw.Write(append(row, customCells(m.Custom, fields)...))
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

// WriteMembersXLSX writes the selection as one sheet with excelize's stream
// writer, whose memory stays flat for a quarter of a million rows.
func (s *Exporter) WriteMembersXLSX(ctx context.Context, w io.Writer, sc access.Scope, f MemberFilter) error {
	x := excelize.NewFile()
	defer x.Close()
	// The fastest deflate level: compressing the sheet took as long as
	// writing its rows at the default level, for a file about a fifth
	// smaller.
	x.SetZipWriter(func(w io.Writer) excelize.ZipWriter {
		zw := zip.NewWriter(w)
		zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
			return flate.NewWriter(out, flate.BestSpeed)
		})
		return zw
	})
	const sheet = "Члены профсоюза"
	if err := x.SetSheetName(x.GetSheetName(0), sheet); err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	text, err := textStyle(x)
	if err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	for i, wd := range exportWidths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return fmt.Errorf("crm: export: %w", err)
		}
	}
	fields, err := s.exportFields(ctx)
	if err != nil {
		return err
	}
	for i := range fields {
		if err := sw.SetColWidth(len(exportWidths)+i+1, len(exportWidths)+i+1, 16); err != nil {
			return fmt.Errorf("crm: export: %w", err)
		}
	}
	cells := make([]any, len(exportHeader)+len(fields))
	for i, h := range exportHeader {
		cells[i] = h
	}
	for i, cf := range fields {
		cells[len(exportHeader)+i] = norm.SafeCell(cf.Label)
	}
	if err := sw.SetRow("A1", cells, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	n := 1
	err = s.members.EachMember(ctx, sc, f, func(m Member) error {
		n++
		for i, c := range append(exportRow(m), customCells(m.Custom, fields)...) {
			cells[i] = c
			switch {
			case c == "":
				cells[i] = nil // the stream writer skips it: no empty inline string
			case i == exportPhones:
				cells[i] = excelize.Cell{StyleID: text, Value: c}
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("crm: export: %w", err)
	}
	return x.Write(w)
}
