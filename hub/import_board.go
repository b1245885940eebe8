package hub

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/profhub/profhub/internal/storage/kv"
)

// importBoard keeps running imports' row counts in Redis, so the wizard's
// live progress moves on whichever node the browser's stream reached
// (crm.ImportProgressBoard). A count outlives a crashed run by an hour at
// most.
type importBoard struct{ kv *kv.Client }

const importBoardTTL = time.Hour

func (b importBoard) key(batchID string) string { return b.kv.Key("crm", "import", batchID, "done") }

func (b importBoard) PostImportProgress(ctx context.Context, batchID string, done int) error {
	return b.kv.Set(ctx, b.key(batchID), done, importBoardTTL).Err()
}

func (b importBoard) ImportProgress(ctx context.Context, batchID string) (int, bool, error) {
	s, err := b.kv.Get(ctx, b.key(batchID)).Result()
	if errors.Is(err, redis.Nil) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, err
	}
	n, err := strconv.Atoi(s)
	return n, err == nil, err
}
