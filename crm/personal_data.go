package crm

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/profhub/profhub/internal/pdata"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// PersonalData is what the CRM keeps about a member, for the subject
// report and the erasure (152-FZ; package privacy drives them): the card
// with its custom fields and consents, its organisation, the appeals
// with their comments and files, and the CRM's side tables.
type PersonalData struct{}

// Tables are the CRM's tables with a member's rows.
func (PersonalData) Tables() []string {
	return []string{"crm_members", "crm_member_contacts", "crm_member_words", "crm_member_archive", "crm_appeals",
		"crm_appeal_comments", "crm_appeal_files", "crm_appeal_events", "crm_link_dismissals", "crm_import_batch_members"}
}

// Collect returns the card, the organisation and the appeals.
func (PersonalData) Collect(ctx context.Context, q db.Execer, memberID string) ([]pdata.Sheet, error) {
	rows, err := pdata.Rows(ctx, q, `
		SELECT m.surname, m.given_name, m.patronymic, m.birth_date, m.sex, m.phones, m.emails, m.workplace, m.position,
		       m.industry, m.status, m.joined_on, m.left_on, m.left_reason, m.card_number, m.discount_card, m.flags,
		       m.consents, m.custom, m.kind, m.created_at, m.updated_at, u.name, COALESCE(o.full_name, ''), COALESCE(o.address, '')
		FROM crm_members m JOIN units u ON u.id = m.unit_id LEFT JOIN crm_organisations o ON o.unit_id = m.unit_id
		WHERE m.id = $1`, memberID)
	if err != nil {
		return nil, fmt.Errorf("crm: personal data of %s: %w", memberID, err)
	}
	if len(rows) == 0 {
		return nil, nil
	}
	r := rows[0]
	card := pdata.Sheet{Title: "Карточка", Columns: []string{"Поле", "Значение"}}
	labels := []string{"Фамилия", "Имя", "Отчество", "Дата рождения", "Пол", "Телефоны", "Эл. почта", "Место работы", "Должность",
		"Отрасль", "Статус", "Вступил", "Выбыл", "Причина выбытия", "Профсоюзный билет", "Карта ПрофДисконт", "Роли актива"}
	for i, l := range labels {
		card.Add(l, listText(r[i]))
	}
	card.Add("Вид карточки", r[19])
	custom := pdata.Sheet{Title: "Дополнительные поля", Columns: []string{"Поле", "Значение"}}
	var values map[string]any
	_ = json.Unmarshal([]byte(r[18]), &values)
	labelOf := customLabels(ctx, q)
	for k, v := range values {
		name := labelOf[k]
		if name == "" {
			name = k
		}
		custom.Add(name, fmt.Sprint(v))
	}
	consents := pdata.Sheet{Title: "Согласия на карточке", Columns: []string{"Согласие", "Дано", "Дата", "Источник"}}
	var c Consents
	_ = json.Unmarshal([]byte(r[17]), &c)
	add := func(name string, x *Consent) {
		if x != nil {
			consents.Add(name, yesNo(x.Given), x.Date, x.Source)
		}
	}
	add("Обработка персональных данных", c.Processing)
	add("Реклама", c.Advertising)
	for _, ch := range Channels {
		if x, ok := c.Mailings[ch]; ok {
			add("Рассылки: "+ch, &x)
		}
	}
	orgs := pdata.Sheet{Title: "Организации", Columns: []string{"Первичная организация", "Полное наименование", "Адрес"}}
	orgs.Add(r[22], r[23], r[24])
	appeals := pdata.Sheet{Title: "Обращения", Columns: []string{"Номер", "Канал", "Тема", "Текст", "Статус", "Решение", "Создано", "Закрыто"}, Times: []int{6, 7}}
	if appeals.Rows, err = pdata.Rows(ctx, q, `SELECT number, channel, subject, text, status, resolution, created_at, closed_at
		FROM crm_appeals WHERE member_id = $1 ORDER BY created_at`, memberID); err != nil {
		return nil, fmt.Errorf("crm: appeals of %s: %w", memberID, err)
	}
	comments := pdata.Sheet{Title: "Комментарии и файлы обращений", Columns: []string{"Обращение", "Что", "Автор", "Текст или файл", "Когда"}, Times: []int{4}}
	if comments.Rows, err = pdata.Rows(ctx, q, `
		SELECT a.number, 'комментарий', c.author_name, c.text, c.created_at FROM crm_appeal_comments c JOIN crm_appeals a ON a.id = c.appeal_id WHERE a.member_id = $1
		UNION ALL
		SELECT a.number, 'файл', f.uploaded_by, f.name, f.uploaded_at FROM crm_appeal_files f JOIN crm_appeals a ON a.id = f.appeal_id WHERE a.member_id = $1
		ORDER BY 5`, memberID); err != nil {
		return nil, fmt.Errorf("crm: appeal comments of %s: %w", memberID, err)
	}
	return []pdata.Sheet{card, custom, consents, orgs, appeals, comments}, nil
}

// Erase replaces the card's personal fields with the pseudonym, empties
// its contacts, custom fields and consents, takes it out of search and
// puts it in the archive (out of lists, exports and mailings). Appeals
// are kept for the archive rules with the person replaced and their
// texts, comments and files erased.
func (PersonalData) Erase(ctx context.Context, tx db.Execer, e *pdata.Erasure) error {
	var phones, emails string
	if err := tx.QueryRowContext(ctx, `SELECT phones, emails FROM crm_members WHERE id = $1`, e.MemberID).Scan(&phones, &emails); err != nil {
		return fmt.Errorf("crm: erase %s: %w", e.MemberID, err)
	}
	var list []string
	_ = json.Unmarshal([]byte(phones), &list)
	e.Trace(list...)
	list = nil
	_ = json.Unmarshal([]byte(emails), &list)
	e.Trace(list...)
	now := db.Now()
	steps := []struct {
		name, q string
	}{
		{"card", `UPDATE crm_members SET surname = $2, given_name = '', patronymic = '', name_folded = $3, birth_date = '', sex = '',
			phones = '[]', emails = '[]', workplace = '', position = '', industry = '', left_reason = '', card_number = '', discount_card = '',
			activist = FALSE, flags = '[]', consents = '{}', consent_channels = ',', custom = '{}', updated_at = $4 WHERE id = $1`},
		{"contacts", `DELETE FROM crm_member_contacts WHERE member_id = $1`},
		{"words", `DELETE FROM crm_member_words WHERE member_id = $1`},
		{"dismissals", `DELETE FROM crm_link_dismissals WHERE member_id = $1`},
		{"import_undo", `DELETE FROM crm_import_batch_members WHERE member_id = $1`},
		{"appeal_comments", `UPDATE crm_appeal_comments SET text = '[удалено]' WHERE appeal_id IN (SELECT id FROM crm_appeals WHERE member_id = $1)`},
		{"appeal_events", `UPDATE crm_appeal_events SET details = '{}' WHERE appeal_id IN (SELECT id FROM crm_appeals WHERE member_id = $1)`},
		{"appeals", `UPDATE crm_appeals SET applicant = $2, text = '', message_ids = '[]', search_folded = $3, updated_at = $4 WHERE member_id = $1`},
	}
	keys, err := pdata.Strings(ctx, tx, `SELECT f.blob_key FROM crm_appeal_files f JOIN crm_appeals a ON a.id = f.appeal_id WHERE a.member_id = $1`, e.MemberID)
	if err != nil {
		return fmt.Errorf("crm: erase files of %s: %w", e.MemberID, err)
	}
	e.Blob(keys...)
	if _, err := tx.ExecContext(ctx, `DELETE FROM crm_appeal_files WHERE appeal_id IN (SELECT id FROM crm_appeals WHERE member_id = $1)`, e.MemberID); err != nil {
		return fmt.Errorf("crm: erase files of %s: %w", e.MemberID, err)
	}
	e.Count("appeal_files", int64(len(keys)))
	// The card's history names the person: the names go, who did what stays.
	n, err := audit.Redact(ctx, tx, "member", e.MemberID, []string{"name", "note"}, e.Pseudonym)
	if err != nil {
		return fmt.Errorf("crm: erase history of %s: %w", e.MemberID, err)
	}
	e.Count("history", n)
	if _, err := tx.ExecContext(ctx, `INSERT INTO crm_member_archive (member_id, archived_at) VALUES ($1, $2) ON CONFLICT (member_id) DO NOTHING`,
		e.MemberID, now); err != nil {
		return fmt.Errorf("crm: erase %s: archive: %w", e.MemberID, err)
	}
	for _, s := range steps {
		n, err := pdata.Exec(ctx, tx, s.q, e.MemberID, e.Pseudonym, strings.ToLower(e.Pseudonym), now)
		if err != nil {
			return fmt.Errorf("crm: erase %s of %s: %w", s.name, e.MemberID, err)
		}
		e.Count(s.name, n)
	}
	return nil
}

func customLabels(ctx context.Context, q db.Execer) map[string]string {
	out := map[string]string{}
	rows, err := pdata.Rows(ctx, q, `SELECT field_key, label FROM crm_custom_fields WHERE entity = 'member'`)
	if err == nil {
		for _, r := range rows {
			out[r[0]] = r[1]
		}
	}
	return out
}

// listText writes a JSON array cell ("[\"+7…\"]") as a plain list.
func listText(s string) string {
	if strings.HasPrefix(s, "[") {
		var l []string
		if json.Unmarshal([]byte(s), &l) == nil {
			return strings.Join(l, ", ")
		}
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "да"
	}
	return "нет"
}

// OpenAppeals counts the member's appeals not yet resolved or rejected.
func (PersonalData) OpenAppeals(ctx context.Context, q db.Execer, memberID string) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM crm_appeals WHERE member_id = $1 AND status NOT IN ($2, $3)`,
		memberID, string(AppealResolved), string(AppealRejected)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("crm: open appeals of %s: %w", memberID, err)
	}
	return n, nil
}

// Names are the full names of the cards by id, for logs that name
// members; ids not found are left out.
func (PersonalData) Names(ctx context.Context, q db.Execer, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for len(ids) > 0 {
		chunk := ids[:min(200, len(ids))]
		ids = ids[len(chunk):]
		args := make([]any, len(chunk))
		marks := make([]string, len(chunk))
		for i, id := range chunk {
			args[i], marks[i] = id, fmt.Sprintf("$%d", i+1)
		}
		rows, err := pdata.Rows(ctx, q, `SELECT id, surname, given_name, patronymic FROM crm_members WHERE id IN (`+strings.Join(marks, ", ")+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("crm: names: %w", err)
		}
		for _, r := range rows {
			out[r[0]] = fullName(MemberInput{Surname: r[1], GivenName: r[2], Patronymic: r[3]})
		}
	}
	return out, nil
}
