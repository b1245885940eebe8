package crm

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Cards is what the card pages add to the member and organisation cards:
// the audited read of a member's card (152-FZ: access to personal data is
// recorded), archive and restore, and the history of a card's changes
// read from the audit log.
type Cards struct {
	db      *db.DB
	members *Members
	orgs    *Organisations
}

// CardEvent is one line of a card's history.
type CardEvent struct {
	ID        string    `json:"id"`
	At        time.Time `json:"at"`
	ActorName string    `json:"actor_name"` // the person's full name
	// Action is the audit action without its object: create, update,
	// merge, merged_away, archive, restore, delete (an import undone).
	Action string `json:"action"`
	// Changed names the fields that changed (custom fields as
	// "custom.<key>"); values are not kept in the log.
	Changed []string `json:"changed,omitempty"`
	Note    string   `json:"note,omitempty"` // the name of a card merged into this one
	// From is the name of the card merged into this one whose event this
	// was; empty for the card's own events.
	From    string `json:"from,omitempty"`
	dropped string // a merge's dropped card
}

// ReadMember returns a card as GetMember does and records the read in the
// audit log: who opened whose card, when and from where.
func (s *Cards) ReadMember(ctx context.Context, sc access.Scope, id string) (Member, error) {
	m, err := s.members.GetMember(ctx, sc, id)
	if err != nil {
		return Member{}, err
	}
	return m, audit.Record(ctx, s.db, sc, audit.Entry{Action: "member.read", ObjectType: "member", ObjectID: id, UnitID: m.UnitID})
}

// ArchiveMember puts a card in the archive (archive true) or takes it
// out. An archived card leaves the list, the exports and the mailings
// (MemberFilter.Archived shows it) and keeps everything else.
func (s *Cards) ArchiveMember(ctx context.Context, sc access.Scope, id string, archive bool) (Member, error) {
	if err := requireEdit(sc); err != nil {
		return Member{}, err
	}
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getMember(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if (old.ArchivedAt != nil) == archive {
			m = old
			return nil
		}
		q, action := `DELETE FROM crm_member_archive WHERE member_id = $1`, "member.restore"
		args := []any{id}
		if archive {
			q, action = `INSERT INTO crm_member_archive (member_id, archived_at) VALUES ($1, $2)`, "member.archive"
			args = append(args, db.Now())
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("crm: %s: %w", action, err)
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "member", ObjectID: id, UnitID: old.UnitID,
			Details: map[string]any{"name": old.FullName}}); err != nil {
			return err
		}
		m, err = getMember(ctx, tx, sc, id)
		return err
	})
	return m, err
}

// ArchiveOrganisation marks an organisation's card archived (a primary
// organisation wound up) or takes the mark off. The unit stays in the
// tree; its members keep their cards.
func (s *Cards) ArchiveOrganisation(ctx context.Context, sc access.Scope, unitID string, archive bool) (Organisation, error) {
	if err := requireEdit(sc); err != nil {
		return Organisation{}, err
	}
	var o Organisation
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getOrganisation(ctx, tx, sc, unitID)
		if err != nil {
			return err
		}
		if (old.ArchivedAt != nil) == archive {
			o = old
			return nil
		}
		now, at, action := db.Now(), int64(0), "organisation.restore"
		if archive {
			at, action = now, "organisation.archive"
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_organisations (unit_id, created_at, updated_at, archived_at)
			VALUES ($1, $2, $2, $3) ON CONFLICT (unit_id) DO UPDATE SET archived_at = $3`, unitID, now, at); err != nil {
			return fmt.Errorf("crm: %s: %w", action, err)
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: action, ObjectType: "organisation", ObjectID: unitID, UnitID: unitID}); err != nil {
			return err
		}
		o, err = getOrganisation(ctx, tx, sc, unitID)
		return err
	})
	return o, err
}

// MemberHistory returns the changes of a card the caller may see, oldest
// first, with the people who made them by full name.
func (s *Cards) MemberHistory(ctx context.Context, sc access.Scope, id string) ([]CardEvent, error) {
	if _, err := s.members.GetMember(ctx, sc, id); err != nil {
		return nil, err
	}
	events, err := history(ctx, s.db, "member", id)
	if err != nil {
		return nil, err
	}
	// The cards merged into this one brought their history: it is kept
	// under their ids in the audit log and shown here, marked with their
	// names (From), as far as 20 merges back.
	var merged []CardEvent
	queue := mergedInto(events)
	for seen := 0; len(queue) > 0 && seen < 20; seen++ {
		c := queue[0]
		queue = queue[1:]
		more, err := history(ctx, s.db, "member", c.id)
		if err != nil {
			return nil, err
		}
		for i := range more {
			more[i].From = c.name
		}
		merged = append(merged, more...)
		queue = append(queue, mergedInto(more)...)
	}
	if len(merged) == 0 {
		return events, nil
	}
	events = append(events, merged...)
	slices.SortStableFunc(events, func(a, b CardEvent) int { return cmp.Or(a.At.Compare(b.At), cmp.Compare(a.ID, b.ID)) })
	return events, nil
}

type mergedCard struct{ id, name string }

// mergedInto lists the cards whose merges into this one events record.
func mergedInto(events []CardEvent) []mergedCard {
	var out []mergedCard
	for _, e := range events {
		if e.Action == "merge" && e.dropped != "" {
			out = append(out, mergedCard{e.dropped, e.Note})
		}
	}
	return out
}

// OrganisationHistory is MemberHistory for an organisation's card.
func (s *Cards) OrganisationHistory(ctx context.Context, sc access.Scope, unitID string) ([]CardEvent, error) {
	if _, err := s.orgs.GetOrganisation(ctx, sc, unitID); err != nil {
		return nil, err
	}
	return history(ctx, s.db, "organisation", unitID)
}

func history(ctx context.Context, q db.Execer, objectType, id string) ([]CardEvent, error) {
	rows, err := audit.History(ctx, q, objectType, id, 200)
	if err != nil {
		return nil, err
	}
	out := make([]CardEvent, 0, len(rows))
	for _, r := range rows {
		e := CardEvent{ID: r.ID, At: r.At, ActorName: r.ActorName, Action: strings.TrimPrefix(r.Action, objectType+".")}
		for _, key := range []string{"changed", "fields_taken"} {
			if list, ok := r.Details[key].([]any); ok {
				for _, v := range list {
					if s, ok := v.(string); ok {
						e.Changed = append(e.Changed, s)
					}
				}
			}
		}
		if e.Action == "merge" {
			e.Note, _ = r.Details["dropped_name"].(string)
			e.dropped, _ = r.Details["dropped"].(string)
		}
		out = append(out, e)
	}
	return out, nil
}
