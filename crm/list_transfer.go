package crm

import (
	"context"
	"database/sql"
	"fmt"
	"io"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/xuri/excelize/v2"
)

// recordCells is a record as text cells in field order, each made safe
// against formula injection; linked cards show their names.
func recordCells(l List, r Record) []any {
	cells := make([]any, len(l.Fields))
	for i, f := range l.Fields {
		v := r.Values[f.Key]
		switch x := v.(type) {
		case nil:
			cells[i] = ""
		case float64:
			cells[i] = x // a number is not a formula
		case map[string]any: // a file: its name
			name, _ := x["name"].(string)
			cells[i] = norm.SafeCell(name)
		case string:
			if lb, ok := r.Labels[f.Key]; ok {
				x = lb
			}
			cells[i] = norm.SafeCell(x)
		default:
			cells[i] = norm.SafeCell(fmt.Sprint(x))
		}
	}
	return cells
}

// WriteRecordsXLSX writes the records of a list in the caller's scope that
// pass f as one sheet, and audits the export.
func (s *Lists) WriteRecordsXLSX(ctx context.Context, w io.Writer, sc access.Scope, listID string, f RecordFilter) error {
	if err := requireEdit(sc); err != nil {
		return err
	}
	f.All = true
	l, page, err := s.Records(ctx, sc, listID, f)
	if err != nil {
		return err
	}
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	sw, err := x.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("crm: list export: %w", err)
	}
	head := make([]any, len(l.Fields))
	for i, fl := range l.Fields {
		head[i] = norm.SafeCell(fl.Title)
	}
	if err := sw.SetRow("A1", head); err != nil {
		return fmt.Errorf("crm: list export: %w", err)
	}
	for i, r := range page.Records {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, recordCells(l, r)); err != nil {
			return fmt.Errorf("crm: list export: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("crm: list export: %w", err)
	}
	if err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.export", ObjectType: "list", ObjectID: l.ID,
			Details: map[string]any{"list": l.Name, "rows": len(page.Records), "unit_id": f.UnitID, "q": f.Query}})
	}); err != nil {
		return err
	}
	return x.Write(w)
}

// ImportRecords adds a list's records from an XLSX or CSV file whose
// headings are the fields' titles (or keys). A member cell holds the
// union card number or the full name of a member in the caller's scope;
// an organisation cell its name or id. Each row is reported as in the
// member import; a row in error adds nothing.
func (s *Lists) ImportRecords(ctx context.Context, sc access.Scope, listID string, r io.Reader, format string) (ImportReport, error) {
	if err := requireEdit(sc); err != nil {
		return ImportReport{}, err
	}
	l, err := s.GetList(ctx, sc, listID)
	if err != nil {
		return ImportReport{}, err
	}
	units, err := unitsByName(ctx, s.db, sc)
	if err != nil {
		return ImportReport{}, err
	}
	// A list's file is small (the default body limit): read it whole.
	var rows [][]string
	var lines []int
	t := &table{emit: func(b tableBatch) bool { rows, lines = append(rows, b.rows...), append(lines, b.lines...); return true }}
	if err := readTable(r, format, t); err != nil {
		return ImportReport{}, err
	}
	if t.header == nil {
		return ImportReport{}, valid.Errorf("file", "file_empty", "the file has no header row")
	}
	cols := make([]*ListField, len(t.header))
	for i, h := range t.header {
		for j, f := range l.Fields {
			if norm.Fold(h) == norm.Fold(f.Title) || h == f.Key {
				cols[i] = &l.Fields[j]
			}
		}
	}
	rep := ImportReport{Rows: []ImportRow{}}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for i, cells := range rows {
			row := ImportRow{Row: lines[i]}
			vals := map[string]any{}
			for c, f := range cols {
				if f == nil || f.Type == FieldFile || c >= len(cells) || cells[c] == "" {
					continue
				}
				vals[f.Key] = cells[c]
				if f.Type == FieldMember || f.Type == FieldOrganisation {
					id, err := s.resolveLink(ctx, tx, sc, *f, cells[c], units)
					if err != nil {
						row.Result, row.Field, row.Message = ImportError, f.Key, err.Error()
						break
					}
					vals[f.Key] = id
				}
			}
			switch {
			case row.Result != "":
			case len(vals) == 0:
				row.Result = ImportSkipped
			default:
				if _, err := tx.ExecContext(ctx, `SAVEPOINT list_row`); err != nil {
					return err
				}
				rec, err := addRecord(ctx, s, tx, sc, l, "", vals)
				undo := `RELEASE SAVEPOINT list_row`
				if ve, ok := valid.As(err); ok {
					row.Result, row.Field, row.Message, undo = ImportError, ve.Field, ve.Msg, `ROLLBACK TO SAVEPOINT list_row`
				} else if err != nil {
					return err
				} else {
					row.Result, row.MemberID = ImportCreated, rec.ID
				}
				if _, err := tx.ExecContext(ctx, undo); err != nil {
					return err
				}
			}
			rep.Rows = append(rep.Rows, row)
		}
		for _, row := range rep.Rows {
			switch row.Result {
			case ImportCreated:
				rep.Created++
			case ImportSkipped:
				rep.Skipped++
			case ImportError:
				rep.Errors++
			}
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.import", ObjectType: "list", ObjectID: l.ID,
			Details: map[string]any{"list": l.Name, "created": rep.Created, "skipped": rep.Skipped, "errors": rep.Errors}})
	})
	return rep, err
}

// resolveLink finds the member (by union card number or full name) or the
// organisation (by name or id) a cell names, in the caller's scope.
func (s *Lists) resolveLink(ctx context.Context, tx *sql.Tx, sc access.Scope, f ListField, cell string, units map[string]string) (string, error) {
	if f.Type == FieldOrganisation {
		if id := units[norm.Fold(cell)]; id != "" {
			return id, nil
		}
		return "", fmt.Errorf("%s: no single organisation named %q in your scope", f.Title, cell)
	}
	lo, hi := sc.PathRange()
	rows, err := tx.QueryContext(ctx, `SELECT m.id FROM crm_members m JOIN units u ON u.id = m.unit_id
		WHERE (m.card_number = $1 AND m.card_number <> '' OR m.name_folded = $2) AND u.path >= $3 AND u.path < $4 LIMIT 2`,
		cell, norm.Fold(cell), lo, hi)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", err
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		return "", fmt.Errorf("%s: %q names no single member in your organisations (give the union card number)", f.Title, cell)
	}
	return ids[0], rows.Err()
}
