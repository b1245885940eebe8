package crm

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
)

// ImportFields are the card fields a column can be mapped to. A phone or
// e-mail column may hold several values separated by commas or semicolons,
// and several columns may map to phone or email; full_name is split into
// surname, given name and patronymic.
var ImportFields = []string{"surname", "given_name", "patronymic", "full_name", "birth_date", "sex", "phone", "email",
	"unit", "workplace", "position", "industry", "status", "joined_on", "left_on", "left_reason", "card_number",
	"discount_card", "activist", "flags", "consent_processing", "consent_sms", "consent_email", "consent_telegram",
	"consent_vk", "consent_phone", "consent_post", "kind"}

// isCustomColumn tells a column mapped to a custom field, "custom.<key>"
// (its value is checked against the field when the row is applied).
func isCustomColumn(f string) bool {
	key, ok := strings.CutPrefix(f, "custom.")
	return ok && fieldKey.MatchString(key)
}

// headerGuesses map folded column headings seen in real registries to
// fields, for files imported without a mapping.
var headerGuesses = map[string]string{
	"фамилия": "surname", "имя": "given_name", "отчество": "patronymic", "фио": "full_name", "ф.и.о.": "full_name",
	"дата рождения": "birth_date", "пол": "sex", "телефон": "phone", "телефоны": "phone", "мобильный телефон": "phone",
	"e-mail": "email", "email": "email", "электронная почта": "email", "организация": "unit", "первичная организация": "unit",
	"место работы": "workplace", "должность": "position", "отрасль": "industry", "статус": "status",
	"дата вступления": "joined_on", "дата выбытия": "left_on", "причина выбытия": "left_reason",
	"№ профбилета": "card_number", "номер профбилета": "card_number", "профбилет": "card_number",
	"№ карты профдисконт": "discount_card", "карта профдисконт": "discount_card", "номер карты": "discount_card",
	"активист": "activist", "роли": "flags", "тип": "kind",
}

// table is a file being read: its header, and the data rows read since
// the last batch was handed on, with the 1-based row number each came
// from.
type table struct {
	header []string
	title  []string // the first one-cell row, the header if no wider row comes
	// What reading found, for the import wizard's analysis.
	headerLine int    // 1-based line of the header
	titles     int    // non-empty rows above the header
	encoding   string // of a CSV file
	delimiter  rune   // of a CSV file
	rows       [][]string
	lines      []int
	emit       func(tableBatch) bool // hands on a batch; false: stop reading
}

// tableBatch is up to importBatchRows data rows of a file.
type tableBatch struct {
	rows  [][]string
	lines []int
}

var errStopped = errors.New("crm: import: reading stopped")

// readTableBatches reads an XLSX (first sheet) or CSV file in a goroutine
// and sends its data rows in batches, so that parsing the file (a fifth of
// a large import's work) overlaps applying the batches before it. The
// header is set on the returned table before the first batch is sent (or
// the channel closed); wait returns the reading's error once the channel
// is closed. Cancelling ctx stops the reader.
func readTableBatches(ctx context.Context, r io.Reader, format string) (*table, <-chan tableBatch, func() error) {
	t := &table{}
	ch := make(chan tableBatch, 2)
	done := make(chan error, 1)
	t.emit = func(b tableBatch) bool {
		select {
		case ch <- b:
			return true
		case <-ctx.Done():
			return false
		}
	}
	go func() {
		defer close(ch)
		done <- readTable(r, format, t)
	}()
	return t, ch, func() error { return <-done }
}

// readTable reads an XLSX (first sheet) or CSV file into t. CSV may be
// UTF-8 (with or without a byte-order mark) or Windows-1251, separated by
// commas, semicolons or tabs. Leading empty rows are skipped; the first
// row of two cells or more is the header (title rows above it are
// skipped). XLSX cells are read raw, so dates stored as Excel serial
// numbers reach parseImportDate as numbers.
func readTable(r io.Reader, format string, t *table) error {
	var err error
	switch format {
	case "xlsx":
		err = readXLSX(r, t)
	case "csv":
		err = readCSV(r, t)
	default:
		return valid.Errorf("format", "format", "format must be xlsx or csv")
	}
	if err == nil && len(t.rows) > 0 && !t.flush() {
		err = errStopped
	}
	return err
}

func readXLSX(r io.Reader, t *table) error {
	x, err := excelize.OpenReader(r)
	if err != nil {
		return valid.Errorf("file", "file_xlsx", "the file is not an XLSX workbook: %v", err)
	}
	defer x.Close()
	rows, err := x.Rows(x.GetSheetName(0))
	if err != nil {
		return fmt.Errorf("crm: import: %w", err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return valid.Errorf("file", "file_xlsx", "row %d cannot be read: %v", n, err)
		}
		if !t.add(cols, n) {
			return errStopped
		}
	}
	return rows.Error()
}

func readCSV(r io.Reader, t *table) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	b, t.encoding, err = decodeCSV(b)
	if err != nil {
		return err
	}
	t.delimiter = detectDelimiter(b)
	cr := csv.NewReader(bytes.NewReader(b))
	cr.Comma, cr.FieldsPerRecord, cr.LazyQuotes = t.delimiter, -1, true
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return valid.Errorf("file", "file_csv", "the file is not valid CSV: %v", err)
		}
		for i, c := range rec {
			rec[i] = unwrapTextFormula(c)
		}
		line, _ := cr.FieldPos(0)
		if !t.add(rec, line) {
			return errStopped
		}
	}
}

// unwrapTextFormula reads a cell our CSV export wrote as ="+79991234567"
// (see csvPhones) back as its text.
func unwrapTextFormula(c string) string {
	if len(c) > 3 && strings.HasPrefix(c, `="`) && strings.HasSuffix(c, `"`) && !strings.Contains(c[2:len(c)-1], `"`) {
		return c[2 : len(c)-1]
	}
	return c
}

// flush hands on the rows read since the last batch.
func (t *table) flush() bool {
	b := tableBatch{rows: t.rows, lines: t.lines}
	t.rows, t.lines = nil, nil
	return t.emit(b)
}

func (t *table) add(cells []string, line int) bool {
	filled := 0
	for i, c := range cells {
		cells[i] = strings.TrimSpace(c)
		if cells[i] != "" {
			filled++
		}
	}
	if t.header == nil {
		// Registries often open with a title ("Реестр членов…", merged
		// across the columns): the header is the first row with two cells
		// or more, or the first non-empty row of a one-column file.
		if filled >= 2 {
			t.header, t.headerLine = cells, line
		} else if filled == 1 {
			if t.title == nil {
				t.title, t.headerLine = cells, line
			}
			t.titles++
		}
		return true
	}
	t.rows = append(t.rows, cells) // empty rows are kept, to be reported as skipped
	t.lines = append(t.lines, line)
	if len(t.rows) == importBatchRows {
		return t.flush()
	}
	return true
}

// columns resolves a mapping (heading → field; empty: guessed from the
// headings) to the field of each column, "" for columns not imported.
func (t *table) columns(mapping map[string]string) ([]string, error) {
	if t.header == nil {
		t.header, t.titles = t.title, 0
	}
	if t.header == nil {
		return nil, valid.Errorf("file", "file_empty", "the file has no rows")
	}
	byHeading := map[string]string{}
	for h, f := range mapping {
		if f != "" && !slices.Contains(ImportFields, f) && !isCustomColumn(f) {
			return nil, valid.Errorf("mapping", "mapping_field", "unknown field %q for column %q", f, h)
		}
		byHeading[norm.Fold(h)] = f
	}
	cols := make([]string, len(t.header))
	mapped := false
	for i, h := range t.header {
		key := norm.Fold(h)
		if mapping != nil {
			cols[i] = byHeading[key]
		} else {
			cols[i] = headerGuesses[key]
		}
		mapped = mapped || cols[i] != ""
	}
	if !mapped {
		return nil, valid.Errorf("mapping", "mapping_empty", "no column is mapped to a field")
	}
	return cols, nil
}

// guessRules guess the field of a heading not in headerGuesses by what it
// starts with or contains, in order: "Дата рождения (дд.мм.гггг)",
// "Телефон мобильный", "Фамилия работника".
var guessRules = []struct{ part, field string }{
	{"дата рожд", "birth_date"}, {"дата вступ", "joined_on"}, {"дата выб", "left_on"}, {"причина выб", "left_reason"},
	{"фамилия имя", "full_name"}, {"ф.и.о", "full_name"}, {"фио", "full_name"}, {"фамилия", "surname"},
	{"отчество", "patronymic"}, {"имя", "given_name"}, {"телеф", "phone"}, {"моб", "phone"}, {"e-mail", "email"},
	{"email", "email"}, {"почта", "email"}, {"профбилет", "card_number"}, {"профдисконт", "discount_card"},
	{"место работы", "workplace"}, {"должн", "position"}, {"отрасл", "industry"}, {"организац", "unit"},
	{"статус", "status"}, {"активист", "activist"}, {"пол", "sex"},
}

// guessField is the field a column heading most likely means, "" if none.
func guessField(heading string) string {
	h := norm.Fold(heading)
	if f, ok := headerGuesses[h]; ok {
		return f
	}
	if h == "" {
		return ""
	}
	for _, r := range guessRules {
		if r.part == "пол" || r.part == "имя" {
			if !strings.HasPrefix(h, r.part) { // not "полис" or "полное"; "имя" only at the start
				continue
			}
			if r.part == "пол" && h != "пол" && !strings.HasPrefix(h, "пол ") && !strings.HasPrefix(h, "пол(") {
				continue
			}
			return r.field
		}
		if strings.Contains(h, r.part) {
			return r.field
		}
	}
	return ""
}
