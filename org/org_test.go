package org_test

import (
	"context"
	"errors"
	"testing"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// tree builds federation → {committee A → primary A1, committee B}.
type tree struct {
	fed, a, a1, b org.Unit
	sys           access.Scope
}

func buildTree(t *testing.T, s *org.Store) tree {
	t.Helper()
	ctx := context.Background()
	sys := access.System("test")
	var tr tree
	must := func(u org.Unit, err error) org.Unit {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tr.fed = must(s.CreateUnit(ctx, sys, "", org.Federation, "Федерация профсоюзов"))
	sys.UnitID = tr.fed.ID
	tr.sys = sys
	tr.a = must(s.CreateUnit(ctx, sys, tr.fed.ID, org.Committee, "Обком А"))
	tr.a1 = must(s.CreateUnit(ctx, sys, tr.a.ID, org.Primary, "ППО завода"))
	tr.b = must(s.CreateUnit(ctx, sys, tr.fed.ID, org.Committee, "Обком Б"))
	return tr
}

func addUser(t *testing.T, s *org.Store, sc access.Scope, login string, role access.Role, unit string) org.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), sc, org.NewUser{Login: login, FullName: "Иванов " + login, Role: role, UnitID: unit, PasswordHash: "x"})
	if err != nil {
		t.Fatalf("create %s: %v", login, err)
	}
	return u
}

func TestUnitTree(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewStore(d)
		tr := buildTree(t, s)

		units, err := s.ListUnits(ctx, tr.sys, "")
		if err != nil || len(units) != 4 {
			t.Fatalf("ListUnits = %d units, %v", len(units), err)
		}
		if units[0].ID != tr.fed.ID || units[0].Depth() != 0 || tr.a1.Depth() != 2 {
			t.Fatalf("tree order or depth wrong: %+v", units[0])
		}
		found, err := s.ListUnits(ctx, tr.sys, "обком")
		if err != nil || len(found) != 2 {
			t.Fatalf("search by folded name = %d, %v", len(found), err)
		}

		// Move A under B: A1 must follow.
		moved, err := s.MoveUnit(ctx, tr.sys, tr.a.ID, tr.b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if moved.Path != tr.b.Path+tr.a.ID+"/" {
			t.Fatalf("moved path = %s", moved.Path)
		}
		a1, err := s.GetUnit(ctx, tr.sys, tr.a1.ID)
		if err != nil || a1.Path != moved.Path+tr.a1.ID+"/" {
			t.Fatalf("child path after move = %s, %v", a1.Path, err)
		}
		scB := access.Scope{Role: access.Operator, UnitID: tr.b.ID, UnitPath: tr.b.Path}
		if _, err := s.GetUnit(ctx, scB, tr.a1.ID); err != nil {
			t.Fatalf("B's operator should now see A1: %v", err)
		}
		// A cannot move under its own descendant.
		if _, err := s.MoveUnit(ctx, tr.sys, tr.a.ID, tr.a1.ID); !valid.Is(err) {
			t.Fatalf("move under descendant: %v", err)
		}
		if _, err := s.CreateUnit(ctx, tr.sys, tr.fed.ID, "kingdom", "X"); !valid.Is(err) {
			t.Fatalf("bad kind: %v", err)
		}
	})
}

func TestScopeIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewStore(d)
		tr := buildTree(t, s)
		adminA := addUser(t, s, tr.sys, "admin.a", access.Administrator, tr.a.ID)
		opA := addUser(t, s, tr.sys, "op.a", access.Operator, tr.a1.ID)
		opB := addUser(t, s, tr.sys, "op.b", access.Operator, tr.b.ID)
		chairA := addUser(t, s, tr.sys, "chair.a", access.Chairman, tr.a.ID)

		scOpA := opA.Scope("test")
		scAdminA := adminA.Scope("test")

		// Reads of B's rows by A's people: not found, never forbidden-with-details.
		if _, err := s.GetUser(ctx, scOpA, opB.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("operator A read B's user: %v", err)
		}
		if _, err := s.GetUnit(ctx, scOpA, tr.b.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("operator A read B's unit: %v", err)
		}
		if _, err := s.GetUnit(ctx, scOpA, tr.a.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("operator of A1 read the unit above: %v", err)
		}
		users, err := s.ListUsers(ctx, scAdminA, org.UserFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range users {
			if u.ID == opB.ID {
				t.Error("admin A lists B's operator")
			}
		}
		if len(users) != 3 {
			t.Errorf("admin A sees %d users, want 3", len(users))
		}
		// Writes into B by A's administrator fail; operators may not write at all.
		if _, err := s.CreateUser(ctx, scAdminA, org.NewUser{Login: "intruder", FullName: "X", Role: access.Operator, UnitID: tr.b.ID, PasswordHash: "h"}); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("admin A created a user in B: %v", err)
		}
		if err := s.SetDisabled(ctx, scAdminA, opB.ID, true); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("admin A disabled B's user: %v", err)
		}
		if _, err := s.MoveUnit(ctx, scAdminA, tr.a1.ID, tr.b.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("admin A moved a unit into B: %v", err)
		}
		if _, err := s.CreateUnit(ctx, scOpA, tr.a1.ID, org.Primary, "X"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator created a unit: %v", err)
		}
		role := access.Administrator
		if _, err := s.UpdateUser(ctx, scOpA, opA.ID, org.UserChanges{Role: &role}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator promoted themself: %v", err)
		}
		name := "Петров Пётр"
		if u, err := s.UpdateUser(ctx, scOpA, opA.ID, org.UserChanges{FullName: &name}); err != nil || u.FullName != name {
			t.Errorf("operator renamed themself: %v", err)
		}

		// Audit: B's rows are invisible to A's chairman; operators read none.
		if _, err := audit.List(ctx, d, scOpA, audit.Filter{}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("operator read the audit log: %v", err)
		}
		rows, err := audit.List(ctx, d, chairA.Scope("test"), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Fatal("chairman A sees no audit rows")
		}
		for _, r := range rows {
			if r.ObjectID == opB.ID || r.ObjectID == tr.b.ID {
				t.Errorf("chairman A sees B's audit row %s %s", r.Action, r.ObjectID)
			}
		}
		byB, err := audit.List(ctx, d, chairA.Scope("test"), audit.Filter{ObjectID: opB.ID})
		if err != nil || len(byB) != 0 {
			t.Errorf("audit by B's object id = %d rows, %v", len(byB), err)
		}
	})
}

func TestUserValidationAndConflicts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewStore(d)
		tr := buildTree(t, s)
		addUser(t, s, tr.sys, "petrov", access.Operator, tr.a.ID)
		errInvalid := errors.New("validation error")
		tests := []struct {
			name string
			n    org.NewUser
			want error
		}{
			{"duplicate login, other case", org.NewUser{Login: "PETROV", FullName: "П", Role: access.Operator, UnitID: tr.a.ID, PasswordHash: "h"}, db.ErrConflict},
			{"bad login", org.NewUser{Login: "a b", FullName: "П", Role: access.Operator, UnitID: tr.a.ID, PasswordHash: "h"}, errInvalid},
			{"bad role", org.NewUser{Login: "abc", FullName: "П", Role: "king", UnitID: tr.a.ID, PasswordHash: "h"}, errInvalid},
			{"bad email", org.NewUser{Login: "abc", FullName: "П", Email: "nope", Role: access.Operator, UnitID: tr.a.ID, PasswordHash: "h"}, errInvalid},
			{"no name", org.NewUser{Login: "abc", FullName: " ", Role: access.Operator, UnitID: tr.a.ID, PasswordHash: "h"}, errInvalid},
			{"unknown unit", org.NewUser{Login: "abc", FullName: "П", Role: access.Operator, UnitID: "nope", PasswordHash: "h"}, db.ErrNotFound},
		}
		for _, tc := range tests {
			_, err := s.CreateUser(ctx, tr.sys, tc.n)
			if tc.want == errInvalid && valid.Is(err) {
				continue
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
			}
		}
	})
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := org.NewStore(d)
		buildTree(t, s)
		if _, err := d.Exec(`UPDATE audit_log SET action = 'x'`); err == nil {
			t.Error("audit_log accepted an UPDATE")
		}
		if _, err := d.Exec(`DELETE FROM audit_log`); err == nil {
			t.Error("audit_log accepted a DELETE")
		}
	})
}
