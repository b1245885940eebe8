package crm

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// DuplicatePair is two cards that look like one person: Reasons says why
// ("phone", "email", "name_birth" — the same full name and birth date).
type DuplicatePair struct {
	Reasons []string `json:"reasons"`
	A       Member   `json:"a"`
	B       Member   `json:"b"`
}

// Duplicates is a page of likely duplicates; More is set when there were
// more pairs than the page holds.
type Duplicates struct {
	Pairs []DuplicatePair `json:"pairs"`
	More  bool            `json:"more"`
}

// MaxDuplicatePairs bounds one page of ListDuplicates.
const MaxDuplicatePairs = 500

// ListDuplicates finds pairs of cards in sc's scope that share a phone, an
// e-mail, or the full name and birth date, ordered by name. Both cards of
// a pair lie in the scope: a card of another subtree is neither shown nor
// hinted at. limit is the number of pairs (100 when zero).
func (s *Members) ListDuplicates(ctx context.Context, sc access.Scope, limit int) (Duplicates, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return Duplicates{}, err
	}
	if limit <= 0 || limit > MaxDuplicatePairs {
		limit = 100
	}
	lo, hi := sc.PathRange()
	// The values that more than one card holds are found first, by one
	// pass over an index each (crm_member_contacts' primary key,
	// crm_members_name_birth): joining every card to every other card
	// with its name or value took seconds (a common full name is held by
	// hundreds). Only the few cards of those groups are then paired. Each
	// branch keeps a < b, so a pair comes once per reason; the scope is
	// applied in each branch, on both cards.
	rows, err := s.db.QueryContext(ctx, `
		WITH dc AS (SELECT kind, value FROM crm_member_contacts GROUP BY kind, value HAVING COUNT(*) > 1),
		dn AS (SELECT name_folded, birth_date FROM crm_members WHERE birth_date <> '' GROUP BY name_folded, birth_date HAVING COUNT(*) > 1)
		SELECT p.a, p.b, p.reason FROM (
			SELECT c1.member_id AS a, c2.member_id AS b, c1.kind AS reason
			FROM dc
			JOIN crm_member_contacts c1 ON c1.kind = dc.kind AND c1.value = dc.value
			JOIN crm_member_contacts c2 ON c2.kind = dc.kind AND c2.value = dc.value AND c2.member_id > c1.member_id
			JOIN crm_members m1 ON m1.id = c1.member_id JOIN units u1 ON u1.id = m1.unit_id
			JOIN crm_members m2 ON m2.id = c2.member_id JOIN units u2 ON u2.id = m2.unit_id
			WHERE u1.path >= $1 AND u1.path < $2 AND u2.path >= $1 AND u2.path < $2
			UNION
			SELECT m1.id, m2.id, 'name_birth'
			FROM dn
			JOIN crm_members m1 ON m1.name_folded = dn.name_folded AND m1.birth_date = dn.birth_date
			JOIN crm_members m2 ON m2.name_folded = dn.name_folded AND m2.birth_date = dn.birth_date AND m2.id > m1.id
			JOIN units u1 ON u1.id = m1.unit_id JOIN units u2 ON u2.id = m2.unit_id
			WHERE u1.path >= $1 AND u1.path < $2 AND u2.path >= $1 AND u2.path < $2
		) p JOIN crm_members m ON m.id = p.a
		ORDER BY m.name_folded, p.a, p.b, p.reason
		LIMIT $3`, lo, hi, limit*3+1)
	if err != nil {
		return Duplicates{}, fmt.Errorf("crm: duplicates: %w", err)
	}
	defer rows.Close()
	var order [][2]string
	reasons := map[[2]string][]string{}
	for rows.Next() {
		var k [2]string
		var reason string
		if err := rows.Scan(&k[0], &k[1], &reason); err != nil {
			return Duplicates{}, fmt.Errorf("crm: duplicates: %w", err)
		}
		if _, ok := reasons[k]; !ok {
			order = append(order, k)
		}
		reasons[k] = append(reasons[k], reason)
	}
	if err := rows.Err(); err != nil {
		return Duplicates{}, fmt.Errorf("crm: duplicates: %w", err)
	}
	out := Duplicates{Pairs: []DuplicatePair{}}
	// A pair has at most three reasons, so limit*3+1 rows hold at least
	// limit pairs whenever there are more.
	if len(order) > limit {
		order, out.More = order[:limit], true
	}
	cards, err := membersByID(ctx, s.db, sc, order)
	if err != nil {
		return Duplicates{}, err
	}
	for _, k := range order {
		a, okA := cards[k[0]]
		b, okB := cards[k[1]]
		if !okA || !okB {
			continue // merged or deleted since the first query
		}
		rs := reasons[k]
		slices.Sort(rs)
		out.Pairs = append(out.Pairs, DuplicatePair{Reasons: slices.Compact(rs), A: a, B: b})
	}
	return out, nil
}

// membersByID loads the cards of the pairs, in sc's scope, by id.
func membersByID(ctx context.Context, q db.Execer, sc access.Scope, pairs [][2]string) (map[string]Member, error) {
	out := map[string]Member{}
	if len(pairs) == 0 {
		return out, nil
	}
	lo, hi := sc.PathRange()
	args := []any{lo, hi}
	var marks []string
	seen := map[string]bool{}
	for _, p := range pairs {
		for _, id := range p {
			if !seen[id] {
				seen[id] = true
				args = append(args, id)
				marks = append(marks, fmt.Sprintf("$%d", len(args)))
			}
		}
	}
	rows, err := q.QueryContext(ctx, `SELECT `+memberColumns+memberFrom+`
		WHERE u.path >= $1 AND u.path < $2 AND m.id IN (`+strings.Join(marks, ", ")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: duplicates: cards: %w", err)
	}
	ms, err := collectMembers(rows)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out[m.ID] = m
	}
	return out, nil
}
