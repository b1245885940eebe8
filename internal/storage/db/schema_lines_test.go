package db_test

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// detailed renders s one fact per line, everything the engine reports
// (its own type names, default text, collations, storage parameters,
// trigger bodies): the golden file of one engine pins its schema exactly.
func (s *schema) detailed() []string {
	s.normalise()
	var out []string
	for _, v := range s.versions {
		out = append(out, fmt.Sprintf("version %d", v))
	}
	for _, tb := range s.tables {
		out = append(out, fmt.Sprintf("table %s options=%q", tb.name, tb.options))
		for i, c := range tb.columns {
			def := "-"
			if c.hasDefault {
				def = fmt.Sprintf("%q", c.def)
			}
			out = append(out, fmt.Sprintf("column %s #%d %s %s notnull=%t default=%s pk=%d collate=%q",
				tb.name, i+1, c.name, c.typ, c.notNull, def, c.pk, c.collation))
		}
	}
	for _, ix := range s.indexes {
		out = append(out, fmt.Sprintf("index %s %s (%s) unique=%t origin=%s where=%q",
			ix.table, ix.name, ix.columns, ix.unique, ix.origin, ix.where))
	}
	for _, fk := range s.fkeys {
		out = append(out, fmt.Sprintf("fkey %s (%s) -> %s (%s) on delete %s", fk.table, fk.columns, fk.refTable, fk.refColumns, fk.onDelete))
	}
	for _, tr := range s.triggers {
		out = append(out, fmt.Sprintf("trigger %s on %s %s: %q", tr.name, tr.table, strings.Join(tr.events, ", "), tr.body))
	}
	for _, f := range s.functions {
		out = append(out, fmt.Sprintf("function %q", f))
	}
	return out
}

// portable renders what both engines must agree on. The differences it
// leaves out on purpose (the allow-list) are:
//   - collations: SQLite compares TEXT bytewise; PostgreSQL uses the
//     database's collation except on the columns declared COLLATE "C"
//     for prefix range scans (the per-engine golden files pin those);
//   - PostgreSQL storage parameters (fillfactor): SQLite has none;
//   - how the audit log refuses edits: a trigger per event with its body
//     on SQLite, one trigger calling a function on PostgreSQL — compared
//     as which events on which table are guarded;
//   - the index behind a PRIMARY KEY (the columns' pk positions say
//     what it holds; SQLite's INTEGER PRIMARY KEY is the rowid and has
//     none) and the names of those behind UNIQUE constraints
//     (sqlite_autoindex_users_2 against users_login_key);
//   - column order: PostgreSQL appends an added column, SQLite's rebuilt
//     wf_notifications has it in the middle;
//   - NOT NULL on primary-key columns, which PostgreSQL implies and
//     SQLite does not (profhub never stores a NULL id).
//   - the words of the inbox search (migration 00025): an FTS5 table
//     (inbox_search and its shadow tables) on SQLite, a tsvector column
//     with a GIN index on PostgreSQL; inbox_search_docs.id is SQLite's
//     64-bit rowid, a BIGINT on PostgreSQL; PostgreSQL's documents also
//     keep the conversation's line, assignee and status, with an index by
//     conversation to update them (migration 00035).
func (s *schema) portable() []string {
	s.normalise()
	pkCols := map[string]string{} // table → its first primary-key column, for REFERENCES t
	var out []string
	for _, v := range s.versions {
		out = append(out, fmt.Sprintf("version %d", v))
	}
	for _, tb := range s.tables {
		if searchEngineOwn(tb.name, "") {
			continue
		}
		out = append(out, "table "+tb.name)
		for _, c := range tb.columns {
			if c.pk == 1 {
				pkCols[tb.name] = c.name
			}
			if searchEngineOwn(tb.name, c.name) {
				continue
			}
			typ := typeClass(c.typ)
			if tb.name == "inbox_search_docs" && c.name == "id" {
				typ = "bigint"
			}
			out = append(out, fmt.Sprintf("column %s.%s %s notnull=%t default=%s pk=%d",
				tb.name, c.name, typ, c.notNull || c.pk > 0, portableDefault(c), c.pk))
		}
	}
	for _, ix := range s.indexes {
		if ix.origin == "pk" || engineOwnIndex[ix.table+"."+ix.name] {
			continue
		}
		name := ix.name
		if ix.origin != "index" {
			name = "(" + ix.origin + ")"
		}
		var cols []string
		for _, c := range strings.Split(ix.columns, ",") {
			// PostgreSQL quotes a column named by a keyword ("position").
			cols = append(cols, strings.Trim(strings.SplitN(c, "/", 2)[0], `"`))
		}
		out = append(out, fmt.Sprintf("index %s %s (%s) unique=%t where=%q",
			ix.table, name, strings.Join(cols, ","), ix.unique, portableExpr(ix.where)))
	}
	for _, fk := range s.fkeys {
		ref := fk.refColumns
		if ref == "" {
			ref = pkCols[fk.refTable]
		}
		out = append(out, fmt.Sprintf("fkey %s (%s) -> %s (%s) on delete %s", fk.table, fk.columns, fk.refTable, ref, fk.onDelete))
	}
	for _, tr := range s.triggers {
		for _, e := range tr.events {
			out = append(out, fmt.Sprintf("guard %s %s", tr.table, e))
		}
	}
	sort.Strings(out)
	return out
}

// searchEngineOwn reports whether a table (column "") or a column belongs
// to one engine's own full-text index of the inbox search.
// engineOwnIndex: indexes one engine has and the other does not need.
var engineOwnIndex = map[string]bool{
	"inbox_search_docs.inbox_search_docs_terms": true, // PostgreSQL's GIN over the search's words
	// SQLite only (00058): a several-word name search checks its other
	// words from it; PostgreSQL walks the names' index instead.
	"crm_members.crm_members_id_name": true,
}

func searchEngineOwn(table, column string) bool {
	switch table {
	case "inbox_search", "inbox_search_config", "inbox_search_data", "inbox_search_docsize", "inbox_search_idx", "inbox_search_content":
		return true
	case "inbox_search_docs":
		// PostgreSQL keeps the search's filters beside the words (00035).
		return column == "terms" || column == "line_id" || column == "assignee_id" || column == "status"
	}
	return false
}

// typeClass names a column type the same way on both engines.
func typeClass(typ string) string {
	t := strings.ToLower(strings.TrimSpace(typ))
	if alias, ok := map[string]string{"int": "integer", "int4": "integer", "int8": "bigint", "bool": "boolean",
		"double precision": "real", "float8": "real", "bytea": "blob"}[t]; ok {
		return alias
	}
	return t
}

func portableDefault(c column) string {
	if !c.hasDefault {
		return "-"
	}
	return portableExpr(c.def)
}

var (
	pgAnyArray = regexp.MustCompile(`(?i)=\s*ANY\s*\(ARRAY\[(.*?)\]\)`)
	spaces     = regexp.MustCompile(`\s+`)
)

// portableExpr rewrites a default or an index predicate as PostgreSQL
// prints it ((status = ANY (ARRAY['a'::text, 'b'::text]))) into the form
// it was written in, as SQLite keeps it (status IN ('a', 'b')), without
// the parentheses either engine may add.
func portableExpr(e string) string {
	e = pgCast.Replace(e)
	e = pgAnyArray.ReplaceAllString(e, "IN ($1)")
	e = strings.NewReplacer("(", "", ")", "").Replace(e)
	e = spaces.ReplaceAllString(strings.TrimSpace(e), " ")
	switch strings.ToLower(e) {
	case "true", "false":
		return strings.ToLower(e)
	}
	return e
}

// diffLines lists the lines only in want ("-") and only in got ("+").
func diffLines(want, got []string) []string {
	count := map[string]int{}
	for _, l := range want {
		count[l]++
	}
	for _, l := range got {
		count[l]--
	}
	var out []string
	for _, l := range want {
		if count[l] > 0 {
			out = append(out, "- "+l)
			count[l]--
		}
	}
	for _, l := range got {
		if count[l] < 0 {
			out = append(out, "+ "+l)
			count[l]++
		}
	}
	return out
}
