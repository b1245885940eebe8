package hub_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/privacy"
)

// The daily retention job empties closed conversations and deletes
// recordings past their periods, deletes audit rows past theirs (a year
// at least), leaves what a legal hold names, reports what it did, and
// runs once a day however many nodes try.
func TestRetentionRun(t *testing.T) {
	e := newSubjectEnv(t)
	n, ctx := e.n, context.Background()
	old := time.Now().AddDate(0, 0, -400).UnixMilli()
	// The member's conversation closed long ago, the call too; a second,
	// held, conversation of the same age keeps everything.
	if _, err := n.DB.ExecContext(ctx, `UPDATE inbox_conversations SET status = 'closed', closed_at = $1 WHERE id = $2`, old, e.conv); err != nil {
		t.Fatal(err)
	}
	if _, err := n.DB.ExecContext(ctx, `UPDATE tel_calls SET started_at = $1`, old); err != nil {
		t.Fatal(err)
	}
	if _, err := n.DB.ExecContext(ctx, `INSERT INTO audit_log (id, at, actor_name, action, object_type, object_id, unit_id)
		VALUES ('00000000-old-row', $1, 'system', 'member.read', 'member', 'x', $2)`, time.Now().AddDate(-2, 0, 0).UnixMilli(), n.Root.ID); err != nil {
		t.Fatal(err)
	}
	if code, body := e.admin.Do(t, "POST", "/api/v1/privacy/holds", `{"object_type":"call","object_id":"call-1","reason":"Запрос суда № 2-114/2026"}`); code != 200 {
		t.Fatalf("hold: %d %s", code, body)
	}
	for kind, days := range map[string]int{"closed_conversations": 365, "recordings": 30, "audit_rows": 365} {
		if code, body := e.admin.Do(t, "PUT", "/api/v1/privacy/retention/"+kind, `{"days":`+strconv.Itoa(days)+`}`); code != 200 {
			t.Fatalf("retention %s: %d %s", kind, code, body)
		}
	}
	rep, ran, err := n.Privacy.RunRetention(ctx)
	if err != nil || !ran {
		t.Fatalf("run: %v %v", ran, err)
	}
	if rep.Done["closed_conversations"] != 1 || rep.Done["recordings"] != 0 || rep.Done["audit_rows"] != 1 || rep.Files != 1 {
		t.Fatalf("report %+v", rep)
	}
	var text string
	_ = n.DB.QueryRowContext(ctx, `SELECT text FROM inbox_messages WHERE conversation_id = $1 AND direction = 'in'`, e.conv).Scan(&text)
	if text != "" {
		t.Fatalf("expired message kept: %q", text)
	}
	if _, err := n.Blobs.Open(ctx, e.attachKey); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("expired file kept: %v", err)
	}
	if f, err := n.Blobs.Open(ctx, e.recording); err != nil {
		t.Fatalf("a held recording was deleted: %v", err)
	} else {
		f.Close()
	}
	var recent int
	_ = n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'member.read'`).Scan(&recent)
	if recent == 0 {
		t.Fatal("recent audit rows were deleted")
	}
	// The day's run is done: another node (or the next tick) does nothing.
	other := privacy.New(privacy.Deps{DB: n.DB, Blobs: n.Blobs, NodeID: "node-2"})
	if _, ran, err := other.RunRetention(ctx); ran || err != nil {
		t.Fatalf("second run the same day: %v %v", ran, err)
	}
	code, body := e.admin.Do(t, "GET", "/api/v1/privacy/retention", "")
	if code != 200 || !strings.Contains(body, `"closed_conversations":1`) {
		t.Fatalf("runs: %d %s", code, body)
	}
	// A recent audit row is refused by the engine itself.
	if _, err := n.DB.ExecContext(ctx, `DELETE FROM audit_log WHERE action = 'member.read'`); err == nil {
		t.Fatal("the engine let a recent audit row be deleted")
	}
	if _, err := n.DB.ExecContext(ctx, `UPDATE audit_log SET action = 'x' WHERE action = 'member.read'`); err == nil {
		t.Fatal("the engine let an audit row be changed")
	}
}

// A consent withdrawn in the register reaches the card, whose consents
// decide the mailings; a consent under a changed text is to be asked again.
func TestConsentRegisterFollowsTheCard(t *testing.T) {
	e := newSubjectEnv(t)
	n, ctx := e.n, context.Background()
	if _, err := n.Privacy.SetConsentText(ctx, n.System, "mailing", "Согласен получать новости профсоюза"); err != nil {
		t.Fatal(err)
	}
	code, body := e.admin.Do(t, "POST", "/api/v1/privacy/consents", `{"member_id":"`+e.other.ID+`","kind":"mailing","topic":"email","given":false,"channel":"email"}`)
	if code != 200 {
		t.Fatalf("withdrawal: %d %s", code, body)
	}
	m, err := n.CRM.Members.GetMember(ctx, n.System, e.other.ID)
	if err != nil || m.Consents.Mailings["email"].Given {
		t.Fatalf("the card still consents to e-mail: %v %+v", err, m.Consents)
	}
	e.mailing(t, "Новости после отзыва", 1) // the member erased nobody yet: only Смирнова now
	code, body = e.admin.Do(t, "POST", "/api/v1/privacy/consents", `{"member_id":"`+e.other.ID+`","kind":"mailing","topic":"fax","given":true,"channel":"email"}`)
	if code != 422 || !strings.Contains(body, "укажите канал") {
		t.Fatalf("bad topic: %d %s", code, body)
	}
	if _, err := n.Privacy.SetConsentText(ctx, n.System, "processing", "Редакция 2: согласие на обработку, в том числе записей звонков"); err != nil {
		t.Fatal(err)
	}
	again, err := n.Privacy.Consents(ctx, n.System, privacy.ConsentFilter{AskAgain: true})
	if err != nil || len(again) != 1 || again[0].MemberID != e.member.ID {
		t.Fatalf("to ask again: %v %+v", err, again)
	}
	code, body = e.admin.Do(t, "GET", "/api/v1/privacy/consents.xlsx", "")
	if code != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("export: %d", code)
	}
}
