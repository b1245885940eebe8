package mail

import (
	"context"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/profhub/profhub/inbox"
)

// settingSentFolder names the IMAP folder a copy of every sent letter is
// appended to (as mail programs do), so the mailbox shows the union's
// answers to people who read it directly. Empty: no copy. It must not be
// one of the watched folders.
const settingSentFolder = "sent_folder"

// appendSent copies a sent letter into the Sent folder, marked seen,
// creating the folder when the server says it is missing. A failure is
// logged and shown in the channel status; the letter itself was sent.
func (c *Connector) appendSent(ctx context.Context, ch inbox.Channel, folder string, raw []byte) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	err := func() error {
		cl, err := c.dialIMAP(ctx, ch)
		if err != nil {
			return err
		}
		defer cl.Close()
		stop := context.AfterFunc(ctx, func() { cl.Close() })
		defer stop()
		put := func() error {
			cmd := cl.Append(folder, int64(len(raw)), &imap.AppendOptions{Flags: []imap.Flag{imap.FlagSeen}, Time: time.Now()})
			if _, err := cmd.Write(raw); err != nil {
				return err
			}
			if err := cmd.Close(); err != nil {
				return err
			}
			_, err := cmd.Wait()
			return err
		}
		if err := put(); err != nil {
			if cerr := cl.Create(folder, nil).Wait(); cerr != nil {
				return err // the folder exists: the first error is the one to show
			}
			return put()
		}
		return nil
	}()
	if err != nil {
		err = fmt.Errorf("copy of a sent letter not appended to %q: %w", folder, err)
		c.log.Warn("sent folder", "channel", ch.ID, "err", err)
		rctx, rcancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer rcancel()
		_ = c.inbox.Channels.ReportStatus(rctx, ch.ID, inbox.ChannelStatus{LastError: err.Error(), LastErrorAt: time.Now().UnixMilli()})
	}
}
