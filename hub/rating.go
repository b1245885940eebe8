package hub

import (
	"crypto/sha256"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/web/i18n"
)

// setRatingConfig gives the inbox the key that signs rating tokens (the
// buttons of Telegram and VK, the links of a letter), derived from the
// hub's secret key so every node accepts every other's, and the catalogue
// that words what the contact reads.
func setRatingConfig(h *Hub) error {
	key := h.Config.SecretKey
	if key == "" {
		k, _, err := secretbox.LocalKey()
		if err != nil {
			return err
		}
		key = k
	}
	sum := sha256.Sum256([]byte("profhub rating\x00" + key))
	h.Inbox.Ratings.SetRatingConfig(inbox.RatingConfig{Key: sum[:], Translate: i18n.T,
		BaseURL: func() string { return h.Config.BaseURL }, TrustProxy: h.Config.TrustProxy})
	return nil
}
