package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// MemberFilter is the standard set of filters of the member list; zero
// fields do not filter.
type MemberFilter struct {
	UnitID     string // this organisation and its subtree
	Query      string // words of the name (prefixes), a phone, an e-mail or a card number
	Industry   string
	Status     Status
	Kind       Kind
	BirthMonth int   // 1–12
	Activist   *bool // nil: either
	Flag       string
	Consent    string // a mailing channel the member agreed to
	JoinedFrom string // YYYY-MM-DD, inclusive
	JoinedTo   string // YYYY-MM-DD, inclusive
	Archived   string // "" the cards in use, "only" the archived ones, "all" both
	// CustomKey and CustomValue select the cards whose custom field
	// CustomKey holds CustomValue (read as the field's type).
	CustomKey   string
	CustomValue string
	Sort        string // name (default), birth_date, joined_on, created_at, card_number, unit; "-" first for descending
	Limit       int    // 1–500, default 50
	Offset      int
	After       string // MemberPage.Next of the previous page: keyset paging, instead of Offset
}

// MemberPage is one page of a list and the size of the whole selection.
type MemberPage struct {
	Members []Member `json:"members"`
	Total   int      `json:"total"`
	Next    string   `json:"next,omitempty"` // the After of the next page; empty on the last page
}

var sortColumns = map[string][]string{
	"name":        {"m.name_folded"},
	"birth_date":  {"m.birth_date", "m.name_folded"},
	"joined_on":   {"m.joined_on", "m.name_folded"},
	"created_at":  {"m.created_at"},
	"card_number": {"m.card_number"},
	"unit":        {"u.name", "m.name_folded"},
}

// ListMembers returns a page of the members in sc's scope that pass f, and
// how many pass it in all.
func (s *Members) ListMembers(ctx context.Context, sc access.Scope, f MemberFilter) (MemberPage, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return MemberPage{}, err
	}
	// A one-word search on PostgreSQL finds its members' ids once: they
	// are both the total and the page's candidates (wordIDs).
	ids, counted, err := wordIDs(ctx, s.db, sc, f)
	if err != nil {
		return MemberPage{}, err
	}
	if counted && ids == nil {
		ids = []string{}
	}
	where, args, err := memberWhereIDs(ctx, s.db, sc, f, ids)
	if err != nil {
		return MemberPage{}, err
	}
	cols, desc, err := memberSort(f.Sort)
	if err != nil {
		return MemberPage{}, err
	}
	order := orderBy(cols, desc)
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	f.Offset = max(f.Offset, 0)
	if f.After != "" && f.Offset > 0 {
		return MemberPage{}, valid.Errorf("after", "after_offset", "give either after or offset, not both")
	}
	var page MemberPage
	// A name search is planned for its words each time (customPlans).
	planned := func(args []any) []any { return args }
	if isNameSearch(strings.TrimSpace(f.Query)) {
		planned = func(args []any) []any { return customPlans(s.db, args) }
	}
	// The total counts the members alone when no condition is on the
	// unit (a subtree named by its units): an index-only count instead of
	// a join with every unit of the scope.
	countFrom := memberFrom
	if !strings.Contains(where, "u.") {
		countFrom = ` FROM crm_members m `
	}
	if counted {
		page.Total = len(ids)
	} else if n, ok, err := wordCount(ctx, s.db, sc, f); err != nil {
		return MemberPage{}, err
	} else if ok {
		page.Total = n
	} else if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+countFrom+where, planned(args)...).Scan(&page.Total); err != nil {
		return MemberPage{}, fmt.Errorf("crm: count members: %w", err)
	}
	// The page's ids are chosen first, from the indexes where they cover
	// the filter and the order, and only then are the page's cards loaded:
	// both engines otherwise read every card of the selection into the
	// sort (a committee sorted by joining date read 12,700 cards for 50).
	pageFrom := countFrom
	if strings.Contains(order, "u.") {
		pageFrom = memberFrom
	}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.After != "" {
		after, err := afterCondition(f.After, cols, desc, arg)
		if err != nil {
			return MemberPage{}, err
		}
		where += " AND " + after
		if strings.Contains(after, "u.") {
			pageFrom = memberFrom
		}
	}
	pageQuery := `SELECT ` + memberColumns + memberFrom + `WHERE m.id IN (SELECT m.id` + pageFrom + where + order +
		` LIMIT ` + arg(f.Limit) + ` OFFSET ` + arg(f.Offset) + `)` + order
	rows, err := s.db.QueryContext(ctx, pageQuery, planned(args)...)
	if err != nil {
		return MemberPage{}, fmt.Errorf("crm: list members: %w", err)
	}
	if page.Members, err = collectMembers(rows); err != nil {
		return MemberPage{}, err
	}
	if len(page.Members) == f.Limit {
		page.Next = memberCursor(page.Members[len(page.Members)-1], cols)
	}
	return page, nil
}

// EachMember calls fn for every member in sc's scope that passes f, in
// f's order, without loading the selection into memory (for exports).
func (s *Members) EachMember(ctx context.Context, sc access.Scope, f MemberFilter, fn func(Member) error) error {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return err
	}
	where, args, err := memberWhere(ctx, s.db, sc, f)
	if err != nil {
		return err
	}
	cols, desc, err := memberSort(f.Sort)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+memberColumns+memberFrom+where+orderBy(cols, desc), args...)
	if err != nil {
		return fmt.Errorf("crm: members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return fmt.Errorf("crm: members: %w", err)
		}
		if err := fn(m); err != nil {
			return err
		}
	}
	return rows.Err()
}

// memberSort returns the columns of a sort ("-" first: descending).
func memberSort(sort string) (cols []string, desc bool, err error) {
	sort, desc = strings.CutPrefix(sort, "-")
	if sort == "" {
		sort = "name"
	}
	cols, ok := sortColumns[sort]
	if !ok {
		return nil, false, valid.Errorf("sort", "sort", "sort must be one of name, birth_date, joined_on, created_at, card_number, unit")
	}
	return cols, desc, nil
}

// orderBy is the ORDER BY of cols and the id, which makes the order total.
func orderBy(cols []string, desc bool) string {
	dir := ""
	if desc {
		dir = " DESC"
	}
	var parts []string
	for _, c := range append(slices.Clone(cols), "m.id") {
		parts = append(parts, c+dir)
	}
	return " ORDER BY " + strings.Join(parts, ", ")
}

// memberWhere builds the WHERE clause of f. Only the conditions in use are
// written, rather than "($n = ” OR …)" for each: with 254,000 members the
// planners choose their indexes far better on the conditions that remain.
func memberWhere(ctx context.Context, q *db.DB, sc access.Scope, f MemberFilter) (string, []any, error) {
	return memberWhereIDs(ctx, q, sc, f, nil)
}

// memberWhereIDs is memberWhere with the ids a one-word search selects,
// when wordIDs found them (nil: not looked up).
func memberWhereIDs(ctx context.Context, q *db.DB, sc access.Scope, f MemberFilter, ids []string) (string, []any, error) {
	lo, hi := sc.PathRange()
	args := []any{lo, hi}
	conds := []string{"u.path >= $1 AND u.path < $2"}
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.UnitID != "" {
		cond, err := subtreeCondition(ctx, q, sc, f.UnitID, arg)
		if err != nil {
			return "", nil, err
		}
		if strings.HasPrefix(cond, "m.unit_id IN") {
			// The subtree lies in the scope (checked): its units alone
			// select, and the count needs no join (see ListMembers).
			conds[0], args[0], args[1] = "CAST($1 AS TEXT) = CAST($2 AS TEXT)", "", ""
		}
		conds = append(conds, cond)
	}
	switch f.Archived {
	case "":
		conds = append(conds, archivedOut)
	case "only":
		conds = append(conds, "m.id IN (SELECT member_id FROM crm_member_archive)")
	case "all":
	default:
		return "", nil, valid.Errorf("archived", "archived", "archived must be only, all or empty")
	}
	if ids != nil {
		conds = append(conds, idsArray(ids, arg))
	} else if cond, err := searchCondition(ctx, q, strings.TrimSpace(f.Query), arg); err != nil {
		return "", nil, err
	} else if cond != "" {
		conds = append(conds, cond)
	}
	if f.Industry != "" {
		conds = append(conds, "m.industry = "+arg(strings.TrimSpace(f.Industry)))
	}
	if f.Status != "" {
		if !slices.Contains(Statuses, f.Status) {
			return "", nil, valid.Errorf("status", "status", "status must be one of member, left, suspended, excluded, deceased")
		}
		conds = append(conds, "m.status = "+arg(string(f.Status)))
	}
	if f.Kind != "" {
		if !slices.Contains(Kinds, f.Kind) {
			return "", nil, valid.Errorf("kind", "kind", "kind must be one of member, press, partner, prospect, other")
		}
		conds = append(conds, "m.kind = "+arg(string(f.Kind)))
	}
	if f.BirthMonth != 0 {
		if f.BirthMonth < 1 || f.BirthMonth > 12 {
			return "", nil, valid.Errorf("birth_month", "month", "birth_month must be 1 to 12")
		}
		conds = append(conds, "substr(m.birth_date, 6, 2) = "+arg(fmt.Sprintf("%02d", f.BirthMonth)))
	}
	if f.Activist != nil {
		conds = append(conds, "m.activist = "+arg(*f.Activist))
	}
	if f.Flag != "" {
		conds = append(conds, `m.flags LIKE `+arg(`%"`+db.EscapeLike(strings.TrimSpace(f.Flag))+`"%`)+` ESCAPE '\'`)
	}
	if f.Consent != "" {
		if !slices.Contains(Channels, f.Consent) {
			return "", nil, valid.Errorf("consent", "channel", "consent must be one of sms, email, telegram, vk, phone, post")
		}
		conds = append(conds, "m.consent_channels LIKE "+arg("%,"+f.Consent+",%"))
	}
	if f.CustomKey != "" {
		cond, err := customCondition(ctx, q, f.CustomKey, f.CustomValue, arg)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, cond)
	}
	for _, j := range []struct{ name, v, op string }{{"joined_from", f.JoinedFrom, ">="}, {"joined_to", f.JoinedTo, "<="}} {
		if j.v == "" {
			continue
		}
		d, err := validDate(j.name, j.v)
		if err != nil {
			return "", nil, err
		}
		conds = append(conds, "m.joined_on <> '' AND m.joined_on "+j.op+" "+arg(d))
	}
	return " WHERE " + strings.Join(conds, " AND "), args, nil
}

// customCondition selects the cards whose custom field key holds value,
// read as the field's type. The stored JSON is Go's (compact, keys
// sorted), so the pair is looked for as text, as the flags are.
func customCondition(ctx context.Context, q db.Execer, key, value string, arg func(any) string) (string, error) {
	return customMatch(ctx, q, EntityMember, "m.custom", key, value, arg)
}

// customMatch is the condition on column (an entity's custom JSON) of
// the field key of entity holding value.
func customMatch(ctx context.Context, q db.Execer, entity, column, key, value string, arg func(any) string) (string, error) {
	defs, err := loadCustomFields(ctx, q, entity)
	if err != nil {
		return "", err
	}
	i := slices.IndexFunc(defs, func(f CustomField) bool { return f.Key == key })
	if i < 0 {
		return "", valid.Errorf("custom."+key, "custom_unknown", "no %s field has the key %q", entity, key)
	}
	v, err := customValue(defs[i], value)
	var ce *CustomFieldError
	if errors.As(err, &ce) {
		// Named by the field's label, in the caller's language, wherever
		// the filter came from (the member list, the inbox console).
		return "", &valid.Error{Field: "custom." + key, Code: "custom_" + ce.Reason, Key: "custom." + ce.Reason, Args: []any{ce.Label}, Msg: err.Error()}
	}
	if err != nil {
		return "", err
	}
	if v == nil {
		return "", valid.Errorf("custom."+key, "required", "give the value to look for")
	}
	k, _ := json.Marshal(key)
	j, _ := json.Marshal(v)
	pair := db.EscapeLike(string(k) + ":" + string(j))
	if _, isText := v.(string); isText {
		return column + ` LIKE ` + arg("%"+pair+"%") + ` ESCAPE '\'`, nil
	}
	// A number or yes/no ends at the next comma or brace: 12 must not find 120.
	return `(` + column + ` LIKE ` + arg("%"+pair+",%") + ` ESCAPE '\' OR ` + column + ` LIKE ` + arg("%"+pair+"}%") + ` ESCAPE '\')`, nil
}

// archivedOut leaves the archived cards out. It reads the card's id
// alone, which every index of the list carries, so counts stay index-only.
const archivedOut = "m.id NOT IN (SELECT member_id FROM crm_member_archive)"

// maxUnitList is the largest subtree named unit by unit; a larger one is
// selected by its path range.
const maxUnitList = 300

// subtreeCondition limits the list to the organisation unitID (in sc's
// scope) and its subtree. A subtree of up to maxUnitList units is named
// by its ids: "m.unit_id IN (…)" reads the (unit_id, name_folded, id)
// index in the list's order for one organisation and needs no table rows
// to sort a committee's, where a range over the units' paths made both
// planners join every member of the scope.
func subtreeCondition(ctx context.Context, q db.Execer, sc access.Scope, unitID string, arg func(any) string) (string, error) {
	lo, hi := sc.PathRange()
	var path string
	err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND path >= $2 AND path < $3`, unitID, lo, hi).Scan(&path)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("crm: unit %s: %w", unitID, db.ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("crm: unit: %w", err)
	}
	plo, phi := access.SubtreeRange(path)
	rows, err := q.QueryContext(ctx, fmt.Sprintf(`SELECT id FROM units WHERE path >= $1 AND path < $2 LIMIT %d`, maxUnitList+1), plo, phi)
	if err != nil {
		return "", fmt.Errorf("crm: unit: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return "", fmt.Errorf("crm: unit: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("crm: unit: %w", err)
	}
	if len(ids) > maxUnitList {
		return "u.path >= " + arg(plo) + " AND u.path < " + arg(phi), nil
	}
	for i, id := range ids {
		ids[i] = arg(id)
	}
	return "m.unit_id IN (" + strings.Join(ids, ", ") + ")", nil
}

// searchCondition reads a free-text query: an e-mail, a phone or card
// number (anything with digits), or words of the name, each of which must
// begin a word of the member's surname, given name or patronymic (case and
// ё/е do not matter). An e-mail, phone or card number is looked up first
// and the condition names the few cards found: written as one OR of
// subqueries, the planners of both engines walked the whole scope instead.
func searchCondition(ctx context.Context, q *db.DB, text string, arg func(any) string) (string, error) {
	switch {
	case text == "":
		return "", nil
	case len(text) > 200:
		return "", valid.Errorf("q", "too_long", "the search text must have at most 200 characters")
	case strings.Contains(text, "@"):
		return idsCondition(ctx, q, arg, `SELECT member_id FROM crm_member_contacts WHERE kind = 'email' AND value = $1`, strings.ToLower(text))
	case strings.ContainsAny(text, "0123456789"):
		// The partial indexes on the card numbers need the "<> ''" spelled out.
		lookup := `SELECT id FROM crm_members WHERE card_number = $1 AND card_number <> ''
			UNION SELECT id FROM crm_members WHERE discount_card = $1 AND discount_card <> ''`
		args := []any{text}
		if p := phoneQuery(text); p != "" {
			lookup += ` UNION SELECT member_id FROM crm_member_contacts WHERE kind = 'phone' AND value = $2`
			args = append(args, p)
		}
		return idsCondition(ctx, q, arg, lookup, args...)
	}
	words := searchWords(text)
	// The longest word finds the candidates in the word index; the others
	// are checked on the candidates' folded names (every word there is
	// preceded by a space once one is put before the name). Intersecting
	// a prefix subquery per word made both engines read every member whose
	// given name begins like the second word («иванов ан»: tens of
	// thousands for 68 found).
	lead := 0
	for i, w := range words {
		if len([]rune(w)) > len([]rune(words[lead])) {
			lead = i
		}
	}
	var conds []string
	if q.Dialect == db.Postgres {
		cond, err := wordMatches(ctx, q, words[lead], arg)
		if err != nil || cond == "1 = 0" {
			return cond, err
		}
		conds = append(conds, cond)
	}
	if len(conds) == 0 || conds[0] == "" {
		conds = []string{`m.id IN (SELECT member_id FROM crm_member_words WHERE word >= ` + arg(words[lead]) + ` AND word < ` + arg(words[lead]+"\uffff") + `)`}
	}
	for i, w := range words {
		if i != lead && q.Dialect == db.Postgres && !strings.HasPrefix(conds[0], "m.id = ANY") {
			// Given the lead word's subquery, PostgreSQL takes the LIKE
			// for very selective and scans every card with it (770 ms p50
			// at 254,000); there each word keeps its own prefix subquery.
			conds = append(conds, `m.id IN (SELECT member_id FROM crm_member_words WHERE word >= `+arg(w)+` AND word < `+arg(w+"\uffff")+`)`)
		} else if i != lead {
			conds = append(conds, `' ' || m.name_folded LIKE `+arg("% "+db.EscapeLike(w)+"%")+` ESCAPE '\'`)
		}
	}
	return strings.Join(conds, " AND "), nil
}

// maxWordMatches is the most members a search's lead word may find for
// them to be named by their ids on PostgreSQL (see wordMatches).
const maxWordMatches = 20000

// wordMatches finds, on PostgreSQL, the members whose names have a word
// beginning with word, and returns "m.id = ANY(…)" over them; "" if there
// are more than maxWordMatches. Given the word's subquery instead, the
// planner joined every member of the scope to it (a scan of the scope
// for each search: 1.6 s at 254,000 members under load); given the ids,
// it reads just their cards.
func wordMatches(ctx context.Context, q *db.DB, word string, arg func(any) string) (string, error) {
	// DISTINCT: a surname and a patronymic may begin alike.
	ids, err := lookupIDs(ctx, q, fmt.Sprintf(`SELECT DISTINCT member_id FROM crm_member_words WHERE word >= $1 AND word < $2 LIMIT %d`,
		maxWordMatches+1), customPlans(q, []any{word, word + "\uffff"})...)
	switch {
	case err != nil:
		return "", err
	case len(ids) > maxWordMatches:
		return "", nil
	case len(ids) == 0:
		return "1 = 0", nil
	}
	return idsArray(ids, arg), nil
}

// idsArray names members by their ids in one array parameter (PostgreSQL).
func idsArray(ids []string, arg func(any) string) string {
	if len(ids) == 0 {
		return "1 = 0"
	}
	return "m.id = ANY(" + arg(ids) + ")"
}

// maxExactMatches bounds the cards an exact search (phone, e-mail, card
// number) may name; a shared office phone may belong to many.
const maxExactMatches = 500

// idsCondition runs lookup, which selects member ids, and returns
// "m.id IN (…)" over what it found.
func idsCondition(ctx context.Context, q db.Execer, arg func(any) string, lookup string, args ...any) (string, error) {
	ids, err := lookupIDs(ctx, q, lookup+fmt.Sprintf(" LIMIT %d", maxExactMatches), args...)
	if err != nil || len(ids) == 0 {
		return "1 = 0", err
	}
	for i, id := range ids {
		ids[i] = arg(id)
	}
	return "m.id IN (" + strings.Join(ids, ", ") + ")", nil
}

// lookupIDs runs a query of one column of ids.
func lookupIDs(ctx context.Context, q db.Execer, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: search: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("crm: search: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("crm: search: %w", err)
	}
	return ids, nil
}
