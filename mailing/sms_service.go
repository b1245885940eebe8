package mailing

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// SendServiceSMS sends one service message (a linking code of the
// member's office) through the federation's first SMS gateway, by name.
// It is no campaign: no ledger, no consent needed, since the member asked
// for it. db.ErrNotFound when no gateway is configured.
func (s *SMSGateways) SendServiceSMS(ctx context.Context, to, text string) error {
	sc := access.System("service sms")
	list, err := s.ListSMSGateways(ctx, sc)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return fmt.Errorf("mailing: no SMS gateway: %w", db.ErrNotFound)
	}
	g, err := s.smsGateway(ctx, sc, list[0].ID)
	if err != nil {
		return err
	}
	return g.Send(ctx, list[0].Sender, to, text, uuid.Must(uuid.NewV7()).String())
}
