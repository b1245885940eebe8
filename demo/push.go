package demo

import (
	"context"

	"github.com/profhub/profhub/notify"
)

// fillPushChoices has the chairman and his deputy, who read and resolve on
// the move, choose push to the phone for what waits for their decision
// and for overdue deadlines (the profile's table shows it; a phone they
// switch on then gets those notices).
func fillPushChoices(ctx context.Context, e Env) error {
	if e.Notify == nil {
		return nil
	}
	kinds := []string{notify.DocumentResolution, notify.DocumentApproval, notify.DocumentAcquaintance, notify.DeadlineOverdue}
	for _, login := range []string{"chairman", "deputy"} {
		rec, err := e.Org.AuthByLogin(ctx, login)
		if err != nil {
			return err
		}
		var prefs []notify.Pref
		for _, k := range kinds {
			d := notify.Default(k)
			d.Push = true
			prefs = append(prefs, notify.Pref{Kind: k, Delivery: d})
		}
		if _, err := e.Notify.SetPrefs(ctx, rec.User.Scope("demo"), prefs); err != nil {
			return err
		}
	}
	return nil
}
