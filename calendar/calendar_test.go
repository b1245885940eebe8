package calendar_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/calendar"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
)

// staff is the directory of the tests: three employees.
type staff map[string]auth.User

func (s staff) Person(_ context.Context, id string) (calendar.Person, error) {
	u, ok := s[id]
	if !ok || u.Disabled {
		return calendar.Person{}, db.ErrNotFound
	}
	return calendar.Person{Kind: "user", ID: u.ID, Name: u.FullName, Email: u.Email}, nil
}

func (s staff) ByLogin(_ context.Context, login string) (auth.User, error) {
	for _, u := range s {
		if u.Login == login {
			return u, nil
		}
	}
	return auth.User{}, db.ErrNotFound
}

func (s staff) ByID(_ context.Context, id string) (auth.User, error) {
	if u, ok := s[id]; ok {
		return u, nil
	}
	return auth.User{}, db.ErrNotFound
}

var people = staff{
	"sec":   {ID: "sec", Login: "secretary", FullName: "Петрова Анна Ивановна", Email: "petrova@example.org", Role: access.Secretary, UnitID: "fed", UnitPath: "/fed/", Lang: "ru"},
	"ivan":  {ID: "ivan", Login: "ivanov", FullName: "Иванов Иван Петрович", Email: "ivanov@example.org", Role: access.Executor, UnitID: "ob1", UnitPath: "/fed/ob1/", Lang: "ru"},
	"other": {ID: "other", Login: "sidorov", FullName: "Сидоров Пётр", Email: "sidorov@example.org", Role: access.Operator, UnitID: "ob2", UnitPath: "/fed/ob2/", Lang: "ru"},
}

type sentMail struct{ method, to, subject, ics string }
type mailer struct{ sent []sentMail }

func (m *mailer) SendInvitation(_ context.Context, method, to, subject, _ string, ics []byte) error {
	m.sent = append(m.sent, sentMail{method, to, subject, string(ics)})
	return nil
}

type alerts struct{ got []calendar.Alert }

func (a *alerts) Alert(_ context.Context, _ db.Execer, al calendar.Alert) error {
	a.got = append(a.got, al)
	return nil
}

func service(t *testing.T, d *db.DB) (*calendar.Service, *mailer, *alerts) {
	m, a := &mailer{}, &alerts{}
	zone, _ := time.LoadLocation("Asia/Yekaterinburg")
	return calendar.New(calendar.Deps{DB: d, Zone: zone, Staff: people, Mailer: m, Alerts: a}), m, a
}

func caller(s *calendar.Service, id string) calendar.Caller { return s.CallerOf(people[id], "test") }

func intp(n int) *int { return &n }

func code(err error) string {
	if ve, ok := valid.As(err); ok {
		return ve.Code
	}
	if re, ok := valid.AsRefusal(err); ok {
		return re.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestEventsAndInvitations(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, m, al := service(t, d)
		sec := caller(s, "sec")
		cals, err := s.Calendars(ctx, sec)
		if err != nil || len(cals) != 3 {
			t.Fatalf("calendars: %v %+v", err, cals)
		}
		var fed string
		for _, c := range cals {
			if c.Kind == calendar.Federation {
				fed = c.ID
				if !c.CanWrite {
					t.Fatal("the federation's secretary cannot write the federation's calendar")
				}
			}
		}
		e, err := s.Create(ctx, sec, calendar.Input{CalendarID: fed, Kind: "plenum", Title: "Пленум\r\nATTENDEE:mailto:evil@x.ru",
			Place: "Большой зал", Start: "2026-12-10T10:00", End: "2026-12-10T13:00", RemindMin: intp(30),
			Invitees: []calendar.PersonID{{Kind: "user", ID: "ivan"}}})
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(e.Title, "\r\n") || e.Start.UTC().Hour() != 5 {
			t.Fatalf("title %q start %v", e.Title, e.Start)
		}
		if len(m.sent) != 1 || m.sent[0].to != "ivanov@example.org" || !strings.Contains(m.sent[0].ics, "METHOD:REQUEST") {
			t.Fatalf("letters: %+v", m.sent)
		}
		if strings.Count(m.sent[0].ics, "\r\nATTENDEE") != 1 || strings.Contains(m.sent[0].ics, "\r\nATTENDEE:mailto:evil") {
			t.Fatalf("hostile title forged a line:\n%s", m.sent[0].ics)
		}
		if len(al.got) != 1 || al.got[0].UserID != "ivan" {
			t.Fatalf("alerts: %+v", al.got)
		}
		// Ivan sees it (invited, and his unit lies under the federation) and answers.
		ivan := caller(s, "ivan")
		occ, err := s.Occurrences(ctx, ivan, time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil)
		if err != nil || len(occ) != 1 || occ[0].MyAnswer != "needs-action" || occ[0].CanWrite {
			t.Fatalf("ivan's month: %v %+v", err, occ)
		}
		if _, err := s.Update(ctx, ivan, e.ID, calendar.Input{Title: "x", Start: "2026-12-10T10:00", End: "2026-12-10T11:00"}); code(err) != "calendar.readonly" {
			t.Fatalf("an executor changed the federation's event: %v", err)
		}
		if got, err := s.Answer(ctx, ivan, e.ID, "accepted"); err != nil || got.MyAnswer != "accepted" {
			t.Fatalf("answer: %v %+v", err, got)
		}
		// A mailed reply from Ivan's address changes his answer; one from another address does not.
		reply := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" + e.UID +
			"\r\nDTSTAMP:20261201T000000Z\r\nATTENDEE;PARTSTAT=DECLINED:mailto:ivanov@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
		if ok, err := s.TakeReply(ctx, "sidorov@example.org", []byte(reply)); ok || err != nil {
			t.Fatalf("a reply from another address matched: %v %v", ok, err)
		}
		if ok, err := s.TakeReply(ctx, "Ivanov@example.org", []byte(reply)); !ok || err != nil {
			t.Fatalf("reply: %v %v", ok, err)
		}
		if got, _ := s.Event(ctx, ivan, e.ID); got.MyAnswer != "declined" {
			t.Fatalf("after the mailed reply: %q", got.MyAnswer)
		}
	})
}

func TestBadInputRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, _ := service(t, d)
		sec, other := caller(s, "sec"), caller(s, "other")
		mine, err := s.Create(ctx, sec, calendar.Input{Title: "Личное", Start: "2026-12-11T09:00", End: "2026-12-11T10:00"})
		if err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name string
			in   calendar.Input
			want string
		}{
			{"ends before start", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T09:00"}, "calendar_end_before_start"},
			{"every second forever", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00", RRule: "FREQ=SECONDLY"}, "rrule_too_often"},
			{"hourly", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00", RRule: "RRULE:FREQ=HOURLY;COUNT=5"}, "rrule_too_often"},
			{"million times", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00", RRule: "FREQ=DAILY;COUNT=1000000"}, "rrule_too_many"},
			{"not a rule", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00", RRule: "EVERY=tuesday"}, "rrule_invalid"},
			{"no title", calendar.Input{Title: "\u202e\r\n", Start: "2026-12-10T10:00", End: "2026-12-10T11:00"}, "required"},
			{"bad time", calendar.Input{Title: "a", Start: "завтра", End: "2026-12-10T11:00"}, "calendar_time"},
			{"another's calendar", calendar.Input{CalendarID: mine.CalendarID, Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00"}, "calendar.foreign"},
			{"member to a meeting", calendar.Input{Title: "a", Start: "2026-12-10T10:00", End: "2026-12-10T11:00", Invitees: []calendar.PersonID{{Kind: "member", ID: "m1"}}}, "calendar_members_reception"},
		} {
			if _, err := s.Create(ctx, other, tc.in); code(err) != tc.want {
				t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
			}
		}
		if _, err := s.Event(ctx, other, mine.ID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("another's personal event read: %v", err)
		}
		if _, err := s.Calendar(ctx, other, mine.CalendarID); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("another's personal calendar read: %v", err)
		}
	})
}

// A daily rule with no end is kept, and a query expands it only inside its
// window, at most MaxPerWindow times.
func TestRepeatsBounded(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	s, _, _ := service(t, d)
	sec := caller(s, "sec")
	if _, err := s.Create(ctx, sec, calendar.Input{Title: "Планёрка", Start: "2020-01-06T09:00", End: "2020-01-06T09:30", RRule: "FREQ=DAILY"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, sec, calendar.Input{Title: "Учёба", Kind: "training", Start: "2026-12-01T15:00", End: "2026-12-01T16:00",
		RRule: "FREQ=WEEKLY;COUNT=3"}); err != nil {
		t.Fatal(err)
	}
	lo := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	occ, err := s.Occurrences(ctx, sec, lo, lo.AddDate(0, 0, 31), nil)
	if err != nil {
		t.Fatal(err)
	}
	daily, weekly := 0, 0
	for _, o := range occ {
		if o.Title == "Планёрка" {
			daily++
		} else {
			weekly++
		}
	}
	if daily != 31 || weekly != 3 {
		t.Fatalf("december: %d daily, %d weekly", daily, weekly)
	}
	// 395 days: each day once, far below the cap of one event's dates.
	occ, err = s.Occurrences(ctx, sec, lo, lo.AddDate(1, 0, 30), nil)
	if err != nil || len(occ) != 395+3 {
		t.Fatalf("a long window: %v, %d occurrences", err, len(occ))
	}
	if _, err := s.Occurrences(ctx, sec, lo, lo.AddDate(5, 0, 0), nil); code(err) != "calendar_window" {
		t.Fatalf("five years at once: %v", err)
	}
}

// Reminders come once their time has come and before the start, to the
// owner and the invited employees who did not decline, keyed by the
// occurrence (notify records a key once).
func TestReminders(t *testing.T) {
	d := dbtest.OpenSQLite(t)
	ctx := context.Background()
	s, _, al := service(t, d)
	now := time.Date(2026, 12, 10, 4, 0, 0, 0, time.UTC) // 09:00 in Yekaterinburg
	s.SetNow(func() time.Time { return now })
	sec := caller(s, "sec")
	soon, err := s.Create(ctx, sec, calendar.Input{Title: "Совещание", Start: "2026-12-10T09:30", End: "2026-12-10T10:00", RemindMin: intp(60),
		Invitees: []calendar.PersonID{{Kind: "user", ID: "ivan"}, {Kind: "user", ID: "other"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Answer(ctx, caller(s, "other"), soon.ID, "declined"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(ctx, sec, calendar.Input{Title: "Позже", Start: "2026-12-10T09:30", End: "2026-12-10T10:00", RemindMin: intp(15)}); err != nil {
		t.Fatal(err)
	}
	al.got = nil
	n, err := s.Remind(ctx)
	if err != nil || n != 2 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	users := map[string]bool{}
	for _, a := range al.got {
		users[a.UserID] = true
		if a.Kind != calendar.NoticeReminder || !strings.HasPrefix(a.Key, "calendar-remind:"+soon.ID+":") {
			t.Errorf("reminder %+v", a)
		}
	}
	if !users["sec"] || !users["ivan"] || users["other"] {
		t.Fatalf("reminded %v", users)
	}
}

// TestMovedEventAsksAgain: a new time puts the invitees' answers back to
// needs-action and tells them again; a new title or room keeps them.
func TestMovedEventAsksAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s, _, al := service(t, d)
		sec, ivan := caller(s, "sec"), caller(s, "ivan")
		in := calendar.Input{Kind: "meeting", Title: "Совещание", Place: "Зал 1", Start: "2026-12-10T10:00", End: "2026-12-10T11:00",
			RemindMin: intp(-1), Invitees: []calendar.PersonID{{Kind: "user", ID: "ivan"}}}
		e, err := s.Create(ctx, sec, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Answer(ctx, ivan, e.ID, "accepted"); err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			name   string
			change func(*calendar.Input)
			answer string
			alerts int
		}{
			{"title", func(in *calendar.Input) { in.Title = "Совещание профкома" }, "accepted", 1},
			{"room", func(in *calendar.Input) { in.Place = "Зал 2" }, "accepted", 1},
			{"time", func(in *calendar.Input) { in.Start, in.End = "2026-12-11T15:00", "2026-12-11T16:00" }, "needs-action", 2},
		}
		for _, st := range steps {
			st.change(&in)
			if _, err := s.Update(ctx, sec, e.ID, in); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
			got, err := s.Event(ctx, ivan, e.ID)
			if err != nil || got.MyAnswer != st.answer {
				t.Fatalf("after a new %s Ivan's answer is %q (%v), want %q", st.name, got.MyAnswer, err, st.answer)
			}
			if len(al.got) != st.alerts {
				t.Fatalf("after a new %s: %d alerts, want %d: %+v", st.name, len(al.got), st.alerts, al.got)
			}
		}
		if last := al.got[len(al.got)-1]; last.UserID != "ivan" || !strings.Contains(last.Text, "11.12.2026") {
			t.Fatalf("the new invitation: %+v", last)
		}
		// He answers the new time; the secretary who moved it is not asked.
		if got, err := s.Answer(ctx, ivan, e.ID, "tentative"); err != nil || got.MyAnswer != "tentative" {
			t.Fatalf("answer to the new time: %v %+v", err, got)
		}
	})
}
