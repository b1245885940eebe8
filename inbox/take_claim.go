package inbox

import (
	"context"
	"time"

	"github.com/google/uuid"
)

// takeClaimTTL bounds how long a claim outlives a node that died holding
// it: the group writer gives up on a transaction after 30 s.
const takeClaimTTL = 30 * time.Second

// claimTake decides a contest for a waiting conversation before its
// write is queued: the first of two operators taking it at once claims it
// in Redis (shared by every node), the second is refused at once. Without
// it both reached SQL, and the loser's conditional UPDATE waited for the
// winner's row lock until the winner's whole group committed (on
// PostgreSQL; a crowd of 1,200 took 11.9 s so).
//
// The claim only refuses early; the SQL UPDATE's condition still decides
// who holds the conversation, so a lost claim (Redis down, expired) can
// cost speed, never a double assignment. ok is false when someone else
// holds the claim; release must be called once the write is answered.
func (rt *Routing) claimTake(ctx context.Context, convID string) (release func(), ok bool) {
	if !rt.redisUsable() {
		return func() {}, true // Redis is away: SQL decides alone, without a timeout per take
	}
	key := rt.kv.Key("take", convID)
	mine := uuid.NewString() // this request's, so a release frees no other claim
	won, err := rt.kv.SetNX(ctx, key, mine, takeClaimTTL).Result()
	if err != nil {
		return func() {}, true // SQL decides alone, as before claims
	}
	if !won {
		return nil, false
	}
	return func() {
		// compare-and-delete: after an expiry another taker's claim may stand
		_ = releaseLease.Run(context.WithoutCancel(ctx), rt.kv, []string{key}, mine).Err()
	}, true
}
