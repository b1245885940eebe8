package hub_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/pushtest"
	"github.com/profhub/profhub/org"
)

// The hub makes the VAPID pair on its first start and every node serves
// the same public key; a browser subscribes, lists and unsubscribes
// through the API; push is offered as a delivered way in the preferences.
func TestWebPushAPI(t *testing.T) {
	storage, _ := hubtest.NewSharedStorage(t)
	n1 := hubtest.StartOn(t, storage)
	n2 := hubtest.StartOn(t, storage)
	const pw = "push-password"
	unit := n1.AddUnit(t, "", org.Committee, "Обком")
	n1.AddUser(t, "chair", access.Chairman, unit.ID, pw)
	b1, b2 := n1.NewBrowser(t), n2.NewBrowser(t)
	b1.Login(t, "chair", pw)
	b2.Login(t, "chair", pw)

	key := func(b *hubtest.Browser) string {
		code, body := b.Do(t, "GET", "/api/v1/notifications/push/key", "")
		var k struct {
			Enabled   bool   `json:"enabled"`
			PublicKey string `json:"public_key"`
		}
		if err := json.Unmarshal([]byte(body), &k); code != http.StatusOK || err != nil || !k.Enabled || len(k.PublicKey) != 87 {
			t.Fatalf("push key: %d %s", code, body)
		}
		return k.PublicKey
	}
	if k1, k2 := key(b1), key(b2); k1 != k2 {
		t.Fatalf("two nodes serve two VAPID keys: %s, %s", k1, k2)
	}

	phone := pushtest.New(t).Subscribe()
	if code, body := b1.Do(t, "POST", "/api/v1/notifications/push/subscriptions", phone.JSON()); code != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", code, body)
	}
	if code, body := b1.Do(t, "POST", "/api/v1/notifications/push/subscriptions", `{"endpoint":"http://x.example/1","keys":{"p256dh":"","auth":""}}`); code != http.StatusUnprocessableEntity || !strings.Contains(body, "https") {
		t.Fatalf("a bad subscription: %d %s", code, body)
	}
	code, body := b2.Do(t, "GET", "/api/v1/notifications/push/subscriptions", "")
	if code != http.StatusOK || !strings.Contains(body, phone.Endpoint) {
		t.Fatalf("subscriptions: %d %s", code, body)
	}
	if code, body := b2.Do(t, "GET", "/api/v1/notifications/preferences", ""); code != http.StatusOK || !strings.Contains(body, `"delivered":["hub","email","telegram","push"]`) {
		t.Fatalf("preferences: %d %s", code, body)
	}
	if code, body := b2.Do(t, "DELETE", "/api/v1/notifications/push/subscriptions", `{"endpoint":"`+phone.Endpoint+`"}`); code != http.StatusNoContent {
		t.Fatalf("unsubscribe: %d %s", code, body)
	}
	if _, body := b1.Do(t, "GET", "/api/v1/notifications/push/subscriptions", ""); strings.Contains(body, phone.Endpoint) {
		t.Fatalf("still subscribed: %s", body)
	}
}
