package workflow

import "github.com/profhub/profhub/internal/security/access"

// Builtin returns the three processes as the federation runs them
// (DOMAIN.md, "Document workflow"). They are stored as version 1 of the
// processes "internal", "incoming" and "outgoing" on first start; an
// administrator may save later versions.
func Builtin() []Definition {
	closed := Step{ID: "closed", Name: "Закрыт", Final: true, Status: StatusClosed}
	rejected := Step{ID: "rejected", Name: "Отклонён", Final: true, Status: StatusRejected}
	creator := []string{"creator"}
	return []Definition{
		{ID: "internal", Name: "Внутренний документ", Kind: KindInternal, Start: "signing", Steps: []Step{
			{ID: "signing", Name: "Подпись председателя", Actor: Actor{Role: access.Chairman}, Days: 3, Decisions: []Decision{
				{ID: "sign", Label: "Подписать", To: "acquaintance_choice", Effect: EffectSign, Notify: creator},
				{ID: "reject", Label: "Отклонить", To: "rejected", Effect: EffectReject, NeedComment: true, Notify: creator},
			}},
			{ID: "acquaintance_choice", Name: "Решение об ознакомлении", Actor: Actor{Creator: true}, Days: 2, Decisions: []Decision{
				{ID: "acquaint", Label: "Ознакомить сотрудников", To: "acquaintance", Choose: true},
				{ID: "no_acquaintance", Label: "Ознакомление не требуется", To: "closed"},
			}},
			{ID: "acquaintance", Name: "Ознакомление", Actor: Actor{Chosen: true}, All: true, Days: 3, Decisions: []Decision{
				{ID: "acknowledge", Label: "Ознакомлен", To: "closed", Notify: creator},
			}},
			closed, rejected,
		}},
		{ID: "incoming", Name: "Входящий документ", Kind: KindIncoming, Start: "resolution", Steps: []Step{
			{ID: "resolution", Name: "Резолюция председателя", Actor: Actor{Role: access.Chairman}, Days: 2, Decisions: []Decision{
				{ID: "resolve_executors", Label: "Резолюция: исполнителям", To: "execution", Effect: EffectResolution, Choose: true, Notify: creator},
				{ID: "resolve_deputy", Label: "Резолюция: заместителю", To: "assignment", Effect: EffectResolution, Notify: creator},
			}},
			{ID: "assignment", Name: "Назначение исполнителей заместителем", Actor: Actor{Role: access.Deputy}, Days: 1, Decisions: []Decision{
				{ID: "assign", Label: "Назначить исполнителей", To: "execution", Choose: true},
			}},
			{ID: "execution", Name: "Исполнение", Actor: Actor{Chosen: true}, All: true, Decisions: []Decision{
				{ID: "done", Label: "Исполнено", To: "closed", Notify: creator},
			}},
			closed,
		}},
		{ID: "outgoing", Name: "Исходящий документ", Kind: KindOutgoing, Start: "check", Steps: []Step{
			{ID: "check", Name: "Проверка секретарём", Actor: Actor{Creator: true}, Days: 1, Decisions: []Decision{
				{ID: "to_chairman", Label: "Передать председателю", To: "approval"},
			}},
			{ID: "approval", Name: "Утверждение председателем", Actor: Actor{Role: access.Chairman}, Days: 2, Decisions: []Decision{
				{ID: "approve", Label: "Утвердить", To: "dispatch", Effect: EffectSign, Notify: creator},
				{ID: "return", Label: "Вернуть на доработку", To: "check", NeedComment: true, Notify: creator},
				{ID: "reject", Label: "Отклонить", To: "rejected", Effect: EffectReject, NeedComment: true, Notify: creator},
			}},
			{ID: "dispatch", Name: "Отправка адресату", Actor: Actor{Creator: true}, Days: 1, Decisions: []Decision{
				{ID: "dispatch", Label: "Отправлено", To: "closed", Effect: EffectDispatch},
			}},
			closed, rejected,
		}},
	}
}
