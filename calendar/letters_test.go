package calendar_test

import (
	"context"
	"strings"
	"testing"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// TestUpdateAndCancelLetters: a new time or place reaches those invited
// as METHOD:REQUEST with a higher SEQUENCE; a new title alone sends
// nothing; one taken off the list and, when the event is deleted,
// everyone invited get METHOD:CANCEL.
func TestUpdateAndCancelLetters(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, m, _ := service(t, d)
		sec := caller(s, "sec")
		both := []calendar.PersonID{{Kind: "user", ID: "ivan"}, {Kind: "user", ID: "other"}}
		in := calendar.Input{Kind: "meeting", Title: "Совещание", Place: "Зал 1", Start: "2026-12-10T10:00", End: "2026-12-10T11:00",
			RemindMin: intp(-1), Invitees: both}
		e, err := s.Create(ctx, sec, in)
		if err != nil {
			t.Fatal(err)
		}
		letters := func(want int, method, subject, seq string) []sentMail {
			t.Helper()
			got := m.sent
			m.sent = nil
			if len(got) != want {
				t.Fatalf("%d letters, want %d: %+v", len(got), want, got)
			}
			for _, l := range got {
				if l.method != method || !strings.Contains(l.ics, "METHOD:"+method+"\r\n") || l.subject != subject ||
					!strings.Contains(l.ics, "\r\nSEQUENCE:"+seq+"\r\n") || !strings.Contains(l.ics, "UID:"+e.UID+"\r\n") {
					t.Fatalf("letter %+v, want %s %s SEQUENCE:%s", l, method, subject, seq)
				}
			}
			return got
		}
		letters(2, "REQUEST", "calendar.mail.subject", "0")

		in.Title = "Совещание профкома"
		if _, err := s.Update(ctx, sec, e.ID, in); err != nil {
			t.Fatal(err)
		}
		letters(0, "", "", "")

		in.Start, in.End = "2026-12-11T15:00", "2026-12-11T16:00"
		if _, err := s.Update(ctx, sec, e.ID, in); err != nil {
			t.Fatal(err)
		}
		got := letters(2, "REQUEST", "calendar.mail.update_subject", "1")
		if !strings.Contains(got[0].ics, "DTSTART:20261211T100000Z") {
			t.Fatalf("the update carries the old time:\n%s", got[0].ics)
		}
		in.Place = "Зал 2"
		if _, err := s.Update(ctx, sec, e.ID, in); err != nil {
			t.Fatal(err)
		}
		letters(2, "REQUEST", "calendar.mail.update_subject", "2")

		// Sidorov is taken off the list: he alone hears it is cancelled.
		in.Invitees = both[:1]
		if _, err := s.Update(ctx, sec, e.ID, in); err != nil {
			t.Fatal(err)
		}
		got = letters(1, "CANCEL", "calendar.mail.cancel_subject", "3")
		if got[0].to != "sidorov@example.org" || !strings.Contains(got[0].ics, "STATUS:CANCELLED") ||
			!strings.Contains(got[0].ics, "mailto:sidorov@example.org") || strings.Contains(got[0].ics, "ivanov@") {
			t.Fatalf("the cancellation for the one taken off: %+v", got[0])
		}

		// Deleted: Ivan hears it is cancelled.
		if err := s.Delete(ctx, sec, e.ID); err != nil {
			t.Fatal(err)
		}
		got = letters(1, "CANCEL", "calendar.mail.cancel_subject", "3")
		if got[0].to != "ivanov@example.org" || !strings.Contains(got[0].ics, "STATUS:CANCELLED") {
			t.Fatalf("the cancellation of the deleted event: %+v", got[0])
		}
	})
}
