package mailing

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"io"
	"strconv"
	"strings"
	"sync"
)

// TokenKeyFrom derives the key that signs unsubscribe, open and click
// tokens from the installation's secret key, so every node (and the
// command line) accepts every other's links.
func TokenKeyFrom(secretKey string) []byte {
	sum := sha256.Sum256([]byte("profhub mailing unsubscribe\x00" + secretKey))
	return sum[:]
}

// tokens sign and check the links in campaign letters (unsubscribe, open,
// click) with the installation's key, and make their addresses.
type tokens struct {
	base func() string // the hub's public address, read at each use
	// macs are HMACs keyed with the installation's key, to reuse: a new
	// one hashes the key's two blocks first, which each letter's three or
	// more links paid again.
	macs *sync.Pool
}

func newTokens(key []byte, base func() string) tokens {
	return tokens{base: base, macs: &sync.Pool{New: func() any { return hmac.New(sha256.New, key) }}}
}

// baseURL is the hub's public address without a trailing slash; "" when
// none is configured.
func (s tokens) baseURL() string {
	if s.base == nil {
		return ""
	}
	return strings.TrimSuffix(s.base(), "/")
}

// errBadToken is any unsubscribe, open or click token that does not verify.
var errBadToken = errors.New("mailing: bad unsubscribe token")

// unsubscribeToken signs (campaign, ledger row): the link needs no
// database lookup to verify, names nobody, and cannot be made for another
// recipient without the hub's key.
func (s tokens) unsubscribeToken(campaignID string, seq int64) string {
	return s.rowToken("unsubscribe", campaignID, seq, "")
}

func (s tokens) parseToken(tok string) (campaignID string, seq int64, err error) {
	return s.parseRowToken("unsubscribe", tok, "")
}

// rowToken signs a ledger row for one purpose (unsubscribe, open, click);
// extra (a click's target address) is covered by the signature without
// being part of the token.
func (s tokens) rowToken(purpose, campaignID string, seq int64, extra string) string {
	payload := campaignID + "." + strconv.FormatInt(seq, 36)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.tokenMAC(purpose, payload, extra))
}

func (s tokens) tokenMAC(purpose, payload, extra string) []byte {
	mac := s.macs.Get().(hash.Hash)
	defer s.macs.Put(mac)
	mac.Reset()
	io.WriteString(mac, purpose)
	io.WriteString(mac, ":")
	io.WriteString(mac, payload)
	if extra != "" {
		io.WriteString(mac, "\x00")
		io.WriteString(mac, extra)
	}
	return mac.Sum(make([]byte, 0, sha256.Size))[:16]
}

func (s tokens) parseRowToken(purpose, tok, extra string) (campaignID string, seq int64, err error) {
	if len(tok) > 200 {
		return "", 0, errBadToken
	}
	i := strings.LastIndexByte(tok, '.')
	if i < 0 {
		return "", 0, errBadToken
	}
	payload, sig := tok[:i], tok[i+1:]
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(s.tokenMAC(purpose, payload, extra), want) {
		return "", 0, errBadToken
	}
	campaignID, seqStr, ok := strings.Cut(payload, ".")
	if !ok {
		return "", 0, errBadToken
	}
	if seq, err = strconv.ParseInt(seqStr, 36, 64); err != nil {
		return "", 0, errBadToken
	}
	return campaignID, seq, nil
}

func (s tokens) unsubscribeURL(campaignID string, seq int64) string {
	return s.baseURL() + "/hooks/mailing/unsubscribe/" + s.unsubscribeToken(campaignID, seq)
}
