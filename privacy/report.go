package privacy

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/access"
)

// Report is everything the hub holds about one member.
type Report struct {
	Subject Subject       `json:"-"`
	Name    string        `json:"name"`
	MadeAt  time.Time     `json:"made_at"`
	MadeBy  string        `json:"made_by"`
	Sheets  []pdata.Sheet `json:"sheets"`
}

// maxAccessRows bounds the access log part of a report.
const maxAccessRows = 5000

// Report collects the member's data from every registered holder, with
// the consent register and who read or changed their data, and records
// that it was made (format: "xlsx", "html" or "json"). Those who read the
// audit log make it, for a member in their scope.
func (s *Service) Report(ctx context.Context, sc access.Scope, memberID, format string) (Report, error) {
	if err := sc.Require(access.ReadAudit); err != nil {
		return Report{}, err
	}
	sub, err := s.subjects.Subject(ctx, sc, memberID)
	if err != nil {
		return Report{}, err
	}
	rep := Report{Subject: sub, Name: sub.FullName, MadeAt: s.now(), MadeBy: sc.UserName}
	for _, h := range s.registered() {
		sheets, err := h.Collect(ctx, s.db, memberID)
		if err != nil {
			return Report{}, err
		}
		rep.Sheets = append(rep.Sheets, sheets...)
	}
	log, err := s.accessSheet(ctx, sc, memberID)
	if err != nil {
		return Report{}, err
	}
	rep.Sheets = append(rep.Sheets, log)
	for i := range rep.Sheets {
		s.formatTimes(&rep.Sheets[i])
	}
	if err := s.record(ctx, sc, "privacy.report", sub, map[string]any{"format": format}); err != nil {
		return Report{}, err
	}
	return rep, nil
}

// accessSheet is who read or changed the member's data, oldest first.
func (s *Service) accessSheet(ctx context.Context, sc access.Scope, memberID string) (pdata.Sheet, error) {
	sheet := pdata.Sheet{Title: "Кто обращался к данным", Columns: []string{"Когда", "Кто", "Действие", "Откуда (IP)"}}
	f := AccessFilter{MemberID: memberID, All: true, Limit: 500}
	var all []AccessRow
	for len(all) < maxAccessRows {
		rows, err := s.AccessLog(ctx, sc, f)
		if err != nil {
			return sheet, err
		}
		all = append(all, rows...)
		if len(rows) < f.Limit {
			break
		}
		f.Before = rows[len(rows)-1].ID
	}
	for i := len(all) - 1; i >= 0; i-- {
		r := all[i]
		sheet.Add(s.day(r.At.UnixMilli()), r.ActorName, actionName(r.Action), r.IP)
	}
	return sheet, nil
}

// formatTimes writes the sheet's time columns as dates in the zone.
func (s *Service) formatTimes(sh *pdata.Sheet) {
	for _, row := range sh.Rows {
		for _, c := range sh.Times {
			if c < len(row) {
				ms, _ := strconv.ParseInt(row[c], 10, 64)
				row[c] = s.day(ms)
			}
		}
	}
}

// actionNames say in Russian what an audit action was, for the report.
var actionNames = map[string]string{
	"member.read": "открыл карточку", "member.create": "создал карточку", "member.update": "изменил карточку",
	"member.export": "выгрузил список", "member.archive": "убрал карточку в архив", "member.restore": "вернул из архива",
	"member.merge": "объединил карточки", "member.merged_away": "карточка объединена с другой",
	"telephony.recording_listen": "прослушал запись звонка", "telephony.recording_download": "скачал запись звонка",
	"privacy.report": "сформировал отчёт субъекту ПДн", "privacy.erase": "обезличил данные",
	"privacy.erase_requested": "принял запрос на обезличивание", "privacy.consent": "записал согласие",
	"appeal.create": "создал обращение", "appeal.update": "изменил обращение",
}

func actionName(a string) string {
	if n, ok := actionNames[a]; ok {
		return n
	}
	return a
}

func (r Report) String() string {
	return fmt.Sprintf("report on %s: %d parts", r.Subject.ID, len(r.Sheets))
}
