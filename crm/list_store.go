package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Lists keeps the universal lists and their records; their import and
// export is in list_transfer.go, their files are ListFiles'.
type Lists struct{ db *db.DB }

// listVisible: a list is seen by everyone whose subtree holds its unit and
// by everyone below its unit (a federation's list is kept by its
// committees and primary organisations, each for their own records).
const listVisible = `((u.path >= $1 AND u.path < $2) OR substr($3, 1, length(u.path)) = u.path)`

func listArgs(sc access.Scope) []any {
	lo, hi := sc.PathRange()
	return []any{lo, hi, sc.UnitPath}
}

const listSelect = `SELECT l.id, l.name, l.unit_id, u.name, l.fields, l.created_at, l.updated_at FROM crm_lists l JOIN units u ON u.id = l.unit_id `

func scanList(row interface{ Scan(...any) error }) (List, error) {
	var l List
	var fields string
	var created, updated int64
	if err := row.Scan(&l.ID, &l.Name, &l.UnitID, &l.UnitName, &fields, &created, &updated); err != nil {
		return l, err
	}
	if err := json.Unmarshal([]byte(fields), &l.Fields); err != nil {
		return l, fmt.Errorf("crm: list %s: stored JSON: %w", l.ID, err)
	}
	l.CreatedAt, l.UpdatedAt = db.Time(created), db.Time(updated)
	return l, nil
}

// requireListAdmin: lists are defined by administrators (access.ManageLists).
func requireListAdmin(sc access.Scope) error { return sc.Require(access.ManageLists) }

// CreateList defines a list in a unit of the caller's scope.
func (s *Lists) CreateList(ctx context.Context, sc access.Scope, in ListInput) (List, error) {
	if err := requireListAdmin(sc); err != nil {
		return List{}, err
	}
	if err := in.normalize(); err != nil {
		return List{}, err
	}
	if in.UnitID == "" {
		in.UnitID = sc.UnitID
	}
	id := uuid.Must(uuid.NewV7()).String()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := unitInScope(ctx, tx, sc, in.UnitID); err != nil {
			return err
		}
		fields, _ := json.Marshal(in.Fields)
		now := db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_lists (id, unit_id, name, fields, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5)`, id, in.UnitID, in.Name, string(fields), now); err != nil {
			return fmt.Errorf("crm: create list: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.create", ObjectType: "list", ObjectID: id, UnitID: in.UnitID,
			Details: map[string]any{"name": in.Name, "fields": len(in.Fields)}})
	})
	if err != nil {
		return List{}, err
	}
	return s.GetList(ctx, sc, id)
}

// GetList returns a list the caller may use.
func (s *Lists) GetList(ctx context.Context, sc access.Scope, id string) (List, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return List{}, err
	}
	l, err := scanList(s.db.QueryRowContext(ctx, listSelect+`WHERE l.id = $4 AND `+listVisible, append(listArgs(sc), id)...))
	if errors.Is(err, sql.ErrNoRows) {
		return List{}, fmt.Errorf("crm: list %s: %w", id, db.ErrNotFound)
	}
	if err != nil {
		return List{}, fmt.Errorf("crm: get list: %w", err)
	}
	return l, nil
}

// Lists returns the lists the caller may use, by name.
func (s *Lists) Lists(ctx context.Context, sc access.Scope) ([]List, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, listSelect+`WHERE `+listVisible+` ORDER BY l.name, l.id LIMIT 500`, listArgs(sc)...)
	if err != nil {
		return nil, fmt.Errorf("crm: lists: %w", err)
	}
	defer rows.Close()
	out := []List{}
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, fmt.Errorf("crm: lists: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// Record is one entry of a list. Values are keyed by field; member and
// organisation fields hold ids, and Labels their names for display.
type Record struct {
	ID        string            `json:"id"`
	ListID    string            `json:"list_id"`
	UnitID    string            `json:"unit_id"`
	Values    map[string]any    `json:"values"`
	Labels    map[string]string `json:"labels,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// checkRecord validates values against l's fields and the caller's scope,
// and returns the normalised values, the record's unit (the first member
// field's organisation, else unitID, else the caller's unit), the labels
// of linked cards and the folded search text.
func (s *Lists) checkRecord(ctx context.Context, q db.Execer, sc access.Scope, l List, recordID, unitID string, values map[string]any) (map[string]any, string, map[string]string, string, error) {
	for k := range values {
		if !l.hasField(k) {
			return nil, "", nil, "", valid.Errorf(k, "field_unknown", "the list has no field %q", k)
		}
	}
	out, labels := map[string]any{}, map[string]string{}
	var search []string
	for _, f := range l.Fields {
		v, err := fieldValue(f, values[f.Key])
		if err != nil {
			return nil, "", nil, "", err
		}
		if v == nil {
			if f.Required {
				return nil, "", nil, "", valid.Errorf(f.Key, "required", "%s is required", f.Title)
			}
			continue
		}
		switch f.Type {
		case FieldMember:
			m, err := getMember(ctx, q, sc, v.(string))
			if err != nil {
				return nil, "", nil, "", valid.Errorf(f.Key, "member", "%s: no such member in your organisations", f.Title)
			}
			labels[f.Key] = m.FullName
			if unitID == "" {
				unitID = m.UnitID
			}
		case FieldOrganisation:
			name, err := unitInScope(ctx, q, sc, v.(string))
			if err != nil {
				return nil, "", nil, "", valid.Errorf(f.Key, "organisation", "%s: no such organisation in your scope", f.Title)
			}
			labels[f.Key] = name
		case FieldFile:
			file, err := listFileFor(ctx, q, sc, l.ID, f, recordID, v.(string))
			if err != nil {
				return nil, "", nil, "", err
			}
			v = file
			search = append(search, file["name"].(string))
		}
		out[f.Key] = v
		if str, ok := v.(string); ok && f.Type != FieldMember && f.Type != FieldOrganisation {
			search = append(search, str)
		}
	}
	for _, lb := range labels {
		search = append(search, lb)
	}
	if unitID == "" {
		unitID = sc.UnitID
	}
	if _, err := unitInScope(ctx, q, sc, unitID); err != nil {
		return nil, "", nil, "", err
	}
	return out, unitID, labels, norm.Fold(strings.Join(search, " ")), nil
}

func (l List) hasField(key string) bool {
	for _, f := range l.Fields {
		if f.Key == key {
			return true
		}
	}
	return false
}

// AddRecord adds a record to a list the caller may use, in a unit of
// their scope.
func (s *Lists) AddRecord(ctx context.Context, sc access.Scope, listID, unitID string, values map[string]any) (Record, error) {
	if err := requireEdit(sc); err != nil {
		return Record{}, err
	}
	l, err := s.GetList(ctx, sc, listID)
	if err != nil {
		return Record{}, err
	}
	var r Record
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		r, err = addRecord(ctx, s, tx, sc, l, unitID, values)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "list.record_add", ObjectType: "list_record", ObjectID: r.ID,
			UnitID: r.UnitID, Details: map[string]any{"list": l.Name}})
	})
	return r, err
}

func addRecord(ctx context.Context, s *Lists, tx db.Execer, sc access.Scope, l List, unitID string, values map[string]any) (Record, error) {
	id := uuid.Must(uuid.NewV7()).String()
	vals, unit, labels, search, err := s.checkRecord(ctx, tx, sc, l, id, unitID, values)
	if err != nil {
		return Record{}, err
	}
	js, _ := json.Marshal(vals)
	now := db.Now()
	r := Record{ID: id, ListID: l.ID, UnitID: unit, Values: vals, Labels: labels,
		CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
	if _, err := tx.ExecContext(ctx, `INSERT INTO crm_list_records (id, list_id, unit_id, vals, search_folded, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, r.ID, l.ID, unit, string(js), search, sc.UserID, now); err != nil {
		return Record{}, fmt.Errorf("crm: add record: %w", err)
	}
	return r, claimListFiles(ctx, tx, l, r.ID, vals)
}

// RecordFilter narrows a list's records.
type RecordFilter struct {
	UnitID string // this organisation and its subtree
	Query  string // words of the text values and linked names
	Limit  int    // 1–500, default 50; 0 with All for exports
	Offset int
	All    bool
}

// RecordPage is a page of records and the size of the selection.
type RecordPage struct {
	Records []Record `json:"records"`
	Total   int      `json:"total"`
}

// Records returns the records of a list in the caller's scope, newest first.
func (s *Lists) Records(ctx context.Context, sc access.Scope, listID string, f RecordFilter) (List, RecordPage, error) {
	l, err := s.GetList(ctx, sc, listID)
	if err != nil {
		return List{}, RecordPage{}, err
	}
	args := []any{l.ID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	lo, hi := sc.PathRange()
	conds := []string{"r.list_id = $1", "u.path >= " + arg(lo) + " AND u.path < " + arg(hi)}
	if f.UnitID != "" {
		cond, err := subtreeCondition(ctx, s.db, sc, f.UnitID, arg)
		if err != nil {
			return List{}, RecordPage{}, err
		}
		conds = append(conds, strings.ReplaceAll(cond, "m.unit_id", "r.unit_id"))
	}
	for _, w := range strings.Fields(norm.Fold(f.Query)) {
		conds = append(conds, `r.search_folded LIKE `+arg("%"+db.EscapeLike(w)+"%")+` ESCAPE '\'`)
	}
	where := ` FROM crm_list_records r JOIN units u ON u.id = r.unit_id WHERE ` + strings.Join(conds, " AND ")
	var page RecordPage
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+where, args...).Scan(&page.Total); err != nil {
		return List{}, RecordPage{}, fmt.Errorf("crm: count records: %w", err)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	limit := ""
	if !f.All {
		limit = ` LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(max(f.Offset, 0))
	}
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.unit_id, r.vals, r.created_at, r.updated_at`+where+
		` ORDER BY r.created_at DESC, r.id DESC`+limit, args...)
	if err != nil {
		return List{}, RecordPage{}, fmt.Errorf("crm: records: %w", err)
	}
	defer rows.Close()
	page.Records = []Record{}
	for rows.Next() {
		r := Record{ListID: l.ID}
		var vals string
		var created, updated int64
		if err := rows.Scan(&r.ID, &r.UnitID, &vals, &created, &updated); err != nil {
			return List{}, RecordPage{}, fmt.Errorf("crm: records: %w", err)
		}
		if err := json.Unmarshal([]byte(vals), &r.Values); err != nil {
			return List{}, RecordPage{}, fmt.Errorf("crm: record %s: stored JSON: %w", r.ID, err)
		}
		r.CreatedAt, r.UpdatedAt = db.Time(created), db.Time(updated)
		page.Records = append(page.Records, r)
	}
	if err := rows.Err(); err != nil {
		return List{}, RecordPage{}, err
	}
	return l, page, s.labelRecords(ctx, sc, l, page.Records)
}

// labelRecords fills the names of the members and organisations records
// link to (those the caller can no longer see stay unnamed).
func (s *Lists) labelRecords(ctx context.Context, sc access.Scope, l List, rs []Record) error {
	names := map[string]string{}
	for i := range rs {
		for _, f := range l.Fields {
			id, ok := rs[i].Values[f.Key].(string)
			if !ok || (f.Type != FieldMember && f.Type != FieldOrganisation) {
				continue
			}
			key := string(f.Type) + ":" + id
			if _, done := names[key]; !done {
				if f.Type == FieldMember {
					m, err := getMember(ctx, s.db, sc, id)
					if err != nil && !errors.Is(err, db.ErrNotFound) {
						return err
					}
					names[key] = m.FullName
				} else {
					n, err := unitInScope(ctx, s.db, sc, id)
					if err != nil && !errors.Is(err, db.ErrNotFound) {
						return err
					}
					names[key] = n
				}
			}
			if rs[i].Labels == nil {
				rs[i].Labels = map[string]string{}
			}
			rs[i].Labels[f.Key] = names[key]
		}
	}
	return nil
}
