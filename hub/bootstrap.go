package hub

import (
	"context"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/org"
)

// RootUnitName names the root unit made on first start; it can be renamed.
const RootUnitName = "Федерация профсоюзов"

// bootstrap makes an empty installation usable: a root unit and, when there
// is no user at all, an administrator whose one-time password goes to the
// log (or comes from PROFHUB_ADMIN_PASSWORD).
func (h *Hub) bootstrap(ctx context.Context) error {
	root, err := h.Org.EnsureRoot(ctx, RootUnitName)
	if err != nil {
		return err
	}
	n, err := h.Org.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	pw, generated := h.Config.AdminPassword, false
	if pw == "" {
		pw, generated = auth.RandomPassword(), true
	}
	hash, err := h.Auth.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("hub: PROFHUB_ADMIN_PASSWORD: %w", err)
	}
	sys := access.System("first start")
	sys.UnitID = root.ID
	_, err = h.Org.CreateUser(ctx, sys, org.NewUser{Login: "admin", FullName: "Администратор", Role: access.Administrator,
		UnitID: root.ID, PasswordHash: hash})
	if errors.Is(err, db.ErrConflict) {
		return nil // another node starting at the same moment made it
	}
	if err != nil {
		return err
	}
	if generated {
		h.Log.Warn("first start: administrator created; sign in and change this one-time password",
			"login", "admin", "password", pw)
	} else {
		h.Log.Info("first start: administrator created with PROFHUB_ADMIN_PASSWORD", "login", "admin")
	}
	return nil
}
