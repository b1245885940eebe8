package auth

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"
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
	})
	if err != nil {
		s.uses.putBack(pending)
		return fmt.Errorf("auth: write token uses: %w", err)
	}
	return nil
}
