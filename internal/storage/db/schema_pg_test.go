package db_test

import (
	"context"
	"database/sql"
	"strings"
)

// PostgreSQL catalog queries, limited to the current schema (dbtest gives
// each test its own).

const pgColumns = `
SELECT c.relname, COALESCE(array_to_string(c.reloptions, ','), ''),
       a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull,
       pg_get_expr(d.adbin, d.adrelid),
       COALESCE(array_position(pk.conkey, a.attnum), 0),
       CASE WHEN a.attcollation <> ty.typcollation THEN co.collname ELSE '' END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
LEFT JOIN pg_constraint pk ON pk.conrelid = c.oid AND pk.contype = 'p'
WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname <> 'goose_db_version'
ORDER BY c.relname, a.attnum`

const pgIndexes = `
SELECT i.relname, t.relname, ix.indisunique,
       COALESCE(con.contype::text, ''),
       COALESCE(pg_get_expr(ix.indpred, ix.indrelid), ''),
       array_to_string(ARRAY(
           SELECT pg_get_indexdef(ix.indexrelid, k, true) || '/' || COALESCE(cl.collname, '')
           FROM generate_series(1, ix.indnkeyatts) k
           LEFT JOIN pg_collation cl ON cl.oid = ix.indcollation[k - 1]
           ORDER BY k), ',')
FROM pg_index ix
JOIN pg_class i ON i.oid = ix.indexrelid
JOIN pg_class t ON t.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
LEFT JOIN pg_constraint con ON con.conindid = ix.indexrelid AND con.contype IN ('p', 'u')
WHERE n.nspname = current_schema() AND t.relname <> 'goose_db_version'`

const pgForeignKeys = `
SELECT c.relname,
       array_to_string(ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
           JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord), ','),
       r.relname,
       array_to_string(ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
           JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord), ','),
       con.confdeltype
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_class r ON r.oid = con.confrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND n.nspname = current_schema()`

const pgTriggers = `
SELECT tg.tgname, c.relname, tg.tgtype, p.proname
FROM pg_trigger tg
JOIN pg_class c ON c.oid = tg.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = tg.tgfoid
WHERE n.nspname = current_schema() AND NOT tg.tgisinternal`

const pgFunctions = `
SELECT p.proname || ': ' || btrim(p.prosrc, E' \n')
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = current_schema()`

// pgDeleteActions maps pg_constraint.confdeltype to SQLite's words.
var pgDeleteActions = map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}

func dumpPostgres(ctx context.Context, q *sql.DB) (*schema, error) {
	s := &schema{}
	var err error
	if s.versions, err = appliedVersions(ctx, q); err != nil {
		return nil, err
	}
	err = queryRows(ctx, q, pgColumns, func(r *sql.Rows) error {
		var name, options string
		var c column
		var def sql.NullString
		if err := r.Scan(&name, &options, &c.name, &c.typ, &c.notNull, &def, &c.pk, &c.collation); err != nil {
			return err
		}
		c.def, c.hasDefault = def.String, def.Valid
		if n := len(s.tables); n == 0 || s.tables[n-1].name != name {
			s.tables = append(s.tables, table{name: name, options: options})
		}
		tb := &s.tables[len(s.tables)-1]
		tb.columns = append(tb.columns, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, q, pgIndexes, func(r *sql.Rows) error {
		var ix index
		if err := r.Scan(&ix.name, &ix.table, &ix.unique, &ix.origin, &ix.where, &ix.columns); err != nil {
			return err
		}
		ix.origin = map[string]string{"p": "pk", "u": "unique", "": "index"}[ix.origin]
		s.indexes = append(s.indexes, ix)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, q, pgForeignKeys, func(r *sql.Rows) error {
		var fk fkey
		if err := r.Scan(&fk.table, &fk.columns, &fk.refTable, &fk.refColumns, &fk.onDelete); err != nil {
			return err
		}
		fk.onDelete = pgDeleteActions[fk.onDelete]
		s.fkeys = append(s.fkeys, fk)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, q, pgTriggers, func(r *sql.Rows) error {
		var tr trigger
		var typ int
		if err := r.Scan(&tr.name, &tr.table, &typ, &tr.body); err != nil {
			return err
		}
		tr.events = pgTriggerEvents(typ)
		s.triggers = append(s.triggers, tr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = queryRows(ctx, q, pgFunctions, func(r *sql.Rows) error {
		var f string
		s.functions = append(s.functions, f)
		return r.Scan(&s.functions[len(s.functions)-1])
	})
	return s, err
}

// pgTriggerEvents decodes pg_trigger.tgtype (bits of
// src/include/catalog/pg_trigger.h): 2 BEFORE, 64 INSTEAD OF, else AFTER;
// 4 INSERT, 8 DELETE, 16 UPDATE.
func pgTriggerEvents(typ int) []string {
	timing := "AFTER"
	switch {
	case typ&2 != 0:
		timing = "BEFORE"
	case typ&64 != 0:
		timing = "INSTEAD OF"
	}
	var out []string
	for _, e := range []struct {
		bit  int
		name string
	}{{4, "INSERT"}, {8, "DELETE"}, {16, "UPDATE"}} {
		if typ&e.bit != 0 {
			out = append(out, timing+" "+e.name)
		}
	}
	return out
}

// pgCast matches a type cast PostgreSQL adds when it prints an expression
// ('x'::text, '{}'::character varying).
var pgCast = strings.NewReplacer("::text", "", "::character varying", "", "::bigint", "", "::integer", "", "::boolean", "")
