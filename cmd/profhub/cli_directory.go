package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/profhub/profhub/internal/config"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// action splits "user add --flags" into "add" and the flags.
func action(args []string, allowed ...string) (string, []string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return "", nil, fmt.Errorf("missing action (%s)", strings.Join(allowed, " | "))
	}
	for _, a := range allowed {
		if a == args[0] {
			return a, args[1:], nil
		}
	}
	return "", nil, fmt.Errorf("unknown action %q (%s)", args[0], strings.Join(allowed, " | "))
}

// withAdmin parses flags, opens the database and runs fn.
func (c *cli) withAdmin(name string, args []string, positional int, define func(fsFlags), fn func(ctx context.Context, a *admin, pos []string) error) error {
	fs, load := c.flags(name)
	if define != nil {
		define(fsFlags{fs.String, fs.Bool, fs.Duration})
	}
	cfg, pos, err := c.parse(fs, load, args, positional)
	if err != nil {
		return err
	}
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error { return fn(ctx, a, pos) })
}

type fsFlags struct {
	String   func(name, value, usage string) *string
	Bool     func(name string, value bool, usage string) *bool
	Duration func(name string, value time.Duration, usage string) *time.Duration
}

func (c *cli) runAdmin(cfg *config.Config, fn func(ctx context.Context, a *admin) error) error {
	ctx, cancel := signalContext()
	defer cancel()
	a, err := c.openAdmin(ctx, cfg)
	if err != nil {
		return err
	}
	defer a.db.Close()
	return fn(ctx, a)
}

// resolveUnit accepts a unit id or its exact name.
func (a *admin) resolveUnit(ctx context.Context, ref string) (org.Unit, error) {
	if u, err := a.org.GetUnit(ctx, a.sc, ref); err == nil {
		return u, nil
	}
	units, err := a.org.ListUnits(ctx, a.sc, ref)
	if err != nil {
		return org.Unit{}, err
	}
	var match []org.Unit
	for _, u := range units {
		if strings.EqualFold(u.Name, strings.TrimSpace(ref)) {
			match = append(match, u)
		}
	}
	switch len(match) {
	case 0:
		return org.Unit{}, fmt.Errorf("no unit %q (give its id or exact name; `profhub unit list`)", ref)
	case 1:
		return match[0], nil
	}
	return org.Unit{}, fmt.Errorf("%d units are named %q; give the id", len(match), ref)
}

func (a *admin) userByLogin(ctx context.Context, login string) (org.User, error) {
	rec, err := a.org.AuthByLogin(ctx, login)
	if err != nil {
		return org.User{}, fmt.Errorf("no user %q", login)
	}
	return rec.User, nil
}

// newPassword takes --password, else --password-file, else makes one, and
// returns it with its hash; generated says it must be shown to the admin.
func newPassword(pw, file string) (password, hash string, generated bool, err error) {
	switch {
	case pw != "" && file != "":
		return "", "", false, errors.New("give --password or --password-file, not both")
	case pw != "":
		password = pw
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", "", false, err
		}
		password = strings.TrimRight(string(b), "\r\n")
	default:
		password, generated = auth.RandomPassword(), true
	}
	if err := auth.CheckPasswordStrength(password); err != nil {
		return "", "", false, err
	}
	hash, err = auth.HashPassword(password, auth.DefaultPasswordParams)
	return password, hash, generated, err
}

// unitOr resolves ref (an id or exact name), or gives def when ref is empty.
func (a *admin) unitOr(ctx context.Context, ref, def string) (string, error) {
	if ref == "" {
		return def, nil
	}
	u, err := a.resolveUnit(ctx, ref)
	return u.ID, err
}

func (c *cli) user(args []string) error {
	act, args, err := action(args, "add", "list", "set", "disable", "enable", "passwd", "totp-reset")
	if err != nil {
		return err
	}
	switch act {
	case "add":
		var login, name, email, role, unit, pw, pwFile, lang *string
		return c.withAdmin("user add", args, 0, func(f fsFlags) {
			login = f.String("login", "", "login name (required)")
			name = f.String("name", "", "full name, FIO (required)")
			email = f.String("email", "", "e-mail")
			role = f.String("role", "operator", "administrator | chairman | deputy | secretary | operator | executor")
			unit = f.String("unit", "", "home unit: id or exact name (default: the root)")
			lang = f.String("lang", "ru", "ru | en")
			pw = f.String("password", "", "password (default: generated and printed)")
			pwFile = f.String("password-file", "", "read the password from this file")
		}, func(ctx context.Context, a *admin, _ []string) error {
			unitID, err := a.unitOr(ctx, *unit, a.sc.UnitID)
			if err != nil {
				return err
			}
			password, hash, generated, err := newPassword(*pw, *pwFile)
			if err != nil {
				return err
			}
			u, err := a.org.CreateUser(ctx, a.sc, org.NewUser{Login: *login, FullName: *name, Email: *email,
				Role: access.Role(*role), UnitID: unitID, Lang: *lang, PasswordHash: hash})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created user %s (%s) id=%s\n", u.Login, u.Role, u.ID)
			if generated {
				fmt.Fprintf(c.out, "one-time password: %s\n", password)
			}
			return nil
		})
	case "list":
		var unit, role *string
		var all *bool
		return c.withAdmin("user list", args, 0, func(f fsFlags) {
			unit = f.String("unit", "", "only this unit's subtree (id or exact name)")
			role = f.String("role", "", "only this role")
			all = f.Bool("all", false, "include disabled users")
		}, func(ctx context.Context, a *admin, _ []string) error {
			unitID, err := a.unitOr(ctx, *unit, "")
			if err != nil {
				return err
			}
			flt := org.UserFilter{Role: access.Role(*role), UnitID: unitID, IncludeDisabled: *all, Limit: 500}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "LOGIN\tNAME\tROLE\tUNIT\tSTATE\tID")
			for off := 0; ; off += flt.Limit {
				flt.Offset = off
				users, err := a.org.ListUsers(ctx, a.sc, flt)
				if err != nil {
					return err
				}
				for _, u := range users {
					state := "active"
					if u.Disabled {
						state = "disabled"
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", u.Login, u.FullName, u.Role, u.UnitName, state, u.ID)
				}
				if len(users) < flt.Limit {
					break
				}
			}
			return tw.Flush()
		})
	case "set":
		var name, email, role, unit, lang *string
		return c.withAdmin("user set", args, 1, func(f fsFlags) {
			name = f.String("name", "", "new full name")
			email = f.String("email", "", "new e-mail (\"-\" clears it)")
			role = f.String("role", "", "new role")
			unit = f.String("unit", "", "new home unit: id or exact name")
			lang = f.String("lang", "", "ru | en")
		}, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.userByLogin(ctx, pos[0])
			if err != nil {
				return err
			}
			var ch org.UserChanges
			if *name != "" {
				ch.FullName = name
			}
			if *email == "-" {
				*email = ""
				ch.Email = email
			} else if *email != "" {
				ch.Email = email
			}
			if *role != "" {
				r := access.Role(*role)
				ch.Role = &r
			}
			if *unit != "" {
				un, err := a.resolveUnit(ctx, *unit)
				if err != nil {
					return err
				}
				ch.UnitID = &un.ID
			}
			if *lang != "" {
				ch.Lang = lang
			}
			u, err = a.org.UpdateUser(ctx, a.sc, u.ID, ch)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "%s: %s, %s, %s, %s\n", u.Login, u.FullName, u.Role, u.UnitName, u.Lang)
			return nil
		})
	case "disable", "enable":
		return c.withAdmin("user "+act, args, 1, nil, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.userByLogin(ctx, pos[0])
			if err != nil {
				return err
			}
			if err := a.org.SetDisabled(ctx, a.sc, u.ID, act == "disable"); err != nil {
				return err
			}
			if act == "disable" {
				fmt.Fprintf(c.out, "disabled %s; their sessions ended and their API tokens were revoked for good\n", u.Login)
				return nil
			}
			fmt.Fprintf(c.out, "enabled %s\n", u.Login)
			return nil
		})
	case "passwd":
		var pw, pwFile *string
		return c.withAdmin("user passwd", args, 1, func(f fsFlags) {
			pw = f.String("password", "", "new password (default: generated and printed)")
			pwFile = f.String("password-file", "", "read the new password from this file")
		}, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.userByLogin(ctx, pos[0])
			if err != nil {
				return err
			}
			password, hash, generated, err := newPassword(*pw, *pwFile)
			if err != nil {
				return err
			}
			if err := a.org.SetPasswordHash(ctx, a.sc, u.ID, hash, ""); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "password of %s changed; their sessions ended\n", u.Login)
			if generated {
				fmt.Fprintf(c.out, "one-time password: %s\n", password)
			}
			return nil
		})
	default: // totp-reset
		return c.withAdmin("user totp-reset", args, 1, nil, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.userByLogin(ctx, pos[0])
			if err != nil {
				return err
			}
			if err := a.org.SetTOTP(ctx, a.sc, u.ID, "", false); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "second factor of %s switched off\n", u.Login)
			return nil
		})
	}
}

func (c *cli) unit(args []string) error {
	act, args, err := action(args, "add", "list", "move", "rename")
	if err != nil {
		return err
	}
	switch act {
	case "add":
		var name, kind, parent *string
		return c.withAdmin("unit add", args, 0, func(f fsFlags) {
			name = f.String("name", "", "unit name (required)")
			kind = f.String("kind", "primary", "federation | committee | council | primary")
			parent = f.String("parent", "", "parent unit: id or exact name (default: the root; none on an empty tree)")
		}, func(ctx context.Context, a *admin, _ []string) error {
			parentID, err := a.unitOr(ctx, *parent, a.sc.UnitID)
			if err != nil {
				return err
			}
			u, err := a.org.CreateUnit(ctx, a.sc, parentID, org.UnitKind(*kind), *name)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.out, "created unit %q id=%s\n", u.Name, u.ID)
			return nil
		})
	case "list":
		return c.withAdmin("unit list", args, 0, nil, func(ctx context.Context, a *admin, _ []string) error {
			units, err := a.org.ListUnits(ctx, a.sc, "")
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tKIND\tID")
			for _, u := range units {
				fmt.Fprintf(tw, "%s%s\t%s\t%s\n", strings.Repeat("  ", u.Depth()), u.Name, u.Kind, u.ID)
			}
			return tw.Flush()
		})
	case "rename":
		var name, kind *string
		return c.withAdmin("unit rename", args, 1, func(f fsFlags) {
			name = f.String("name", "", "new name")
			kind = f.String("kind", "", "new kind (default: unchanged)")
		}, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.resolveUnit(ctx, pos[0])
			if err != nil {
				return err
			}
			k := u.Kind
			if *kind != "" {
				k = org.UnitKind(*kind)
			}
			n := u.Name
			if *name != "" {
				n = *name
			}
			if _, err := a.org.UpdateUnit(ctx, a.sc, u.ID, k, n); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "unit %s is now %q (%s)\n", u.ID, n, k)
			return nil
		})
	default: // move
		var parent *string
		return c.withAdmin("unit move", args, 1, func(f fsFlags) {
			parent = f.String("parent", "", "new parent: id or exact name (required)")
		}, func(ctx context.Context, a *admin, pos []string) error {
			u, err := a.resolveUnit(ctx, pos[0])
			if err != nil {
				return err
			}
			p, err := a.resolveUnit(ctx, *parent)
			if err != nil {
				return err
			}
			if _, err := a.org.MoveUnit(ctx, a.sc, u.ID, p.ID); err != nil {
				return err
			}
			fmt.Fprintf(c.out, "moved %q under %q\n", u.Name, p.Name)
			return nil
		})
	}
}

func (c *cli) token(args []string) error {
	act, args, err := action(args, "create", "list", "revoke")
	if err != nil {
		return err
	}
	svc := func(a *admin) *auth.Service {
		return auth.NewService(auth.Deps{DB: a.db, Users: a.org, Log: slog.New(slog.DiscardHandler), Params: auth.DefaultPasswordParams, SessionTTL: time.Hour})
	}
	switch act {
	case "create":
		var login, name *string
		var ttl *time.Duration
		return c.withAdmin("token create", args, 0, func(f fsFlags) {
			login = f.String("login", "", "user the token acts as (required)")
			name = f.String("name", "", "what the token is for (required)")
			ttl = f.Duration("ttl", 0, "lifetime, e.g. 8760h (default: no expiry)")
		}, func(ctx context.Context, a *admin, _ []string) error {
			u, err := a.userByLogin(ctx, *login)
			if err != nil {
				return err
			}
			secret, t, err := svc(a).CreateToken(ctx, a.sc, u.ID, *name, *ttl)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.errOut, "token %s created for %s; it is shown only once:\n", t.ID, u.Login)
			fmt.Fprintln(c.out, secret)
			return nil
		})
	case "list":
		var login *string
		return c.withAdmin("token list", args, 0, func(f fsFlags) {
			login = f.String("login", "", "whose tokens (required)")
		}, func(ctx context.Context, a *admin, _ []string) error {
			u, err := a.userByLogin(ctx, *login)
			if err != nil {
				return err
			}
			tokens, err := svc(a).ListTokens(ctx, a.sc, u.ID)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(c.out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tNAME\tCREATED\tLAST USED")
			for _, t := range tokens {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.DateTime), t.LastUsedAt.Format(time.DateTime))
			}
			return tw.Flush()
		})
	default:
		return c.withAdmin("token revoke", args, 1, nil, func(ctx context.Context, a *admin, pos []string) error {
			if err := svc(a).RevokeToken(ctx, a.sc, pos[0]); err != nil {
				return err
			}
			fmt.Fprintln(c.out, "revoked", pos[0])
			return nil
		})
	}
}

func (c *cli) settings(args []string) (err error) {
	if _, args, err = action(args, "totp-roles"); err != nil {
		return err
	}
	positional := 0
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		positional = 1
	}
	fs, load := c.flags("settings totp-roles")
	cfg, pos, err := c.parse(fs, load, args, positional)
	if err != nil {
		return err
	}
	return c.runAdmin(cfg, func(ctx context.Context, a *admin) error {
		svc := auth.NewService(auth.Deps{DB: a.db, Users: a.org, Log: slog.New(slog.DiscardHandler), Params: auth.DefaultPasswordParams, SessionTTL: time.Hour})
		if len(pos) == 1 {
			var roles []access.Role
			if pos[0] != "none" {
				for _, name := range strings.Split(pos[0], ",") {
					r, err := access.ParseRole(name)
					if err != nil {
						return err
					}
					roles = append(roles, r)
				}
			}
			if err := svc.SetTOTPRequiredRoles(ctx, a.sc, roles); err != nil {
				return err
			}
		}
		roles, err := svc.TOTPRequiredRoles(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(c.out, "second factor required for: %v\n", roles)
		return nil
	})
}
