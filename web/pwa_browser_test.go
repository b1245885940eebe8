package web_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/testkit/pushtest"
	"github.com/profhub/profhub/web/browsertest"
)

// TestInstallableInChromium: the manifest and the service worker register
// on the served hub, the worker keeps only the shell and shows the offline
// page without a network, a push it receives is shown as a notification,
// and the profile's switch subscribes with the hub's VAPID key and
// unsubscribes (web/browsertest/pwa.test.mjs). Headless Chromium has no
// push service, so the script stands in for pushManager's answer with a
// browser's real keys; the delivery itself is tested in notify and
// connectors/webpush. Runs with PROFHUB_TEST_BROWSER=1.
func TestInstallableInChromium(t *testing.T) {
	n := browsertest.Start(t)
	const pw = "pwa-browser-password"
	users := browsertest.Users(t, n, n.Root.ID, pw, browsertest.User{Login: "chair", Role: access.Chairman})
	sub := pushtest.New(t).Subscribe()
	browsertest.Run(t, browsertest.Script{Name: "pwa.test.mjs", Base: n.Server.URL, Timeout: 2 * time.Minute,
		Env: []string{"PROFHUB_PASSWORD=" + pw, "PUSH_ENDPOINT=" + sub.Endpoint, "PUSH_P256DH=" + sub.P256dh, "PUSH_AUTH=" + sub.Auth},
		Explain: func() string {
			subs, err := n.Notify.Subscriptions(context.Background(), access.Scope{UserID: users["chair"].ID})
			return fmt.Sprintf("the chairman's subscriptions: %+v %v", subs, err)
		}})
	subs, err := n.Notify.Subscriptions(context.Background(), access.Scope{UserID: users["chair"].ID})
	// The script ends with the push service rotating the subscription,
	// which the service worker renews at the hub.
	if renewed := sub.Endpoint + "-renewed"; err != nil || len(subs) != 1 || subs[0].Endpoint != renewed {
		t.Fatalf("after the script the chairman has %+v (%v), want the one renewed subscription %s", subs, err, renewed)
	}
}
