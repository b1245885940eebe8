package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	stdmail "net/mail"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-message"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/testkit/dovecottest"
	"github.com/profhub/profhub/internal/testkit/imaptest"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// calendarMailbox is the federation's mailbox the hub polls: a real
// Dovecot where one is installed, else go-imap's in-memory server.
type calendarMailbox struct {
	host, port, user, pass string
	deliver                func(t testing.TB, raw string)
}

func startCalendarMailbox(t *testing.T) calendarMailbox {
	if dovecottest.Installed() {
		d := dovecottest.Start(t, "office@union.example")
		return calendarMailbox{d.Host, d.Port, d.User, d.Pass, d.Deliver}
	}
	t.Log("dovecot is not installed: the in-memory IMAP server stands in")
	m := imaptest.Start(t, "office", imaptest.Options{})
	host, port, _ := net.SplitHostPort(m.Addr)
	return calendarMailbox{host, port, "office", imaptest.Password, m.Deliver}
}

// TestMailedReplyThroughIMAP: a secretary invites an employee to a
// plenum; the invitation leaves through the federation's mail channel
// (SMTP) as METHOD:REQUEST; the employee's mail program answers it with
// a letter carrying METHOD:REPLY, which a mail server delivers into the
// mailbox the hub polls over IMAP; the hub reads it, and the answer
// shows on the event for both of them.
func TestMailedReplyThroughIMAP(t *testing.T) {
	ctx := context.Background()
	n := hubtest.Start(t)
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	sink.KeepRaw = true
	t.Cleanup(sink.Close)
	mbox := startCalendarMailbox(t)

	unit := n.AddUnit(t, "", org.Committee, "Обком")
	const pw = "calendar-password"
	n.AddUser(t, "anna", access.Secretary, unit.ID, pw)
	boris := n.AddUser(t, "boris", access.Executor, unit.ID, pw)
	email := "boris@example.org"
	if _, err := n.Org.UpdateUser(ctx, n.System, boris.ID, org.UserChanges{Email: &email}); err != nil {
		t.Fatal(err)
	}
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Приёмная", unit.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	sHost, sPort, _ := net.SplitHostPort(sink.Addr)
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindMail, Name: "office@",
		Settings: map[string]string{"imap_host": mbox.host, "imap_port": mbox.port, "imap_tls": "none", "smtp_host": sHost, "smtp_port": sPort,
			"smtp_tls": "none", "username": mbox.user, "from_address": "office@union.example", "from_name": "Федерация профсоюзов"},
		Secrets: map[string]string{"password": mbox.pass}})
	if err != nil {
		t.Fatal(err)
	}
	if err := settings.Set(ctx, n.DB, n.System, workflow.SettingMailChannel, ch.ID); err != nil {
		t.Fatal(err)
	}

	anna, bb := n.NewBrowser(t), n.NewBrowser(t)
	anna.Login(t, "anna", pw)
	bb.Login(t, "boris", pw)
	code, body := anna.Do(t, "POST", "/api/v1/calendar/events", `{"kind":"plenum","title":"Пленум обкома","place":"Дом союзов, зал 2",
		"start":"2026-12-10T10:00","end":"2026-12-10T12:00","invitees":[{"kind":"user","id":"`+boris.ID+`"}]}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}
	var out struct{ Event struct{ ID, UID string } }
	_ = json.Unmarshal([]byte(body), &out)

	deadline := time.Now().Add(30 * time.Second)
	for sink.Got(email) == 0 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	raw := sink.Raw(email)
	invite, err := stdmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if req := calendarPart(t, raw); !strings.Contains(req.ctype, "text/calendar") || req.params["method"] != "REQUEST" ||
		!strings.Contains(req.body, "METHOD:REQUEST") || !strings.Contains(req.body, out.Event.UID) {
		t.Fatalf("the invitation letter carries no request for the event: %+v\n%s", req, raw)
	}
	inviteID := invite.Header.Get("Message-ID")

	// Thunderbird's answer: text, and the REPLY as text/calendar.
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n" +
		"UID:" + out.Event.UID + "\r\nDTSTAMP:20261205T080000Z\r\nDTSTART:20261210T050000Z\r\nDTEND:20261210T070000Z\r\nSUMMARY:Пленум обкома\r\n" +
		"ATTENDEE;PARTSTAT=ACCEPTED;CN=Борис;ROLE=REQ-PARTICIPANT:mailto:boris@example.org\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	mbox.deliver(t, "From: Борис <Boris@example.org>\r\nTo: office@union.example\r\nSubject: Принято: Пленум обкома\r\n"+
		"Message-ID: <reply-1@example.org>\r\nIn-Reply-To: "+inviteID+"\r\nReferences: "+inviteID+"\r\nDate: "+time.Now().Format(time.RFC1123Z)+
		"\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"+
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nБорис принял приглашение.\r\n"+
		"--b1\r\nContent-Type: text/calendar; charset=utf-8; method=REPLY; name=\"invite.ics\"\r\nContent-Disposition: attachment; filename=\"invite.ics\"\r\n\r\n"+
		ics+"--b1--\r\n")

	answer := func(b *hubtest.Browser) (mine, his string) {
		_, body := b.Do(t, "GET", "/api/v1/calendar/events/"+out.Event.ID, "")
		var e struct {
			Event struct {
				MyAnswer string `json:"my_answer"`
				Invitees []struct{ ID, Status string }
			}
		}
		_ = json.Unmarshal([]byte(body), &e)
		for _, v := range e.Event.Invitees {
			if v.ID == boris.ID {
				his = v.Status
			}
		}
		return e.Event.MyAnswer, his
	}
	deadline = time.Now().Add(60 * time.Second)
	for mine, _ := answer(bb); mine != "accepted" && time.Now().Before(deadline); mine, _ = answer(bb) {
		time.Sleep(200 * time.Millisecond)
	}
	if mine, _ := answer(bb); mine != "accepted" {
		t.Fatalf("boris's mailed answer did not reach the event: my_answer %q", mine)
	}
	if _, st := answer(anna); st != "accepted" {
		t.Errorf("the organiser sees boris's answer as %q", st)
	}
}

// icsPart is a letter's iCalendar part, decoded.
type icsPart struct {
	ctype  string
	params map[string]string
	body   string
}

// calendarPart finds the part of a letter whose file is an .ics.
func calendarPart(t *testing.T, raw []byte) icsPart {
	t.Helper()
	ent, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var out icsPart
	_ = ent.Walk(func(_ []int, part *message.Entity, err error) error {
		if err != nil {
			return err
		}
		if _, p, _ := part.Header.ContentDisposition(); !strings.HasSuffix(p["filename"], ".ics") {
			return nil
		}
		out.ctype, out.params, _ = part.Header.ContentType()
		b, _ := io.ReadAll(part.Body)
		out.body = string(b)
		return nil
	})
	return out
}
