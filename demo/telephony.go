package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/profhub/profhub/connectors/telephony"
	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
)

// fillTelephony adds the federation's phone line: a telephony channel of
// the generic kind (operator1 on extension 101, operator2 on 102), two
// members who call, and a day of calls as the PBX would have reported
// them: answered, transferred, missed (they wait in the queue for a call
// back), busy, and a call back that reached the member.
func fillTelephony(ctx context.Context, e Env, sc access.Scope, u Units) error {
	line := inbox.DefaultLine()
	line.Name, line.UnitID, line.Mode = "Телефон горячей линии", u["root"].ID, inbox.Evenly
	for _, login := range []string{"operator1", "operator2"} {
		rec, err := e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return fmt.Errorf("operator %s: %w", login, err)
		}
		line.Operators = append(line.Operators, inbox.LineOperator{UserID: rec.ID})
	}
	l, err := e.Inbox.Lines.Create(ctx, sc, line)
	if err != nil {
		return fmt.Errorf("line %q: %w", line.Name, err)
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	ch, _, err := e.Inbox.Channels.Create(ctx, sc, inbox.NewChannel{LineID: l.ID, Kind: inbox.KindTelephony, Name: "АТС федерации (+7 3532 77-00-00)",
		Settings: map[string]string{"provider": telephony.ProviderGeneric, "extensions": "101=operator1, 102=operator2", "retention_days": "365"},
		Secrets:  map[string]string{"webhook_secret": base64.RawURLEncoding.EncodeToString(b)}})
	if err != nil {
		return fmt.Errorf("telephony channel: %w", err)
	}
	store := crm.New(crm.Deps{DB: e.DB}).Members
	members := []crm.MemberInput{
		{UnitID: u["edu.school1"].ID, Surname: "Лебедева", GivenName: "Анна", Patronymic: "Сергеевна", Phones: []string{"+79225550101"},
			Workplace: "МОАУ «СОШ № 1»", Position: "учитель математики", Status: crm.StatusMember},
		{UnitID: u["health.gkb1"].ID, Surname: "Ковалёв", GivenName: "Игорь", Patronymic: "Дмитриевич", Phones: []string{"+79225550202"},
			Workplace: "ГАУЗ «ГКБ № 1»", Position: "фельдшер", Status: crm.StatusMember},
	}
	for _, m := range members {
		if _, err := store.CreateMember(ctx, sc, m, true); err != nil {
			return fmt.Errorf("member %s: %w", m.Surname, err)
		}
	}
	deps := telephony.Deps{Inbox: hub.TelephonyInbox(e.Inbox), DB: e.DB, Staff: hub.TelephonyStaff(e.Org), Members: hub.TelephonyMembers(store), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return telephony.HandleEvents(ctx, deps, ch, demoCalls(time.Now().Add(-26*time.Hour).Truncate(time.Minute)))
}

// demoCalls is a day at the federation's phone line, from t0.
func demoCalls(t0 time.Time) []telephony.Event {
	const line = "+73532770000"
	var evs []telephony.Event
	add := func(id string, at time.Duration, kind, dir, number, ext, result string, talk int) {
		evs = append(evs, telephony.Event{CallID: id, Key: fmt.Sprintf("%s-%d", id, len(evs)), At: t0.Add(at), Kind: kind, Direction: dir,
			Number: number, Line: line, Extension: ext, Result: result, Duration: talk})
	}
	s := time.Second
	// A member asks about her holiday pay; operator1 answers.
	add("d1", 0, telephony.EvStarted, "in", "+79225550101", "", "", 0)
	add("d1", 2*s, telephony.EvRinging, "in", "", "101", "", 0)
	add("d1", 9*s, telephony.EvAnswered, "in", "", "101", "", 0)
	add("d1", 249*s, telephony.EvEnded, "in", "", "", telephony.ResAnswered, 240)
	// A caller not in the registry: operator2 takes it, transfers to operator1.
	add("d2", 40*time.Minute, telephony.EvStarted, "in", "+73532445566", "", "", 0)
	add("d2", 40*time.Minute+3*s, telephony.EvAnswered, "in", "", "102", "", 0)
	add("d2", 42*time.Minute, telephony.EvTransferred, "in", "", "101", "", 0)
	add("d2", 47*time.Minute, telephony.EvEnded, "in", "", "", telephony.ResAnswered, 0)
	// A paramedic calls twice while both operators are busy: missed.
	for i, at := range []time.Duration{2 * time.Hour, 2*time.Hour + 25*time.Minute} {
		id := fmt.Sprintf("d3-%d", i)
		add(id, at, telephony.EvStarted, "in", "+79225550202", "", "", 0)
		add(id, at+s, telephony.EvRinging, "in", "", "102", "", 0)
		add(id, at+38*s, telephony.EvEnded, "in", "", "", telephony.ResMissed, 0)
	}
	// Operator1 calls the teacher back about her documents: busy, then reached.
	add("d4", 3*time.Hour, telephony.EvStarted, "out", "+79225550101", "101", "", 0)
	add("d4", 3*time.Hour+6*s, telephony.EvEnded, "out", "", "", telephony.ResBusy, 0)
	add("d5", 3*time.Hour+20*time.Minute, telephony.EvStarted, "out", "+79225550101", "101", "", 0)
	add("d5", 3*time.Hour+20*time.Minute+11*s, telephony.EvAnswered, "out", "", "101", "", 0)
	add("d5", 3*time.Hour+23*time.Minute, telephony.EvEnded, "out", "", "", telephony.ResAnswered, 169)
	// An evening call nobody could take.
	add("d6", 9*time.Hour, telephony.EvStarted, "in", "+79058887766", "", "", 0)
	add("d6", 9*time.Hour+50*s, telephony.EvEnded, "in", "", "", telephony.ResMissed, 0)
	return evs
}
