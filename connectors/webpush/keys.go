// Package webpush sends Web Push messages (RFC 8030) to the push services
// of browsers and phones: each message encrypted for its subscription
// (RFC 8291, aes128gcm) and signed with the installation's VAPID key
// (RFC 8292), through github.com/SherClockHolmes/webpush-go. The key pair
// is made on the first start and kept in the settings table, the private
// half sealed with PROFHUB_SECRET_KEY like channel credentials; every node
// reads the same pair, so a subscription made through one node is pushed
// to by any.
package webpush

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	wp "github.com/SherClockHolmes/webpush-go"

	"github.com/profhub/profhub/internal/security/secretbox"
	"github.com/profhub/profhub/internal/settings"
	"github.com/profhub/profhub/internal/storage/db"
)

// settingKeys is the settings row holding the pair.
const settingKeys = "webpush.vapid"

// Keys is the installation's VAPID key pair, base64url without padding:
// Public is the uncompressed P-256 point browsers get as their
// applicationServerKey, Private the scalar.
type Keys struct {
	Public  string
	Private string
}

type storedKeys struct {
	Public  string `json:"public"`
	Private string `json:"private"` // sealed
}

// LoadKeys returns the installation's pair, making and storing one when
// there is none. Nodes starting together may each make one: the first row
// written wins and every node reads that one back.
func LoadKeys(ctx context.Context, d *db.DB, box *secretbox.Box) (Keys, error) {
	raw, err := settings.Get(ctx, d, settingKeys, "")
	if err != nil {
		return Keys{}, err
	}
	if raw == "" {
		priv, pub, err := wp.GenerateVAPIDKeys()
		if err != nil {
			return Keys{}, fmt.Errorf("webpush: make VAPID keys: %w", err)
		}
		b, _ := json.Marshal(storedKeys{Public: pub, Private: box.Seal(priv)})
		if _, err := d.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING`,
			settingKeys, string(b), db.Now()); err != nil {
			return Keys{}, fmt.Errorf("webpush: store VAPID keys: %w", err)
		}
		if raw, err = settings.Get(ctx, d, settingKeys, ""); err != nil {
			return Keys{}, err
		}
	}
	var s storedKeys
	if err := json.Unmarshal([]byte(raw), &s); err != nil || s.Public == "" {
		return Keys{}, errors.New("webpush: the stored VAPID keys do not parse")
	}
	priv, err := box.Open(s.Private)
	if err != nil {
		// Another PROFHUB_SECRET_KEY: making a new pair would silently
		// orphan every subscription, so push stays off until the key is right.
		return Keys{}, fmt.Errorf("webpush: VAPID private key: %w", err)
	}
	return Keys{Public: s.Public, Private: priv}, nil
}
