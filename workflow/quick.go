package workflow

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// QuickDecisions are the decisions of the caller's open task taskID that
// one press can make: those that need at most a comment (sign, approve,
// return, reject, "acquainted"), not a resolution, a dispatch or chosen
// people. A task that is not the caller's open one is not found. The
// staff's Telegram buttons offer them (the hub's adapter); the decision
// itself is Engine.Decide, as the web makes it.
func (s *Tasks) QuickDecisions(ctx context.Context, sc access.Scope, taskID string) (Task, []Decision, error) {
	list, err := s.tasks(ctx, taskSelect+`WHERE t.id = $1 AND t.assignee_id = $2 AND t.status = 'open'`, taskID, sc.UserID)
	if err != nil {
		return Task{}, nil, err
	}
	if len(list) == 0 {
		return Task{}, nil, fmt.Errorf("workflow: open task %s: %w", taskID, db.ErrNotFound)
	}
	t := list[0]
	def, err := loadDefinition(ctx, s.db, t.process, t.version)
	if err != nil {
		return Task{}, nil, err
	}
	st := stepOf(def, t.Step)
	if st == nil {
		return t, nil, nil
	}
	var out []Decision
	for _, d := range st.Decisions {
		if !d.Choose && d.Effect != EffectResolution && d.Effect != EffectDispatch {
			d.NeedComment = d.NeedComment || d.Effect == EffectReject
			out = append(out, d)
		}
	}
	return t, out, nil
}
