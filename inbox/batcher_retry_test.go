package inbox_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/db"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// PostgreSQL ends ingest transactions with a deadlock (40P01) and a
// serialization failure (40001) — injected by a trigger that raises them
// for the first inserts: every message is still stored once, every caller
// gets its answer, and the log has no warning or error about it.
func TestIngestRetriesDeadlocksQuietly(t *testing.T) {
	for _, code := range []string{"40P01", "40001"} {
		t.Run(code, func(t *testing.T) {
			s := hubtest.NewStorage(t)
			if s.DatabaseURL == "" {
				t.Skip("PostgreSQL only (PROFHUB_TEST_DATABASE_URL)")
			}
			logs := &lockedBuffer{}
			s.Log = logs
			n := hubtest.StartOn(t, s)
			if n.DB.Dialect != db.Postgres {
				t.Skip("PostgreSQL only")
			}
			f := newFixtureOn(t, n, inbox.Manual, nil)
			for _, q := range []string{
				`CREATE SEQUENCE inject_faults`,
				`CREATE FUNCTION inject_fault() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN
					IF nextval('inject_faults') <= 3 THEN
						RAISE EXCEPTION 'injected' USING ERRCODE = '` + code + `';
					END IF;
					RETURN NEW;
				END $$`,
				`CREATE TRIGGER inject_fault BEFORE INSERT ON inbox_messages FOR EACH ROW EXECUTE FUNCTION inject_fault()`,
			} {
				if _, err := n.DB.Exec(q); err != nil {
					t.Fatal(err)
				}
			}
			before := len(logs.String())
			ctx := context.Background()
			var wg sync.WaitGroup
			errs := make(chan error, 20)
			for i := range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, err := n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: fmt.Sprintf("dl-%d", i),
						From: inbox.Identity{ExternalID: fmt.Sprintf("dl-contact-%d", i%4)}, Text: "текст"})
					errs <- err
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatalf("ingest: %v", err)
				}
			}
			var stored, injected int
			_ = n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE external_id LIKE 'dl-%'`).Scan(&stored)
			_ = n.DB.QueryRow(`SELECT last_value FROM inject_faults`).Scan(&injected)
			if stored != 20 || injected < 4 {
				t.Fatalf("%d of 20 messages stored; %d inserts tried", stored, injected)
			}
			for _, line := range strings.Split(logs.String()[before:], "\n") {
				if strings.Contains(line, "level=WARN") || strings.Contains(line, "level=ERROR") {
					t.Errorf("logged: %s", line)
				}
			}
		})
	}
}
