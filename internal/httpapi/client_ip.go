package httpapi

import (
	"net"
	"net/http"
	"strings"
)

// ClientIP is the peer's address or, behind a trusted reverse proxy, the
// last hop it appended to X-Forwarded-For: earlier hops are the client's
// own claims, so they never count (sign-in throttling, the public pages'
// limits and the audit all key on this).
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
