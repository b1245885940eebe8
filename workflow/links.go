package workflow

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// An appeal card of the CRM can become an incoming document, and a
// member's documents stand on the member's CRM timeline next to their
// appeals, calls and letters.

// linkedAppeal is what a document takes from the appeal it came from.
type linkedAppeal struct {
	ID, Number, MemberID, MemberName, Applicant, Channel, Subject, Text string
	Priority                                                            int
	CreatedAt                                                           int64
}

// appealFor reads an appeal the caller may see under the CRM's rule (its
// organisation in the caller's subtree, or the caller is responsible). The
// rule is applied here in SQL rather than through crm.GetAppeal because
// that needs the inbox permission, which a secretary may not have.
func appealFor(ctx context.Context, q db.Execer, sc access.Scope, id string) (linkedAppeal, error) {
	lo, hi := sc.PathRange()
	var a linkedAppeal
	err := q.QueryRowContext(ctx, `SELECT a.id, a.number, a.member_id, COALESCE(m.surname || ' ' || m.given_name || ' ' || m.patronymic, ''), a.applicant, a.channel,
		a.subject, a.text, a.priority, a.created_at
		FROM crm_appeals a JOIN units u ON u.id = a.unit_id LEFT JOIN crm_members m ON m.id = a.member_id
		WHERE a.id = $1 AND ((u.path >= $2 AND u.path < $3) OR (a.responsible_id <> '' AND a.responsible_id = $4))`,
		id, lo, hi, sc.UserID).Scan(&a.ID, &a.Number, &a.MemberID, &a.MemberName, &a.Applicant, &a.Channel,
		&a.Subject, &a.Text, &a.Priority, &a.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return a, valid.Errorf("appeal_id", "link_missing", "the appeal does not exist or is not visible to you")
	}
	if err != nil {
		return a, fmt.Errorf("workflow: appeal link: %w", err)
	}
	return a, nil
}

// RegisterFromAppeal registers an incoming document from an appeal card:
// subject, text, applicant, member, channel and priority are taken from
// the card; in may add or override the rest (medium, deadline, …).
func (s *Documents) RegisterFromAppeal(ctx context.Context, sc access.Scope, appealID string, in DocumentInput) (Document, error) {
	if err := sc.Require(access.RegisterDocuments); err != nil {
		return Document{}, err
	}
	a, err := appealFor(ctx, s.db, sc, appealID)
	if err != nil {
		return Document{}, err
	}
	in.Kind, in.AppealID = KindIncoming, a.ID
	or := func(p *string, v string) {
		if strings.TrimSpace(*p) == "" {
			*p = v
		}
	}
	or(&in.Title, a.Subject)
	or(&in.Summary, cut(a.Text, 5000))
	or(&in.Correspondent, cut(firstOf(strings.Join(strings.Fields(a.MemberName), " "), a.Applicant), 500))
	or(&in.MemberID, a.MemberID)
	or(&in.OrigNumber, a.Number)
	or(&in.Delivery, a.Channel)
	or(&in.ReceivedOn, time.UnixMilli(a.CreatedAt).In(Zone()).Format(time.DateOnly))
	if in.Priority == 0 {
		in.Priority = a.Priority
	}
	return s.Register(ctx, sc, in)
}

func firstOf(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}

// cut keeps at most n runes of s.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Timeline puts the documents linked to a member on the member's CRM
// timeline; the hub registers it as the "documents" source.
type Timeline struct{ S *Journal }

// MemberTimeline lists the member's documents the caller may see, newest
// first (by registration time).
func (t Timeline) MemberTimeline(ctx context.Context, sc access.Scope, m crm.Member, before time.Time, limit int) ([]crm.TimelineEntry, error) {
	cond, args := visible(sc, 4)
	b := int64(1) << 62
	if !before.IsZero() {
		b = before.UnixMilli()
	}
	rows, err := t.S.db.QueryContext(ctx, `SELECT `+docColumns+docFrom+` WHERE d.member_id = $1 AND d.created_at < $2 AND `+cond+
		` ORDER BY d.created_at DESC, d.id DESC LIMIT $3`, append([]any{m.ID, b, limit}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("workflow: member timeline: %w", err)
	}
	defer rows.Close()
	out := []crm.TimelineEntry{}
	now := t.S.nowMillis()
	for rows.Next() {
		d, err := scanDocument(rows, now)
		if err != nil {
			return nil, err
		}
		out = append(out, crm.TimelineEntry{At: d.CreatedAt, Kind: "document", ID: d.ID, Title: d.Number + " " + d.Title,
			Summary: cut(d.Summary, 200), Status: string(d.Status), Link: "/documents#doc/" + d.ID})
	}
	return out, rows.Err()
}
