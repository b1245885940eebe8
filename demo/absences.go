package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/internal/config"
)

// fillAbsences gives the staff a month of absences around today, so the
// chart at /absences has something in it whenever the demo is opened: a
// sick leave now (the executor), a vacation and a business trip entered by
// the chairman, and two requests awaiting her decision. operator1 stays
// at work, so the console's offers reach her.
func fillAbsences(ctx context.Context, e Env) error {
	if e.Absences == nil {
		return nil
	}
	zone := e.Zone
	if zone == nil {
		zone = config.DefaultZone()
	}
	today := time.Now().In(zone)
	day := func(d int) string { return today.AddDate(0, 0, d).Format(time.DateOnly) }
	chair, err := e.Org.AuthByLogin(ctx, "chairman")
	if err != nil {
		return err
	}
	head := chair.Scope("demo")
	rows := []struct {
		login, kind string
		from, to    int
		entered     bool // by the chairman, approved at once; else requested by the person
		comment     string
	}{
		{"executor", absence.SickLeave, -2, 3, true, "Листок нетрудоспособности № 910234567890"},
		{"operator2", absence.Vacation, 7, 20, true, "Ежегодный оплачиваемый отпуск по графику"},
		{"deputy", absence.BusinessTrip, 3, 5, true, "Семинар ФНПР, Москва"},
		{"secretary", absence.DayOff, 10, 10, false, "За работу в выходной 22 ноября"},
		{"steel.chair", absence.Vacation, 14, 27, false, "Отпуск по графику"},
	}
	for _, r := range rows {
		u, err := e.Org.AuthByLogin(ctx, r.login)
		if err != nil {
			return err
		}
		in := absence.Input{UserID: u.ID, Kind: r.kind, StartsOn: day(r.from), EndsOn: day(r.to), Comment: r.comment}
		sc := u.Scope("demo")
		if r.entered {
			sc = head
		}
		if _, err := e.Absences.Create(ctx, sc, in); err != nil {
			return fmt.Errorf("absence of %s: %w", r.login, err)
		}
	}
	return nil
}
