package chat

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/httpapi"
	"github.com/profhub/profhub/internal/security/auth"
)

// ICE is where the browsers look for each other in a call: STUN URLs, and
// TURN URLs with coturn's shared secret (use-auth-secret), from which the
// hub makes each caller a credential that expires after TTL.
type ICE struct {
	STUN   []string
	TURN   []string
	Secret string
	TTL    time.Duration // 0: 12 hours
}

// ICEServer is one entry of RTCPeerConnection's iceServers.
type ICEServer struct {
	URLs       []string `json:"urls"`
	Username   string   `json:"username,omitempty"`
	Credential string   `json:"credential,omitempty"`
}

// TURNCredential follows the TURN REST API convention coturn checks with
// use-auth-secret: the username is "expiry:userID" (expiry in Unix
// seconds) and the password base64(HMAC-SHA1(secret, username)).
func TURNCredential(secret, userID string, expires time.Time) (username, credential string) {
	username = strconv.FormatInt(expires.Unix(), 10) + ":" + userID
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write([]byte(username))
	return username, base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// ICEServers are the servers for userID's calls at now.
func (s *Service) ICEServers(userID string, now time.Time) []ICEServer {
	ice := s.deps.ICE
	out := []ICEServer{}
	if len(ice.STUN) > 0 {
		out = append(out, ICEServer{URLs: ice.STUN})
	}
	if len(ice.TURN) > 0 && ice.Secret != "" {
		ttl := ice.TTL
		if ttl <= 0 {
			ttl = 12 * time.Hour
		}
		u, c := TURNCredential(ice.Secret, userID, now.Add(ttl))
		out = append(out, ICEServer{URLs: ice.TURN, Username: u, Credential: c})
	}
	return out
}

// ice answers GET /api/v1/chat/ice: the caller's ICE servers. The TURN
// credential names the caller, so coturn's log says whose relay it is.
func (h handlers) ice(w http.ResponseWriter, r *http.Request, p *auth.Principal) {
	w.Header().Set("Cache-Control", "no-store")
	httpapi.WriteJSON(w, http.StatusOK, map[string]any{"ice_servers": h.s.ICEServers(p.User.ID, time.Now())})
}
