package hub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/connectors/mail"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

type passedOn struct{ n int }

func (p *passedOn) TakeReply(context.Context, string, mail.LetterReply) (mail.TakenReply, error) {
	p.n++
	return mail.TakenReply{}, nil
}

// An invitee's mail program answers the invitation letter with a
// METHOD:REPLY: the letter's iCalendar part records the answer, and the
// letter still goes on to the inbox. The same reply from another address
// changes nothing.
func TestMailedReplyAnswersTheInvitation(t *testing.T) {
	ctx := context.Background()
	n := hubtest.Start(t)
	const pw = "calendar-password"
	unit := n.AddUnit(t, "", org.Committee, "Обком")
	n.AddUser(t, "anna", access.Secretary, unit.ID, pw)
	boris := n.AddUser(t, "boris", access.Executor, unit.ID, pw)
	email := "Boris@example.org"
	if _, err := n.Org.UpdateUser(ctx, n.System, boris.ID, org.UserChanges{Email: &email}); err != nil {
		t.Fatal(err)
	}
	anna, bb := n.NewBrowser(t), n.NewBrowser(t)
	anna.Login(t, "anna", pw)
	bb.Login(t, "boris", pw)
	code, body := anna.Do(t, "POST", "/api/v1/calendar/events", `{"kind":"plenum","title":"Пленум","start":"2026-12-10T10:00","end":"2026-12-10T12:00",
		"invitees":[{"kind":"user","id":"`+boris.ID+`"}]}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var out struct{ Event struct{ ID, UID string } }
	_ = json.Unmarshal([]byte(body), &out)

	reply := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla//Thunderbird//RU\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:" + out.Event.UID +
		"\r\nDTSTAMP:20261205T080000Z\r\nATTENDEE;PARTSTAT=TENTATIVE;CN=Борис:mailto:boris@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	info, err := n.Blobs.Put(ctx, strings.NewReader(reply), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	next := &passedOn{}
	taker := hub.CalendarReplies(n.Hub, next)
	letter := func(from string) mail.LetterReply {
		return mail.LetterReply{ID: "l-" + from, Refs: []string{"invite@hub"}, From: from, Subject: "Под вопросом: Пленум",
			Attachments: []inbox.Attachment{{BlobKey: info.Key, Name: "invite.ics", ContentType: "text/calendar; method=REPLY", Size: info.Size}}}
	}
	answer := func() string {
		_, body := bb.Do(t, "GET", "/api/v1/calendar/events/"+out.Event.ID, "")
		var e struct {
			Event struct {
				MyAnswer string `json:"my_answer"`
			}
		}
		_ = json.Unmarshal([]byte(body), &e)
		return e.Event.MyAnswer
	}
	if _, err := taker.TakeReply(ctx, "ch", letter("mallory@example.org")); err != nil {
		t.Fatal(err)
	}
	if a := answer(); a != "needs-action" {
		t.Fatalf("a reply from another address answered: %q", a)
	}
	if _, err := taker.TakeReply(ctx, "ch", letter("boris@example.org")); err != nil {
		t.Fatal(err)
	}
	if a := answer(); a != "tentative" {
		t.Fatalf("after boris's reply: %q", a)
	}
	if next.n != 2 {
		t.Fatalf("%d letters passed on to the inbox, want 2", next.n)
	}
}
