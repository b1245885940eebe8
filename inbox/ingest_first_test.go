package inbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/storage/db"
)

const firstMetricsToken = "first-metrics"

func firstFixture(t *testing.T) (*fixture, inbox.Line) {
	t.Helper()
	n := hubtest.StartWith(t, hubtest.NewStorage(t), func(c *config.Config) { c.MetricsToken = firstMetricsToken })
	f := newFixtureOn(t, n, inbox.Manual, nil)
	l := inbox.DefaultLine()
	l.Name, l.UnitID, l.Mode = "Линия со сроками", n.Root.ID, inbox.Manual
	l.FirstResponseTargetMin, l.ResolutionTargetMin = 30, 600
	l2, err := n.Inbox.Lines.Create(context.Background(), n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	return f, l2
}

func ingestTogether(t *testing.T, f *fixture, ins []inbox.Inbound) []inbox.IngestResult {
	t.Helper()
	res, errs := inbox.IngestTogether(f.n.Inbox.Ingestion, ins)
	for i, err := range errs {
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	return res
}

// A batch of first messages from new senders, mixed with a follow-up, a
// reopen, a second message of a new sender, a comment thread and a
// preface: every new contact, identity and conversation is stored once
// with the fields a message alone gets, conversation events come in the
// messages' order, and on PostgreSQL the contacts and conversations were
// created in one statement each (the metric).
func TestFirstMessagesOfABatchAreCreatedTogether(t *testing.T) {
	f, sla := firstFixture(t)
	ctx := context.Background()
	ingest := func(ext, id string) inbox.IngestResult {
		r, err := f.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: id, From: inbox.Identity{ExternalID: ext}, Text: "до"})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	followed := ingest("known-open", "known-open-1")
	closed := ingest("known-closed", "known-closed-1")
	if _, err := f.n.DB.Exec(`UPDATE inbox_conversations SET status = 'closed', closed_at = $2 WHERE id = $1`,
		closed.ConversationID, time.Now().UnixMilli()); err != nil {
		t.Fatal(err)
	}

	const senders = 30
	var ins []inbox.Inbound
	for i := range senders {
		in := inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: fmt.Sprintf("first-%d", i), ExternalChatID: fmt.Sprintf("chat-%d", i),
			From: inbox.Identity{ExternalID: fmt.Sprintf("sender-%d", i), Name: fmt.Sprintf("Отправитель Номер %d", i),
				Phone: fmt.Sprintf("+7900%07d", i), Email: fmt.Sprintf("s%d@example.org", i)},
			Subject: fmt.Sprintf("Тема ВОПРОСА %d", i), Text: "текст"}
		if i%2 == 0 {
			in.LineID = sla.ID
		}
		if i == 4 {
			in.Preface = &inbox.Preface{Text: "Чем помочь?", Ref: "trigger-1"}
		}
		ins = append(ins, in)
		switch i {
		case 0: // the same sender again, same line: the same conversation
			again := in
			again.ExternalMessageID = "first-0-again"
			ins = append(ins, again)
		case 1: // the same sender on a post's thread: a conversation of its own
			th := in
			th.ExternalMessageID, th.Thread = "first-1-thread", &inbox.Thread{Key: "post-1"}
			ins = append(ins, th)
		case 10:
			ins = append(ins, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: "known-open-2", From: inbox.Identity{ExternalID: "known-open"}, Text: "ещё"},
				inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: "known-closed-2", From: inbox.Identity{ExternalID: "known-closed"}, Text: "снова"})
		}
	}
	res := ingestTogether(t, f, ins)

	lineOf := map[string]inbox.Line{f.line.ID: f.line, sla.ID: sla}
	convOf := map[string]string{} // message id -> conversation
	var wantOrder []string        // the conversations opened, in the messages' order
	seenConv := map[string]bool{followed.ConversationID: true}
	for i, in := range ins {
		r := res[i]
		if r.Duplicate || r.ConversationID == "" || r.Seq == 0 {
			t.Fatalf("message %s: %+v", in.ExternalMessageID, r)
		}
		convOf[in.ExternalMessageID] = r.ConversationID
		if !seenConv[r.ConversationID] {
			seenConv[r.ConversationID] = true
			wantOrder = append(wantOrder, r.ConversationID)
		}
	}
	switch {
	case convOf["first-0-again"] != convOf["first-0"]:
		t.Errorf("a new sender's two messages went to two conversations")
	case convOf["first-1-thread"] == convOf["first-1"]:
		t.Errorf("a comment on a post went to the sender's direct conversation")
	case convOf["known-open-2"] != followed.ConversationID:
		t.Errorf("a follow-up opened a conversation")
	case convOf["known-closed-2"] != closed.ConversationID:
		t.Errorf("a conversation closed a moment ago was not reopened")
	}
	if !res[indexOf(ins, "first-4")].Prefaced {
		t.Errorf("the preface was not stored")
	}

	var contacts, identities int
	_ = f.n.DB.QueryRow(`SELECT count(*), count(DISTINCT contact_id) FROM inbox_identities WHERE external_id LIKE 'sender-%'`).Scan(&identities, &contacts)
	if identities != senders || contacts != senders {
		t.Fatalf("%d identities of %d contacts, want %d each", identities, contacts, senders)
	}
	for _, in := range ins {
		if strings.HasPrefix(in.From.ExternalID, "sender-") {
			checkFirstStored(t, f, in, convOf[in.ExternalMessageID], lineOf)
		}
	}

	rows, err := f.n.DB.Query(`SELECT conversation_id FROM inbox_events WHERE kind = 'conversation' AND conversation_id <> $1 ORDER BY seq`, followed.ConversationID)
	if err != nil {
		t.Fatal(err)
	}
	var gotOrder []string
	for rows.Next() {
		var id string
		_ = rows.Scan(&id)
		if id == closed.ConversationID && len(gotOrder) == 0 {
			continue // its first opening, before the batch
		}
		gotOrder = append(gotOrder, id)
	}
	rows.Close()
	if fmt.Sprint(gotOrder) != fmt.Sprint(wantOrder) {
		t.Errorf("conversation events in order\n%v\nwant\n%v", gotOrder, wantOrder)
	}

	if f.n.DB.Dialect == db.Postgres {
		for kind, want := range map[string]float64{"contact": senders, "conversation": senders + 1} {
			name := `profhub_inbox_first_created_together_total{kind="` + kind + `"}`
			if got := metricValue(t, f.n.Server.URL+"/metrics", firstMetricsToken, name); got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
	}
}

func indexOf(ins []inbox.Inbound, id string) int {
	for i, in := range ins {
		if in.ExternalMessageID == id {
			return i
		}
	}
	panic(id)
}

// checkFirstStored checks that in's contact, identity and conversation
// conv hold what the message brought.
func checkFirstStored(t *testing.T, f *fixture, in inbox.Inbound, conv string, lines map[string]inbox.Line) {
	t.Helper()
	var contact, name, folded, phone, email, display string
	err := f.n.DB.QueryRow(`SELECT c.id, c.name, c.name_folded, c.phone, c.email, i.display FROM inbox_identities i
		JOIN inbox_contacts c ON c.id = i.contact_id WHERE i.namespace = $1 AND i.external_id = $2`,
		"channel:"+f.channel.ID, in.From.ExternalID).Scan(&contact, &name, &folded, &phone, &email, &display)
	if err != nil {
		t.Fatalf("%s: %v", in.From.ExternalID, err)
	}
	if name != in.From.Name || folded != norm.Fold(in.From.Name) || phone != in.From.Phone || email != in.From.Email || display != in.From.Name {
		t.Errorf("%s: contact %q %q %q %q %q", in.From.ExternalID, name, folded, phone, email, display)
	}
	var line, unit, ch, convContact, chat, status, subject, subjectFolded, thread string
	var created, queued, started, frDue, resDue int64
	err = f.n.DB.QueryRow(`SELECT line_id, unit_id, channel_id, contact_id, external_chat_id, status, subject, subject_folded, thread_key,
		created_at, queued_at, sla_started_at, first_response_due_at, resolution_due_at FROM inbox_conversations WHERE id = $1`, conv).Scan(
		&line, &unit, &ch, &convContact, &chat, &status, &subject, &subjectFolded, &thread, &created, &queued, &started, &frDue, &resDue)
	if err != nil {
		t.Fatalf("%s: conversation: %v", in.ExternalMessageID, err)
	}
	l := lines[f.line.ID]
	if in.LineID != "" {
		l = lines[in.LineID]
	}
	wantThread := ""
	if in.Thread != nil {
		wantThread = in.Thread.Key
	}
	wantFR, wantRes := inbox.SLADue(l, created)
	if line != l.ID || unit != l.UnitID || ch != f.channel.ID || convContact != contact || chat != in.ExternalChatID || status != "waiting" ||
		subject != in.Subject || subjectFolded != norm.Fold(in.Subject) || thread != wantThread {
		t.Errorf("%s: conversation %q %q %q %q %q %q %q %q %q", in.ExternalMessageID, line, unit, ch, convContact, chat, status, subject, subjectFolded, thread)
	}
	if created == 0 || queued != created || started != created || frDue != wantFR || resDue != wantRes || (l.FirstResponseTargetMin > 0 && frDue == 0) {
		t.Errorf("%s: times %d %d %d, due %d %d, want %d %d", in.ExternalMessageID, created, queued, started, frDue, resDue, wantFR, wantRes)
	}
}

// Another node stores, between the batch's look-up and its inserts, the
// identity of one of the batch's new senders, or an open conversation one
// of them needs: the batch's statement inserts fewer rows than it sent,
// the batch is retried one by one, and every message is stored once, the
// raced one with the other node's contact or in its conversation.
func TestFirstMessagesOfABatchLoseRacesOnce(t *testing.T) {
	for _, what := range []string{"contacts", "conversations"} {
		t.Run(what, func(t *testing.T) {
			f, other := firstFixture(t)
			if f.n.DB.Dialect != db.Postgres {
				t.Skip("PostgreSQL only (PROFHUB_TEST_DATABASE_URL): the race is between nodes, and the bulk statements PostgreSQL's")
			}
			ctx := context.Background()
			ns := "channel:" + f.channel.ID
			// A known contact writes to the other line, where it has no
			// conversation yet.
			known, err := f.n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: "race-known-1",
				From: inbox.Identity{ExternalID: "race-known"}, Text: "до"})
			if err != nil {
				t.Fatal(err)
			}
			var knownContact string
			_ = f.n.DB.QueryRow(`SELECT contact_id FROM inbox_conversations WHERE id = $1`, known.ConversationID).Scan(&knownContact)

			raced, theirs := false, ""
			defer inbox.SetFirstTogetherHook(func(stage string) {
				if stage != what || raced {
					return
				}
				raced = true
				now := time.Now().UnixMilli()
				var err error
				if what == "contacts" {
					theirs = "their-contact"
					if _, err = f.n.DB.Exec(`INSERT INTO inbox_contacts (id, name, created_at, updated_at) VALUES ($1, 'Их', $2, $2)`, theirs, now); err == nil {
						_, err = f.n.DB.Exec(`INSERT INTO inbox_identities (namespace, external_id, contact_id, display, created_at)
							VALUES ($1, 'race-3', $2, 'Их', $3)`, ns, theirs, now)
					}
				} else {
					theirs = "their-conversation"
					_, err = f.n.DB.Exec(`INSERT INTO inbox_conversations (id, line_id, unit_id, channel_id, contact_id, external_chat_id,
						status, created_at, updated_at, thread_key) VALUES ($1, $2, $3, $4, $5, '', 'waiting', $6, $6, '')`,
						theirs, other.ID, other.UnitID, f.channel.ID, knownContact, now)
				}
				if err != nil {
					t.Error(err)
				}
			})()

			var ins []inbox.Inbound
			for i := range 8 {
				ins = append(ins, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: fmt.Sprintf("race-%d", i),
					From: inbox.Identity{ExternalID: fmt.Sprintf("race-%d", i)}, Text: "текст"})
			}
			ins = append(ins, inbox.Inbound{ChannelID: f.channel.ID, ExternalMessageID: "race-known-2", LineID: other.ID,
				From: inbox.Identity{ExternalID: "race-known"}, Text: "другая линия"})
			res := ingestTogether(t, f, ins)
			if !raced {
				t.Fatal("the bulk statement was never reached")
			}

			var identities, contacts, convs, msgs int
			_ = f.n.DB.QueryRow(`SELECT count(*), count(DISTINCT contact_id) FROM inbox_identities WHERE external_id LIKE 'race-%'`).Scan(&identities, &contacts)
			_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_conversations`).Scan(&convs)
			_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_messages WHERE direction = 'in'`).Scan(&msgs)
			if identities != 9 || contacts != 9 || convs != 10 || msgs != 10 {
				t.Errorf("%d identities of %d contacts, %d conversations, %d messages; want 9, 9, 10, 10", identities, contacts, convs, msgs)
			}
			var orphans int
			_ = f.n.DB.QueryRow(`SELECT count(*) FROM inbox_contacts c WHERE NOT EXISTS (SELECT 1 FROM inbox_identities i WHERE i.contact_id = c.id)`).Scan(&orphans)
			if orphans != 0 {
				t.Errorf("%d contacts without an identity", orphans)
			}
			if what == "contacts" {
				var contact string
				_ = f.n.DB.QueryRow(`SELECT contact_id FROM inbox_conversations WHERE id = $1`, res[3].ConversationID).Scan(&contact)
				if contact != theirs {
					t.Errorf("the raced sender's message went to contact %q, not the other node's", contact)
				}
			} else if got := res[len(res)-1].ConversationID; got != theirs {
				t.Errorf("the known contact's message went to %q, not the other node's conversation", got)
			}
		})
	}
}
