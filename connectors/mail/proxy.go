package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"
)

// Caps of the image proxy: a letter's image is small; anything bigger or
// slower is more likely an attack on the hub than a picture.
const (
	maxProxiedImage = 5 << 20
	proxyTimeout    = 10 * time.Second
	proxyRedirects  = 3
)

// imageProxy fetches a letter's remote image on the hub's behalf, so the
// sender sees the hub, not the operator's address, and the console's CSP
// can stay img-src 'self'. It dials only addresses allow accepts (public
// ones in production): the check runs on the resolved address at connect
// time, so DNS rebinding and redirects to internal hosts fail too.
type imageProxy struct {
	client *http.Client
}

var errNotPublic = errors.New("mail: image host is not a public address")

func newImageProxy(allow func(netip.Addr) bool, tlsConf *tls.Config) *imageProxy {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
		host, _, err := net.SplitHostPort(address)
		if err != nil {
			return err
		}
		a, err := netip.ParseAddr(host)
		if err != nil || !allow(a.Unmap()) {
			return fmt.Errorf("%w: %s", errNotPublic, host)
		}
		return nil
	}}
	tr := &http.Transport{DialContext: dialer.DialContext, TLSClientConfig: tlsConf, TLSHandshakeTimeout: 5 * time.Second,
		ResponseHeaderTimeout: 5 * time.Second, MaxResponseHeaderBytes: 32 << 10, MaxIdleConns: 10, IdleConnTimeout: 30 * time.Second}
	return &imageProxy{client: &http.Client{Transport: tr, Timeout: proxyTimeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= proxyRedirects {
				return errors.New("mail: too many redirects")
			}
			if req.URL.Scheme != "https" {
				return errors.New("mail: image redirect leaves https")
			}
			return nil
		}}}
}

// blockedPrefixes are ranges netip's predicates do not cover but that
// are not the public internet (or can reach back into a private one).
var blockedPrefixes = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"), // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"), // NAT64 can map to any IPv4
	netip.MustParsePrefix("2002::/16"),    // 6to4, likewise
}

// publicAddr reports whether a is a public unicast address.
func publicAddr(a netip.Addr) bool {
	if !a.IsGlobalUnicast() || a.IsPrivate() || a.IsLoopback() || a.IsLinkLocalUnicast() || a.IsMulticast() {
		return false
	}
	for _, p := range blockedPrefixes {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// imageTypes are what the proxy passes on; SVG is left out on purpose,
// it can carry script and further requests.
var imageTypes = map[string]bool{"image/png": true, "image/jpeg": true, "image/gif": true, "image/webp": true}

// fetch returns the image at url and its content type, or an error that
// says why it was refused.
func (p *imageProxy) fetch(ctx context.Context, url string) ([]byte, string, error) {
	if !strings.HasPrefix(strings.ToLower(url), "https://") {
		return nil, "", errors.New("mail: only https images are fetched")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", fmt.Errorf("mail: image address: %w", err)
	}
	req.Header.Set("User-Agent", "profhub-image-proxy")
	req.Header.Set("Accept", "image/png,image/jpeg,image/gif,image/webp")
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, "", fmt.Errorf("mail: fetch image: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", fmt.Errorf("mail: image server answered %d", resp.StatusCode)
	}
	declared, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if !imageTypes[declared] {
		return nil, "", fmt.Errorf("mail: not an image (%q)", declared)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxProxiedImage+1))
	if err != nil {
		return nil, "", fmt.Errorf("mail: read image: %w", err)
	}
	if len(data) > maxProxiedImage {
		return nil, "", fmt.Errorf("mail: image over %d MB", maxProxiedImage>>20)
	}
	// The bytes must be what the header says: a browser shown HTML or a
	// script under an image label is what nosniff alone would not catch.
	if sniffed := http.DetectContentType(data); sniffed != declared {
		return nil, "", fmt.Errorf("mail: image declared %s but is %s", declared, sniffed)
	}
	return data, declared, nil
}
