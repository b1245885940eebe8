package mailing_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
)

// fixture: federation → committee A → primary A1; committee B → B1; a
// running sink and a mailing service (not yet running) on one database.
type fixture struct {
	t       *testing.T
	ctx     context.Context
	d       *db.DB
	kv      *kv.Client
	crm     *crm.Services
	box     *secretbox.Box
	sys     access.Scope
	fed, a1 org.Unit
	b1      org.Unit
	secA1   access.Scope // a secretary of A1
	secB1   access.Scope
	sink    *mailingtest.Sink
	svc     *mailing.Services
}

var testTune = mailing.Tuning{Lease: 2 * time.Second, Poll: 50 * time.Millisecond, Batch: 200,
	FlushEvery: 20 * time.Millisecond, RetryBudget: 2 * time.Second, RetryBackoff: 50 * time.Millisecond}

const testKey = "0123456789abcdef-mailing-test-key"

func newFixture(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{t: t, ctx: ctx, d: d, kv: kvtest.Open(t), crm: crm.New(crm.Deps{DB: d})}
	var err error
	if f.box, err = secretbox.New(testKey); err != nil {
		t.Fatal(err)
	}
	o := org.NewStore(d)
	sys := access.System("test")
	must := func(u org.Unit, err error) org.Unit {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.fed = must(o.CreateUnit(ctx, sys, "", org.Federation, "Федерация"))
	sys.UnitID = f.fed.ID
	f.sys = sys
	a := must(o.CreateUnit(ctx, sys, f.fed.ID, org.Committee, "Обком А"))
	f.a1 = must(o.CreateUnit(ctx, sys, a.ID, org.Primary, "ППО школы № 1"))
	b := must(o.CreateUnit(ctx, sys, f.fed.ID, org.Committee, "Обком Б"))
	f.b1 = must(o.CreateUnit(ctx, sys, b.ID, org.Primary, "ППО завода"))
	scope := func(role access.Role, u org.Unit) access.Scope {
		return access.Scope{UserID: "u-" + string(role) + u.ID, UserName: string(role), Role: role, UnitID: u.ID, UnitPath: u.Path, From: "test"}
	}
	f.secA1, f.secB1 = scope(access.Secretary, f.a1), scope(access.Secretary, f.b1)
	if f.sink, err = mailingtest.Start(""); err != nil {
		t.Fatal(err)
	}
	f.sink.KeepRaw = true
	t.Cleanup(f.sink.Close)
	f.svc = f.newService("node-1", testTune)
	return f
}

func (f *fixture) newService(node string, tune mailing.Tuning) *mailing.Services {
	f.t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("MAILING_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, nil))
	}
	s, err := mailing.New(mailing.Deps{DB: f.d, KV: f.kv, CRM: f.crm, Box: f.box, Log: log, NodeID: node,
		BaseURL: "https://hub.example.org", TokenKey: []byte(testKey), Tune: tune})
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

func (f *fixture) run(s *mailing.Services) {
	s.Run()
	f.t.Cleanup(s.Stop)
}

// account makes an SMTP account for the sink in the federation.
func (f *fixture) account(rate, conns int) string {
	f.t.Helper()
	host, port, _ := net.SplitHostPort(f.sink.Addr)
	p, _ := strconv.Atoi(port)
	a, err := f.svc.Accounts.CreateAccount(f.ctx, f.sys, mailing.SMTPAccount{Name: "sink", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Федерация профсоюзов", RatePerSec: rate, Connections: conns})
	if err != nil {
		f.t.Fatal(err)
	}
	return a.ID
}

// member adds a member of unit with e-mail consent and, if adv, advertising consent.
func (f *fixture) member(unit org.Unit, surname, email string, emailConsent, adv bool) crm.Member {
	f.t.Helper()
	in := crm.MemberInput{UnitID: unit.ID, Surname: surname, GivenName: "Анна", Patronymic: "Сергеевна", Emails: []string{email},
		CardNumber: "C-" + email, Consents: crm.Consents{Mailings: map[string]crm.Consent{}}}
	if emailConsent {
		in.Consents.Mailings["email"] = crm.Consent{Given: true, Date: "2026-01-10", Source: "form"}
	}
	if adv {
		in.Consents.Advertising = &crm.Consent{Given: true, Date: "2026-01-10", Source: "form"}
	}
	m, err := f.crm.Members.CreateMember(f.ctx, f.sys, in, true)
	if err != nil {
		f.t.Fatalf("member %s: %v", surname, err)
	}
	return m
}

// list makes a static list of n people, all consenting to e-mail.
func (f *fixture) list(n int) mailing.List {
	f.t.Helper()
	l, err := f.svc.Lists.CreateList(f.ctx, f.sys, fmt.Sprintf("list of %d", n))
	if err != nil {
		f.t.Fatal(err)
	}
	for start := 0; start < n; start += mailing.MaxListAppend {
		var es []mailing.ListEntry
		for i := start; i < min(n, start+mailing.MaxListAppend); i++ {
			es = append(es, mailing.ListEntry{Name: fmt.Sprintf("Петров Пётр %d", i), Email: fmt.Sprintf("p%d@example.net", i),
				Consents: []string{"email"}})
		}
		if l, err = f.svc.Lists.AppendToList(f.ctx, f.sys, l.ID, es); err != nil {
			f.t.Fatal(err)
		}
	}
	return l
}

func (f *fixture) emailCampaign(sc access.Scope, kind mailing.Kind, segs []mailing.Segment, accounts ...string) mailing.Campaign {
	f.t.Helper()
	c, err := f.svc.Campaigns.CreateCampaign(f.ctx, sc, mailing.CampaignInput{Name: "Новости", Kind: kind, Channels: []string{"email"},
		Segments: segs, Accounts: accounts, Content: mailing.Content{Subject: "Новости для {{.GivenName}}",
			HTML: "<html><body><p>Здравствуйте, {{.GivenName}} {{.Patronymic}}!</p><p>Билет {{.CardNumber}}</p></body></html>"}})
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

// wait polls until the campaign reaches status or the time runs out.
func (f *fixture) wait(id string, status mailing.Status, within time.Duration) mailing.Campaign {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := f.svc.Campaigns.GetCampaign(f.ctx, f.sys, id)
		if err != nil {
			f.t.Fatal(err)
		}
		if c.Status == status {
			return c
		}
		if time.Now().After(deadline) {
			st, _ := f.svc.Campaigns.CampaignStats(f.ctx, f.sys, id)
			f.t.Fatalf("campaign %s is %s (%s %s), not %s, after %s; ledger %+v", id, c.Status, c.PauseReason, c.Alert, status, within, st)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (f *fixture) waitSink(n int64, within time.Duration) {
	f.t.Helper()
	deadline := time.Now().Add(within)
	for f.sink.Accepted() < n {
		if time.Now().After(deadline) {
			f.t.Fatalf("sink has %d messages, want %d", f.sink.Accepted(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
