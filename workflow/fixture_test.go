package workflow_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

// fixture: federation → committee A (chairman, deputy, secretary, two
// executors, with a primary organisation A1 below) and committee B with its
// own secretary.
type fixture struct {
	d                  *db.DB
	s                  *workflow.Services
	ctx                context.Context
	sys                access.Scope
	fed, a, a1, b      org.Unit
	chair, deputy, sec access.Scope
	exec1, exec2, secB access.Scope
	admin              access.Scope
}

func newFixture(t testing.TB, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	o := org.NewStore(d)
	sys := access.System("test")
	unit := func(parent string, kind org.UnitKind, name string) org.Unit {
		t.Helper()
		u, err := o.CreateUnit(ctx, sys, parent, kind, name)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f := &fixture{d: d, ctx: ctx}
	f.fed = unit("", org.Federation, "Федерация")
	sys.UnitID = f.fed.ID
	f.sys = sys
	f.a = unit(f.fed.ID, org.Committee, "Обком А")
	f.a1 = unit(f.a.ID, org.Primary, "ППО школы")
	f.b = unit(f.fed.ID, org.Committee, "Обком Б")
	f.chair = f.user(t, o, "chair", access.Chairman, f.a)
	f.deputy = f.user(t, o, "deputy", access.Deputy, f.a)
	f.sec = f.user(t, o, "sec", access.Secretary, f.a)
	f.exec1 = f.user(t, o, "exec1", access.Executor, f.a)
	f.exec2 = f.user(t, o, "exec2", access.Executor, f.a1)
	f.secB = f.user(t, o, "secb", access.Secretary, f.b)
	f.admin = f.user(t, o, "admin", access.Administrator, f.fed)
	bl, err := blob.NewDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if f.s, err = workflow.New(ctx, workflow.Deps{DB: d, Blobs: bl, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) user(t testing.TB, o *org.Store, login string, role access.Role, u org.Unit) access.Scope {
	t.Helper()
	usr, err := o.CreateUser(f.ctx, f.sys, org.NewUser{Login: login, FullName: "Тест " + login, Role: role, UnitID: u.ID, PasswordHash: "x"})
	if err != nil {
		t.Fatal(err)
	}
	return access.Scope{UserID: usr.ID, UserName: login, Role: role, UnitID: u.ID, UnitPath: u.Path, From: "test"}
}

func (f *fixture) register(t *testing.T, in workflow.DocumentInput) workflow.Document {
	t.Helper()
	doc, err := f.s.Documents.Register(f.ctx, f.sec, in)
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	return doc
}

func (f *fixture) decide(t *testing.T, sc access.Scope, id string, in workflow.DecisionInput) workflow.Document {
	t.Helper()
	doc, err := f.s.Engine.Decide(f.ctx, sc, id, in)
	if err != nil {
		t.Fatalf("%s decides %s: %v", sc.UserName, in.Decision, err)
	}
	return doc
}

func (f *fixture) openTasks(t *testing.T, sc access.Scope) []workflow.Task {
	t.Helper()
	ts, err := f.s.Tasks.MyTasks(f.ctx, sc)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

func wantStep(t *testing.T, d workflow.Document, step string, status workflow.Status) {
	t.Helper()
	if d.Step != step || d.Status != status {
		t.Fatalf("document at %s/%s, want %s/%s", d.Step, d.Status, step, status)
	}
}

func isNotFound(err error) bool { return errors.Is(err, db.ErrNotFound) }
