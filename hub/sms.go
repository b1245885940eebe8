package hub

import (
	"context"
	"errors"

	"github.com/profhub/profhub/connectors/sms"
	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/mailing"
)

// smsGateways gives the SMS connector the mailing's gateways, so an SMS
// channel sends through the client and key the campaigns use. A gateway's
// refusal for good becomes the inbox's permanent send error (no retry).
type smsGateways struct{ g *mailing.SMSGateways }

func (s smsGateways) Gateway(ctx context.Context, id string) (sms.Gateway, error) {
	gw, err := s.g.Gateway(ctx, id)
	if err != nil {
		return nil, err
	}
	return smsGateway{gw}, nil
}

type smsGateway struct{ gw mailing.SMSGateway }

func (s smsGateway) Send(ctx context.Context, from, to, text, id string) error {
	err := s.gw.Send(ctx, from, to, text, id)
	var se *mailing.SMSError
	if errors.As(err, &se) && se.Permanent {
		return &inbox.SendError{Permanent: true, Reason: se.Reason}
	}
	return err
}

// SMSInbox is what the SMS connector uses of the inbox.
func SMSInbox(in *inbox.Services) sms.Inbox {
	return sms.Inbox{Ingester: in.Ingestion, Channels: in.Channels}
}
