package web_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/profhub/profhub/demo"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/web/browsertest"
)

// TestCardsInChromium walks the cards journey in real Chromium
// (web/browsertest/cards.test.mjs): the administrator defines a typed
// custom field, the secretary creates a member filling it (wrong and
// missing values refused beside the field, in Russian), edits the card
// and sees the change in its history under her full name, archives and
// restores it, and edits an organisation's card. Afterwards the audit
// log holds her reads of the card (152-FZ).
func TestCardsInChromium(t *testing.T) {
	n := browsertest.Start(t)
	var out bytes.Buffer
	if err := demo.Fill(context.Background(), demo.Env{DB: n.DB, Org: n.Org, Inbox: n.Inbox, CRM: n.CRM, Out: &out,
		Params: auth.CheapPasswordParams}); err != nil {
		t.Fatal(err)
	}
	browsertest.Run(t, browsertest.Script{Name: "cards.test.mjs", Base: n.Server.URL,
		Env: []string{"PROFHUB_PASSWORD=" + demo.Password, "PROFHUB_ADMIN_PASSWORD=" + hubtest.AdminPassword}})
	var reads int
	if err := n.DB.QueryRow(`SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id
		WHERE a.action = 'member.read' AND u.login = 'secretary'`).Scan(&reads); err != nil || reads < 2 {
		t.Fatalf("the secretary's reads of the card in the audit log: %d, %v", reads, err)
	}
}
