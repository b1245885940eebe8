package privacy

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/blob"
	"github.com/profhub/profhub/internal/storage/db"
)

// Grounds of an erasure.
const (
	GroundRequest    = "request"    // the member asked
	GroundWithdrawal = "withdrawal" // the member withdrew consent to processing
)

// LegalBasis is why appeals and documents stay, with a pseudonym for the
// person, after an erasure.
const LegalBasis = "ч. 7 ст. 5 и п. 2 ч. 1 ст. 6 152-ФЗ: обращения и документы хранятся по правилам архивного хранения (125-ФЗ), субъект заменён псевдонимом"

// EraseInput is a request to erase a member's personal data.
type EraseInput struct {
	MemberID string `json:"member_id"`
	Ground   string `json:"ground"` // request | withdrawal
	Note     string `json:"note"`
	// OpenAppeals must be "keep" when the member has appeals not yet
	// closed: erasing then is a choice, and it is recorded.
	OpenAppeals string `json:"open_appeals"`
}

// Erasure is a member's erasure as recorded.
type Erasure struct {
	MemberID    string           `json:"member_id"`
	Pseudonym   string           `json:"pseudonym"`
	Ground      string           `json:"ground"`
	LegalBasis  string           `json:"legal_basis"`
	OpenAppeals string           `json:"open_appeals,omitempty"`
	Note        string           `json:"note,omitempty"`
	RequestedBy string           `json:"requested_by"`
	RequestedAt time.Time        `json:"requested_at"`
	CompletedAt time.Time        `json:"completed_at,omitzero"`
	Summary     map[string]int64 `json:"summary"`
	// Already says this request found the member erased: nothing was done.
	Already bool `json:"already,omitempty"`
}

// Erase anonymises a member: every holder erases or replaces its rows in
// one transaction, then the files go from the blob store and the traces
// from Redis. Appeals and documents stay with a pseudonym. A member erased
// already is a no-op; one with open appeals needs OpenAppeals "keep"; one
// under a legal hold is refused.
func (s *Service) Erase(ctx context.Context, sc access.Scope, in EraseInput) (Erasure, error) {
	if err := sc.Require(access.MergeMembers); err != nil {
		return Erasure{}, err
	}
	sub, err := s.subjects.Subject(ctx, sc, in.MemberID)
	if err != nil {
		return Erasure{}, err
	}
	if done, err := s.ErasureOf(ctx, sub.ID); err == nil && !done.CompletedAt.IsZero() {
		done.Already = true
		return done, nil
	} else if err != nil && !errors.Is(err, db.ErrNotFound) {
		return Erasure{}, err
	}
	if in.Ground != GroundRequest && in.Ground != GroundWithdrawal {
		return Erasure{}, valid.Keyed("ground", "ground", "privacy_ground", "the ground must be request or withdrawal")
	}
	if in.Note = strings.TrimSpace(in.Note); len([]rune(in.Note)) > 1000 {
		return Erasure{}, valid.Keyed("note", "too_long", "privacy_note", "the note must have at most 1000 characters")
	}
	if held, err := s.held(ctx, s.db, "member", sub.ID); err != nil || held {
		return Erasure{}, cmpErr(err, valid.Refuse(db.ErrConflict, "privacy_held", "the member's data is under a legal hold"))
	}
	open, err := s.subjects.OpenAppeals(ctx, sub.ID)
	if err != nil {
		return Erasure{}, err
	}
	switch {
	case open > 0 && in.OpenAppeals != "keep":
		return Erasure{}, valid.Refuse(db.ErrConflict, "privacy_open_appeals", "the member has %d open appeals: erase anyway with open_appeals \"keep\"", open)
	case open == 0:
		in.OpenAppeals = ""
	}
	e := &pdata.Erasure{MemberID: sub.ID, Pseudonym: pseudonym()}
	rec := Erasure{MemberID: sub.ID, Pseudonym: e.Pseudonym, Ground: in.Ground, LegalBasis: LegalBasis, OpenAppeals: in.OpenAppeals,
		Note: in.Note, RequestedBy: sc.UserName, RequestedAt: s.now()}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, h := range s.registered() {
			if err := h.Erase(ctx, tx, e); err != nil {
				return err
			}
		}
		pending, _ := json.Marshal(map[string]any{"blobs": e.Blobs, "traces": len(e.Traces)})
		_, err := tx.ExecContext(ctx, `INSERT INTO privacy_erasures (member_id, unit_id, pseudonym, ground, legal_basis, open_appeals, note,
			requested_by, requested_at, summary) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
			ON CONFLICT (member_id) DO UPDATE SET summary = excluded.summary`,
			sub.ID, sub.UnitID, e.Pseudonym, in.Ground, LegalBasis, in.OpenAppeals, in.Note, sc.UserName, rec.RequestedAt.UnixMilli(), string(pending))
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.erase_requested", ObjectType: "member", ObjectID: sub.ID, UnitID: sub.UnitID,
			Details: map[string]any{"ground": in.Ground, "open_appeals": open, "choice": in.OpenAppeals}})
	})
	if err != nil {
		return Erasure{}, wrap("erase", err)
	}
	return s.finishErasure(ctx, sc, sub, e, rec)
}

// finishErasure deletes the files and the Redis traces after the commit,
// then marks the erasure complete with what was done.
func (s *Service) finishErasure(ctx context.Context, sc access.Scope, sub Subject, e *pdata.Erasure, rec Erasure) (Erasure, error) {
	for _, k := range e.Blobs {
		if err := s.blobs.Delete(ctx, k); err != nil && !errors.Is(err, blob.ErrNotFound) {
			return Erasure{}, fmt.Errorf("privacy: erase file %s: %w", k, err)
		}
	}
	e.Count("files", int64(len(e.Blobs)))
	n, err := s.scrubRedis(ctx, e.Traces)
	if err != nil {
		return Erasure{}, err
	}
	e.Count("redis_values", n)
	rec.Summary = e.Counts
	rec.CompletedAt = s.now()
	summary, _ := json.Marshal(rec.Summary)
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE privacy_erasures SET completed_at = $2, summary = $3 WHERE member_id = $1`,
			sub.ID, rec.CompletedAt.UnixMilli(), string(summary)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, sc, audit.Entry{Action: "privacy.erase", ObjectType: "member", ObjectID: sub.ID, UnitID: sub.UnitID,
			Details: map[string]any{"ground": rec.Ground, "pseudonym": rec.Pseudonym, "done": rec.Summary}})
	})
	if err != nil {
		return Erasure{}, fmt.Errorf("privacy: erase: %w", err)
	}
	return rec, nil
}

// ErasureOf is the member's erasure record (db.ErrNotFound if none).
func (s *Service) ErasureOf(ctx context.Context, memberID string) (Erasure, error) {
	var r Erasure
	var req, done int64
	var summary string
	err := s.db.QueryRowContext(ctx, `SELECT member_id, pseudonym, ground, legal_basis, open_appeals, note, requested_by, requested_at, completed_at, summary
		FROM privacy_erasures WHERE member_id = $1`, memberID).Scan(&r.MemberID, &r.Pseudonym, &r.Ground, &r.LegalBasis, &r.OpenAppeals, &r.Note,
		&r.RequestedBy, &req, &done, &summary)
	if errors.Is(err, sql.ErrNoRows) {
		return Erasure{}, fmt.Errorf("privacy: erasure of %s: %w", memberID, db.ErrNotFound)
	}
	if err != nil {
		return Erasure{}, fmt.Errorf("privacy: erasure of %s: %w", memberID, err)
	}
	r.RequestedAt = db.Time(req)
	if done > 0 {
		r.CompletedAt = db.Time(done)
	}
	_ = json.Unmarshal([]byte(summary), &r.Summary)
	return r, nil
}

// Status is what the member card shows: the erasure, if any, and the
// open appeals an erasure would have to choose about.
func (s *Service) Status(ctx context.Context, sc access.Scope, memberID string) (map[string]any, error) {
	sub, err := s.subjects.Subject(ctx, sc, memberID)
	if err != nil {
		return nil, err
	}
	out := map[string]any{"member_id": sub.ID, "can_report": sc.Can(access.ReadAudit), "can_erase": sc.Can(access.MergeMembers)}
	if e, err := s.ErasureOf(ctx, sub.ID); err == nil && !e.CompletedAt.IsZero() {
		out["erasure"] = e
	}
	open, err := s.subjects.OpenAppeals(ctx, sub.ID)
	if err != nil {
		return nil, err
	}
	out["open_appeals"] = open
	out["held"], err = s.held(ctx, s.db, "member", sub.ID)
	return out, err
}

// pseudonym is a random name that says nothing of the person.
func pseudonym() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return "Субъект " + strings.ToUpper(hex.EncodeToString(b))
}
