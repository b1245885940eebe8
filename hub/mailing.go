package hub

import (
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/mailing"
)

// newMailing builds the campaign engine. Its unsubscribe links are signed
// with a key derived from the hub's secret key, so every node of an
// installation accepts every other node's links.
func newMailing(h *Hub, tune mailing.Tuning) (*mailing.Service, error) {
	key := h.Config.SecretKey
	if key == "" {
		k, _, err := secretbox.LocalKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	return mailing.New(mailing.Deps{DB: h.DB, KV: h.KV, CRM: h.CRM, Inbox: h.Inbox, Box: h.Box, Log: h.Log, Metrics: h.Metrics,
		NodeID: h.NodeID, BaseURL: h.Config.BaseURL, TokenKey: mailing.TokenKeyFrom(key), Tune: tune})
}
