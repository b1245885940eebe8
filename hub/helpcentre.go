package hub

import (
	"github.com/profhub/profhub/helpcentre"
	"github.com/profhub/profhub/web/i18n"
)

// The help centre's public pages speak the UI's catalogue; its links are
// made with the configured public address.

func (h *Hub) newHelp() *helpcentre.Service {
	return helpcentre.New(helpcentre.Deps{DB: h.DB, KV: h.KV, Log: h.Log, BaseURL: h.Config.BaseURL,
		TrustProxy: h.Config.TrustProxy, SecureCookies: h.Config.SecureCookies(),
		Translate: i18n.T, Negotiate: i18n.Negotiate})
}
