package telephony

import (
	"errors"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/profhub/profhub/inbox"
)

func mustAddr(t *testing.T, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// A channel stored without credentials (made by a path that skipped the
// channel hook) refuses everything rather than checking against an empty
// key, which anyone could sign with.
func TestEmptyCredentialsRefuse(t *testing.T) {
	body := []byte(`{"id":"1","call_id":"c","type":"started","at":"2026-11-02T10:00:00Z"}`)
	ch := inbox.Channel{Settings: map[string]string{}, Secrets: map[string]string{}}
	req := httptest.NewRequest("POST", "/hooks/telephony/x", nil)
	req.Header.Set(inbox.SignatureHeader, inbox.Sign("", time.Now(), body))
	if _, err := (generic{}).parse(req, body, ch, "", time.Now()); !errors.Is(err, errSignature) {
		t.Errorf("generic with no secret: %v", err)
	}
	form := url.Values{"vpbx_api_key": {""}, "sign": {mangoSign("", `{"entry_id":"e"}`, "")}, "json": {`{"entry_id":"e"}`}}
	if _, err := (mango{}).parse(req, []byte(form.Encode()), ch, "events/call", time.Now()); !errors.Is(err, errSignature) {
		t.Errorf("mango with no key: %v", err)
	}
	zf := url.Values{"event": {"NOTIFY_START"}, "pbx_call_id": {"p"}, "caller_id": {"1"}, "called_did": {"2"}, "call_start": {"2026-11-02 10:00:00"}}
	req.Header.Set("Signature", zadarmaSign("", "122026-11-02 10:00:00"))
	if _, err := (zadarma{}).parse(req, []byte(zf.Encode()), ch, "", time.Now()); !errors.Is(err, errSignature) {
		t.Errorf("zadarma with no secret: %v", err)
	}
}
