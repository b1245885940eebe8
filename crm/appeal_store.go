package crm

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Appeals keeps the appeal cards: their creation (also from a
// conversation, appeal_query.go), changes and the searchable list. What a
// card shows below its fields is AppealDetails'; categories are
// AppealCategories'; deadline notices AppealNotices'.
type Appeals struct {
	db *db.DB
	// conv is the inbox, for appeals made from conversations; nil refuses them.
	conv ConversationReader
	// alerts tells people of appeals given to them (appeal_alert.go); nil: nobody.
	alerts Alerter
	zone   *time.Location // of the times quoted in texts
	// calendar counts working-day deadlines; nil: Monday to Friday.
	calendar WorkingDays
}

const appealColumns = `a.id, a.number, a.unit_id, u.name, a.member_id, COALESCE(m.surname || ' ' || m.given_name || ' ' || m.patronymic, ''),
	a.applicant, a.channel, a.conversation_id, a.message_ids, a.topic, a.subject, a.text, a.status, a.priority, a.responsible_id,
	a.due_on, a.resolution, a.created_by, a.created_at, a.updated_at, a.closed_at, a.category_id, COALESCE(c.name, ''), COALESCE(ru.full_name, ''), a.custom`

const appealFrom = ` FROM crm_appeals a JOIN units u ON u.id = a.unit_id LEFT JOIN crm_members m ON m.id = a.member_id
	LEFT JOIN crm_appeal_categories c ON c.id = a.category_id LEFT JOIN users ru ON ru.id = a.responsible_id `

func scanAppeal(row interface{ Scan(...any) error }) (Appeal, error) {
	var a Appeal
	var msgs, custom string
	var created, updated, closed int64
	err := row.Scan(&a.ID, &a.Number, &a.UnitID, &a.UnitName, &a.MemberID, &a.MemberName, &a.Applicant, &a.Channel,
		&a.ConversationID, &msgs, &a.Topic, &a.Subject, &a.Text, &a.Status, &a.Priority, &a.ResponsibleID, &a.DueOn,
		&a.Resolution, &a.CreatedBy, &created, &updated, &closed, &a.CategoryID, &a.CategoryName, &a.ResponsibleName, &custom)
	if err != nil {
		return a, err
	}
	if err := json.Unmarshal([]byte(msgs), &a.MessageIDs); err != nil {
		return a, fmt.Errorf("crm: appeal %s: stored JSON: %w", a.ID, err)
	}
	if err := json.Unmarshal([]byte(custom), &a.Custom); err != nil {
		return a, fmt.Errorf("crm: appeal %s: stored JSON: %w", a.ID, err)
	}
	a.MemberName = strings.Join(strings.Fields(a.MemberName), " ")
	a.CreatedAt, a.UpdatedAt = db.Time(created), db.Time(updated)
	if closed != 0 {
		a.ClosedAt = db.Time(closed)
	}
	a.Overdue = a.Status.open() && a.DueOn != "" && a.DueOn < today()
	return a, nil
}

// CreateAppeal files an appeal by hand (a phone call, a letter, a visit).
func (s *Appeals) CreateAppeal(ctx context.Context, sc access.Scope, in AppealInput) (Appeal, error) {
	return s.createAppeal(ctx, sc, in, "", nil)
}

// createAppeal files an appeal, made from convID's messages msgIDs when
// convID is set. The unit is the member's organisation unless given; both
// must lie in the caller's scope.
func (s *Appeals) createAppeal(ctx context.Context, sc access.Scope, in AppealInput, convID string, msgIDs []string) (Appeal, error) {
	if err := requireAppeals(sc); err != nil {
		return Appeal{}, err
	}
	if err := in.normalize(); err != nil {
		return Appeal{}, err
	}
	if msgIDs == nil {
		msgIDs = []string{}
	}
	var id string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkAppealLinks(ctx, tx, sc, &in); err != nil {
			return err
		}
		// An appeal made from a conversation may leave required fields
		// empty: the console's dialog has none.
		var err error
		if in.Custom, err = cardCustom(ctx, tx, sc, EntityAppeal, in.UnitID, in.Custom, convID == ""); err != nil {
			return err
		}
		if err := setDueOn(ctx, tx, sc, &in, nil, s.calendar); err != nil {
			return err
		}
		now := db.Now()
		year := time.Now().Year()
		var n int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO crm_appeal_counters (year, last) VALUES ($1, 1)
			ON CONFLICT (year) DO UPDATE SET last = crm_appeal_counters.last + 1 RETURNING last`, year).Scan(&n); err != nil {
			return fmt.Errorf("crm: appeal number: %w", err)
		}
		id = uuid.Must(uuid.NewV7()).String()
		number := fmt.Sprintf("%d-%06d", year, n)
		msgs, _ := json.Marshal(msgIDs)
		closed := int64(0)
		if !in.Status.open() {
			closed = now
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO crm_appeals (id, number, unit_id, member_id, applicant, channel,
			conversation_id, message_ids, topic, subject, text, status, priority, responsible_id, due_on, resolution,
			search_folded, created_by, created_at, updated_at, closed_at, category_id, custom)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, $21, $22)`,
			id, number, in.UnitID, in.MemberID, in.Applicant, in.Channel, convID, string(msgs), in.Topic, in.Subject, in.Text,
			in.Status, in.Priority, in.ResponsibleID, in.DueOn, in.Resolution, appealSearch(number, in), sc.UserID, now, closed,
			in.CategoryID, customJSON(in.Custom)); err != nil {
			return fmt.Errorf("crm: create appeal: %w", err)
		}
		if err := setCoExecutors(ctx, tx, id, in.CoExecutorIDs); err != nil {
			return err
		}
		if err := addAppealEvent(ctx, tx, sc, id, "create", appealChanges(ctx, tx, AppealInput{CoExecutorIDs: []string{}}, in)); err != nil {
			return err
		}
		if err := alertAssigned(ctx, tx, s.alerts, sc, id, number, AppealInput{}, in); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "appeal.create", ObjectType: "appeal", ObjectID: id, UnitID: in.UnitID,
			Details: map[string]any{"number": number, "member_id": in.MemberID, "conversation_id": convID, "channel": in.Channel}})
	})
	if err != nil {
		return Appeal{}, err
	}
	return getAppeal(ctx, s.db, sc, id)
}

func appealSearch(number string, in AppealInput) string {
	return norm.Fold(strings.Join([]string{number, in.Subject, in.Topic, in.Applicant}, " "))
}

// checkAppealLinks checks the member, the organisation and the responsible
// person of an appeal against the caller's scope, and takes the unit from
// the member when none is given.
func (s *Appeals) checkAppealLinks(ctx context.Context, tx db.Execer, sc access.Scope, in *AppealInput) error {
	if in.MemberID != "" {
		m, err := getMember(ctx, tx, sc, in.MemberID)
		if err != nil {
			return err
		}
		if in.UnitID == "" {
			in.UnitID = m.UnitID
		}
	}
	if in.UnitID == "" {
		in.UnitID = sc.UnitID
	}
	if _, err := unitInScope(ctx, tx, sc, in.UnitID); err != nil {
		return err
	}
	// The responsible person and the co-executors must work in the
	// appeal's organisation or above it, so that they can see what they
	// are given.
	people := in.CoExecutorIDs
	field := map[string]string{}
	if in.ResponsibleID != "" {
		people = append([]string{in.ResponsibleID}, people...)
		field[in.ResponsibleID] = "responsible_id"
	}
	for _, id := range people {
		var userPath, unitPath string
		var disabled bool
		err := tx.QueryRowContext(ctx, `SELECT hu.path, us.disabled, (SELECT path FROM units WHERE id = $2)
			FROM users us JOIN units hu ON hu.id = us.unit_id WHERE us.id = $1`, id, in.UnitID).Scan(&userPath, &disabled, &unitPath)
		if errors.Is(err, sql.ErrNoRows) || err == nil && (disabled || !strings.HasPrefix(unitPath, userPath)) {
			f := cmp.Or(field[id], "co_executor_ids")
			return valid.Errorf(f, "responsible", "%s: every executor must be an active user of the appeal's organisation or above it", f)
		}
		if err != nil {
			return fmt.Errorf("crm: appeal executor: %w", err)
		}
	}
	return nil
}

// GetAppeal returns an appeal the caller may see.
func (s *Appeals) GetAppeal(ctx context.Context, sc access.Scope, id string) (Appeal, error) {
	if err := requireAppeals(sc); err != nil {
		return Appeal{}, err
	}
	return getAppeal(ctx, s.db, sc, id)
}

func getAppeal(ctx context.Context, q db.Execer, sc access.Scope, id string) (Appeal, error) {
	args := []any{id}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	a, err := scanAppeal(q.QueryRowContext(ctx, `SELECT `+appealColumns+appealFrom+`WHERE a.id = $1 AND `+appealVisible(sc, arg), args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Appeal{}, appealNotFound(id)
	}
	if err != nil {
		return Appeal{}, fmt.Errorf("crm: get appeal: %w", err)
	}
	if err := loadCoExecutors(ctx, q, []*Appeal{&a}); err != nil {
		return Appeal{}, err
	}
	return a, nil
}

// UpdateAppeal replaces the editable fields of an appeal. Closing it
// (resolved, rejected) needs a resolution text.
func (s *Appeals) UpdateAppeal(ctx context.Context, sc access.Scope, id string, in AppealInput) (Appeal, error) {
	if err := requireAppeals(sc); err != nil {
		return Appeal{}, err
	}
	if err := in.normalize(); err != nil {
		return Appeal{}, err
	}
	if !in.Status.open() && in.Resolution == "" {
		return Appeal{}, valid.Errorf("resolution", "required", "a resolved or rejected appeal needs the resolution text")
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getAppeal(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		if err := s.checkAppealLinks(ctx, tx, sc, &in); err != nil {
			return err
		}
		if in.Custom, err = cardCustom(ctx, tx, sc, EntityAppeal, in.UnitID, in.Custom, true); err != nil {
			return err
		}
		if err := setDueOn(ctx, tx, sc, &in, &old, s.calendar); err != nil {
			return err
		}
		changes := appealChanges(ctx, tx, old.AppealInput, in)
		if len(changes) == 0 {
			return nil
		}
		changed := slices.Sorted(maps.Keys(changes))
		now := db.Now()
		closed := int64(0)
		switch {
		case !in.Status.open() && old.Status.open():
			closed = now
		case !in.Status.open():
			closed = old.ClosedAt.UnixMilli()
		}
		if _, err := tx.ExecContext(ctx, `UPDATE crm_appeals SET unit_id = $2, member_id = $3, applicant = $4, channel = $5,
			topic = $6, subject = $7, text = $8, status = $9, priority = $10, responsible_id = $11, due_on = $12, resolution = $13,
			search_folded = $14, updated_at = $15, closed_at = $16, category_id = $17, custom = $18 WHERE id = $1`,
			id, in.UnitID, in.MemberID, in.Applicant, in.Channel, in.Topic, in.Subject, in.Text, in.Status, in.Priority,
			in.ResponsibleID, in.DueOn, in.Resolution, appealSearch(old.Number, in), now, closed, in.CategoryID, customJSON(in.Custom)); err != nil {
			return fmt.Errorf("crm: update appeal: %w", err)
		}
		if _, ok := changes["co_executors"]; ok {
			if _, err := tx.ExecContext(ctx, `DELETE FROM crm_appeal_executors WHERE appeal_id = $1`, id); err != nil {
				return fmt.Errorf("crm: update appeal: %w", err)
			}
			if err := setCoExecutors(ctx, tx, id, in.CoExecutorIDs); err != nil {
				return err
			}
		}
		if err := addAppealEvent(ctx, tx, sc, id, "update", changes); err != nil {
			return err
		}
		if err := alertAssigned(ctx, tx, s.alerts, sc, id, old.Number, old.AppealInput, in); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "appeal.update", ObjectType: "appeal", ObjectID: id, UnitID: in.UnitID,
			Details: map[string]any{"number": old.Number, "changed": changed, "status": in.Status, "from_unit": old.UnitID}})
	})
	if err != nil {
		return Appeal{}, err
	}
	return getAppeal(ctx, s.db, sc, id)
}
