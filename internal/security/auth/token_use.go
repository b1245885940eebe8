package auth

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
)

// TokenUseEvery is how often the hub writes the noted token uses
// (FlushTokenUses): how stale a token's last_used_at may be, beyond the
// minute Bearer rounds it to.
const TokenUseEvery = 5 * time.Second

// tokenUses are API token uses noted in memory and not yet written. A
// request used to write its token's last_used_at itself (once a minute per
// token): a crowd of operators starting at the same moment then made as
// many single-row transactions as it had tokens, each waiting for the
// write lock ahead of their real work. The hub writes them instead, every
// few seconds in one transaction (FlushTokenUses) and at shutdown.
type tokenUses struct {
	mu sync.Mutex
	at map[string]int64 // token id → latest use noted, ms
}

// note keeps the latest use of token id.
func (u *tokenUses) note(id string, at int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.at == nil {
		u.at = map[string]int64{}
	}
	if at > u.at[id] {
		u.at[id] = at
	}
}

// take empties the pending uses and returns them.
func (u *tokenUses) take() map[string]int64 {
	u.mu.Lock()
	defer u.mu.Unlock()
	m := u.at
	u.at = nil
	return m
}

// putBack returns uses a failed flush did not write; a use noted since
// stays if it is later.
func (u *tokenUses) putBack(m map[string]int64) {
	for id, at := range m {
		u.note(id, at)
	}
}

// FlushTokenUses writes the token uses noted since the last flush, in one
// transaction. A write never moves last_used_at back, so another node's
// (or an earlier flush's) later use stands; a failed flush keeps the uses
// for the next one.
func (s *Service) FlushTokenUses(ctx context.Context) error {
	pending := s.uses.take()
	if len(pending) == 0 {
		return nil
	}
	// The same order on every node, so two nodes flushing the same
	// tokens at once wait for each other rather than deadlock.
	ids := make([]string, 0, len(pending))
	for id := range pending {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if s.db.Dialect == db.SQLite {
			// In process, a statement per row costs no round trip.
			st, err := tx.PrepareContext(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 AND last_used_at < $2`)
			if err != nil {
				return err
			}
			defer st.Close()
			for _, id := range ids {
				if _, err := st.ExecContext(ctx, id, pending[id]); err != nil {
					return err
				}
			}
			return nil
		}
		for len(ids) > 0 {
			n := min(len(ids), flushChunk)
			q, args := s.usesUpdate(ids[:n], pending)
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
			ids = ids[n:]
		}
		return nil
	})
	if err != nil {
		s.uses.putBack(pending)
		return fmt.Errorf("auth: write token uses: %w", err)
	}
	return nil
}

// flushChunk bounds the rows of one UPDATE (two parameters each, well
// under both engines' limits).
const flushChunk = 500

// usesUpdate is one PostgreSQL UPDATE for the uses of ids: a statement per
// token made 1,200 round trips, half a second. Both engines name a
// VALUES list's columns column1, column2; PostgreSQL needs the first row's
// types.
func (s *Service) usesUpdate(ids []string, at map[string]int64) (string, []any) {
	var b strings.Builder
	b.WriteString(`UPDATE api_tokens SET last_used_at = v.column2 FROM (VALUES `)
	args := make([]any, 0, 2*len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == 0 && s.db.Dialect == db.Postgres {
			fmt.Fprintf(&b, "($%d::text, $%d::bigint)", 2*i+1, 2*i+2)
		} else {
			fmt.Fprintf(&b, "($%d, $%d)", 2*i+1, 2*i+2)
		}
		args = append(args, id, at[id])
	}
	b.WriteString(`) AS v WHERE api_tokens.id = v.column1 AND api_tokens.last_used_at < v.column2`)
	return b.String(), args
}
