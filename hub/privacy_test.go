package hub_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/privacy"
	"github.com/profhub/profhub/workflow"
)

// subjectEnv is a hub with one member who has data in every part of it:
// card and custom field, conversation with a file (searched and queued
// in Redis), appeal with a comment, call with a recording, a mailing
// received, a document naming them, consents in the register and reads
// in the access log.
type subjectEnv struct {
	n          *hubtest.Node
	unit       org.Unit
	member     crm.Member
	other      crm.Member
	conv       string
	attachKey  string
	recording  string
	appeal     crm.Appeal
	account    string
	sinkGot    func(string) int
	admin      *hubtest.Browser
	personal   []string // what must not survive an erasure
	secretWord string   // a word of the member's message, for the search index
}

const (
	subjPhone = "+79125550101"
	subjEmail = "olga.smirnova@example.org"
)

func newSubjectEnv(t *testing.T) *subjectEnv {
	t.Helper()
	n := hubtest.Start(t)
	n.Config.BaseURL = n.Server.URL
	ctx := context.Background()
	e := &subjectEnv{n: n, secretWord: "кредиторской"}
	e.unit = n.AddUnit(t, n.Root.ID, org.Primary, "ППО завода «Орскнефтеоргсинтез»")
	if _, err := n.CRM.CustomFields.CreateCustomField(ctx, n.System, crm.CustomFieldInput{Entity: "member", Key: "shoe_size", Label: "Размер спецобуви", Kind: "text"}); err != nil {
		t.Fatal(err)
	}
	in := crm.MemberInput{UnitID: e.unit.ID, Surname: "Смирнова", GivenName: "Ольга", Patronymic: "Ивановна", BirthDate: "1984-03-17",
		Phones: []string{subjPhone}, Emails: []string{subjEmail}, Workplace: "Цех № 4", Position: "оператор установки",
		CardNumber: "ПБ-771204", Custom: map[string]any{"shoe_size": "Размер39особый"},
		Consents: crm.Consents{Mailings: map[string]crm.Consent{"email": {Given: true, Date: "2026-01-10", Source: "анкета"}}}}
	var err error
	if e.member, err = n.CRM.Members.CreateMember(ctx, n.System, in, true); err != nil {
		t.Fatal(err)
	}
	if e.other, err = n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: e.unit.ID, Surname: "Кузнецов", GivenName: "Пётр",
		Emails: []string{"petr.k@example.org"}, Consents: in.Consents}, true); err != nil {
		t.Fatal(err)
	}
	e.personal = []string{"Смирнова", subjPhone, "79125550101", subjEmail, "ПБ-771204", "Размер39особый", "Цех № 4", "1984-03-17",
		"7770001", "Прошу вернуть долг по кредиторской", "Подробности в письме", "Мой комментарий к делу"}

	// A conversation with a file, linked to the card, indexed for search,
	// waiting in the line's queue in Redis.
	l := inbox.DefaultLine()
	l.Name, l.UnitID = "Завод", e.unit.ID
	line, err := n.Inbox.Lines.Create(ctx, n.System, l)
	if err != nil {
		t.Fatal(err)
	}
	ch, _, err := n.Inbox.Channels.Create(ctx, n.System, inbox.NewChannel{LineID: line.ID, Kind: inbox.KindAPI, Name: "API"})
	if err != nil {
		t.Fatal(err)
	}
	info, err := n.Blobs.Put(ctx, strings.NewReader("скан заявления Смирновой"), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	e.attachKey = info.Key
	res, err := n.Inbox.Ingestion.Ingest(ctx, inbox.Inbound{ChannelID: ch.ID, ExternalMessageID: "m-1",
		From: inbox.Identity{Namespace: "telegram", ExternalID: "7770001", Name: "Смирнова Ольга", Phone: subjPhone},
		Text: "Прошу вернуть долг по кредиторской задолженности", Subject: "Подробности в письме",
		Attachments: []inbox.Attachment{{BlobKey: info.Key, Name: "заявление.txt", ContentType: "text/plain", Size: info.Size}}})
	if err != nil {
		t.Fatal(err)
	}
	e.conv = res.ConversationID
	if _, err := n.Inbox.Actions.LinkMember(ctx, n.System, e.conv, e.member.ID); err != nil {
		t.Fatal(err)
	}
	if err := n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}

	// An open appeal with a comment.
	if e.appeal, err = n.CRM.Appeals.CreateAppeal(ctx, n.System, crm.AppealInput{MemberID: e.member.ID, Channel: "letter",
		Subject: "Невыплата премии", Text: "Подробности в письме: Смирнова О. И."}); err != nil {
		t.Fatal(err)
	}
	if _, err := n.CRM.AppealDetails.CommentAppeal(ctx, n.System, e.appeal.ID, "Мой комментарий к делу"); err != nil {
		t.Fatal(err)
	}

	// A call with a recording (as the telephony connector leaves it).
	rec, err := n.Blobs.Put(ctx, bytes.NewReader(bytes.Repeat([]byte("RIFF"), 300)), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	e.recording = rec.Key
	now := time.Now().UnixMilli()
	if _, err := n.DB.ExecContext(ctx, `INSERT INTO tel_calls (id, channel_id, line_id, unit_id, provider_call_id, direction, state, contact_number,
		member_id, started_at, ended_at, talk_s, result, recording_state, recording_key, recording_size, recording_type, created_at, updated_at)
		VALUES ('call-1', $1, $2, $3, 'pbx-1', 'in', 'ended', $4, $5, $6, $6, 95, 'answered', 'ready', $7, $8, 'audio/wav', $6, $6)`,
		ch.ID, line.ID, e.unit.ID, subjPhone, e.member.ID, now-60000, rec.Key, rec.Size); err != nil {
		t.Fatal(err)
	}

	// A document naming them (its route needs a chairman).
	n.AddUser(t, "chair", access.Chairman, n.Root.ID, "password-c")
	if _, err := n.Docs.Documents.Register(ctx, n.System, workflow.DocumentInput{Kind: workflow.KindIncoming, Medium: "paper",
		Title: "Заявление о материальной помощи", Correspondent: "Смирнова Ольга Ивановна", MemberID: e.member.ID, UnitID: n.Root.ID}); err != nil {
		t.Fatal(err)
	}

	// Consent texts and the register.
	if _, err := n.Privacy.SetConsentText(ctx, n.System, "processing", "Я даю согласие на обработку моих персональных данных, редакция 1"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.Privacy.RecordConsent(ctx, n.System, privacy.ConsentInput{MemberID: e.member.ID, Kind: "processing", Given: true,
		Channel: "paper", Address: "г. Орск, ул. Строителей, 5"}); err != nil {
		t.Fatal(err)
	}
	e.personal = append(e.personal, "ул. Строителей")

	// The admin opens the card and listens to the recording.
	e.admin = n.NewBrowser(t)
	e.admin.Login(t, "admin", hubtest.AdminPassword)
	if code, body := e.admin.Do(t, "GET", "/api/v1/crm/members/"+e.member.ID, ""); code != 200 {
		t.Fatalf("card: %d %s", code, body)
	}
	if code, _ := e.admin.Do(t, "GET", "/api/v1/telephony/calls/call-1/recording", ""); code != 200 {
		t.Fatalf("recording: %d", code)
	}
	return e
}

// A report about a member holds every part of the hub; an erasure leaves
// nothing of theirs in SQL, the blob store, Redis or the search index
// outside the pseudonymised appeal and document, and a mailing then
// passes them by.
func TestSubjectReportAndErasure(t *testing.T) {
	e := newSubjectEnv(t)
	n, ctx := e.n, context.Background()
	e.mailing(t, "Новости декабря", 2)

	code, body := e.admin.Do(t, "GET", "/api/v1/privacy/members/"+e.member.ID+"/report?format=json", "")
	if code != 200 {
		t.Fatalf("report: %d %s", code, body)
	}
	var rep privacy.Report
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"Карточка": "ПБ-771204", "Дополнительные поля": "Размер39особый", "Организации": "Орскнефтеоргсинтез",
		"Каналы и привязанные чаты": "7770001", "Реестр согласий": "редакция 1", "Обращения": "Невыплата премии",
		"Комментарии и файлы обращений": "Мой комментарий", "Диалоги": "Подробности в письме", "Сообщения": "кредиторской",
		"Звонки и записи": "есть", "Рассылки": "Новости декабря", "Документы": "Заявление о материальной помощи",
		"Кто обращался к данным": "прослушал запись звонка", "Согласия на карточке": "анкета"}
	for title, needle := range want {
		i := slices.IndexFunc(rep.Sheets, func(s pdata.Sheet) bool { return s.Title == title })
		if i < 0 {
			t.Errorf("report has no part %q", title)
			continue
		}
		b, _ := json.Marshal(rep.Sheets[i].Rows)
		if !strings.Contains(string(b), needle) {
			t.Errorf("report part %q lacks %q: %s", title, needle, b)
		}
	}
	for _, f := range []string{"xlsx", "html"} {
		if code, body := e.admin.Do(t, "GET", "/api/v1/privacy/members/"+e.member.ID+"/report?format="+f, ""); code != 200 || len(body) < 1000 {
			t.Fatalf("report as %s: %d, %d bytes", f, code, len(body))
		}
	}
	var reports int
	_ = n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'privacy.report' AND object_id = $1`, e.member.ID).Scan(&reports)
	if reports != 3 {
		t.Fatalf("reports audited %d times, want 3", reports)
	}

	// An open appeal needs an explicit choice.
	code, body = e.admin.Do(t, "POST", "/api/v1/privacy/members/"+e.member.ID+"/erase", `{"ground":"request"}`)
	if code != http.StatusConflict || !strings.Contains(body, "незакрытые обращения (1)") {
		t.Fatalf("erase with an open appeal: %d %s", code, body)
	}
	code, body = e.admin.Do(t, "POST", "/api/v1/privacy/members/"+e.member.ID+"/erase", `{"ground":"request","open_appeals":"keep","note":"заявление от 01.12.2026"}`)
	if code != 200 {
		t.Fatalf("erase: %d %s", code, body)
	}
	var out struct{ Erasure privacy.Erasure }
	_ = json.Unmarshal([]byte(body), &out)
	if out.Erasure.Pseudonym == "" || out.Erasure.CompletedAt.IsZero() || out.Erasure.Already {
		t.Fatalf("erasure %+v", out.Erasure)
	}
	code, body = e.admin.Do(t, "POST", "/api/v1/privacy/members/"+e.member.ID+"/erase", `{"ground":"request"}`)
	if code != 200 || !strings.Contains(body, `"already":true`) {
		t.Fatalf("second erasure is not a no-op: %d %s", code, body)
	}

	e.assertNothingInSQL(t, out.Erasure.Pseudonym)
	for _, k := range []string{e.attachKey, e.recording} {
		if _, err := n.Blobs.Open(ctx, k); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("blob %s still there: %v", k, err)
		}
	}
	e.assertNothingInRedis(t)
	if err := n.Inbox.Search.IndexSearch(ctx); err != nil {
		t.Fatal(err)
	}
	found, err := n.Inbox.Conversations.List(ctx, n.System, inbox.ConversationFilter{Text: e.secretWord})
	if err != nil || len(found) != 0 {
		t.Fatalf("the search index still finds the message: %v %+v", err, found)
	}
	// The kept records name the pseudonym.
	var applicant, correspondent string
	_ = n.DB.QueryRowContext(ctx, `SELECT applicant FROM crm_appeals WHERE id = $1`, e.appeal.ID).Scan(&applicant)
	_ = n.DB.QueryRowContext(ctx, `SELECT correspondent FROM wf_documents WHERE member_id = $1`, e.member.ID).Scan(&correspondent)
	if applicant != out.Erasure.Pseudonym || correspondent != out.Erasure.Pseudonym {
		t.Fatalf("kept records: %q %q, want %q", applicant, correspondent, out.Erasure.Pseudonym)
	}

	// An erased card merges with no other.
	if _, err := n.CRM.Members.MergeMembers(ctx, n.System, e.other.ID, e.member.ID); !errors.Is(err, db.ErrConflict) {
		t.Fatalf("merge of an erased card: %v", err)
	}

	// A mailing afterwards reaches the other member only.
	got := e.sinkGot(subjEmail)
	e.mailing(t, "Новости января", 1)
	if e.sinkGot(subjEmail) != got {
		t.Fatal("the erased member got a mailing")
	}
}

// mailing sends an e-mail campaign to the unit and waits for it to end
// with want recipients.
func (e *subjectEnv) mailing(t *testing.T, name string, want int) {
	t.Helper()
	if e.account == "" {
		e.account, e.sinkGot = startSink(t, e.n)
	}
	body, _ := json.Marshal(map[string]any{"name": name, "kind": "informational", "channels": []string{"email"}, "accounts": []string{e.account},
		"segments": []map[string]any{{"filter": map[string]any{"unit_id": e.unit.ID}}},
		"content":  map[string]any{"subject": name, "html": "<p>Здравствуйте!</p>"}})
	code, resp := e.admin.Do(t, "POST", "/api/v1/mailing/campaigns", string(body))
	if code >= 300 {
		t.Fatalf("campaign: %d %s", code, resp)
	}
	var c struct{ ID string }
	_ = json.Unmarshal([]byte(resp), &c)
	if code, resp := e.admin.Do(t, "POST", "/api/v1/mailing/campaigns/"+c.ID+"/start", `{}`); code >= 300 {
		t.Fatalf("start: %d %s", code, resp)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		var status string
		var total int
		_ = e.n.DB.QueryRowContext(context.Background(), `SELECT status, total FROM mailing_campaigns WHERE id = $1`, c.ID).Scan(&status, &total)
		if status == "finished" {
			if total != want {
				t.Fatalf("campaign %s had %d recipients, want %d", name, total, want)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("campaign %s is %s", name, status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// assertNothingInSQL looks for every personal value in every text column
// of every table. The audit log is the legal record of access and keeps
// no values (crm's history records field names only).
func (e *subjectEnv) assertNothingInSQL(t *testing.T, pseudonym string) {
	t.Helper()
	ctx := context.Background()
	q := `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.type = 'TEXT'`
	if e.n.DB.Dialect == db.Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() AND data_type = 'text'`
	}
	rows, err := e.n.DB.QueryContext(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	var cols [][2]string
	for rows.Next() {
		var c [2]string
		if err := rows.Scan(&c[0], &c[1]); err != nil {
			t.Fatal(err)
		}
		cols = append(cols, c)
	}
	rows.Close()
	if len(cols) < 100 {
		t.Fatalf("only %d text columns: the schema query is wrong", len(cols))
	}
	for _, c := range cols {
		for _, v := range e.personal {
			var n int
			if err := e.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+c[0]+` WHERE `+c[1]+` LIKE $1 AND `+c[1]+` NOT LIKE $2`,
				"%"+v+"%", "%"+pseudonym+"%").Scan(&n); err != nil {
				continue // a virtual table's hidden column
			}
			if n > 0 && !(c[0] == "crm_members" && strings.Contains(v, e.other.Surname)) {
				var sample string
				_ = e.n.DB.QueryRowContext(ctx, `SELECT `+c[1]+` FROM `+c[0]+` WHERE `+c[1]+` LIKE $1`, "%"+v+"%").Scan(&sample)
				t.Errorf("%s.%s still holds %q in %d rows: %.300s", c[0], c[1], v, n, sample)
			}
		}
	}
}

// assertNothingInRedis scans every key and value of the installation.
func (e *subjectEnv) assertNothingInRedis(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	kvc := e.n.KV
	keys, err := kvc.Keys(ctx, kvc.Prefix()+"*").Result()
	if err != nil {
		t.Fatal(err)
	}
	needles := append([]string{e.conv}, e.personal...)
	for _, k := range keys {
		var vals []string
		switch kvc.Type(ctx, k).Val() {
		case "string":
			vals = []string{kvc.Get(ctx, k).Val()}
		case "hash":
			for f, v := range kvc.HGetAll(ctx, k).Val() {
				vals = append(vals, f, v)
			}
		case "list":
			vals = kvc.LRange(ctx, k, 0, -1).Val()
		case "set":
			vals = kvc.SMembers(ctx, k).Val()
		case "zset":
			vals = kvc.ZRange(ctx, k, 0, -1).Val()
		case "stream":
			for _, m := range kvc.XRange(ctx, k, "-", "+").Val() {
				b, _ := json.Marshal(m.Values)
				vals = append(vals, string(b))
			}
		}
		vals = append(vals, k)
		for _, v := range vals {
			for _, s := range needles {
				if strings.Contains(v, s) {
					t.Errorf("redis key %s still holds %q", k, s)
				}
			}
		}
	}
}

// A report and an erasure of a member outside the caller's scope are
// refused as not found, and a retention period under the minimum is
// refused with the minimum named.
func TestPrivacyRefusals(t *testing.T) {
	e := newSubjectEnv(t)
	n := e.n
	far := n.AddUnit(t, n.Root.ID, org.Committee, "Обком культуры")
	n.AddUser(t, "chair2", access.Chairman, far.ID, "password-2")
	b := n.NewBrowser(t)
	b.Login(t, "chair2", "password-2")
	for _, p := range []string{"/report?format=json", ""} {
		if code, body := b.Do(t, "GET", "/api/v1/privacy/members/"+e.member.ID+p, ""); code != 404 || strings.Contains(body, "Смирнова") {
			t.Fatalf("out of scope %q: %d %s", p, code, body)
		}
	}
	if code, _ := b.Do(t, "POST", "/api/v1/privacy/members/"+e.member.ID+"/erase", `{"ground":"request","open_appeals":"keep"}`); code != 404 {
		t.Fatalf("erasure out of scope: %d", code)
	}
	if code, body := b.Do(t, "GET", "/api/v1/privacy/access?member="+e.member.ID, ""); code != 404 {
		t.Fatalf("access log of a member out of scope: %d %s", code, body)
	}
	code, body := e.admin.Do(t, "PUT", "/api/v1/privacy/retention/audit_rows", `{"days":30}`)
	if code != 422 || !strings.Contains(body, "365") {
		t.Fatalf("short retention: %d %s", code, body)
	}
	if code, body := e.admin.Do(t, "POST", "/api/v1/privacy/members/"+e.member.ID+"/erase", `{"ground":"whim","open_appeals":"keep"}`); code != 422 {
		t.Fatalf("bad ground: %d %s", code, body)
	}
	var erased int
	_ = n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM privacy_erasures`).Scan(&erased)
	if erased != 0 {
		t.Fatal("a refused erasure left a row")
	}
	// The access log names the admin and the member in full.
	code, body = e.admin.Do(t, "GET", "/api/v1/privacy/access?member="+e.member.ID, "")
	if code != 200 || !strings.Contains(body, "telephony.recording_listen") || !strings.Contains(body, "member.read") ||
		!strings.Contains(body, "Смирнова Ольга Ивановна") {
		t.Fatalf("access log: %d %s", code, body)
	}
}

// Every table with a member_id is reported and erased by a registered
// holder: a new table with the column fails here until it is.
func TestEveryMemberTableHasPersonalData(t *testing.T) {
	n := hubtest.Start(t)
	q := `SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND p.name = 'member_id'`
	if n.DB.Dialect == db.Postgres {
		q = `SELECT table_name FROM information_schema.columns WHERE column_name = 'member_id' AND table_schema = current_schema()`
	}
	rows, err := n.DB.QueryContext(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	covered := n.Privacy.Tables()
	seen := 0
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			t.Fatal(err)
		}
		seen++
		if !slices.Contains(covered, table) {
			t.Errorf("table %s keeps member_id but no personal data holder reports or erases it", table)
		}
	}
	if seen < 5 {
		t.Fatalf("found %d tables with member_id: the schema query is wrong", seen)
	}
}

// startSink runs an SMTP sink with an account for it; got counts the
// letters an address received.
func startSink(t *testing.T, n *hubtest.Node) (string, func(string) int) {
	t.Helper()
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(sink.Close)
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	a, err := n.Mailing.Accounts.CreateAccount(context.Background(), n.System, mailing.SMTPAccount{Name: "sink", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Федерация профсоюзов", RatePerSec: 50, Connections: 1})
	if err != nil {
		t.Fatal(err)
	}
	return a.ID, sink.Got
}
