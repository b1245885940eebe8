package privacy

import (
	"context"
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// ConsentFilter narrows the register. Zero fields do not filter.
type ConsentFilter struct {
	MemberID string
	From, To string // YYYY-MM-DD in the installation's zone, inclusive
	AskAgain bool   // only consents given under a text changed since
	Limit    int    // 0: 200; the export takes up to 100,000
}

// Consents lists the register of sc's subtree, newest first.
func (s *Service) Consents(ctx context.Context, sc access.Scope, f ConsentFilter) ([]ConsentEntry, error) {
	if err := sc.Require(access.ReadAudit); err != nil {
		return nil, err
	}
	if f.MemberID != "" {
		if _, err := s.subjects.Subject(ctx, sc, f.MemberID); err != nil {
			return nil, err
		}
	}
	from, err := s.dayStart("from", f.From, 0)
	if err != nil {
		return nil, err
	}
	to, err := s.dayStart("to", f.To, 1)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `
		SELECT c.id, c.member_id, c.kind, c.topic, c.given, c.text_version, c.channel, c.address, c.at, `+audit.ActorSQL("''", "c.recorded_by")+`,
		       c.text_version < (SELECT COALESCE(MAX(t.version), 0) FROM privacy_consent_texts t WHERE t.kind = c.kind)
		FROM privacy_consents c JOIN units u ON u.id = c.unit_id
		WHERE u.path >= $1 AND u.path < $2 AND ($3 = '' OR c.member_id = $3)
		  AND ($4 = 0 OR c.at >= $4) AND ($5 = 0 OR c.at < $5)
		ORDER BY c.at DESC, c.id DESC LIMIT $6`, lo, hi, f.MemberID, from, to, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("privacy: consents: %w", err)
	}
	defer rows.Close()
	out := []ConsentEntry{}
	var ids []string
	for rows.Next() {
		var e ConsentEntry
		var at int64
		var full, recorded string
		var stale bool
		if err := rows.Scan(&e.ID, &e.MemberID, &e.Kind, &e.Topic, &e.Given, &e.TextVersion, &e.Channel, &e.Address, &at, &full, &recorded, &stale); err != nil {
			return nil, fmt.Errorf("privacy: consents: %w", err)
		}
		e.At, e.RecordedBy, e.AskAgain = db.Time(at), audit.Actor(full, recorded), stale && e.Given
		if f.AskAgain && !e.AskAgain {
			continue
		}
		out = append(out, e)
		ids = append(ids, e.MemberID)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("privacy: consents: %w", err)
	}
	names, err := s.subjects.Names(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].MemberName = names[out[i].MemberID]
	}
	return out, nil
}

var consentColumns = []string{"Когда", "Член профсоюза", "Согласие", "Канал рассылки", "Дано или отозвано", "Версия текста",
	"Нужно спросить снова", "Способ", "Адрес", "Записал"}

// WriteConsentsXLSX exports the register for an inspection and records
// the export. Every text cell is made safe against formula injection.
func (s *Service) WriteConsentsXLSX(ctx context.Context, w io.Writer, sc access.Scope, f ConsentFilter) error {
	f.Limit = 100000
	list, err := s.Consents(ctx, sc, f)
	if err != nil {
		return err
	}
	sheet := [][]string{}
	for _, e := range list {
		given, again := "отозвано", ""
		if e.Given {
			given = "дано"
		}
		if e.AskAgain {
			again = "да"
		}
		sheet = append(sheet, []string{s.day(e.At.UnixMilli()), e.MemberName, kindNames[e.Kind], e.Topic, given,
			fmt.Sprint(e.TextVersion), again, channelName(e.Channel), e.Address, e.RecordedBy})
	}
	x := excelize.NewFile()
	defer x.Close()
	const name = "Реестр согласий"
	if err := x.SetSheetName(x.GetSheetName(0), name); err != nil {
		return fmt.Errorf("privacy: consents export: %w", err)
	}
	bold, err := x.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("privacy: consents export: %w", err)
	}
	if err := writeRows(x, name, append([][]string{consentColumns}, sheet...), bold); err != nil {
		return err
	}
	_ = x.SetColWidth(name, "A", "J", 20)
	if err := audit.Record(ctx, s.db, sc, audit.Entry{Action: "privacy.consents_export", ObjectType: "consent_register",
		Details: map[string]any{"rows": len(list), "from": f.From, "to": f.To, "member_id": f.MemberID}}); err != nil {
		return err
	}
	return x.Write(w)
}
