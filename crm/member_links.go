package crm

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/profhub/profhub/internal/storage/db"
)

// MemberReferrer is another package's table of links to member cards (the
// inbox's contacts, telephony's calls, the workflow's documents, the
// mailings' recipients). The CRM does not know those tables: a merge asks
// each referrer to move its links, and an import undo asks whether any
// links a card it would delete. Both run in the CRM's transaction, so a
// merge never leaves a link pointing at a deleted card. db.RefColumn is
// the usual implementation, exported by the package owning the table.
type MemberReferrer interface {
	// MoveLinks points what pointed at the card from to the card to and
	// says how many rows moved.
	MoveLinks(ctx context.Context, tx db.Execer, to, from string) (int64, error)
	// Linked says whether anything points at the card.
	Linked(ctx context.Context, tx db.Execer, memberID string) (bool, error)
}

// MemberLinks are the registered referrers, by name ("calls"). A package
// built after the CRM (telephony, mailing) registers itself.
type MemberLinks struct {
	mu   sync.RWMutex
	refs map[string]MemberReferrer
}

// RegisterMemberReferrer adds (or with r nil removes) a named referrer.
func (l *MemberLinks) RegisterMemberReferrer(name string, r MemberReferrer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r == nil {
		delete(l.refs, name)
		return
	}
	if l.refs == nil {
		l.refs = map[string]MemberReferrer{}
	}
	l.refs[name] = r
}

// sorted returns the referrers in name order, so that every merge takes
// the other tables' locks in one order.
func (l *MemberLinks) sorted() ([]string, []MemberReferrer) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	names := slices.Sorted(maps.Keys(l.refs))
	refs := make([]MemberReferrer, len(names))
	for i, n := range names {
		refs[i] = l.refs[n]
	}
	return names, refs
}

// move asks every referrer to move its links, counting the rows by name.
func (l *MemberLinks) move(ctx context.Context, tx db.Execer, keepID, dropID string, moved map[string]int64) error {
	names, refs := l.sorted()
	for i, r := range refs {
		n, err := r.MoveLinks(ctx, tx, keepID, dropID)
		if err != nil {
			return fmt.Errorf("crm: merge: relink %s: %w", names[i], err)
		}
		if n > 0 {
			moved[names[i]] = n
		}
	}
	return nil
}

// linked says whether any referrer points at the card.
func (l *MemberLinks) linked(ctx context.Context, tx db.Execer, memberID string) (bool, error) {
	names, refs := l.sorted()
	for i, r := range refs {
		used, err := r.Linked(ctx, tx, memberID)
		if err != nil {
			return false, fmt.Errorf("crm: links of %s in %s: %w", memberID, names[i], err)
		}
		if used {
			return true, nil
		}
	}
	return false, nil
}

// Tables names the tables of the registered referrers that are columns
// (db.RefColumn, or say their table with RefTable), for the hub's check
// that none is missing.
func (l *MemberLinks) Tables() []string {
	_, refs := l.sorted()
	var out []string
	for _, r := range refs {
		if c, ok := r.(db.RefColumn); ok {
			out = append(out, c.Table)
		} else if t, ok := r.(interface{ RefTable() string }); ok {
			out = append(out, t.RefTable())
		}
	}
	return out
}
