package web_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net"
	"net/http"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
	"github.com/profhub/profhub/mailing/mailingtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/browsertest"
)

// TestMailingBlockEditorInChromium walks the secretary's mailing in real
// Chromium (web/browsertest/mailblocks.test.mjs): a filter saved on the
// members page, a letter built from blocks with variables, a picture and
// a button, previewed as one of the filter's members, a test letter to
// herself, saved as a template, opened again and saved over, started; then checks what reached the
// SMTP sink: one letter per member with their name, absolute links and
// picture, and the test letter outside the campaign's ledger.
func TestMailingBlockEditorInChromium(t *testing.T) {
	n := browsertest.Start(t)
	n.Config.BaseURL = n.Server.URL // the campaign's links are absolute
	ctx := context.Background()
	sink, err := mailingtest.Start("")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sink.KeepRaw = true
	const pw = "secretary-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "secretary", Role: access.Secretary})
	own := "secretary@union.example.org"
	if _, err := n.Org.UpdateUser(ctx, n.System, users["secretary"].ID, org.UserChanges{Email: &own}); err != nil {
		t.Fatal(err)
	}
	school := n.AddUnit(t, "", org.Primary, "ППО школы № 7")
	other := n.AddUnit(t, "", org.Primary, "ППО завода")
	member := func(unit org.Unit, surname, given, patronymic, email string) crm.Member {
		t.Helper()
		m, err := n.CRM.Members.CreateMember(ctx, n.System, crm.MemberInput{UnitID: unit.ID, Surname: surname, GivenName: given, Patronymic: patronymic,
			Emails: []string{email}, Consents: crm.Consents{Mailings: map[string]crm.Consent{
				"email": {Given: true, Date: "2026-01-10", Source: "form"}}}}, true)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	member(school, "Петрова", "Анна", "Сергеевна", "petrova@example.net")
	member(school, "Сидоров", "Иван", "Петрович", "sidorov@example.net")
	member(school, "Кузнецова", "Ольга", "Ивановна", "kuznetsova@example.net")
	member(other, "Заводской", "Пётр", "Ильич", "zavod@example.net")
	host, port, _ := net.SplitHostPort(sink.Addr)
	p, _ := strconv.Atoi(port)
	if _, err := n.Mailing.Accounts.CreateAccount(ctx, n.System, mailing.SMTPAccount{Name: "Федерация", Host: host, Port: p, TLS: "none",
		FromAddress: "news@union.example.org", FromName: "Федерация профсоюзов"}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "mailblocks.test.mjs", Base: n.Server.URL, Env: []string{"PROFHUB_PASSWORD=" + pw},
		Explain: func() string { return "sink: " + strconv.Itoa(sink.Counts().Recipients) + " recipients" }})

	if c := sink.Counts(); c.Recipients != 4 || c.Duplicates != 0 || sink.Got("zavod@example.net") != 0 {
		t.Fatalf("sink %+v (three members and the test letter expected)", c)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(sink.Raw(own)))
	if err != nil {
		t.Fatal(err)
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); subj != "[ТЕСТ] Субботник, Анна" {
		t.Errorf("the test letter's subject %q", subj)
	}
	letter := decodeQP(string(sink.Raw("petrova@example.net")))
	for _, want := range []string{"Анна Сергеевна", "Приглашаем на субботник!", `width="600"`, `href="https://union.example.org/subbotnik"`,
		"Записаться: https://union.example.org/subbotnik", "List-Unsubscribe: <" + n.Server.URL + "/hooks/mailing/unsubscribe/"} {
		if !strings.Contains(letter, want) {
			t.Errorf("Petrova's letter lacks %s:\n%s", want, letter)
		}
	}
	img := regexp.MustCompile(`src="(` + regexp.QuoteMeta(n.Server.URL) + `/hooks/mailing/images/[0-9a-f-]+)"`).FindStringSubmatch(letter)
	if img == nil {
		t.Fatalf("no absolute picture in the letter:\n%s", letter)
	}
	resp, err := http.Get(img[1]) // as a recipient's mail program, without a session
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/png" || len(body) == 0 {
		t.Fatalf("the picture: %d %s %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	sec := users["secretary"].Scope("test")
	cs, err := n.Mailing.Campaigns.ListCampaigns(ctx, sec, 10, 0)
	if err != nil || len(cs) != 1 {
		t.Fatalf("campaigns %d, %v", len(cs), err)
	}
	st, err := n.Mailing.Campaigns.CampaignStats(ctx, sec, cs[0].ID)
	if err != nil || st.Total != 3 {
		t.Fatalf("the ledger counts %d (the test letter is not in it): %v", st.Total, err)
	}
	if len(cs[0].Content.Blocks) != 6 || cs[0].Segments[0].SavedFilterID == "" {
		t.Fatalf("the campaign: %d blocks, segments %+v", len(cs[0].Content.Blocks), cs[0].Segments)
	}
}

// decodeQP undoes quoted-printable soft breaks and the Cyrillic bytes,
// enough to search a letter's text.
func decodeQP(s string) string {
	s = strings.ReplaceAll(s, "=\r\n", "")
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '=' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
