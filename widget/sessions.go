package widget

import (
	"context"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
)

// Sessions starts, resumes and ends visitors' sessions: the pre-chat form
// with its consent, the address's allowance of new chats, the token.
type Sessions struct {
	visitors *Visitors
	limiter  *Limiter
	channels *Channels
	wakeups  *Wakeups
	local    *registry
}

// errTooManySessions: the address started its allowance of chats this hour.
var errTooManySessions = errors.New("widget: too many new chats from one address")

// start checks the pre-chat form and the address's allowance and creates
// a visitor, returning their token.
func (s *Sessions) start(ctx context.Context, ch inbox.Channel, req sessionRequest, ip string) (visitor, string, error) {
	v := visitor{ChannelID: ch.ID, Name: strings.TrimSpace(req.Name), Contact: strings.TrimSpace(req.Contact), Topic: strings.TrimSpace(req.Topic)}
	if err := checkPrechat(ch, v, req.Consent); err != nil {
		return v, "", err
	}
	if !s.limiter.countWithin(ctx, "sessions:"+ip, time.Hour, s.channels.limitsFor(ch).SessionsPerIPHour) {
		return v, "", errTooManySessions
	}
	token, err := s.visitors.create(ctx, &v)
	return v, token, err
}

// resume finds the visitor of token, giving them a new token if rotate.
func (s *Sessions) resume(ctx context.Context, chID, token string, rotate bool) (visitor, string, error) {
	v, err := s.visitors.byToken(ctx, chID, token)
	if err != nil {
		return v, "", err
	}
	if rotate {
		if token, err = s.visitors.rotateToken(ctx, v.ID); err != nil {
			return v, "", err
		}
	}
	return v, token, nil
}

// end forgets the visitor's token and closes their sockets on every node;
// their conversation stays with the union.
func (s *Sessions) end(ctx context.Context, chID, token string) error {
	v, err := s.visitors.byToken(ctx, chID, token)
	if err != nil {
		return err
	}
	if err := s.visitors.revoke(ctx, v.ID); err != nil {
		return err
	}
	s.local.closeVisitor(v.ID)
	s.wakeups.wake(ctx, v.ID)
	return nil
}

// checkPrechat requires consent to the processing of personal data
// (152-FZ) and the fields the channel asks for.
func checkPrechat(ch inbox.Channel, v visitor, consent bool) error {
	fields := splitList(setting(ch, settingPrechat, "name,contact"))
	has := func(f string) bool {
		for _, x := range fields {
			if x == f {
				return true
			}
		}
		return false
	}
	switch {
	case !consent:
		return valid.Errorf("consent", "consent", "consent to the processing of personal data is required")
	case !utf8.ValidString(v.Name + v.Contact + v.Topic):
		return valid.Errorf("name", "utf8", "text must be valid UTF-8")
	case utf8.RuneCountInString(v.Name) > 200 || len(v.Contact) > 200 || utf8.RuneCountInString(v.Topic) > 300:
		return valid.Errorf("name", "too_long", "the form's fields are too long")
	case has("name") && v.Name == "":
		return valid.Errorf("name", "required", "name is required")
	case has("contact") && v.Contact == "":
		return valid.Errorf("contact", "required", "a phone number or e-mail is required")
	}
	if v.Contact != "" {
		if _, _, ok := splitContact(v.Contact); !ok {
			return valid.Errorf("contact", "contact", "give a phone number or an e-mail address")
		}
	}
	return nil
}

// splitContact reads a phone number or an e-mail address.
func splitContact(s string) (phone, email string, ok bool) {
	if strings.Contains(s, "@") {
		a, err := mail.ParseAddress(s)
		if err != nil || !strings.Contains(a.Address, ".") {
			return "", "", false
		}
		return "", strings.ToLower(a.Address), true
	}
	// A number the member registry would read is stored as it stores it
	// (+7 and ten digits for "8 912 …" or "912 …"), so that the console
	// can propose the member card with that phone; other numbers of 6 to
	// 15 digits (a city line without its code) are kept as digits.
	if p, ok := norm.Phone(s); ok {
		return p, "", true
	}
	digits := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9':
			return r
		case strings.ContainsRune("+-() .", r):
			return -1
		}
		return 'x'
	}, s)
	if strings.Contains(digits, "x") || len(digits) < 6 || len(digits) > 15 {
		return "", "", false
	}
	if len(digits) == 11 && digits[0] == '8' {
		digits = "7" + digits[1:]
	}
	return "+" + digits, "", true
}
