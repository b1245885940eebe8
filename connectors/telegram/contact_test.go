package telegram_test

import (
	"context"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/testkit/tgtest"
)

func contactMessage(chat int64, id int, phone string, userID int64) map[string]any {
	m := tgtest.TextMessage(chat, id, "")
	delete(m, "text")
	m["contact"] = map[string]any{"phone_number": phone, "first_name": "Марина", "user_id": userID}
	return m
}

// A member who shares their own number through the request_contact
// button is linked to their card; someone else's card forwarded into the
// chat, or a number nobody has, links nothing.
func TestSharedPhoneLinksMember(t *testing.T) {
	e := newEnv(t)
	ch := e.channel(t, "webhook")
	m, err := e.n.CRM.Members.CreateMember(context.Background(), e.n.System, crm.MemberInput{UnitID: e.n.Root.ID, Surname: "Ковалёва",
		GivenName: "Марина", Phones: []string{"8 (912) 345-67-89"}, Status: crm.StatusMember}, true)
	if err != nil {
		t.Fatal(err)
	}
	memberOf := func(chat string) (member, phone string) {
		t.Helper()
		if err := e.n.DB.QueryRow(`SELECT ct.member_id, ct.phone FROM inbox_conversations c JOIN inbox_contacts ct ON ct.id = c.contact_id
			WHERE c.channel_id = $1 AND c.external_chat_id = $2`, ch.ID, chat).Scan(&member, &phone); err != nil {
			t.Fatal(err)
		}
		return member, phone
	}
	// Someone else's card, forwarded: not the sender's number.
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(contactMessage(777030, 1, "+79123456789", 555)))
	if member, _ := memberOf("777030"); member != "" {
		t.Fatalf("a forwarded card linked member %s", member)
	}
	// Their own number, as Telegram sends it without "+".
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(contactMessage(777030, 2, "79123456789", 777030)))
	if member, phone := memberOf("777030"); member != m.ID || phone != "79123456789" {
		t.Fatalf("member %q phone %q, want %s", member, phone, m.ID)
	}
	// A number no member has.
	e.hook(t, ch, e.tg.WebhookSecret, e.tg.Update(contactMessage(777031, 1, "+79990001122", 777031)))
	if member, phone := memberOf("777031"); member != "" || phone != "+79990001122" {
		t.Fatalf("member %q phone %q for an unknown number", member, phone)
	}
}
