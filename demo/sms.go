package demo

import (
	"context"
	"fmt"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/mailing"
)

// fillSMS adds the federation's SMS gateway (sms.ru; its key is a
// placeholder, so sends are refused until the administrator pastes a real
// one) and an SMS channel on the hotline, so an operator sees "SMS" among
// the ways to write to a member with a phone. It returns the gateway.
func fillSMS(ctx context.Context, e Env, sc access.Scope) (string, error) {
	g, err := e.Mailing.SMSGateways.CreateSMSGateway(ctx, sc, mailing.SMSGatewayConfig{Name: "SMS.ru федерации", Kind: "smsru",
		APIKey: "00000000-demo-key", Sender: "FNPR-Oren", RatePerSec: 5})
	if err != nil {
		return "", fmt.Errorf("sms gateway: %w", err)
	}
	if e.Inbox == nil {
		return g.ID, nil
	}
	lines, err := e.Inbox.Lines.List(ctx, sc)
	if err != nil || len(lines) == 0 {
		return g.ID, nil // no line to add it to
	}
	if _, _, err := e.Inbox.Channels.Create(ctx, sc, inbox.NewChannel{LineID: lines[0].ID, Kind: inbox.KindSMS, Name: "SMS федерации",
		Settings: map[string]string{"gateway_id": g.ID}}); err != nil {
		return "", fmt.Errorf("sms channel: %w", err)
	}
	return g.ID, nil
}
