package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

const userColumns = `us.id, us.login, us.full_name, us.email, us.role, us.unit_id, un.name, un.path,
	us.lang, us.time_zone, us.disabled, us.totp_enabled, us.created_at, us.updated_at`

const userFrom = ` FROM users us JOIN units un ON un.id = us.unit_id `

// userTargets are the scan targets of userColumns, followed by more.
func userTargets(u *User, created, updated *int64, more ...any) []any {
	return append([]any{&u.ID, &u.Login, &u.FullName, &u.Email, &u.Role, &u.UnitID, &u.UnitName, &u.UnitPath,
		&u.Lang, &u.TimeZone, &u.Disabled, &u.TOTPEnabled, created, updated}, more...)
}

func scanUser(row interface{ Scan(...any) error }) (User, error) {
	var u User
	var created, updated int64
	err := row.Scan(userTargets(&u, &created, &updated)...)
	u.CreatedAt, u.UpdatedAt = db.Time(created), db.Time(updated)
	return u, err
}

// CreateUser adds a user to a unit in sc's subtree.
func (s *Store) CreateUser(ctx context.Context, sc access.Scope, n NewUser) (User, error) {
	if err := sc.Require(access.ManageUsers); err != nil {
		return User{}, err
	}
	login, err := NormalizeLogin(n.Login)
	if err != nil {
		return User{}, err
	}
	name, err := validName(n.FullName)
	if err != nil {
		return User{}, err
	}
	email, err := validEmail(n.Email)
	if err != nil {
		return User{}, err
	}
	lang, err := validLang(n.Lang)
	if err != nil {
		return User{}, err
	}
	if _, err := access.ParseRole(string(n.Role)); err != nil {
		return User{}, valid.Errorf("role", "role", "%v", err)
	}
	if n.PasswordHash == "" {
		return User{}, valid.Errorf("password", "password_required", "a password is required")
	}
	var u User
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		unit, err := getUnit(ctx, tx, sc, n.UnitID)
		if err != nil {
			return err
		}
		id := uuid.Must(uuid.NewV7()).String()
		now := db.Now()
		_, err = tx.ExecContext(ctx, `
			INSERT INTO users (id, login, full_name, name_folded, email, role, unit_id, password_hash, lang, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
			id, login, name, norm.Fold(name+" "+login), email, n.Role, unit.ID, n.PasswordHash, lang, now)
		if db.IsUniqueViolation(err) {
			return valid.Refuse(db.ErrConflict, "login_taken", "login %q is taken", login)
		}
		if err != nil {
			return fmt.Errorf("org: create user: %w", err)
		}
		u = User{ID: id, Login: login, FullName: name, Email: email, Role: n.Role, UnitID: unit.ID, UnitName: unit.Name,
			UnitPath: unit.Path, Lang: lang, CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "user.create", ObjectType: "user", ObjectID: id, UnitID: unit.ID,
			Details: map[string]any{"login": login, "role": n.Role}})
	})
	return u, err
}

// GetUser returns a user whose unit lies in sc's subtree.
func (s *Store) GetUser(ctx context.Context, sc access.Scope, id string) (User, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return User{}, err
	}
	return getUser(ctx, s.db, sc, id)
}

func getUser(ctx context.Context, q db.Execer, sc access.Scope, id string) (User, error) {
	lo, hi := sc.PathRange()
	u, err := scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+userFrom+`
		WHERE us.id = $1 AND un.path >= $2 AND un.path < $3`, id, lo, hi))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, userNotFound(id)
	}
	if err != nil {
		return User{}, fmt.Errorf("org: get user: %w", err)
	}
	return u, nil
}

// UserFilter narrows ListUsers; zero fields do not filter.
type UserFilter struct {
	Query           string // part of the name or login
	Role            access.Role
	UnitID          string // this unit and its subtree
	IncludeDisabled bool
	Limit, Offset   int
}

// ListUsers returns users in sc's subtree, sorted by name.
func (s *Store) ListUsers(ctx context.Context, sc access.Scope, f UserFilter) ([]User, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	lo, hi := sc.PathRange()
	if f.UnitID != "" {
		unit, err := getUnit(ctx, s.db, sc, f.UnitID)
		if err != nil {
			return nil, err
		}
		lo, hi = access.SubtreeRange(unit.Path)
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+userFrom+`
		WHERE un.path >= $1 AND un.path < $2
		  AND ($3 = '' OR us.name_folded LIKE '%' || $3 || '%' ESCAPE '\')
		  AND ($4 = '' OR us.role = $4)
		  AND ($5 OR NOT us.disabled)
		ORDER BY us.full_name, us.id
		LIMIT $6 OFFSET $7`, lo, hi, db.EscapeLike(norm.Fold(f.Query)), string(f.Role), f.IncludeDisabled, f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("org: list users: %w", err)
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("org: list users: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UpdateUser changes a user's name, e-mail, role, unit or language. Users
// may change their own name, e-mail and language; the rest needs
// ManageUsers, and an administrator cannot lift a user above their scope.
func (s *Store) UpdateUser(ctx context.Context, sc access.Scope, id string, ch UserChanges) (User, error) {
	self := sc.UserID != "" && sc.UserID == id
	if (!self || ch.Role != nil || ch.UnitID != nil) && !sc.Can(access.ManageUsers) {
		return User{}, sc.Require(access.ManageUsers)
	}
	var u User
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getUser(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		u = old
		changed := map[string]any{}
		if ch.FullName != nil {
			if u.FullName, err = validName(*ch.FullName); err != nil {
				return err
			}
			changed["full_name"] = []string{old.FullName, u.FullName}
		}
		if ch.Email != nil {
			if u.Email, err = validEmail(*ch.Email); err != nil {
				return err
			}
			changed["email"] = []string{old.Email, u.Email}
		}
		if ch.Lang != nil {
			if u.Lang, err = validLang(*ch.Lang); err != nil {
				return err
			}
			changed["lang"] = []string{old.Lang, u.Lang}
		}
		if ch.TimeZone != nil {
			if u.TimeZone, err = validTimeZone(*ch.TimeZone); err != nil {
				return err
			}
			changed["time_zone"] = []string{old.TimeZone, u.TimeZone}
		}
		if ch.Role != nil {
			if _, err := access.ParseRole(string(*ch.Role)); err != nil {
				return valid.Errorf("role", "role", "%v", err)
			}
			u.Role = *ch.Role
			changed["role"] = []access.Role{old.Role, u.Role}
		}
		if ch.UnitID != nil {
			unit, err := getUnit(ctx, tx, sc, *ch.UnitID)
			if err != nil {
				return err
			}
			u.UnitID, u.UnitName, u.UnitPath = unit.ID, unit.Name, unit.Path
			changed["unit_id"] = []string{old.UnitID, u.UnitID}
		}
		now := db.Now()
		u.UpdatedAt = db.Time(now)
		if _, err := tx.ExecContext(ctx, `
			UPDATE users SET full_name = $2, name_folded = $3, email = $4, role = $5, unit_id = $6, lang = $7, updated_at = $8,
				time_zone = $9
			WHERE id = $1`, id, u.FullName, norm.Fold(u.FullName+" "+u.Login), u.Email, u.Role, u.UnitID, u.Lang, now, u.TimeZone); err != nil {
			return fmt.Errorf("org: update user: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "user.update", ObjectType: "user", ObjectID: id, UnitID: u.UnitID, Details: changed})
	})
	return u, err
}

// SetDisabled disables or re-enables a user. Disabling also ends every
// session of theirs and revokes every API token in the same transaction: a
// disabled user is signed out everywhere at once, and re-enabling them later
// does not bring old credentials (perhaps copied by someone else) back.
func (s *Store) SetDisabled(ctx context.Context, sc access.Scope, id string, disabled bool) error {
	if err := sc.Require(access.ManageUsers); err != nil {
		return err
	}
	if disabled && sc.UserID == id {
		return valid.Errorf("", "disable_self", "you cannot disable yourself")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $2, updated_at = $3 WHERE id = $1`, id, disabled, db.Now()); err != nil {
			return fmt.Errorf("org: disable user: %w", err)
		}
		action := "user.enable"
		var details map[string]any
		if disabled {
			action = "user.disable"
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
				return fmt.Errorf("org: end sessions: %w", err)
			}
			res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at = 0`, id, db.Now())
			if err != nil {
				return fmt.Errorf("org: revoke tokens: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				details = map[string]any{"tokens_revoked": n}
			}
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "user", ObjectID: id, UnitID: u.UnitID, Details: details})
	})
}

// SetPasswordHash stores a new password hash; users may change their own.
// Every other session of the user ends, so a stolen session dies with the
// old password.
func (s *Store) SetPasswordHash(ctx context.Context, sc access.Scope, id, hash, keepSessionHash string) error {
	if sc.UserID != id {
		if err := sc.Require(access.ManageUsers); err != nil {
			return err
		}
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1`, id, hash, db.Now()); err != nil {
			return fmt.Errorf("org: set password: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, id, keepSessionHash); err != nil {
			return fmt.Errorf("org: end sessions: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "user.password", ObjectType: "user", ObjectID: id, UnitID: u.UnitID})
	})
}

// CountUsers counts all users, for the first-start check.
func (s *Store) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}
