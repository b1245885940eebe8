package mail

import (
	"context"

	"github.com/profhub/profhub/inbox"
)

type watcher struct{}
type sender struct{ c *Connector }

func (c *Connector) manageWatchers(ctx context.Context) {}

func (s *sender) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "mail sending is not built yet"}
}
