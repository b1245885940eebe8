package memberbot

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"
	"unicode"

	"github.com/profhub/profhub/internal/storage/db"
)

// Linking a chat to a card: the member shares their phone (Telegram's
// contact button; in VK they type it); when exactly one card has that
// number, a six-digit code goes out by SMS or e-mail from the card, and
// the member types it back. Whatever the number, the member is told the
// same thing, so the bot never says whether a number is in the registry,
// and a number of someone else's card sends the code to that card's
// owner, not to the person asking. Codes are kept as an HMAC, live ten
// minutes, allow five tries and work once.

const sentText = "Если этот номер есть в карточке члена профсоюза, мы отправили на него (или на e-mail из карточки) код из 6 цифр. " +
	"Введите код в ответном сообщении. Код действует 10 минут."

func (s *Service) askPhone(ctx context.Context, m Message) (Reply, bool, error) {
	p := pending{step: "phone", expiresAt: s.now().Add(s.limits.phoneTTL).UnixMilli()}
	if err := s.store.setPending(ctx, m.ChannelID, m.UserID, p); err != nil {
		return Reply{}, true, err
	}
	r := Reply{Keyboard: Menu}
	if m.Kind == "telegram" {
		r.AskPhone = true
		r.Text = "Чтобы открыть профбилет, обращения и подписки, подтвердите, что вы член профсоюза: нажмите «Поделиться номером телефона». " +
			"Код подтверждения придёт по SMS или на e-mail, указанные в вашей карточке."
	} else {
		r.Text = "Чтобы открыть профбилет, обращения и подписки, подтвердите, что вы член профсоюза: напишите номер телефона, " +
			"указанный в вашей карточке, например +7 912 345-67-89. Код подтверждения придёт по SMS или на e-mail из карточки."
	}
	return r, true, nil
}

// phoneShared starts a code for the number's card.
func (s *Service) phoneShared(ctx context.Context, m Message, phone string) (Reply, bool, error) {
	if m.ForeignContact {
		return Reply{Text: "Это не ваш номер. Нажмите кнопку «Поделиться номером телефона», чтобы отправить свой.", Keyboard: Menu, AskPhone: true}, true, nil
	}
	if s.d.KV != nil {
		k := s.d.KV.Key("memberbot", "codes", m.ChannelID, m.UserID, s.now().In(s.zone).Format("2006-01-02"))
		n, err := s.d.KV.Incr(ctx, k).Result()
		if err == nil && n == 1 {
			s.d.KV.Expire(ctx, k, 48*time.Hour)
		}
		if err == nil && n > int64(s.limits.codesPerDay) {
			return s.menuReply("Сегодня код запрашивали слишком много раз. Попробуйте завтра или нажмите «Связаться с оператором»."), true, nil
		}
	}
	ids, err := s.d.Members.ByPhone(ctx, phone)
	if err != nil && !isBadInput(err) {
		return Reply{}, true, err
	}
	var member Member
	if len(ids) == 1 {
		if member, err = s.d.Members.Member(ctx, ids[0]); err != nil && !errors.Is(err, db.ErrNotFound) {
			return Reply{}, true, err
		}
	}
	code := newCode()
	p := pending{step: "code", memberID: member.ID, codeHash: s.codeHash(m, code), expiresAt: s.now().Add(s.limits.codeTTL).UnixMilli()}
	if member.ID == "" {
		// Nothing goes out; the decoy row makes every code wrong, as a
		// real one would for a guesser.
		p.codeHash = s.codeHash(m, newCode()+"x")
	}
	if err := s.store.setPending(ctx, m.ChannelID, m.UserID, p); err != nil {
		return Reply{}, true, err
	}
	if member.ID != "" {
		if s.d.Codes == nil {
			return Reply{}, true, errors.New("memberbot: no way to send codes")
		}
		if err := s.d.Codes.SendCode(ctx, member, code); err != nil {
			s.log.Warn("linking code not sent", "member", member.ID, "err", err)
		}
	}
	return Reply{Text: sentText}, true, nil
}

// codeTyped checks a code: right once, within its life and its tries.
func (s *Service) codeTyped(ctx context.Context, m Message, p pending, text string) (Reply, bool, error) {
	code := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, text)
	h := s.codeHash(m, code)
	if p.memberID == "" || !hmac.Equal([]byte(h), []byte(p.codeHash)) {
		n, err := s.store.attempt(ctx, m.ChannelID, m.UserID)
		if err != nil {
			return Reply{}, true, err
		}
		if n >= s.limits.maxAttempts {
			if _, err := s.store.dropPending(ctx, m.ChannelID, m.UserID, p.codeHash); err != nil {
				return Reply{}, true, err
			}
			return s.menuReply("Код неверный, попытки исчерпаны. Чтобы получить новый код, снова откройте «Электронный профбилет»."), true, nil
		}
		return Reply{Text: fmt.Sprintf("Код неверный. Осталось попыток: %d.", s.limits.maxAttempts-n)}, true, nil
	}
	took, err := s.store.dropPending(ctx, m.ChannelID, m.UserID, p.codeHash)
	if err != nil {
		return Reply{}, true, err
	}
	if !took {
		return s.menuReply("Код уже использован. Чтобы получить новый, снова откройте «Электронный профбилет»."), true, nil
	}
	if _, err := s.store.link(ctx, Link{MemberID: p.memberID, Kind: m.Kind, ChannelID: m.ChannelID, UserID: m.UserID, ChatID: m.ChatID, LinkedBy: "code"}); err != nil {
		return Reply{}, true, err
	}
	s.count(ctx, m.Kind, ActLink)
	s.log.Info("member linked a chat by code", "member", p.memberID, "channel", m.ChannelID)
	return s.menuReply("Готово: чат привязан к вашей карточке. Теперь доступны профбилет, обращения, организация и подписки."), true, nil
}

func (s *Service) codeHash(m Message, code string) string {
	mac := hmac.New(sha256.New, s.hmacK)
	mac.Write([]byte(m.ChannelID + "\x00" + m.UserID + "\x00" + code))
	return hex.EncodeToString(mac.Sum(nil))
}

func newCode() string {
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

func looksLikeCode(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == ' ' || r == '-':
		default:
			return false
		}
	}
	return digits >= 4 && digits <= 8
}

func looksLikePhone(s string) bool {
	digits := 0
	for _, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case strings.ContainsRune("+-() ", r):
		default:
			return false
		}
	}
	return digits >= 10 && digits <= 12
}

// isBadInput is a number the CRM cannot read: told the same as any other.
func isBadInput(err error) bool {
	return err != nil && !errors.Is(err, db.ErrNotFound) && strings.Contains(err.Error(), "phone")
}

// LinkByOperator links a chat to a card by hand (the operator chose the
// card for a conversation; the hub checked both are in their scope).
func (s *Service) LinkByOperator(ctx context.Context, kind, channelID, userID, chatID, memberID, operatorID string) (Link, error) {
	l, err := s.store.link(ctx, Link{MemberID: memberID, Kind: kind, ChannelID: channelID, UserID: userID, ChatID: chatID, LinkedBy: operatorID})
	if err == nil {
		s.count(ctx, kind, ActLink)
	}
	return l, err
}

// LinksOf lists a card's linked chats.
func (s *Service) LinksOf(ctx context.Context, memberID string) ([]Link, error) {
	return s.store.linksOf(ctx, memberID)
}

// Link returns one link (db.ErrNotFound).
func (s *Service) Link(ctx context.Context, id string) (Link, error) {
	return s.store.linkByID(ctx, id)
}

// Unlink removes a link (from the card; the member unlinks from the bot).
func (s *Service) Unlink(ctx context.Context, id string) error { return s.store.unlink(ctx, id) }

// ChatsOfChannel maps each member linked on a channel to their chat (for
// campaigns over the bot).
func (s *Service) ChatsOfChannel(ctx context.Context, channelID string) (map[string]string, error) {
	return s.store.chatsOf(ctx, channelID)
}

// Member reads a card as the office sees it.
func (s *Service) Member(ctx context.Context, id string) (Member, error) {
	return s.d.Members.Member(ctx, id)
}
