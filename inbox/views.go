package inbox

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/sharing"
	"github.com/profhub/profhub/internal/storage/db"
)

// MaxViewsPerUser bounds the views one user saves: the console lists them
// all in one menu.
const MaxViewsPerUser = 30

// MaxViewNameRunes bounds a view's name, shown in that menu.
const MaxViewNameRunes = 80

// ViewFilter is every part of the console's list filter as the console
// has it: the tab, the fields above the list and the search's own. The
// names of the line and labels are kept beside their ids when saved, so a
// view whose line or label is gone can say which.
type ViewFilter struct {
	Tab              string `json:"tab"` // mine, queue, all, snoozed, closed
	Query            string `json:"q,omitempty"`
	LineID           string `json:"line_id,omitempty"`
	LineName         string `json:"line_name,omitempty"`
	ChannelKind      string `json:"channel,omitempty"`
	LabelID          string `json:"label_id,omitempty"`
	LabelName        string `json:"label_name,omitempty"`
	ContactLabelID   string `json:"contact_label_id,omitempty"`
	ContactLabelName string `json:"contact_label_name,omitempty"`
	Text             string `json:"text,omitempty"` // words of the messages
	Status           string `json:"status,omitempty"`
	OperatorID       string `json:"operator_id,omitempty"`
	From             string `json:"from,omitempty"` // YYYY-MM-DD
	To               string `json:"to,omitempty"`
	Sort             string `json:"sort,omitempty"`
	CustomKey        string `json:"custom_key,omitempty"`
	CustomValue      string `json:"custom_value,omitempty"`
}

var viewTabs = map[string]url.Values{
	"mine":    {"status": {"open"}, "mine": {"true"}},
	"queue":   {"status": {StatusWaiting}},
	"all":     {"status": {"open"}},
	"closed":  {"status": {StatusClosed}},
	"snoozed": {"status": {"snoozed"}, "mine": {"true"}},
}

// Values is the filter as the conversation list's query string, the one
// the console sends (a text search replaces the tab by its own status).
func (f ViewFilter) Values() url.Values {
	q := url.Values{}
	if f.Text != "" {
		q.Set("text", f.Text)
		for k, v := range map[string]string{"sort": f.Sort, "status": f.Status, "operator_id": f.OperatorID, "from": f.From, "to": f.To} {
			if v != "" {
				q.Set(k, v)
			}
		}
	} else {
		for k, v := range viewTabs[f.Tab] {
			q[k] = v
		}
	}
	for k, v := range map[string]string{"q": f.Query, "line_id": f.LineID, "channel": f.ChannelKind, "label_id": f.LabelID,
		"contact_label_id": f.ContactLabelID} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.CustomKey != "" && f.CustomValue != "" {
		q.Set("custom."+f.CustomKey, f.CustomValue)
	}
	return q
}

// View is a saved view of the console's list: the owner's own, or shared
// with everyone whose scope covers the unit it was saved in (package
// sharing). Missing names the parts whose line or label is gone; the
// view opens without them. Count is how many conversations it shows now.
type View struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Shared    bool          `json:"shared"`
	Mine      bool          `json:"mine"`
	OwnerID   string        `json:"owner_id"`
	UnitID    string        `json:"unit_id"`
	Filter    ViewFilter    `json:"filter"`
	Missing   []ViewMissing `json:"missing"`
	Count     int           `json:"count"`
	CreatedAt time.Time     `json:"created_at"`
	UpdatedAt time.Time     `json:"updated_at"`
}

// ViewMissing is a part of a view that is gone: kind is line, label or
// contact_label; name is what it was called when the view was saved.
type ViewMissing struct {
	Kind string `json:"kind"`
	Name string `json:"name"`
}

// Views keeps the console's saved views.
type Views struct{ *core }

var viewKind = sharing.Kind[View]{
	Table:   "inbox_saved_views",
	Columns: "f.id, f.name, f.shared, f.filter, f.owner_id, f.unit_id, f.created_at, f.updated_at",
	What:    "inbox: view",
	Scan:    scanView,
}

func scanView(row sharing.Row, sc access.Scope) (View, error) {
	var v View
	var js string
	var created, updated int64
	if err := row.Scan(&v.ID, &v.Name, &v.Shared, &js, &v.OwnerID, &v.UnitID, &created, &updated); err != nil {
		return v, err
	}
	if err := json.Unmarshal([]byte(js), &v.Filter); err != nil {
		return v, fmt.Errorf("inbox: view %s: stored JSON: %w", v.ID, err)
	}
	v.Mine = v.OwnerID == sc.UserID
	v.CreatedAt, v.UpdatedAt = db.Time(created), db.Time(updated)
	v.Missing = []ViewMissing{}
	return v, nil
}

// List returns the views the caller may open, their own first, each with
// what is missing of it.
func (vs *Views) List(ctx context.Context, sc access.Scope) ([]View, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return nil, err
	}
	out, err := viewKind.List(ctx, vs.db, sc, "f.name, f.id", 200)
	if err != nil {
		return nil, err
	}
	for i := range out {
		if err := vs.missing(ctx, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Get returns one view the caller may open, with what is missing of it.
func (vs *Views) Get(ctx context.Context, sc access.Scope, id string) (View, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return View{}, err
	}
	v, err := viewKind.Get(ctx, vs.db, sc, id)
	if err != nil {
		return View{}, err
	}
	return v, vs.missing(ctx, &v)
}

// missing finds the line and labels of v that are gone, notes them and
// takes them out of v's filter: the view opens with the rest.
func (vs *Views) missing(ctx context.Context, v *View) error {
	for _, p := range []struct {
		kind, table string
		id, name    *string
	}{{"line", "inbox_lines", &v.Filter.LineID, &v.Filter.LineName},
		{"label", "inbox_labels", &v.Filter.LabelID, &v.Filter.LabelName},
		{"contact_label", "inbox_labels", &v.Filter.ContactLabelID, &v.Filter.ContactLabelName}} {
		if *p.id == "" {
			continue
		}
		var n int
		if err := vs.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+p.table+` WHERE id = $1`, *p.id).Scan(&n); err != nil {
			return fmt.Errorf("inbox: view parts: %w", err)
		}
		if n == 0 {
			v.Missing = append(v.Missing, ViewMissing{Kind: p.kind, Name: *p.name})
			*p.id, *p.name = "", ""
		}
	}
	return nil
}

// Save stores the console's filter under a name, the caller's own or
// shared with their unit; a user keeps at most MaxViewsPerUser. check
// parses the filter the way the list does, so a saved view always runs.
func (vs *Views) Save(ctx context.Context, sc access.Scope, name string, shared bool, f ViewFilter, check func(url.Values) error) (View, error) {
	if err := sc.Require(access.AnswerInbox); err != nil {
		return View{}, err
	}
	if sc.UserID == "" {
		return View{}, valid.Errorf("owner", "owner", "only a user may save views")
	}
	name = strings.Join(strings.Fields(name), " ")
	if n := utf8.RuneCountInString(name); n == 0 || n > MaxViewNameRunes {
		return View{}, valid.Errorf("name", "view_name", "a view's name has 1 to %d characters", MaxViewNameRunes)
	}
	if _, ok := viewTabs[f.Tab]; !ok {
		return View{}, valid.Errorf("tab", "view_tab", "tab must be mine, queue, all, snoozed or closed")
	}
	if err := check(f.Values()); err != nil {
		return View{}, err
	}
	if err := vs.names(ctx, &f); err != nil {
		return View{}, err
	}
	js, _ := json.Marshal(f)
	now := db.Now()
	v := View{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Shared: shared, Mine: true, OwnerID: sc.UserID, UnitID: sc.UnitID,
		Filter: f, Missing: []ViewMissing{}, CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
	err := vs.db.Tx(ctx, func(tx *sql.Tx) error {
		n, err := viewKind.Owned(ctx, tx, sc.UserID)
		if err != nil {
			return err
		}
		if n >= MaxViewsPerUser {
			return valid.Refuse(db.ErrConflict, "view_limit", "you have %d saved views, the most one may keep", MaxViewsPerUser)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_saved_views (id, owner_id, unit_id, name, shared, filter, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, v.ID, v.OwnerID, v.UnitID, name, shared, string(js), now); err != nil {
			return fmt.Errorf("inbox: save view: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.view_save", ObjectType: "inbox_view", ObjectID: v.ID,
			Details: map[string]any{"name": name, "shared": shared}})
	})
	return v, err
}

// names fills in the names of the filter's line and labels, refusing ids
// that name nothing.
func (vs *Views) names(ctx context.Context, f *ViewFilter) error {
	f.LineName, f.LabelName, f.ContactLabelName = "", "", ""
	for _, p := range []struct {
		field, table string
		id, name     *string
	}{{"line_id", "inbox_lines", &f.LineID, &f.LineName}, {"label_id", "inbox_labels", &f.LabelID, &f.LabelName},
		{"contact_label_id", "inbox_labels", &f.ContactLabelID, &f.ContactLabelName}} {
		if *p.id == "" {
			continue
		}
		err := vs.db.QueryRowContext(ctx, `SELECT name FROM `+p.table+` WHERE id = $1`, *p.id).Scan(p.name)
		if errors.Is(err, sql.ErrNoRows) {
			return valid.Errorf(p.field, "view_part_unknown", "the view names a line or label that does not exist")
		}
		if err != nil {
			return fmt.Errorf("inbox: view parts: %w", err)
		}
	}
	return nil
}

// ViewChange is what the owner may change of a view (nil: kept).
type ViewChange struct {
	Name   *string `json:"name"`
	Shared *bool   `json:"shared"`
}

// Update renames a view or shares it (or stops sharing it); its owner only.
func (vs *Views) Update(ctx context.Context, sc access.Scope, id string, ch ViewChange) (View, error) {
	v, err := vs.Get(ctx, sc, id)
	if err != nil {
		return View{}, err
	}
	if !v.Mine {
		return View{}, valid.Refuse(access.ErrForbidden, "view_owner", "only the owner renames or shares a view")
	}
	if ch.Name != nil {
		name := strings.Join(strings.Fields(*ch.Name), " ")
		if n := utf8.RuneCountInString(name); n == 0 || n > MaxViewNameRunes {
			return View{}, valid.Errorf("name", "view_name", "a view's name has 1 to %d characters", MaxViewNameRunes)
		}
		v.Name = name
	}
	if ch.Shared != nil {
		v.Shared = *ch.Shared
	}
	now := db.Now()
	v.UpdatedAt = db.Time(now)
	err = vs.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_saved_views SET name = $1, shared = $2, updated_at = $3 WHERE id = $4`,
			v.Name, v.Shared, now, id); err != nil {
			return fmt.Errorf("inbox: update view: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.view_update", ObjectType: "inbox_view", ObjectID: id,
			UnitID: v.UnitID, Details: map[string]any{"name": v.Name, "shared": v.Shared}})
	})
	return v, err
}

// Delete removes the caller's own view; a shared one may also be removed
// by an administrator or a chairman who sees it.
func (vs *Views) Delete(ctx context.Context, sc access.Scope, id string) error {
	v, err := vs.Get(ctx, sc, id)
	if err != nil {
		return err
	}
	if !sharing.MayDelete(sc, v.OwnerID) {
		return valid.Refuse(access.ErrForbidden, "view_delete", "only the owner removes a view")
	}
	return vs.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM inbox_saved_views WHERE id = $1`, id); err != nil {
			return fmt.Errorf("inbox: delete view: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "inbox.view_delete", ObjectType: "inbox_view", ObjectID: id,
			UnitID: v.UnitID, Details: map[string]any{"name": v.Name}})
	})
}
