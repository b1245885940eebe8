package crm

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// AppealFilter narrows the appeal list; zero fields do not filter.
type AppealFilter struct {
	UnitID         string // this organisation and its subtree
	MemberID       string
	ConversationID string
	ResponsibleID  string
	CategoryID     string
	Mine           bool // the caller is responsible or a co-executor
	Status         AppealStatus
	Open           bool // new, in progress or waiting
	Overdue        bool // open and past the deadline
	Channel        string
	Query          string // words of the number, subject, topic or applicant
	CreatedBefore  time.Time
	Limit          int // 1–500, default 50
	Offset         int
}

// AppealPage is a page of appeals and the size of the selection.
type AppealPage struct {
	Appeals []Appeal `json:"appeals"`
	Total   int      `json:"total"`
}

// ListAppeals returns the appeals the caller may see that pass f, newest
// first; overdue ones are ordered by deadline, oldest first.
func (s *Appeals) ListAppeals(ctx context.Context, sc access.Scope, f AppealFilter) (AppealPage, error) {
	if err := requireAppeals(sc); err != nil {
		return AppealPage{}, err
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	conds := []string{appealVisible(sc, arg)}
	if f.UnitID != "" {
		var path string
		lo, hi := sc.PathRange()
		if err := s.db.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1 AND path >= $2 AND path < $3`, f.UnitID, lo, hi).Scan(&path); err != nil {
			return AppealPage{}, fmt.Errorf("crm: unit %s: %w", f.UnitID, db.ErrNotFound)
		}
		plo, phi := access.SubtreeRange(path)
		conds = append(conds, "u.path >= "+arg(plo)+" AND u.path < "+arg(phi))
	}
	for _, c := range []struct{ col, v string }{{"a.member_id", f.MemberID}, {"a.conversation_id", f.ConversationID},
		{"a.responsible_id", f.ResponsibleID}, {"a.channel", f.Channel}, {"a.category_id", f.CategoryID}} {
		if c.v != "" {
			conds = append(conds, c.col+" = "+arg(c.v))
		}
	}
	if f.Status != "" {
		if !slices.Contains(AppealStatuses, f.Status) {
			return AppealPage{}, valid.Errorf("status", "status", "status must be one of new, in_progress, waiting, resolved, rejected")
		}
		conds = append(conds, "a.status = "+arg(string(f.Status)))
	}
	if f.Mine {
		conds = append(conds, assignedTo(sc.UserID, arg))
	}
	if !f.CreatedBefore.IsZero() {
		conds = append(conds, "a.created_at < "+arg(f.CreatedBefore.UnixMilli()))
	}
	if f.Open || f.Overdue {
		conds = append(conds, "a.status IN ('new', 'in_progress', 'waiting')")
	}
	order := " ORDER BY a.created_at DESC, a.id DESC"
	if f.Overdue {
		conds = append(conds, "a.due_on <> '' AND a.due_on < "+arg(today()))
		order = " ORDER BY a.due_on, a.id"
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		if len(q) > 200 {
			return AppealPage{}, valid.Errorf("q", "too_long", "the search text must have at most 200 characters")
		}
		for _, w := range strings.Fields(norm.Fold(q)) {
			conds = append(conds, `a.search_folded LIKE `+arg("%"+db.EscapeLike(w)+"%")+` ESCAPE '\'`)
		}
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where := " WHERE " + strings.Join(conds, " AND ")
	var page AppealPage
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*)`+appealFrom+where, args...).Scan(&page.Total); err != nil {
		return AppealPage{}, fmt.Errorf("crm: count appeals: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+appealColumns+appealFrom+where+order+
		` LIMIT `+arg(f.Limit)+` OFFSET `+arg(max(f.Offset, 0)), args...)
	if err != nil {
		return AppealPage{}, fmt.Errorf("crm: list appeals: %w", err)
	}
	defer rows.Close()
	page.Appeals = []Appeal{}
	for rows.Next() {
		a, err := scanAppeal(rows)
		if err != nil {
			return AppealPage{}, fmt.Errorf("crm: list appeals: %w", err)
		}
		page.Appeals = append(page.Appeals, a)
	}
	if err := rows.Err(); err != nil {
		return AppealPage{}, fmt.Errorf("crm: list appeals: %w", err)
	}
	ptrs := make([]*Appeal, len(page.Appeals))
	for i := range page.Appeals {
		ptrs[i] = &page.Appeals[i]
	}
	return page, loadCoExecutors(ctx, s.db, ptrs)
}

// FromConversation says how to file an appeal from an inbox conversation.
type FromConversation struct {
	AppealInput
	MessageIDs []string `json:"message_ids"` // the messages it is about; empty: every inbound message
}

// CreateAppealFromConversation files an appeal from a conversation the
// caller may see: the channel is the conversation's, the text the
// referenced inbound messages (all of them when none are named), and the
// member the one given or the one the conversation's contact is linked
// to. A member given here is also linked to the contact, so the next
// conversation finds them.
func (s *Appeals) CreateAppealFromConversation(ctx context.Context, sc access.Scope, convID string, in FromConversation) (Appeal, error) {
	if s.conv == nil {
		return Appeal{}, errors.New("crm: appeals from conversations need the inbox (Deps.Conversations)")
	}
	conv, err := s.conv.GetConversation(ctx, sc, convID)
	if err != nil {
		return Appeal{}, err
	}
	msgs, err := s.conv.Messages(ctx, sc, convID, 0, 500)
	if err != nil {
		return Appeal{}, err
	}
	var ids, texts []string
	for _, m := range msgs {
		if m.Direction != inbox.DirIn || len(in.MessageIDs) > 0 && !slices.Contains(in.MessageIDs, m.ID) {
			continue
		}
		ids = append(ids, m.ID)
		if t := strings.TrimSpace(m.Text); t != "" {
			texts = append(texts, m.CreatedAt.In(s.zone).Format("02.01.2006 15:04")+": "+t)
		}
	}
	if len(in.MessageIDs) > 0 && len(ids) != len(in.MessageIDs) {
		return Appeal{}, valid.Errorf("message_ids", "message", "message_ids must name inbound messages of this conversation")
	}
	a := in.AppealInput
	a.Channel = appealChannel(conv)
	if a.Text == "" {
		a.Text = strings.Join(texts, "\n\n")
	}
	if a.Subject == "" {
		a.Subject = conv.Subject
	}
	if a.Subject == "" && len(texts) > 0 {
		a.Subject = firstWords(texts[0][len("02.01.2006 15:04: "):], 12)
	}
	if a.Applicant == "" {
		a.Applicant = conv.ContactName
	}
	if a.MemberID == "" {
		a.MemberID = s.contactMember(ctx, conv.ContactID)
	}
	ap, err := s.createAppeal(ctx, sc, a, conv.ID, ids)
	if err != nil {
		return Appeal{}, err
	}
	if err := s.conv.NoteAppeal(ctx, sc, conv.ID, inbox.AppealNote{ID: ap.ID, Number: ap.Number, Subject: ap.Subject}); err != nil {
		return ap, fmt.Errorf("crm: appeal %s filed, but the conversation's history was not written: %w", ap.Number, err)
	}
	if in.MemberID != "" {
		if _, err := s.conv.LinkMember(ctx, sc, conv.ID, in.MemberID); err != nil {
			return ap, fmt.Errorf("crm: appeal %s filed, but linking the member to the contact failed: %w", ap.Number, err)
		}
	}
	return ap, nil
}

// contactMember is the member an inbox contact is linked to, or "". It
// reads the inbox's contact table: the link is the CRM's own data.
func (s *Appeals) contactMember(ctx context.Context, contactID string) string {
	var id string
	_ = s.db.QueryRowContext(ctx, `SELECT member_id FROM inbox_contacts WHERE id = $1`, contactID).Scan(&id)
	return id
}

func appealChannel(c inbox.Conversation) string {
	if slices.Contains(AppealChannels, c.ChannelKind) {
		return c.ChannelKind
	}
	switch c.ChannelKind {
	case inbox.KindMail:
		return "email"
	case inbox.KindTelephony:
		return "phone"
	}
	return "other"
}

func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) > n {
		return strings.Join(w[:n], " ") + "…"
	}
	return strings.Join(w, " ")
}
