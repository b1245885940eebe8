package webhooks

import (
	"errors"
	"net"
	"net/http"
	"syscall"
	"time"
)

var errPrivate = errors.New("webhooks: the endpoint resolves to a private or local address")

// privateIP: loopback, private, link-local (cloud metadata among them),
// unspecified and multicast addresses are the hub's own network, not an
// integration's.
func privateIP(ip net.IP) bool {
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsUnspecified() || ip.IsMulticast() || ip.IsInterfaceLocalMulticast()
}

// newClient is the sending client: Timeout for the whole attempt, no
// redirects followed (a 3xx is a failed attempt, the endpoint's URL is
// what the administrator set), and unless allowPrivate, every address it
// dials checked, so a name that resolves to a private address (or
// rebinds to one) is refused too.
func newClient(allowPrivate bool) *http.Client {
	dialer := &net.Dialer{Timeout: Timeout}
	if !allowPrivate {
		dialer.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			if ip := net.ParseIP(host); ip == nil || privateIP(ip) {
				return errPrivate
			}
			return nil
		}
	}
	tr := &http.Transport{Proxy: nil, DialContext: dialer.DialContext, TLSHandshakeTimeout: Timeout,
		ResponseHeaderTimeout: Timeout, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}
	return &http.Client{Timeout: Timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}
