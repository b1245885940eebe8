package mail

import (
	"crypto/tls"
	"net/netip"
)

// Fixtures shared with the end-to-end tests of package mail_test.
var Fixtures = map[string]string{
	"koi8":        letterKOI8,
	"hostile":     letterHostileHTML,
	"attachments": letterAttachments,
	"auto":        letterAutoReply,
	"bounce":      letterBounce,
	"outlook":     letterOutlook,
	"2000 parts":  manyParts(2000),
	"1000 deep":   deepNesting(1000),
}

// TrustImageHosts lets c's image proxy reach any address with tlsConf:
// end-to-end tests serve images from loopback, which production refuses.
// The proxy is changed in place: the letter handlers hold it already.
func TrustImageHosts(c *Connector, tlsConf *tls.Config) {
	*c.images = *newImageProxy(func(netip.Addr) bool { return true }, tlsConf)
}

// ImageServer is the test image server of the proxy's unit tests.
var ImageServer = imageServer
