package inbox

import (
	"errors"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// PostgreSQL ends a transaction with a deadlock (40P01) or a serialization
// failure (40001) to let a concurrent one go on: nothing is wrong with the
// batch, it only has to run again. Two nodes ingesting into the same
// conversations meet this now and then; it is retried quietly, the
// administrator's log shows nothing, and the senders get their answer.

// transientRetries is how many times a batch is run again after such an
// ending, before it is split into messages (each retried the same way).
const transientRetries = 4

// isTransientSQL reports whether err ended the transaction only to be
// retried.
func isTransientSQL(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40P01" || pgErr.Code == "40001")
}

// transientPause spreads retries out a little (jittered, growing), so the
// two transactions that met do not meet again.
func transientPause(attempt int) time.Duration {
	d := time.Duration(attempt+1) * 5 * time.Millisecond
	return d + time.Duration(rand.Int64N(int64(d)))
}
