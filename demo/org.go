package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/auth"
	"github.com/profhub/profhub/org"
)

// Units is the demo tree by short name, for the parts that come after.
type Units map[string]org.Unit

func fillOrg(ctx context.Context, e Env, sc access.Scope, root org.Unit) (Units, error) {
	u := Units{"root": root}
	tree := []struct {
		key, parent string
		kind        org.UnitKind
		name        string
	}{
		{"edu", "root", org.Committee, "Областная организация профсоюза работников образования"},
		{"edu.school1", "edu", org.Primary, "ППО МОАУ «СОШ № 1» г. Оренбурга"},
		{"edu.college", "edu", org.Primary, "ППО ГАПОУ «Оренбургский колледж экономики и информатики»"},
		{"health", "root", org.Committee, "Областная организация профсоюза работников здравоохранения"},
		{"health.gkb1", "health", org.Primary, "ППО ГАУЗ «ГКБ № 1» г. Оренбурга"},
		{"health.okb", "health", org.Primary, "ППО ГБУЗ «Оренбургская областная клиническая больница»"},
		{"metal", "root", org.Committee, "Обком горно-металлургического профсоюза"},
		{"metal.steel", "metal", org.Primary, "ППО АО «Уральская Сталь»"},
		{"orsk", "root", org.Council, "Координационный совет профсоюзов г. Орска"},
		{"orsk.refinery", "orsk", org.Primary, "ППО ПАО «Орскнефтеоргсинтез»"},
	}
	for _, t := range tree {
		unit, err := e.Org.CreateUnit(ctx, sc, u[t.parent].ID, t.kind, t.name)
		if err != nil {
			return nil, err
		}
		u[t.key] = unit
	}
	hash, err := auth.HashPassword(Password, e.Params)
	if err != nil {
		return nil, err
	}
	people := []struct {
		login, name, email, unit string
		role                     access.Role
	}{
		{"chairman", "Кузнецова Татьяна Михайловна", "chairman@fpo.example", "root", access.Chairman},
		{"deputy", "Волков Сергей Петрович", "deputy@fpo.example", "root", access.Deputy},
		{"secretary", "Белова Ирина Алексеевна", "secretary@fpo.example", "root", access.Secretary},
		{"operator1", "Смирнова Ольга Викторовна", "smirnova@fpo.example", "root", access.Operator},
		{"operator2", "Тимофеев Андрей Николаевич", "timofeev@edu-profsoyuz.example", "edu", access.Operator},
		{"executor", "Николаев Павел Игоревич", "nikolaev@med-profsoyuz.example", "health", access.Executor},
		{"steel.chair", "Гришин Виктор Андреевич", "grishin@uralsteel-ppo.example", "metal.steel", access.Chairman},
	}
	for _, p := range people {
		if _, err := e.Org.CreateUser(ctx, sc, org.NewUser{Login: p.login, FullName: p.name, Email: p.email,
			Role: p.role, UnitID: u[p.unit].ID, PasswordHash: hash}); err != nil {
			return nil, fmt.Errorf("user %s: %w", p.login, err)
		}
	}
	return u, nil
}

// AdminLogin is the demo administrator's login, the same as the first
// start's.
const AdminLogin = "admin"

// fillAdmin makes the demo's administrator with e.AdminPassword, or with
// a random password that it prints once: the demo accounts share a known
// password, the administrator must not.
func fillAdmin(ctx context.Context, e Env, sc access.Scope, root org.Unit) error {
	pw, generated := e.AdminPassword, false
	if pw == "" {
		pw, generated = auth.RandomPassword(), true
	}
	hash, err := auth.HashPassword(pw, e.Params)
	if err != nil {
		return fmt.Errorf("PROFHUB_ADMIN_PASSWORD: %w", err)
	}
	if _, err := e.Org.CreateUser(ctx, sc, org.NewUser{Login: AdminLogin, FullName: "Администратор", Role: access.Administrator,
		UnitID: root.ID, PasswordHash: hash}); err != nil {
		return err
	}
	if generated {
		fmt.Fprintf(e.Out, "administrator %q created with the password %q; it is shown only now (or set PROFHUB_ADMIN_PASSWORD)\n", AdminLogin, pw)
	} else {
		fmt.Fprintf(e.Out, "administrator %q created with PROFHUB_ADMIN_PASSWORD\n", AdminLogin)
	}
	return nil
}
