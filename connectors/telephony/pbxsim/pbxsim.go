// Package pbxsim is a small PBX simulator: it plays call scenarios
// against a hub's telephony webhook in the format of a provider (generic,
// Mango Office, Zadarma), signed as that provider signs, and serves what
// the provider's API serves: recordings (real audio), recording links,
// and click-to-call requests, which it records. Tests, the demo and the
// benchmark drive the real connector code through it on loopback.
package pbxsim

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// PBX is a fake provider on loopback.
type PBX struct {
	Provider string // generic, mango, zadarma
	// Credentials: the generic webhook secret, Mango's key and salt,
	// Zadarma's key and secret.
	Key, Salt, Secret string
	URL               string // base address of the fake
	// Zone is where Zadarma's account lives: its call_start times are
	// local time strings of this zone (nil: Moscow, Zadarma's default).
	Zone *time.Location

	srv *http.Server
	ln  net.Listener

	mu         sync.Mutex
	recordings map[string][]byte
	types      map[string]string // recording id → the Content-Type it is served with (default audio/wav)
	failures   map[string]int    // recording id → failures left (503)
	redirects  map[string]string // recording id → where /files/id redirects
	callbacks  []Callback
	refuseCB   bool
}

// Callback is a click-to-call request the fake received.
type Callback struct {
	Extension, Number string
}

// Start runs a fake of the provider on 127.0.0.1.
func Start(provider string) (*PBX, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &PBX{Provider: provider, Key: "key-" + provider, Salt: "salt-" + provider, Secret: "secret-" + provider,
		URL: "http://" + ln.Addr().String(), ln: ln, recordings: map[string][]byte{}, types: map[string]string{}, failures: map[string]int{}, redirects: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /files/{id}", p.file)
	mux.HandleFunc("POST /callback", p.genericCallback)
	mux.HandleFunc("POST /vpbx/commands/callback", p.mangoCallback)
	mux.HandleFunc("POST /vpbx/queries/recording/post", p.mangoRecording)
	mux.HandleFunc("GET /v1/request/callback/", p.zadarmaCallback)
	mux.HandleFunc("GET /v1/pbx/record/request/", p.zadarmaRecording)
	p.srv = &http.Server{Handler: mux}
	go func() { _ = p.srv.Serve(ln) }()
	return p, nil
}

// Close stops the fake.
func (p *PBX) Close() { _ = p.srv.Close() }

// Addr is the fake's host:port, for the channel's trusted_addrs.
func (p *PBX) Addr() string { return p.ln.Addr().String() }

// Settings and Secrets configure a telephony channel for this fake.
func (p *PBX) Settings() map[string]string {
	s := map[string]string{"provider": p.Provider, "trusted_addrs": p.Addr()}
	switch p.Provider {
	case "generic":
		s["callback_url"] = p.URL + "/callback"
		s["recording_hosts"] = "127.0.0.1"
	case "mango":
		s["api_url"] = p.URL + "/vpbx"
	case "zadarma":
		s["api_url"] = p.URL
	}
	return s
}

func (p *PBX) Secrets() map[string]string {
	switch p.Provider {
	case "mango":
		return map[string]string{"api_key": p.Key, "api_salt": p.Salt}
	case "zadarma":
		return map[string]string{"api_key": p.Key, "api_secret": p.Secret}
	}
	return map[string]string{"webhook_secret": p.Secret}
}

// AddRecording serves data as recording id.
func (p *PBX) AddRecording(id string, data []byte) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recordings[id] = data
}

// LabelRecording serves recording id with this Content-Type, true or not
// (providers' storage often says application/octet-stream, or audio/mpeg
// for a WAV file).
func (p *PBX) LabelRecording(id, ctype string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.types[id] = ctype
}

// FailRecording makes the next n downloads of id fail with 503.
func (p *PBX) FailRecording(id string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.failures[id] = n
}

// RedirectRecording makes /files/id redirect to target.
func (p *PBX) RedirectRecording(id, target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redirects[id] = target
}

// RefuseCallbacks makes click-to-call requests fail.
func (p *PBX) RefuseCallbacks(v bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refuseCB = v
}

// Callbacks returns the click-to-call requests received so far.
func (p *PBX) Callbacks() []Callback {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Callback(nil), p.callbacks...)
}

// RecordingURL is where the fake serves recording id.
func (p *PBX) RecordingURL(id string) string { return p.URL + "/files/" + url.PathEscape(id) }

func (p *PBX) file(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	p.mu.Lock()
	data, ok := p.recordings[id]
	fail := p.failures[id]
	if fail > 0 {
		p.failures[id] = fail - 1
	}
	target := p.redirects[id]
	ctype := p.types[id]
	p.mu.Unlock()
	switch {
	case target != "":
		http.Redirect(w, r, target, http.StatusFound)
	case fail > 0:
		http.Error(w, "storage busy", http.StatusServiceUnavailable)
	case !ok:
		http.NotFound(w, r)
	default:
		if ctype == "" {
			ctype = "audio/wav"
		}
		w.Header().Set("Content-Type", ctype)
		_, _ = w.Write(data)
	}
}

func (p *PBX) addCallback(ext, number string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.refuseCB {
		return false
	}
	p.callbacks = append(p.callbacks, Callback{Extension: ext, Number: number})
	return true
}

func (p *PBX) genericCallback(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Extension, Number string
	}
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if !verifyGeneric(p.Secret, r.Header.Get("X-Profhub-Signature"), raw) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	_ = json.Unmarshal(raw, &body)
	if !p.addCallback(body.Extension, body.Number) {
		http.Error(w, "extension offline", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// MangoSign is Mango's request signature.
func MangoSign(key, js, salt string) string {
	h := sha256.Sum256([]byte(key + js + salt))
	return hex.EncodeToString(h[:])
}

func (p *PBX) mangoForm(w http.ResponseWriter, r *http.Request, out any) bool {
	if err := r.ParseForm(); err != nil || r.PostForm.Get("vpbx_api_key") != p.Key ||
		r.PostForm.Get("sign") != MangoSign(p.Key, r.PostForm.Get("json"), p.Salt) {
		http.Error(w, `{"result":3102}`, http.StatusUnauthorized)
		return false
	}
	_ = json.Unmarshal([]byte(r.PostForm.Get("json")), out)
	return true
}

func (p *PBX) mangoCallback(w http.ResponseWriter, r *http.Request) {
	var cmd struct {
		From struct {
			Extension string `json:"extension"`
		} `json:"from"`
		ToNumber string `json:"to_number"`
	}
	if !p.mangoForm(w, r, &cmd) {
		return
	}
	if !p.addCallback(cmd.From.Extension, "+"+cmd.ToNumber) {
		_, _ = w.Write([]byte(`{"result":3500}`))
		return
	}
	_, _ = w.Write([]byte(`{"result":1000}`))
}

// mangoRecording answers queries/recording/post with a redirect to the
// file, as Mango does.
func (p *PBX) mangoRecording(w http.ResponseWriter, r *http.Request) {
	var q struct {
		RecordingID string `json:"recording_id"`
	}
	if !p.mangoForm(w, r, &q) {
		return
	}
	http.Redirect(w, r, p.RecordingURL(q.RecordingID), http.StatusFound)
}

// ZadarmaSign is base64 of the hex HMAC-SHA1, as Zadarma computes it.
func ZadarmaSign(secret, s string) string {
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(s))
	return base64.StdEncoding.EncodeToString([]byte(hex.EncodeToString(mac.Sum(nil))))
}

func (p *PBX) zadarmaAuth(w http.ResponseWriter, r *http.Request) bool {
	q := r.URL.Query().Encode()
	sum := md5.Sum([]byte(q))
	want := p.Key + ":" + ZadarmaSign(p.Secret, r.URL.Path+q+hex.EncodeToString(sum[:]))
	if r.Header.Get("Authorization") != want {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"status":"error","message":"Not authorized"}`))
		return false
	}
	return true
}

func (p *PBX) zadarmaCallback(w http.ResponseWriter, r *http.Request) {
	if !p.zadarmaAuth(w, r) {
		return
	}
	q := r.URL.Query()
	if !p.addCallback(q.Get("from"), "+"+q.Get("to")) {
		_, _ = w.Write([]byte(`{"status":"error","message":"sip offline"}`))
		return
	}
	fmt.Fprintf(w, `{"status":"success","from":%q,"to":%q,"time":1}`, q.Get("from"), q.Get("to"))
}

func (p *PBX) zadarmaRecording(w http.ResponseWriter, r *http.Request) {
	if !p.zadarmaAuth(w, r) {
		return
	}
	id := r.URL.Query().Get("call_id")
	b, _ := json.Marshal(map[string]any{"status": "success", "link": p.RecordingURL(id), "lifetime_till": "2030-01-01 00:00:00"})
	_, _ = w.Write(b)
}

func verifyGeneric(secret, header string, body []byte) bool {
	var ts, sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	return ts != "" && hmac.Equal([]byte(sig), []byte(hex.EncodeToString(mac.Sum(nil))))
}

// Forger signs like p but with other credentials (for tests of forged
// notifications); it serves nothing.
func (p *PBX) Forger(key, salt, secret string) *PBX {
	return &PBX{Provider: p.Provider, Key: key, Salt: salt, Secret: secret, URL: p.URL}
}
