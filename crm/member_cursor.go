package crm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
)

// Keyset pages: MemberPage.Next names the last member of a full page by
// its sort key and id, and MemberFilter.After continues after it. Unlike
// an offset, a deep page costs what the first one does (the engines read
// and drop every row before an offset), and a card added or removed
// meanwhile does not shift the pages.

// memberCursor returns the cursor after m in the order of cols (see
// sortColumns; m.id is added).
func memberCursor(m Member, cols []string) string {
	vals := make([]string, 0, len(cols)+1)
	for _, c := range cols {
		vals = append(vals, sortValue(m, c))
	}
	b, _ := json.Marshal(append(vals, m.ID))
	return base64.RawURLEncoding.EncodeToString(b)
}

func sortValue(m Member, col string) string {
	switch col {
	case "m.name_folded":
		return norm.Fold(fullName(m.MemberInput))
	case "m.birth_date":
		return m.BirthDate
	case "m.joined_on":
		return m.JoinedOn
	case "m.created_at":
		return strconv.FormatInt(m.CreatedAt.UnixMilli(), 10)
	case "m.card_number":
		return m.CardNumber
	case "u.name":
		return m.UnitName
	}
	panic("crm: no cursor value for sort column " + col)
}

// afterCondition is the condition of the rows after cursor in the order
// of cols (descending if desc): a row-value comparison, which both engines
// answer from an index in that order.
func afterCondition(cursor string, cols []string, desc bool, arg func(any) string) (string, error) {
	bad := valid.Errorf("after", "cursor", "after is not a cursor of this list's order (use the next value of a page)")
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return "", bad
	}
	var vals []string
	if err := json.Unmarshal(b, &vals); err != nil || len(vals) != len(cols)+1 {
		return "", bad
	}
	cols = append(cols[:len(cols):len(cols)], "m.id")
	ph := make([]string, len(cols))
	for i, c := range cols {
		var v any = vals[i]
		if c == "m.created_at" {
			n, err := strconv.ParseInt(vals[i], 10, 64)
			if err != nil {
				return "", bad
			}
			v = n
		}
		ph[i] = arg(v)
	}
	op := ">"
	if desc {
		op = "<"
	}
	return fmt.Sprintf("(%s) %s (%s)", strings.Join(cols, ", "), op, strings.Join(ph, ", ")), nil
}
