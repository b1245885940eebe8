package auth_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/org"
)

// BenchmarkBearerCrowd: 1,200 operators' tokens, each unused for over a
// minute, checked at the same moment (the first requests of a shift), on
// SQLite or, with PROFHUB_TEST_DATABASE_URL, PostgreSQL. flush_ms is the
// write of the noted uses that follows, off the requests' path (none when
// the requests write them themselves).
func BenchmarkBearerCrowd(b *testing.B) {
	const crowd = 1200
	ctx := context.Background()
	d := dbtest.OpenSQLite(b)
	if dbtest.PostgresURL() != "" {
		d = dbtest.OpenPostgres(b)
	}
	users := org.NewStore(d)
	sys := access.System("bench")
	root, err := users.CreateUnit(ctx, sys, "", org.Federation, "Федерация")
	if err != nil {
		b.Fatal(err)
	}
	sys.UnitID = root.ID
	svc := auth.NewService(auth.Deps{DB: d, KV: kvtest.Open(b), Users: users, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Params: auth.CheapPasswordParams, SessionTTL: time.Hour})
	hash, err := svc.HashPassword("correct horse")
	if err != nil {
		b.Fatal(err)
	}
	secrets := make([]string, crowd)
	for i := range secrets {
		u, err := users.CreateUser(ctx, sys, org.NewUser{Login: fmt.Sprintf("op%d", i), FullName: "Оператор", Role: access.Operator, UnitID: root.ID, PasswordHash: hash})
		if err != nil {
			b.Fatal(err)
		}
		if secrets[i], _, err = svc.CreateToken(ctx, sys, u.ID, "console", 0); err != nil {
			b.Fatal(err)
		}
	}
	flusher, _ := any(svc).(interface{ FlushTokenUses(context.Context) error })
	var flushed time.Duration
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		if _, err := d.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = 0`); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var wg sync.WaitGroup
		for _, s := range secrets {
			wg.Go(func() {
				if _, err := svc.Bearer(ctx, s, ""); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		b.StopTimer()
		if flusher != nil {
			start := time.Now()
			if err := flusher.FlushTokenUses(ctx); err != nil {
				b.Fatal(err)
			}
			flushed += time.Since(start)
			var written int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM api_tokens WHERE last_used_at > 0`).Scan(&written); err != nil || written != crowd {
				b.Fatalf("%d uses written, want %d (%v)", written, crowd, err)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(flushed.Milliseconds())/float64(b.N), "flush_ms/op")
}
