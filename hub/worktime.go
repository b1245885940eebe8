package hub

import (
	"context"

	"github.com/profhub/profhub/absence"
	"github.com/profhub/profhub/worktime"
)

// Working time reads the production calendar as it is (*workcal.Calendar
// satisfies worktime.Calendar) and the approved absences through
// worktimeAbsences.

func (h *Hub) newWorktime() *worktime.Service {
	return worktime.New(worktime.Deps{DB: h.DB, Log: h.Log, Zone: h.Config.Zone(), Calendar: h.WorkCal.Calendar(),
		Absences: WorktimeAbsences(h.Absences)})
}

// WorktimeAbsences is the absences as the time sheet reads them, for the
// demo too.
func WorktimeAbsences(a *absence.Service) worktime.Absences { return worktimeAbsences{a} }

type worktimeAbsences struct{ a *absence.Service }

func (w worktimeAbsences) Approved(ctx context.Context, path, from, to string) ([]worktime.Absence, error) {
	list, err := w.a.ApprovedIn(ctx, path, from, to)
	if err != nil {
		return nil, err
	}
	out := make([]worktime.Absence, len(list))
	for i, a := range list {
		out[i] = worktime.Absence{UserID: a.UserID, Kind: a.Kind, StartsOn: a.StartsOn, EndsOn: a.EndsOn}
	}
	return out, nil
}
