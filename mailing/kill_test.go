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
	k, err := kv.Open(ctx, kvtest.URL(), kvtest.NewPrefix())
	if err != nil {
		return err
	}
	box, err := secretbox.New(testKey)
	if err != nil {
		return err
	}
	tune := testTune
	tune.Lease = time.Second
	s, err := mailing.New(mailing.Deps{DB: d, KV: k, CRM: crm.New(crm.Deps{DB: d}), Box: box, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		NodeID: fmt.Sprintf("child-%d", os.Getpid()), BaseURL: "https://hub.example.org", TokenKey: []byte(testKey), Tune: tune})
	if err != nil {
		return err
	}
	s.Run()
	select {} // until kill -9
}

// kill -9 the sending process three times during a campaign and start it
// again: every recipient gets the campaign, extra copies are at most the
// sends in flight at the kills, each with the same Message-ID as the
// first, and the campaign finishes.
func TestKillNineThreeTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	engines := map[string]func(t *testing.T) (string, string){
		"sqlite": func(t *testing.T) (string, string) { return "", t.TempDir() },
	}
	if dbtest.PostgresURL() != "" {
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
			n := 25000 / raceScale
			c := f.listCampaign(n, 0, 4)

			start := func() *exec.Cmd {
				cmd := exec.Command(os.Args[0], "-test.run=^$")
				cmd.Env = append(os.Environ(), "MAILING_CHILD_DIR="+dir, "MAILING_CHILD_DSN="+dsn)
				cmd.Stderr = os.Stderr
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				return cmd
			}
			inFlight := 0
			for k := 1; k <= 3; k++ {
				cmd := start()
				f.waitSink(int64(k*n/5), 60*time.Second)
				if err := cmd.Process.Kill(); err != nil { // SIGKILL
					t.Fatal(err)
				}
				_ = cmd.Wait()
				time.Sleep(200 * time.Millisecond) // what the dead process wrote reaches the sink
				var sent int
				if err := d.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM mailing_recipients WHERE campaign_id = $1 AND status = 'sent'`,
					c.ID).Scan(&sent); err != nil {
					t.Fatal(err)
				}
				got := f.sink.Counts()
				// Taken by the server but not yet in the ledger: these are
				// the sends in flight at the kill, the only ones sent again.
				flying := got.Recipients - sent
				t.Logf("kill %d: sink %d recipients, ledger %d sent, %d in flight", k, got.Recipients, sent, flying)
				inFlight += flying
			}
			cmd := start()
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
			f.wait(c.ID, mailing.StatusFinished, 120*time.Second)
			got := f.sink.Counts()
			t.Logf("sink %+v; %d in flight at the kills", got, inFlight)
			if got.Recipients != n || got.Mismatched != 0 || got.Duplicates > inFlight {
				t.Fatalf("sink %+v, want %d recipients, at most %d extra copies, all with the first copy's Message-ID", got, n, inFlight)
			}
		})
	}
}
