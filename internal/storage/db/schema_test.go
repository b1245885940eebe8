package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/profhub/profhub/internal/storage/db"
)

// schema is what the migrations made, read back from the engine's catalog
// rather than from the migration text, so two trees that build the same
// thing compare equal however their statements are written.
type schema struct {
	versions  []int64
	tables    []table
	indexes   []index
	fkeys     []fkey
	triggers  []trigger
	functions []string // PostgreSQL: "name: body"
}

type table struct {
	name    string
	options string // PostgreSQL storage parameters (reloptions)
	columns []column
}

type column struct {
	name, typ  string
	notNull    bool
	def        string // as the engine reports it; "" = none
	pk         int    // position in the primary key, 0 = not in it
	collation  string // PostgreSQL: a collation other than the type's default
	hasDefault bool
}

type index struct {
	name, table string
	columns     string // comma-separated; PostgreSQL adds /collation
	unique      bool
	origin      string // pk | unique (made by a constraint) | index
	where       string // partial-index predicate as the engine prints it
}

type fkey struct {
	table, columns, refTable, refColumns, onDelete string
}

type trigger struct {
	name, table string
	events      []string // "BEFORE UPDATE", …
	body        string   // SQLite: the CREATE TRIGGER text; PostgreSQL: the function called
}

// dumpSchema reads d's schema in the current PostgreSQL schema or the
// SQLite main database.
func dumpSchema(t *testing.T, d *db.DB) *schema {
	t.Helper()
	ctx := context.Background()
	var s *schema
	var err error
	if d.Dialect == db.Postgres {
		s, err = dumpPostgres(ctx, d.DB)
	} else {
		s, err = dumpSQLite(ctx, d.DB)
	}
	if err != nil {
		t.Fatalf("dump schema: %v", err)
	}
	return s
}

// queryRows runs q and calls scan for each row.
func queryRows(ctx context.Context, q *sql.DB, query string, scan func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("%s: %w", strings.Fields(query)[1], err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

func appliedVersions(ctx context.Context, q *sql.DB) ([]int64, error) {
	var out []int64
	err := queryRows(ctx, q, `SELECT version_id FROM goose_db_version WHERE is_applied AND version_id > 0 ORDER BY id`,
		func(r *sql.Rows) error {
			var v int64
			out = append(out, v)
			return r.Scan(&out[len(out)-1])
		})
	return out, err
}

var triggerEvent = regexp.MustCompile(`(?i)\b(BEFORE|AFTER|INSTEAD OF)\s+(INSERT|UPDATE|DELETE)\b`)

func dumpSQLite(ctx context.Context, q *sql.DB) (*schema, error) {
	s := &schema{}
	var err error
	if s.versions, err = appliedVersions(ctx, q); err != nil {
		return nil, err
	}
	var names []string
	err = queryRows(ctx, q, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name <> 'goose_db_version' ORDER BY name`,
		func(r *sql.Rows) error {
			var n string
			names = append(names, n)
			return r.Scan(&names[len(names)-1])
		})
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		tb := table{name: name}
		err := queryRows(ctx, q, `SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_xinfo($1) ORDER BY cid`,
			func(r *sql.Rows) error {
				var c column
				var def sql.NullString
				if err := r.Scan(&c.name, &c.typ, &c.notNull, &def, &c.pk); err != nil {
					return err
				}
				c.def, c.hasDefault = def.String, def.Valid
				tb.columns = append(tb.columns, c)
				return nil
			}, name)
		if err != nil {
			return nil, err
		}
		s.tables = append(s.tables, tb)
		if err := sqliteIndexes(ctx, q, s, name); err != nil {
			return nil, err
		}
		if err := sqliteForeignKeys(ctx, q, s, name); err != nil {
			return nil, err
		}
	}
	err = queryRows(ctx, q, `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name`,
		func(r *sql.Rows) error {
			var tr trigger
			if err := r.Scan(&tr.name, &tr.table, &tr.body); err != nil {
				return err
			}
			for _, m := range triggerEvent.FindAllStringSubmatch(tr.body, -1) {
				tr.events = append(tr.events, strings.ToUpper(m[1]+" "+m[2]))
			}
			s.triggers = append(s.triggers, tr)
			return nil
		})
	return s, err
}

var whereClause = regexp.MustCompile(`(?is)\sWHERE\s+(.*?);?\s*$`)

func sqliteIndexes(ctx context.Context, q *sql.DB, s *schema, tbl string) error {
	var list []index
	err := queryRows(ctx, q, `SELECT l.name, l."unique", l.origin, COALESCE(m.sql, '') FROM pragma_index_list($1) l
		LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = l.name ORDER BY l.name`,
		func(r *sql.Rows) error {
			ix := index{table: tbl}
			var create string
			if err := r.Scan(&ix.name, &ix.unique, &ix.origin, &create); err != nil {
				return err
			}
			ix.origin = map[string]string{"pk": "pk", "u": "unique", "c": "index"}[ix.origin]
			if m := whereClause.FindStringSubmatch(create); m != nil {
				ix.where = m[1]
			}
			list = append(list, ix)
			return nil
		}, tbl)
	if err != nil {
		return err
	}
	for _, ix := range list {
		var cols []string
		err := queryRows(ctx, q, `SELECT COALESCE(name, '<expr>') FROM pragma_index_info($1) ORDER BY seqno`,
			func(r *sql.Rows) error {
				var c string
				cols = append(cols, c)
				return r.Scan(&cols[len(cols)-1])
			}, ix.name)
		if err != nil {
			return err
		}
		ix.columns = strings.Join(cols, ",")
		s.indexes = append(s.indexes, ix)
	}
	return nil
}

func sqliteForeignKeys(ctx context.Context, q *sql.DB, s *schema, tbl string) error {
	byID := map[int]*fkey{}
	var ids []int
	err := queryRows(ctx, q, `SELECT id, "table", "from", COALESCE("to", ''), on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq`,
		func(r *sql.Rows) error {
			var id int
			var ref, from, to, onDelete string
			if err := r.Scan(&id, &ref, &from, &to, &onDelete); err != nil {
				return err
			}
			fk, ok := byID[id]
			if !ok {
				fk = &fkey{table: tbl, refTable: ref, onDelete: onDelete}
				byID[id] = fk
				ids = append(ids, id)
			} else {
				fk.columns += ","
				fk.refColumns += ","
			}
			fk.columns += from
			fk.refColumns += to // "" when REFERENCES names only the table: its primary key
			return nil
		}, tbl)
	for _, id := range ids {
		s.fkeys = append(s.fkeys, *byID[id])
	}
	return err
}

// normalise sorts what the catalogs return in no guaranteed order.
func (s *schema) normalise() {
	sort.Slice(s.tables, func(i, j int) bool { return s.tables[i].name < s.tables[j].name })
	sort.Slice(s.indexes, func(i, j int) bool {
		a, b := s.indexes[i], s.indexes[j]
		return a.table+" "+a.name < b.table+" "+b.name
	})
	sort.Slice(s.fkeys, func(i, j int) bool {
		a, b := s.fkeys[i], s.fkeys[j]
		return a.table+" "+a.columns+" "+a.refTable < b.table+" "+b.columns+" "+b.refTable
	})
	sort.Slice(s.triggers, func(i, j int) bool { return s.triggers[i].name < s.triggers[j].name })
	sort.Strings(s.functions)
}
