package auth

import (
	"context"
	"errors"
	"fmt"

	"github.com/profhub/profhub/internal/security/secretbox"
)

// TOTP secrets are kept sealed with the installation's secret box, like
// channel credentials, in the users.totp_secret column itself: a sealed
// value carries secretbox's prefix, which a base32 TOTP secret never has.
// Secrets stored in plain text by earlier versions keep working; they are
// sealed at start (SealTOTPSecrets) and, should one be missed, the first
// time they are used.

var errNoBox = errors.New("auth: TOTP secrets need the secret key (PROFHUB_SECRET_KEY); none was given to the auth service")

// sealTOTP turns a new secret into its stored form.
func (s *Service) sealTOTP(plain string) (string, error) {
	if s.box == nil {
		return "", errNoBox
	}
	return s.box.Seal(plain), nil
}

// openTOTP returns the plain secret of a stored one, sealing a plain one in
// place on the way.
func (s *Service) openTOTP(ctx context.Context, userID, stored string) (string, error) {
	if secretbox.IsSealed(stored) {
		if s.box == nil {
			return "", errNoBox
		}
		plain, err := s.box.Open(stored)
		if err != nil {
			return "", fmt.Errorf("auth: TOTP secret of user %s: %w", userID, err)
		}
		return plain, nil
	}
	if stored != "" && s.box != nil {
		if _, err := s.users.ReplaceTOTPSecret(ctx, userID, stored, s.box.Seal(stored)); err != nil {
			// The code can still be checked; the next use tries again.
			s.log.Warn("could not seal a plain TOTP secret", "user", userID, "err", err)
		}
	}
	return stored, nil
}

// SealTOTPSecrets seals every TOTP secret still stored in plain text and
// returns how many it sealed. Safe to run on several nodes at once.
func (s *Service) SealTOTPSecrets(ctx context.Context) (int, error) {
	if s.box == nil {
		return 0, errNoBox
	}
	all, err := s.users.TOTPSecrets(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for id, stored := range all {
		if secretbox.IsSealed(stored) {
			continue
		}
		ok, err := s.users.ReplaceTOTPSecret(ctx, id, stored, s.box.Seal(stored))
		if err != nil {
			return n, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}
