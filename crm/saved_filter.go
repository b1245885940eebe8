package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/security/sharing"
	"github.com/profhub/profhub/internal/storage/db"
)

// SavedFilters keeps member filters under names.
type SavedFilters struct{ db *db.DB }

// SavedFilter is a member filter kept under a name: the owner's own, or
// shared with everyone whose scope covers the unit it was saved in. The
// mailing helper runs one as a campaign's segment (SavedFilters.SavedFilter, then
// EachMember), always with the scope of whoever runs it.
type SavedFilter struct {
	ID     string       `json:"id"`
	Name   string       `json:"name"`
	Shared bool         `json:"shared"`
	Filter MemberFilter `json:"filter"`
	// Query is Filter as the member list's query string, the form the
	// members page fills its fields from.
	Query     string    `json:"query"`
	OwnerID   string    `json:"owner_id"`
	UnitID    string    `json:"unit_id"`
	Mine      bool      `json:"mine"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// savedFilterKind is the saved filters' table under the sharing rule
// (package sharing: the owner's own, and shared ones saved in a unit of
// the caller's subtree or above it, whose members they then select).
var savedFilterKind = sharing.Kind[SavedFilter]{
	Table:   "crm_saved_filters",
	Columns: "f.id, f.name, f.shared, f.filter, f.owner_id, f.unit_id, f.created_at, f.updated_at",
	What:    "crm: saved filter",
	Scan:    scanSavedFilter,
}

func scanSavedFilter(row sharing.Row, sc access.Scope) (SavedFilter, error) {
	var f SavedFilter
	var js string
	var created, updated int64
	if err := row.Scan(&f.ID, &f.Name, &f.Shared, &js, &f.OwnerID, &f.UnitID, &created, &updated); err != nil {
		return f, err
	}
	if err := json.Unmarshal([]byte(js), &f.Filter); err != nil {
		return f, fmt.Errorf("crm: saved filter %s: stored JSON: %w", f.ID, err)
	}
	f.Mine = f.OwnerID == sc.UserID
	f.Query = f.Filter.listQuery()
	f.CreatedAt, f.UpdatedAt = db.Time(created), db.Time(updated)
	return f, nil
}

// SaveFilter stores a filter under a name; it is checked the way the list
// checks it, so a saved filter always runs. Paging is not kept.
func (s *SavedFilters) SaveFilter(ctx context.Context, sc access.Scope, name string, shared bool, f MemberFilter) (SavedFilter, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return SavedFilter{}, err
	}
	name, err := savedFilterName(name)
	if err != nil {
		return SavedFilter{}, err
	}
	if sc.UserID == "" {
		return SavedFilter{}, valid.Errorf("owner", "owner", "only a user may save filters")
	}
	f.Limit, f.Offset, f.After = 0, 0, ""
	if _, _, err := memberWhere(ctx, s.db, sc, f); err != nil {
		return SavedFilter{}, err
	}
	if _, _, err := memberSort(f.Sort); err != nil {
		return SavedFilter{}, err
	}
	js, _ := json.Marshal(f)
	now := db.Now()
	out := SavedFilter{ID: uuid.Must(uuid.NewV7()).String(), Name: name, Shared: shared, Filter: f, Query: f.listQuery(),
		OwnerID: sc.UserID, UnitID: sc.UnitID, Mine: true, CreatedAt: db.Time(now), UpdatedAt: db.Time(now)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_saved_filters (id, owner_id, unit_id, name, shared, filter, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, out.ID, out.OwnerID, out.UnitID, name, shared, string(js), now); err != nil {
			return fmt.Errorf("crm: save filter: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member_filter.save", ObjectType: "member_filter", ObjectID: out.ID,
			Details: map[string]any{"name": name, "shared": shared}})
	})
	return out, err
}

// SavedFilters lists the filters the caller may use, their own first.
func (s *SavedFilters) SavedFilters(ctx context.Context, sc access.Scope) ([]SavedFilter, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return nil, err
	}
	return savedFilterKind.List(ctx, s.db, sc, "f.name, f.id", 500)
}

// SavedFilter returns a filter the caller may use, ready for ListMembers
// or EachMember (which apply the caller's scope as always).
func (s *SavedFilters) SavedFilter(ctx context.Context, sc access.Scope, id string) (MemberFilter, error) {
	f, err := s.getSavedFilter(ctx, sc, id)
	return f.Filter, err
}

func (s *SavedFilters) getSavedFilter(ctx context.Context, sc access.Scope, id string) (SavedFilter, error) {
	if err := sc.Require(access.ReadDirectory); err != nil {
		return SavedFilter{}, err
	}
	return savedFilterKind.Get(ctx, s.db, sc, id)
}

// DeleteSavedFilter removes one of the caller's own filters; a shared
// filter may also be removed by an administrator or chairman above it.
func (s *SavedFilters) DeleteSavedFilter(ctx context.Context, sc access.Scope, id string) error {
	f, err := s.getSavedFilter(ctx, sc, id)
	if err != nil {
		return err
	}
	if !sharing.MayDelete(sc, f.OwnerID) {
		return valid.Refuse(access.ErrForbidden, "saved_filter_delete", "only the owner removes a saved filter")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM crm_saved_filters WHERE id = $1`, id); err != nil {
			return fmt.Errorf("crm: delete saved filter: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member_filter.delete", ObjectType: "member_filter", ObjectID: id,
			UnitID: f.UnitID, Details: map[string]any{"name": f.Name}})
	})
}

// savedFilterName folds the spaces of a filter's name and checks it.
func savedFilterName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || len([]rune(name)) > 200 {
		return "", valid.Keyed("name", "name", "saved_filter_name", "a saved filter needs a name of at most 200 characters")
	}
	return name, nil
}

// SavedFilterChange is what the owner may change of a saved filter: its
// name and whether it is shared with their unit's subtree (nil: kept).
type SavedFilterChange struct {
	Name   *string `json:"name"`
	Shared *bool   `json:"shared"`
}

// UpdateSavedFilter renames a filter or shares it (or stops sharing it);
// only its owner may, and it stays in the unit it was saved in.
func (s *SavedFilters) UpdateSavedFilter(ctx context.Context, sc access.Scope, id string, ch SavedFilterChange) (SavedFilter, error) {
	f, err := s.getSavedFilter(ctx, sc, id)
	if err != nil {
		return SavedFilter{}, err
	}
	if !f.Mine {
		return SavedFilter{}, valid.Refuse(access.ErrForbidden, "saved_filter_owner", "only the owner renames or shares a saved filter")
	}
	details := map[string]any{}
	if ch.Name != nil {
		name, err := savedFilterName(*ch.Name)
		if err != nil {
			return SavedFilter{}, err
		}
		if name != f.Name {
			details["name"] = []string{f.Name, name}
			f.Name = name
		}
	}
	if ch.Shared != nil && *ch.Shared != f.Shared {
		details["shared"] = []bool{f.Shared, *ch.Shared}
		f.Shared = *ch.Shared
	}
	if len(details) == 0 {
		return f, nil
	}
	now := db.Now()
	f.UpdatedAt = db.Time(now)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE crm_saved_filters SET name = $1, shared = $2, updated_at = $3 WHERE id = $4`,
			f.Name, f.Shared, now, id); err != nil {
			return fmt.Errorf("crm: update saved filter: %w", err)
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "member_filter.update", ObjectType: "member_filter", ObjectID: id,
			UnitID: f.UnitID, Details: details})
	})
	return f, err
}

// listQuery is the filter as the member list's query string (the inverse
// of memberFilterFromQuery, paging left out).
func (f MemberFilter) listQuery() string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	set("unit_id", f.UnitID)
	set("q", f.Query)
	set("industry", f.Industry)
	set("status", string(f.Status))
	set("kind", string(f.Kind))
	set("flag", f.Flag)
	set("consent", f.Consent)
	set("joined_from", f.JoinedFrom)
	set("joined_to", f.JoinedTo)
	set("archived", f.Archived)
	set("sort", f.Sort)
	if f.BirthMonth != 0 {
		q.Set("birth_month", strconv.Itoa(f.BirthMonth))
	}
	if f.Activist != nil {
		q.Set("activist", strconv.FormatBool(*f.Activist))
	}
	if f.CustomKey != "" {
		q.Set("custom."+f.CustomKey, f.CustomValue)
	}
	return q.Encode()
}
