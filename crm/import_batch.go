package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// An import batch works in three steps, so that a quarter of a million
// rows take a few hundred statements per batch instead of a dozen per
// row (per-row statements made the reference file take many minutes):
//
//  1. read: every row's cells become the keys that identify a card
//     (union card number, phones, name and birth date);
//  2. look up: one query per kind of key finds the stored cards the
//     batch's rows may describe, and one more loads them;
//  3. resolve, in memory and in file order: each row finds its card by the
//     same rules as ever (card number, else the one card with a phone,
//     else the one card with the name and birth date; cards the batch
//     itself creates count too), and its cells are applied to it;
//  4. write: new cards in multi-row INSERTs, changed stored cards one by
//     one, audit entries for each.
type importBatch struct {
	sc      access.Scope
	units   map[string]string
	defUnit string
	items   []*importItem
	cards   map[string]*importCard // by member id
	created []*importCard          // in file order

	// custom are the member custom fields, paths the units' paths when a
	// field is of one subtree (importCustom): a row's custom values are
	// checked as a card's are.
	custom []CustomField
	paths  map[string]string

	byCard      map[string]string   // union card → member id; "" for a card outside the scope
	byPhone     map[string][]string // E.164 → ids of cards in scope
	byNameBirth map[string][]string // folded name + "|" + birth date → ids
}

type importItem struct {
	row   ImportRow
	vals  map[string][]string
	probe MemberInput // the row's keys
}

type importCard struct {
	id   string
	old  *Member // the stored card; nil for one the batch creates
	in   MemberInput
	rows []*importItem // rows that changed it
}

func newImportBatch(sc access.Scope, units map[string]string, defUnit string) *importBatch {
	return &importBatch{sc: sc, units: units, defUnit: defUnit, cards: map[string]*importCard{},
		byCard: map[string]string{}, byPhone: map[string][]string{}, byNameBirth: map[string][]string{}}
}

// importCache holds what every batch of an import needs and the import
// reads once: the scope's units by name, and the member custom fields
// with their units' paths. Reading the fields (and, for a field of one
// subtree, every unit's path) per batch of 2,000 rows repeated the same
// queries 127 times for the reference file.
type importCache struct {
	units  map[string]string
	custom []CustomField
	paths  map[string]string
	loaded bool // custom and paths are read
}

func (s *Importer) importBatch(ctx context.Context, c *importConn, sc access.Scope, t tableBatch, cols []string,
	cache *importCache, opt ImportOptions, log *undoLog, rep *ImportReport) error {
	var items []*importItem
	err := c.apply(ctx, len(t.rows), func(tx *sql.Tx) error {
		b := newImportBatch(sc, cache.units, opt.UnitID)
		if !cache.loaded {
			var err error
			if cache.custom, cache.paths, err = importCustom(ctx, tx, sc, cols); err != nil {
				return err
			}
			cache.loaded = true
		}
		b.custom, b.paths = cache.custom, cache.paths
		for i, row := range t.rows {
			b.read(t.lines[i], cols, row)
		}
		items = b.items
		if err := b.lookup(ctx, c, tx); err != nil {
			return err
		}
		b.resolve()
		if opt.DryRun {
			return nil // nothing was written
		}
		return b.write(ctx, c, tx, log)
	})
	if err != nil {
		return err
	}
	for _, it := range items {
		rep.Rows = append(rep.Rows, it.row)
	}
	return nil
}

func (it *importItem) fail(err error) {
	it.row.Result, it.row.Message, it.row.Field = ImportError, err.Error(), ""
	var ce *CustomFieldError
	if ve, ok := valid.As(err); ok {
		it.row.Field, it.row.Code, it.row.Message = ve.Field, ve.Code, ve.Msg
		if errors.As(err, &ce) {
			it.row.Field = ce.Label // a custom field is named by its label
		}
	} else if errors.Is(err, db.ErrConflict) {
		it.row.Code = "conflict"
	}
}

// importCustom loads the member custom fields when a column is mapped to
// one or a field is required (a new card must have it, whatever the file
// maps), and the paths of the units in sc's scope when such a field is
// of one subtree.
func importCustom(ctx context.Context, q db.Execer, sc access.Scope, cols []string) ([]CustomField, map[string]string, error) {
	defs, err := loadCustomFields(ctx, q, EntityMember)
	if err != nil {
		return nil, nil, err
	}
	required := slices.ContainsFunc(defs, func(f CustomField) bool { return f.Required && !f.Retired })
	if !required && !slices.ContainsFunc(cols, isCustomColumn) {
		return nil, nil, nil
	}
	if !slices.ContainsFunc(defs, func(f CustomField) bool { return f.unitPath != "" }) {
		return defs, nil, nil
	}
	lo, hi := sc.PathRange()
	rows, err := q.QueryContext(ctx, `SELECT id, path FROM units WHERE path >= $1 AND path < $2`, lo, hi)
	if err != nil {
		return nil, nil, fmt.Errorf("crm: import: units: %w", err)
	}
	defer rows.Close()
	paths := map[string]string{}
	for rows.Next() {
		var id, path string
		if err := rows.Scan(&id, &path); err != nil {
			return nil, nil, fmt.Errorf("crm: import: units: %w", err)
		}
		paths[id] = path
	}
	return defs, paths, rows.Err()
}

// read turns a row's cells into an item; a row that is empty or whose keys
// do not parse is settled here.
func (b *importBatch) read(line int, cols, cells []string) {
	it := &importItem{row: ImportRow{Row: line}, vals: map[string][]string{}}
	b.items = append(b.items, it)
	for i, f := range cols {
		if f != "" && i < len(cells) && cells[i] != "" {
			it.vals[f] = append(it.vals[f], cells[i])
		}
	}
	if len(it.vals) == 0 {
		it.row.Result = ImportSkipped
		return
	}
	if err := applyCells(&it.probe, it.vals, b.units); err != nil {
		it.fail(err)
		return
	}
	if it.probe.Surname == "" {
		it.probe.Surname = "-" // identifying a card needs no name; creating one does (checked in resolve)
	}
	if err := it.probe.normalize(); err != nil {
		it.fail(err)
	}
}

func nameBirthKey(in MemberInput) string {
	if in.BirthDate == "" || in.Surname == "-" {
		return ""
	}
	return norm.Fold(fullName(in)) + "|" + in.BirthDate
}

// inList returns the placeholders of n values that follow first-1 others:
// "$first, …" on PostgreSQL and "?, …" on SQLite, whose binding of a
// numbered parameter walks the list of all of them (quadratic in a
// statement of hundreds of values), while "?" binds by position.
func inList(d *db.DB, first, n int) string {
	if d.Dialect == db.SQLite {
		return strings.Repeat("?, ", n-1) + "?"
	}
	return numbered(first, n)
}

// numbered returns "$first, $first+1, …" for n values.
func numbered(first, n int) string {
	ph := make([]string, n)
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", first+i)
	}
	return strings.Join(ph, ", ")
}

func anys(vs []string) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = v
	}
	return out
}

// lookup finds the stored cards the batch's keys name and loads those in
// the caller's scope. The key queries read indexes only (most keys of a
// new file match nothing); the scope is applied when the few cards found
// are loaded.
func (b *importBatch) lookup(ctx context.Context, c *importConn, tx *sql.Tx) error {
	var cards, phones, names []string
	for _, it := range b.items {
		if it.row.Result != "" {
			continue
		}
		if it.probe.CardNumber != "" {
			cards = append(cards, it.probe.CardNumber)
		}
		phones = append(phones, it.probe.Phones...)
		if k := nameBirthKey(it.probe); k != "" {
			names = append(names, strings.SplitN(k, "|", 2)[0])
		}
	}
	found := map[string]bool{}
	cardOf := map[string]string{} // member id → card number, for cards found by number
	query := func(q string, vs []string, fn func(key, id string)) error {
		if len(vs) == 0 {
			return nil
		}
		vs = dedupe(vs)
		rows, err := c.query(ctx, tx, strings.Replace(q, "(IN)", "("+inList(c.d, 1, len(vs))+")", 1), anys(vs)...)
		if err != nil {
			return fmt.Errorf("crm: import: look up cards: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var key, id string
			if err := rows.Scan(&key, &id); err != nil {
				return fmt.Errorf("crm: import: look up cards: %w", err)
			}
			fn(key, id)
			found[id] = true
		}
		return rows.Err()
	}
	// Card numbers are unique across the registry: one outside the scope
	// must not be given to a new card here either (see below).
	err := query(`SELECT card_number, id FROM crm_members WHERE card_number IN (IN) AND card_number <> ''`, cards,
		func(card, id string) { cardOf[id] = card })
	if err == nil {
		err = query(`SELECT value, member_id FROM crm_member_contacts WHERE kind = 'phone' AND value IN (IN)`, phones,
			func(phone, id string) { b.byPhone[phone] = append(b.byPhone[phone], id) })
	}
	if err == nil {
		err = query(`SELECT name_folded || '|' || birth_date, id FROM crm_members WHERE name_folded IN (IN) AND birth_date <> ''`,
			names, func(key, id string) { b.byNameBirth[key] = append(b.byNameBirth[key], id) })
	}
	if err != nil || len(found) == 0 {
		return err
	}
	lo, hi := b.sc.PathRange()
	ids := slices.Collect(maps.Keys(found))
	rows, err := c.query(ctx, tx, `SELECT `+memberColumns+memberFrom+`WHERE u.path >= $1 AND u.path < $2 AND m.id IN (`+
		inList(c.d, 3, len(ids))+`)`, append([]any{lo, hi}, anys(ids)...)...)
	if err != nil {
		return fmt.Errorf("crm: import: load cards: %w", err)
	}
	ms, err := collectMembers(rows)
	if err != nil {
		return err
	}
	for _, m := range ms {
		b.cards[m.ID] = &importCard{id: m.ID, old: &m, in: m.MemberInput}
	}
	// Keep only what the caller may see; a card number seen outside the
	// scope stays known as taken.
	for id, card := range cardOf {
		b.byCard[card] = ""
		if b.cards[id] != nil {
			b.byCard[card] = id
		}
	}
	for _, m := range []map[string][]string{b.byPhone, b.byNameBirth} {
		for k, ids := range m {
			m[k] = slices.DeleteFunc(ids, func(id string) bool { return b.cards[id] == nil })
		}
	}
	return nil
}

func dedupe(vs []string) []string {
	slices.Sort(vs)
	return slices.Compact(vs)
}

// match finds the card a row describes: by union card number, else by a
// phone that only one card has, else by name and birth date; nil if none.
func (b *importBatch) match(in MemberInput) (*importCard, error) {
	if in.CardNumber != "" {
		if id, ok := b.byCard[in.CardNumber]; ok {
			if id == "" {
				return nil, valid.Errorf("card_number", "card_taken", "union card %s belongs to a member outside your organisations", in.CardNumber)
			}
			return b.cards[id], nil
		}
	}
	for _, p := range in.Phones {
		switch ids := b.byPhone[p]; len(ids) {
		case 0:
		case 1:
			return b.cards[ids[0]], nil
		default:
			return nil, valid.Errorf("phones", "phone_ambiguous", "phone %s belongs to several members; add the union card number", p)
		}
	}
	// Namesakes born the same day are told apart by their union cards.
	if k := nameBirthKey(in); k != "" && len(b.byNameBirth[k]) == 1 {
		if c := b.cards[b.byNameBirth[k][0]]; in.CardNumber == "" || c.in.CardNumber == "" || c.in.CardNumber == in.CardNumber {
			return c, nil
		}
	}
	return nil, nil
}

// index makes a card findable by the rows after the one that changed it.
func (b *importBatch) index(c *importCard) {
	add := func(m map[string][]string, k string) {
		if k != "" && !slices.Contains(m[k], c.id) {
			m[k] = append(m[k], c.id)
		}
	}
	if c.in.CardNumber != "" {
		b.byCard[c.in.CardNumber] = c.id
	}
	for _, p := range c.in.Phones {
		add(b.byPhone, p)
	}
	add(b.byNameBirth, nameBirthKey(c.in))
}

// resolve applies the rows, in file order, to the cards they describe.
func (b *importBatch) resolve() {
	for _, it := range b.items {
		if it.row.Result != "" {
			continue
		}
		c, err := b.match(it.probe)
		if err != nil {
			it.fail(err)
			continue
		}
		in := MemberInput{UnitID: b.defUnit}
		if c != nil {
			in = c.in
			// applyCells appends and sets keys: the card keeps its state
			// until the row is known to be valid.
			in.Phones, in.Emails, in.Flags = slices.Clone(in.Phones), slices.Clone(in.Emails), slices.Clone(in.Flags)
			in.Consents.Mailings = maps.Clone(in.Consents.Mailings)
			in.Custom = maps.Clone(in.Custom)
		}
		if err := applyCells(&in, it.vals, b.units); err != nil {
			it.fail(err)
			continue
		}
		if err := in.normalize(); err != nil {
			it.fail(err)
			continue
		}
		if len(b.custom) > 0 {
			// A row that makes a card must give its required fields, as the
			// card's form must; a row that changes a stored card is checked
			// for what it brings (the card's own edit asks for the rest).
			custom, err := checkCustom(b.custom, b.paths[in.UnitID], in.Custom, c == nil)
			if err != nil {
				it.fail(err)
				continue
			}
			in.Custom = custom
		}
		if c == nil {
			if in.UnitID == "" {
				it.fail(valid.Errorf("unit", "required", "the row names no organisation and none was chosen for the file"))
				continue
			}
			c = &importCard{id: uuid.Must(uuid.NewV7()).String(), in: in, rows: []*importItem{it}}
			b.cards[c.id], b.created = c, append(b.created, c)
			it.row.Result, it.row.MemberID = ImportCreated, c.id
			b.index(c)
			continue
		}
		it.row.MemberID = c.id
		if len(diff(c.in, in)) == 0 {
			it.row.Result = ImportUnchanged
			continue
		}
		c.in, c.rows = in, append(c.rows, it)
		it.row.Result = ImportUpdated
		b.index(c)
	}
}

// write stores the batch's new cards and changes; with a batch id, it
// records them under it for undo (see import_undo.go).
func (b *importBatch) write(ctx context.Context, c *importConn, tx *sql.Tx, log *undoLog) error {
	now := db.Now()
	if err := insertMembers(ctx, c, tx, b.created, now); err != nil {
		return err
	}
	var undo [][]any // batch_id, member_id, previous, after_at
	for _, card := range b.created {
		undo = log.add(undo, card.id, "", now)
		c.refer(card.in.UnitID)
	}
	if log != nil {
		c.referBatch(log.id)
	}
	entries := make([]audit.Entry, 0, len(b.created))
	for _, card := range b.created {
		entries = append(entries, audit.Entry{Action: "member.create", ObjectType: "member", ObjectID: card.id, UnitID: card.in.UnitID,
			Details: map[string]any{"name": fullName(card.in), "import": true}})
	}
	auditRows, err := audit.BulkRows(b.sc, entries)
	if err != nil {
		return err
	}
	if err := c.insert(ctx, tx, "audit_log", audit.BulkColumns, 30, auditRows); err != nil {
		return err
	}
	for _, card := range b.cards {
		if card.old == nil || len(card.rows) == 0 {
			continue
		}
		// A savepoint per changed card: on PostgreSQL a refused statement
		// would otherwise abort the rest of the batch.
		if _, err := tx.ExecContext(ctx, `SAVEPOINT import_card`); err != nil {
			return fmt.Errorf("crm: import: %w", err)
		}
		c.refer(card.in.UnitID)
		m, _, err := updateMember(ctx, tx, b.sc, *card.old, card.in, map[string]any{"import": true})
		savepoint := `RELEASE SAVEPOINT import_card`
		if err == nil {
			undo = log.add(undo, card.id, previousCard(*card.old), m.UpdatedAt.UnixMilli())
		}
		if err != nil {
			if _, ok := valid.As(err); !ok && !errors.Is(err, db.ErrConflict) && !errors.Is(err, db.ErrNotFound) {
				return fmt.Errorf("crm: import: update %s: %w", card.id, err)
			}
			for _, it := range card.rows {
				it.fail(err)
			}
			savepoint = `ROLLBACK TO SAVEPOINT import_card`
		}
		if _, err := tx.ExecContext(ctx, savepoint); err != nil {
			return fmt.Errorf("crm: import: %w", err)
		}
	}
	if err := c.insert(ctx, tx, "crm_import_batch_members", []string{"batch_id", "member_id", "previous", "after_at"}, 200, undo); err != nil {
		return err
	}
	return log.commit(ctx, tx, undo)
}

// memberInsertColumns are the columns of a new card, in the order of
// memberArgs between the id and the times.
var memberInsertColumns = []string{"id", "unit_id", "surname", "given_name", "patronymic", "name_folded", "birth_date", "sex",
	"phones", "emails", "workplace", "position", "industry", "status", "joined_on", "left_on", "left_reason", "card_number",
	"discount_card", "activist", "flags", "consents", "consent_channels", "custom", "kind", "created_at", "updated_at"}

// insertMembers writes new cards and their lookup rows.
func insertMembers(ctx context.Context, c *importConn, tx *sql.Tx, cards []*importCard, now int64) error {
	var members, contacts, words [][]any
	for _, card := range cards {
		members = append(members, append(append([]any{card.id}, memberArgs(card.in)...), now, now))
		for _, p := range card.in.Phones {
			contacts = append(contacts, []any{"phone", p, card.id})
		}
		for _, e := range card.in.Emails {
			contacts = append(contacts, []any{"email", e, card.id})
		}
		for _, w := range nameWords(card.in) {
			words = append(words, []any{w, card.in.UnitID, card.id})
		}
	}
	if err := c.insert(ctx, tx, "crm_members", memberInsertColumns, 50, members); err != nil {
		return err
	}
	if err := c.insert(ctx, tx, "crm_member_contacts", []string{"kind", "value", "member_id"}, 300, contacts); err != nil {
		return err
	}
	return c.insert(ctx, tx, "crm_member_words", []string{"word", "unit_id", "member_id"}, 300, words)
}
