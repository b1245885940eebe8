package auth

import (
	"context"
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/settings"
)

// SettingTOTPRoles is the settings key listing the roles (comma-separated)
// that must sign in with a second factor.
const SettingTOTPRoles = "auth.totp_required_roles"

const totpPeriod = 30

// TOTPRequiredRoles returns the roles the policy covers.
func (s *Service) TOTPRequiredRoles(ctx context.Context) ([]access.Role, error) {
	v, err := settings.Get(ctx, s.db, SettingTOTPRoles, "")
	if err != nil {
		return nil, err
	}
	var out []access.Role
	for _, name := range strings.Split(v, ",") {
		if r, err := access.ParseRole(name); err == nil {
			out = append(out, r)
		}
	}
	return out, nil
}

// TOTPRequired reports whether users of role must use a second factor.
func (s *Service) TOTPRequired(ctx context.Context, role access.Role) (bool, error) {
	roles, err := s.TOTPRequiredRoles(ctx)
	return slices.Contains(roles, role), err
}

// SetTOTPRequiredRoles changes the policy.
func (s *Service) SetTOTPRequiredRoles(ctx context.Context, sc access.Scope, roles []access.Role) error {
	names := make([]string, 0, len(roles))
	for _, r := range roles {
		if _, err := access.ParseRole(string(r)); err != nil {
			return err
		}
		names = append(names, string(r))
	}
	slices.Sort(names)
	return settings.Set(ctx, s.db, sc, SettingTOTPRoles, strings.Join(slices.Compact(names), ","))
}

// BeginTOTP creates a new secret for p's user, stored but not yet in force,
// and returns the otpauth:// key for the authenticator app.
func (s *Service) BeginTOTP(ctx context.Context, p *Principal) (*otp.Key, error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "profhub", AccountName: p.User.Login, Period: totpPeriod})
	if err != nil {
		return nil, fmt.Errorf("auth: totp: %w", err)
	}
	sealed, err := s.sealTOTP(key.Secret())
	if err != nil {
		return nil, err
	}
	if err := s.users.SetTOTP(ctx, p.Scope, p.User.ID, sealed, false); err != nil {
		return nil, err
	}
	return key, nil
}

// ConfirmTOTP puts the enrolled secret in force once the user proves their
// app produces its codes; a pending session becomes a full one.
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, code string) error {
	rec, err := s.users.AuthByID(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if rec.TOTPSecret == "" || rec.TOTPEnabled {
		return ErrBadCode
	}
	secret, err := s.openTOTP(ctx, p.User.ID, rec.TOTPSecret)
	if err != nil {
		return err
	}
	if err := s.checkCode(ctx, p.User.ID, secret, code); err != nil {
		return err
	}
	sealed, err := s.sealTOTP(secret)
	if err != nil {
		return err
	}
	if err := s.users.SetTOTP(ctx, p.Scope, p.User.ID, sealed, true); err != nil {
		return err
	}
	if p.MFAPending {
		return s.completeMFA(ctx, p)
	}
	return nil
}

// VerifyTOTP completes a pending sign-in with a code. Wrong codes count as
// failed sign-ins for throttling.
func (s *Service) VerifyTOTP(ctx context.Context, p *Principal, code, ip string) error {
	if err := s.checkThrottle(ctx, p.User.Login, ip); err != nil {
		return err
	}
	rec, err := s.users.AuthByID(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if !rec.TOTPEnabled {
		return ErrBadCode
	}
	secret, err := s.openTOTP(ctx, p.User.ID, rec.TOTPSecret)
	if err != nil {
		return err
	}
	if err := s.checkCode(ctx, p.User.ID, secret, code); err != nil {
		s.recordFailure(ctx, p.User.Login, ip)
		return err
	}
	s.clearFailures(ctx, p.User.Login, ip)
	return s.completeMFA(ctx, p)
}

// DisableTOTP switches the second factor off: users for themselves (when
// policy allows), administrators for a user who lost their phone.
func (s *Service) DisableTOTP(ctx context.Context, sc access.Scope, userID string) error {
	if sc.UserID == userID {
		if req, err := s.TOTPRequired(ctx, sc.Role); err != nil || req {
			return fmt.Errorf("%w: the second factor is mandatory for your role", access.ErrForbidden)
		}
	}
	return s.users.SetTOTP(ctx, sc, userID, "", false)
}

// checkCode accepts the code of the current 30-second step or one step
// either side (clock drift), once: the step is recorded so the same code
// cannot be replayed.
func (s *Service) checkCode(ctx context.Context, userID, secret, code string) error {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return ErrBadCode
	}
	now := time.Now()
	for _, skew := range []int64{0, -1, 1} {
		t := now.Add(time.Duration(skew*totpPeriod) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return ErrBadCode
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			ok, err := s.users.UseTOTPStep(ctx, userID, t.Unix()/totpPeriod)
			if err != nil {
				return err
			}
			if !ok {
				return ErrBadCode
			}
			return nil
		}
	}
	return ErrBadCode
}
