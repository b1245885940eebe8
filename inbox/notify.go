package inbox

import (
	"context"
	"time"
)

// Notify sends an ephemeral event of a connector's own kind (such as the
// telephony connector's "call_ringing" caller card) to these users'
// consoles on every node. It is not kept: a console that is not connected
// at that moment does not get it.
func (es *Events) Notify(ctx context.Context, kind string, to []string, data map[string]any) {
	if len(to) == 0 {
		return
	}
	es.events.ephemeral(ctx, &Event{Kind: kind, At: time.Now(), To: to, Data: data})
}
