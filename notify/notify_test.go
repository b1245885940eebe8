package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/notify"
)

func scope(id string, role access.Role) access.Scope {
	return access.Scope{UserID: id, UserName: id, Role: role, UnitPath: "/u/"}
}

func notice(user, key string) notify.Notice {
	return notify.Notice{Key: key, UserID: user, Kind: notify.DocumentResolution, Text: "ВХ-1 · Письмо", Link: "/documents#doc/1"}
}

func list(t *testing.T, s *notify.Service, sc access.Scope) ([]notify.Item, int) {
	t.Helper()
	items, unread, err := s.List(context.Background(), sc, "", 50)
	if err != nil {
		t.Fatal(err)
	}
	return items, unread
}

// The same event recorded twice, from two goroutines, or by two nodes
// (two services on one database), is one notice.
func TestRecordOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		node1, node2 := notify.New(notify.Deps{DB: d}), notify.New(notify.Deps{DB: d})
		created, err := node1.Record(ctx, nil, notice("u1", "task:1"))
		if err != nil || !created {
			t.Fatalf("first record: created=%v err=%v", created, err)
		}
		created, err = node1.Record(ctx, nil, notice("u1", "task:1"))
		if err != nil || created {
			t.Fatalf("the same event again: created=%v err=%v, want not created", created, err)
		}
		// 20 events, each recorded at once by 2 goroutines on each of 2 nodes.
		var made atomic.Int32
		var wg sync.WaitGroup
		for e := range 20 {
			for _, s := range []*notify.Service{node1, node2, node1, node2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					ok, err := s.Record(ctx, nil, notice("u1", fmt.Sprintf("race:%d", e)))
					if err != nil {
						t.Error(err)
					}
					if ok {
						made.Add(1)
					}
				}()
			}
		}
		wg.Wait()
		if made.Load() != 20 {
			t.Errorf("%d records reported new for 20 events", made.Load())
		}
		items, unread := list(t, node2, scope("u1", access.Chairman))
		if len(items) != 21 || unread != 21 {
			t.Fatalf("u1 has %d notices, %d unread; want 21", len(items), unread)
		}
		// The same key for another person is their own notice.
		if ok, err := node2.Record(ctx, nil, notice("u2", "task:1")); err != nil || !ok {
			t.Fatalf("another person's notice of the same event: %v %v", ok, err)
		}
	})
}

// A notice recorded in the source's transaction lives and dies with it.
func TestRecordInTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := notify.New(notify.Deps{DB: d})
		boom := errors.New("the decision failed")
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			if _, err := s.Record(ctx, tx, notice("u1", "task:rolled-back")); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		if items, _ := list(t, s, scope("u1", access.Chairman)); len(items) != 0 {
			t.Fatalf("a rolled-back notice stayed: %+v", items)
		}
		err = d.Tx(ctx, func(tx *sql.Tx) error {
			_, err := s.Record(ctx, tx, notice("u1", "task:committed"))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if items, _ := list(t, s, scope("u1", access.Chairman)); len(items) != 1 || items[0].Link != "/documents#doc/1" {
			t.Fatalf("committed notice: %+v", items)
		}
		if _, err := s.Record(ctx, nil, notify.Notice{Key: "x", UserID: "u1", Kind: "gossip"}); !errors.Is(err, notify.ErrUnknownKind) {
			t.Fatalf("unknown kind: %v", err)
		}
	})
}

// Nobody reads or marks another person's notices.
func TestScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := notify.New(notify.Deps{DB: d})
		a, b := scope("alice", access.Secretary), scope("bob", access.Operator)
		if _, err := s.Record(ctx, nil, notice("alice", "k1")); err != nil {
			t.Fatal(err)
		}
		items, _ := list(t, s, a)
		if items2, unread := list(t, s, b); len(items2) != 0 || unread != 0 {
			t.Fatalf("bob sees alice's notices: %+v", items2)
		}
		if _, err := s.Get(ctx, b, items[0].ID); !errors.Is(err, db.ErrNotFound) {
			t.Fatalf("bob reads alice's notice: %v", err)
		}
		if _, err := s.MarkRead(ctx, b, items[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, unread := list(t, s, a); unread != 1 {
			t.Fatalf("bob marked alice's notice read")
		}
		if n, err := s.MarkRead(ctx, a, items[0].ID); err != nil || n != 0 {
			t.Fatalf("alice reads hers: %d %v", n, err)
		}
		// The administrators' kinds are not offered to others.
		if _, err := s.SetPrefs(ctx, b, []notify.Pref{{Kind: notify.ChannelFailing, Delivery: notify.Delivery{Hub: true}}}); err == nil {
			t.Fatal("an operator chose where channel failures reach him")
		} else if _, ok := valid.As(err); !ok {
			t.Fatalf("want a validation error, got %v", err)
		}
		for _, p := range mustPrefs(t, s, b) {
			if p.Kind == notify.ChannelFailing {
				t.Fatal("an operator is offered channel failures")
			}
		}
	})
}

func mustPrefs(t *testing.T, s *notify.Service, sc access.Scope) []notify.Pref {
	t.Helper()
	ps, err := s.Prefs(context.Background(), sc)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

type sink struct {
	mu   sync.Mutex
	sent []string // "to|subject"
}

func (m *sink) SendLetter(_ context.Context, channel, to, subject, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, to+"|"+subject)
	return nil
}

func (m *sink) count() int { m.mu.Lock(); defer m.mu.Unlock(); return len(m.sent) }

type people map[string]notify.Recipient

func (p people) Recipient(_ context.Context, id string) (notify.Recipient, error) { return p[id], nil }

// Preferences decide where a kind reaches a person; an e-mail copy is sent
// once even with two nodes' workers running.
func TestPreferencesAndMail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		mail := &sink{}
		deps := notify.Deps{DB: d, Mailer: mail, Directory: people{"u1": {Email: "u1@example.org", Lang: "ru"}, "u2": {Email: "u2@example.org"}},
			MailChannel: func(context.Context) (string, error) { return "ch1", nil },
			Translate:   func(_, key string, _ ...any) string { return "[" + key + "]" }}
		node1, node2 := notify.New(deps), notify.New(deps)
		sc := scope("u1", access.Operator)
		// Defaults: the bell for everything, e-mail for documents.
		for _, p := range mustPrefs(t, node1, sc) {
			if p.Delivery != notify.Default(p.Kind) {
				t.Fatalf("%s: %+v, want the default", p.Kind, p.Delivery)
			}
		}
		// Mentions: e-mail only; offers: nowhere (kept hidden).
		saved, err := node1.SetPrefs(ctx, sc, []notify.Pref{
			{Kind: notify.Mention, Delivery: notify.Delivery{Email: true, Telegram: true}},
			{Kind: notify.ConversationOffered, Delivery: notify.Delivery{}}})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range saved {
			if p.Kind == notify.Mention && (p.Hub || !p.Email || !p.Telegram || p.Push) {
				t.Fatalf("mention saved as %+v", p.Delivery)
			}
		}
		for i, n := range []notify.Notice{
			{Key: "m1", UserID: "u1", Kind: notify.Mention, Text: "Иванова · Петров"},
			{Key: "o1", UserID: "u1", Kind: notify.ConversationOffered, Text: "Петров"},
			{Key: "d1", UserID: "u1", Kind: notify.DocumentApproval, Text: "ИСХ-7"},
			{Key: "d1", UserID: "u2", Kind: notify.DocumentApproval, Text: "ИСХ-7"},
		} {
			if ok, err := node1.Record(ctx, nil, n); err != nil || !ok {
				t.Fatalf("notice %d: %v %v", i, ok, err)
			}
		}
		items, unread := list(t, node1, sc)
		if len(items) != 1 || items[0].Kind != notify.DocumentApproval || unread != 1 {
			t.Fatalf("the bell shows %+v (%d unread), want only the approval", items, unread)
		}
		// The offer's key stays taken though it reaches nobody.
		if ok, _ := node1.Record(ctx, nil, notify.Notice{Key: "o1", UserID: "u1", Kind: notify.ConversationOffered}); ok {
			t.Fatal("a hidden notice's key was free again")
		}
		wctx, cancel := context.WithCancel(ctx)
		var wg sync.WaitGroup
		for _, s := range []*notify.Service{node1, node2} {
			wg.Add(1)
			go func() { defer wg.Done(); s.Run(wctx) }()
		}
		deadline := time.Now().Add(10 * time.Second)
		for mail.count() < 3 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(1500 * time.Millisecond) // both workers have swept again
		cancel()
		wg.Wait()
		mail.mu.Lock()
		defer mail.mu.Unlock()
		want := map[string]bool{"u1@example.org|[notify.kind.mention]: Иванова · Петров": true,
			"u1@example.org|[notify.kind.document_approval]: ИСХ-7": true, "u2@example.org|[notify.kind.document_approval]: ИСХ-7": true}
		if len(mail.sent) != 3 {
			t.Fatalf("sent %d letters, want 3: %q", len(mail.sent), mail.sent)
		}
		for _, s := range mail.sent {
			if !want[s] {
				t.Errorf("unexpected letter %q", s)
			}
		}
	})
}

// Notices survive a restart: a reopened database has them, read marks and
// all, and their keys stay taken.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	d, err := db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	s := notify.New(notify.Deps{DB: d})
	for _, k := range []string{"a", "b"} {
		if _, err := s.Record(ctx, nil, notice("u1", k)); err != nil {
			t.Fatal(err)
		}
	}
	sc := scope("u1", access.Chairman)
	items, _ := list(t, s, sc)
	if _, err := s.MarkRead(ctx, sc, items[0].ID); err != nil {
		t.Fatal(err)
	}
	d.Close()

	d, err = db.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	s = notify.New(notify.Deps{DB: d})
	items, unread := list(t, s, sc)
	if len(items) != 2 || unread != 1 || !items[0].Read {
		t.Fatalf("after a restart: %+v, %d unread", items, unread)
	}
	if ok, err := s.Record(ctx, nil, notice("u1", "a")); err != nil || ok {
		t.Fatalf("a notice recorded before the restart was recorded again: %v %v", ok, err)
	}
}
