package crm

import (
	"context"
	"slices"
	"strconv"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Alert is a notice for one person that the hub's notification centre
// (package notify) shows on the bell: an appeal given to them. Key names
// the event, so it is recorded once.
type Alert struct {
	Key    string
	UserID string
	Kind   string // AlertAppealAssigned
	Text   string // the appeal's number and subject
	Link   string
}

// AlertAppealAssigned is the kind of the alert to a new responsible person
// or co-executor (the notification centre's name).
const AlertAppealAssigned = "appeal_assigned"

// Alerter records alerts inside the appeal's transaction; the hub
// satisfies it with the notification service.
type Alerter interface {
	Alert(ctx context.Context, tx db.Execer, a Alert) error
}

// AppealLink is where an appeal is worked in the web UI.
func AppealLink(id string) string { return "/appeals?id=" + id }

// alertAssigned tells the people an appeal has just been given to (the
// responsible person and co-executors who were not before), except the
// one who gave it. They are executors of the appeal's organisation or
// above it (checkAppealLinks), so they may see it.
func alertAssigned(ctx context.Context, tx db.Execer, alerts Alerter, sc access.Scope, id, number string, before, after AppealInput) error {
	if alerts == nil {
		return nil
	}
	now := strconv.FormatInt(db.Now(), 10)
	people := append([]string{after.ResponsibleID}, after.CoExecutorIDs...)
	had := append([]string{before.ResponsibleID}, before.CoExecutorIDs...)
	seen := map[string]bool{}
	for _, u := range people {
		if u == "" || u == sc.UserID || seen[u] || slices.Contains(had, u) {
			continue
		}
		seen[u] = true
		if err := alerts.Alert(ctx, tx, Alert{Key: "crm-appeal:" + id + ":" + now, UserID: u, Kind: AlertAppealAssigned,
			Text: number + " · " + after.Subject, Link: AppealLink(id)}); err != nil {
			return err
		}
	}
	return nil
}
