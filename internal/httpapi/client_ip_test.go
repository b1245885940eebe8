package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	for _, tc := range []struct {
		name, remote, xff string
		trust             bool
		want              string
	}{
		{"peer", "192.0.2.7:5123", "", false, "192.0.2.7"},
		{"untrusted header ignored", "192.0.2.7:5123", "203.0.113.9", false, "192.0.2.7"},
		{"last hop of a trusted proxy", "10.0.0.2:443", "198.51.100.1, 203.0.113.9", true, "203.0.113.9"},
		{"client's own claims never count", "10.0.0.2:443", "203.0.113.9, 198.51.100.1", true, "198.51.100.1"},
		{"garbage hop: the peer", "10.0.0.2:443", "not-an-ip", true, "10.0.0.2"},
		{"IPv6 peer", "[2001:db8::1]:80", "", true, "2001:db8::1"},
		{"no port", "192.0.2.7", "", false, "192.0.2.7"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := ClientIP(r, tc.trust); got != tc.want {
			t.Errorf("%s: ClientIP = %q, want %q", tc.name, got, tc.want)
		}
	}
}
