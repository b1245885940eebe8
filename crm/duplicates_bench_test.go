package crm_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/org"
)

// BenchmarkListDuplicates times the page of likely duplicates of a whole
// federation of PROFHUB_BENCH_MEMBERS cards (254,000 by default, a large
// regional federation) in 1,000 primary organisations: names drawn from
// short lists (so a full name repeats hundreds of times, and name with
// birth date now and then), a phone each, an e-mail for two in three, and
// about one card in 200 a copy of another's phone or e-mail.
//
//	go test -run '^$' -bench ListDuplicates -benchtime 5x ./crm/
func BenchmarkListDuplicates(b *testing.B) {
	n := 254000
	if v, err := strconv.Atoi(os.Getenv("PROFHUB_BENCH_MEMBERS")); err == nil && v > 0 {
		n = v
	}
	run := func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		s := crm.New(crm.Deps{DB: d})
		sys := access.System("bench")
		o := org.NewStore(d)
		fed, err := o.CreateUnit(ctx, sys, "", org.Federation, "Федерация")
		if err != nil {
			b.Fatal(err)
		}
		sys.UnitID = fed.ID
		units := make([]string, 1000)
		for i := range units {
			u, err := o.CreateUnit(ctx, sys, fed.ID, org.Primary, fmt.Sprintf("ППО № %d", i+1))
			if err != nil {
				b.Fatal(err)
			}
			units[i] = u.ID
		}
		if err := loadDuplicateBench(ctx, d, units, n); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		pairs := 0
		for b.Loop() {
			got, err := s.Members.ListDuplicates(ctx, sys, 100)
			if err != nil {
				b.Fatal(err)
			}
			pairs = len(got.Pairs)
		}
		b.ReportMetric(float64(pairs), "pairs")
	}
	b.Run("sqlite", func(b *testing.B) { run(b, dbtest.OpenSQLite(b)) })
	if dbtest.PostgresURL() != "" {
		b.Run("postgres", func(b *testing.B) { run(b, dbtest.OpenPostgres(b)) })
	}
}

// loadDuplicateBench writes n cards and their contacts straight into SQL,
// 500 to a statement, in one transaction.
func loadDuplicateBench(ctx context.Context, d *db.DB, units []string, n int) error {
	surnames := strings.Fields(`Иванов Смирнов Кузнецов Попов Васильев Петров Соколов Михайлов Новиков Фёдоров Морозов Волков
		Алексеев Лебедев Семёнов Егоров Павлов Козлов Степанов Николаев Орлов Андреев Макаров Никитин Захаров Зайцев Соловьёв
		Борисов Яковлев Григорьев Романов Воробьёв Сергеев Кузьмин Фролов Александров Дмитриев Королёв Гусев Киселёв`)
	given := strings.Fields(`Александр Сергей Дмитрий Андрей Алексей Иван Михаил Николай Владимир Евгений Павел Юрий Олег Виктор Игорь`)
	patr := strings.Fields(`Александрович Сергеевич Дмитриевич Андреевич Алексеевич Иванович Михайлович Николаевич Владимирович Петрович`)
	r := rand.New(rand.NewPCG(19, 35))
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	const per = 500
	var members, contacts []string
	var margs, cargs []any
	flush := func() error {
		if len(members) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crm_members (id, unit_id, surname, given_name, patronymic, name_folded, birth_date, status, created_at, updated_at)
				VALUES `+strings.Join(members, ", "), margs...); err != nil {
				return err
			}
		}
		if len(contacts) > 0 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO crm_member_contacts (kind, value, member_id) VALUES `+strings.Join(contacts, ", ")+
				` ON CONFLICT DO NOTHING`, cargs...); err != nil {
				return err
			}
		}
		members, contacts, margs, cargs = members[:0], contacts[:0], margs[:0], cargs[:0]
		return nil
	}
	for i := range n {
		id := fmt.Sprintf("bench-member-%07d", i)
		sn, gn, pn := surnames[r.IntN(len(surnames))], given[r.IntN(len(given))], patr[r.IntN(len(patr))]
		birth := fmt.Sprintf("%d-%02d-%02d", 1960+r.IntN(45), 1+r.IntN(12), 1+r.IntN(28))
		k := len(margs)
		members = append(members, fmt.Sprintf("($%d, $%d, $%d, $%d, $%d, $%d, $%d, 'member', 0, 0)", k+1, k+2, k+3, k+4, k+5, k+6, k+7))
		margs = append(margs, id, units[r.IntN(len(units))], sn, gn, pn, strings.ToLower(strings.ReplaceAll(sn+" "+gn+" "+pn, "ё", "е")), birth)
		phone := fmt.Sprintf("+79%09d", i)
		if i > 0 && r.IntN(200) == 0 {
			phone = fmt.Sprintf("+79%09d", r.IntN(i)) // a second card of someone already there
		}
		add := func(kind, v string) {
			k := len(cargs)
			contacts = append(contacts, fmt.Sprintf("($%d, $%d, $%d)", k+1, k+2, k+3))
			cargs = append(cargs, kind, v, id)
		}
		add("phone", phone)
		if r.IntN(3) > 0 {
			e := i
			if i > 0 && r.IntN(300) == 0 {
				e = r.IntN(i)
			}
			add("email", fmt.Sprintf("member%d@mail.example.ru", e))
		}
		if len(members) == per {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	// A running PostgreSQL has statistics by now (autovacuum; the shared
	// test server runs without it).
	if d.Dialect == db.Postgres {
		_, err = d.ExecContext(ctx, `ANALYZE`)
	}
	return err
}
