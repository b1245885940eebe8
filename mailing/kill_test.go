package mailing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/mailing"
)

// TestMain doubles as the "hub" process of the kill test: with
// MAILING_CHILD_DIR set, the test binary runs only a campaign runner on
// the given database until it is killed.
func TestMain(m *testing.M) {
	if dir := os.Getenv("MAILING_CHILD_DIR"); dir != "" {
		if err := runChild(dir, os.Getenv("MAILING_CHILD_DSN")); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		return
	}
	os.Exit(m.Run())
}

func runChild(dir, dsn string) error {
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, dir)
	if err != nil {
		return err
	}
	// The parent's prefix: with PostgreSQL the flight log is a Redis list
	// the next run (and the parent's check) must find.
	k, err := kv.Open(ctx, kvtest.URL(), os.Getenv("MAILING_CHILD_PREFIX"))
	if err != nil {
		return err
	}
	box, err := secretbox.New(testKey)
	if err != nil {
		return err
	}
	tune := testTune
	tune.Lease = time.Second
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("MAILING_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s, err := mailing.New(mailing.Deps{DB: d, KV: k, CRM: crm.New(crm.Deps{DB: d}), Box: box, Log: log,
		NodeID: fmt.Sprintf("child-%d", os.Getpid()), BaseURL: "https://hub.example.org", TokenKey: []byte(testKey), Tune: tune})
	if err != nil {
		return err
	}
	s.Run()
	select {} // until kill -9
}

// kill -9 the sending process three times during a 50,000-recipient
// campaign and start it again: every recipient gets the campaign; at each
// kill at most one letter per SMTP connection was sent without the ledger
// knowing (and that one is marked in flight), so the extra copies are at
// most connections × kills, each with the same Message-ID as the first;
// the campaign counts them as resent, and it finishes.
func TestKillNineThreeTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	engines := map[string]func(t *testing.T) (string, string){
		"sqlite": func(t *testing.T) (string, string) { return "", t.TempDir() },
	}
	// With PostgreSQL the flight log lives in Redis, which must outlive the
	// killed process: an embedded one dies with it (then the marks are
	// lost and letters go again, as the package comment says).
	if dbtest.PostgresURL() != "" && kvtest.URL() != "" {
		engines["postgres"] = func(t *testing.T) (string, string) {
			dsn, _ := dbtest.NewPostgresSchema(t)
			return dsn, t.TempDir()
		}
	}
	for name, open := range engines {
		t.Run(name, func(t *testing.T) {
			dsn, dir := open(t)
			d, err := db.Open(context.Background(), dsn, dir)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			f := newFixture(t, d)
			f.sink.KeepRaw = false
			const conns, kills = 4, 3
			n := 50000 / raceScale
			c := f.listCampaign(n, 0, conns)

			start := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "MAILING_CHILD_DIR="+dir, "MAILING_CHILD_DSN="+dsn,
					"MAILING_CHILD_PREFIX="+f.kv.Prefix())
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			count := func(where string) int {
				var k int
				if err := d.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM mailing_recipients WHERE campaign_id = $1 AND `+where,
					c.ID).Scan(&k); err != nil {
					t.Fatal(err)
				}
				return k
			}
			for k := 1; k <= kills; k++ {
				cmd := start()
				f.waitSink(int64(k*n/5), 60*time.Second)
				if err := cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
				_ = cmd.Wait()
				time.Sleep(200 * time.Millisecond) // what the dead process wrote reaches the sink
				// What the restart will know: the ledger and, on SQLite, the
				// flight log the dead process kept beside it.
				fromLog, _, err := f.svc.ApplyFlightLogForTest(f.ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				sent, marked := count(`status = 'sent'`), count(`status = 'pending' AND inflight`)
				got := f.sink.Counts()
				// Taken by the server but not in the ledger as sent: only
				// these can be sent again, and each must be marked in flight.
				unrecorded := got.Recipients - sent
				t.Logf("kill %d: sink %d recipients, ledger %d sent (the flight log names %d), %d unrecorded, %d marked in flight",
					k, got.Recipients, sent, fromLog, unrecorded, marked)
				if unrecorded > conns || marked > conns || unrecorded > marked {
					t.Fatalf("kill %d: %d letters sent but unrecorded, %d rows marked in flight; want at most %d (one per connection), all marked",
						k, unrecorded, marked, conns)
				}
			}
			cmd := start()
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			f.wait(c.ID, mailing.StatusFinished, 180*time.Second)
			got := f.sink.Counts()
			st, err := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("sink %+v; repeats %d after %d kills with %d connections; the campaign counts %d resent", got, got.Duplicates, kills, conns, st.Resent)
			if got.Recipients != n || got.Mismatched != 0 || got.Duplicates > conns*kills {
				t.Fatalf("sink %+v, want %d recipients, at most %d extra copies, all with the first copy's Message-ID", got, n, conns*kills)
			}
			// Every repeat is counted; a counted one may also be a letter
			// the server never took before the kill.
			if st.Resent < got.Duplicates || st.Resent > conns*kills {
				t.Fatalf("resent %d, want between the %d repeats and %d", st.Resent, got.Duplicates, conns*kills)
			}
			if left := count(`inflight`); left != 0 {
				t.Fatalf("%d rows still marked in flight after the campaign finished", left)
			}
		})
	}
}
