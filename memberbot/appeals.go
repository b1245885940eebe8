package memberbot

import (
	"context"
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/settings"
)

// statusNames are the appeal statuses as a member reads them.
var statusNames = map[string]string{"new": "зарегистрировано", "in_progress": "в работе", "waiting": "ждёт вашего ответа",
	"resolved": "дан ответ", "rejected": "закрыто"}

func statusName(s string) string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return s
}

func (s *Service) appealsReply(ctx context.Context, m Member) (Reply, bool, error) {
	list, err := s.d.Appeals.OfMember(ctx, m.ID, 10)
	if err != nil {
		return Reply{}, true, err
	}
	if len(list) == 0 {
		return s.menuReply("У вас пока нет обращений. Чтобы задать вопрос, просто напишите его."), true, nil
	}
	var b strings.Builder
	b.WriteString("Ваши обращения:\n")
	for _, a := range list {
		fmt.Fprintf(&b, "\n№ %s — %s\nСтатус: %s", a.Number, a.Subject, statusName(a.Status))
		if a.DueOn != "" && (a.Status == "new" || a.Status == "in_progress" || a.Status == "waiting") {
			if d, err := time.Parse("2006-01-02", a.DueOn); err == nil {
				fmt.Fprintf(&b, ", срок ответа — %s", d.Format("02.01.2006"))
			}
		}
		b.WriteString("\n")
	}
	return s.menuReply(strings.TrimSpace(b.String())), true, nil
}

func (s *Service) orgReply(ctx context.Context, m Member) (Reply, bool, error) {
	list, err := s.d.Orgs.Contacts(ctx, m.UnitID)
	if err != nil {
		return Reply{}, true, err
	}
	text := contactsText(list)
	if text == "" {
		text = "Контакты вашей организации пока не заполнены. Нажмите «Связаться с оператором»."
	}
	return s.menuReply(text), true, nil
}

// contactsText lists organisations with the contacts they have.
func contactsText(list []OrgContact) string {
	var b strings.Builder
	for i, o := range list {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(o.Name)
		for _, f := range [][2]string{{"Председатель", o.Chairman}, {"Телефон", o.Phone}, {"E-mail", o.Email}, {"Адрес", o.Address}, {"Приём", o.Hours}} {
			if f[1] != "" {
				fmt.Fprintf(&b, "\n%s: %s", f[0], f[1])
			}
		}
	}
	return b.String()
}

// settingAppealsMark is how far the status sweep has read (ms).
const settingAppealsMark = "memberbot.appeals_mark"

// SweepAppeals tells members of their appeals' status changes, in the
// chat linked on the channel kind the appeal came from (else their most
// recent linked chat), when the card's consent for that channel is
// given. The first sweep of an installation only sets its mark: appeals
// changed before the office existed are not announced.
func (s *Service) SweepAppeals(ctx context.Context) (int, error) {
	markS, err := settings.Get(ctx, s.d.DB, settingAppealsMark, "")
	if err != nil {
		return 0, err
	}
	now := s.now().UnixMilli()
	if markS == "" {
		return 0, s.store.setSetting(ctx, settingAppealsMark, fmt.Sprint(now))
	}
	var mark int64
	fmt.Sscan(markS, &mark)
	list, err := s.d.Appeals.ChangedSince(ctx, mark, 500)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, a := range list {
		if a.UpdatedAt > mark {
			mark = a.UpdatedAt
		}
		ok, err := s.noticeAppeal(ctx, a)
		if err != nil {
			s.log.Warn("appeal status notice not sent", "appeal", a.ID, "err", err)
			continue
		}
		if ok {
			sent++
		}
	}
	if len(list) > 0 {
		// The mark stays on the newest change read: a change in the same
		// millisecond is read again next time and deduplicated by seen.
		if err := s.store.setSetting(ctx, settingAppealsMark, fmt.Sprint(mark)); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

func (s *Service) noticeAppeal(ctx context.Context, a Appeal) (bool, error) {
	if a.MemberID == "" {
		return false, nil
	}
	seen, err := s.store.seen(ctx, a.ID)
	if err != nil || seen == a.Status {
		return false, err
	}
	links, err := s.store.linksOf(ctx, a.MemberID)
	if err != nil || len(links) == 0 {
		return false, err
	}
	l := links[0]
	for _, x := range links {
		if x.Kind == a.Channel {
			l = x
			break
		}
	}
	m, err := s.d.Members.Member(ctx, a.MemberID)
	if err != nil {
		return false, err
	}
	if !m.Mailings[l.Kind] {
		return false, s.store.setSeen(ctx, a.ID, a.Status) // the member did not agree to messages here
	}
	text := fmt.Sprintf("Обращение № %s «%s»: %s.", a.Number, a.Subject, statusName(a.Status))
	if l.Kind == "telegram" {
		text = html.EscapeString(text) // the Telegram path sends HTML
	}
	if err := s.d.Send.SendText(ctx, l.Kind, l.ChannelID, l.ChatID, text, "appeal:"+a.ID+":"+a.Status); err != nil {
		return false, err
	}
	return true, s.store.setSeen(ctx, a.ID, a.Status)
}

// orgQuery reads "Организация …" or "/org …": a search by name.
func orgQuery(text string) (string, bool) {
	low := strings.ToLower(text)
	for _, p := range []string{"организация ", "/org "} {
		if strings.HasPrefix(low, p) {
			return strings.TrimSpace(text[len(p):]), true
		}
	}
	return "", false
}

// orgSearch answers a search of organisations by name: their contacts,
// which the union publishes anyway, so it works before linking.
func (s *Service) orgSearch(ctx context.Context, q string) (Reply, bool, error) {
	if len([]rune(q)) < 3 {
		return s.menuReply("Напишите после слова «Организация» хотя бы три буквы названия."), true, nil
	}
	list, err := s.d.Orgs.Search(ctx, q, 5)
	if err != nil {
		return Reply{}, true, err
	}
	if len(list) == 0 {
		return s.menuReply("Организация «" + q + "» не найдена. Попробуйте другое слово из названия или нажмите «Связаться с оператором»."), true, nil
	}
	return s.menuReply(contactsText(list)), true, nil
}
