package mail

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// watchKey is what a mailbox's watcher depends on: a change restarts it.
func watchKey(ch inbox.Channel) string {
	h := sha256.New()
	for _, k := range []string{settingIMAPHost, settingIMAPPort, settingIMAPTLS, settingUsername, settingFolders, settingPassFile, settingAuthServID} {
		h.Write([]byte(ch.Settings[k] + "\x00"))
	}
	h.Write([]byte(ch.Secrets[secretPassword]))
	return hex.EncodeToString(h.Sum(nil))
}

// watch runs sessions with the server until ctx ends, reconnecting with
// backoff (1 s doubling up to 5 minutes) after each failure.
func (c *Connector) watch(ctx context.Context, ch inbox.Channel) {
	c.log.Info("mailbox watcher started", "channel", ch.ID, "mailbox", ch.Settings[settingUsername])
	defer c.log.Info("mailbox watcher stopped", "channel", ch.ID)
	wait := time.Second
	for ctx.Err() == nil {
		started := time.Now()
		err := c.session(ctx, ch)
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			c.log.Warn("mailbox session ended", "channel", ch.ID, "err", redact(err.Error(), ch))
			c.report(ch, err)
		}
		if time.Since(started) > time.Minute {
			wait = time.Second
		}
		if !sleepCtx(ctx, wait) {
			return
		}
		wait = min(wait*2, 5*time.Minute)
	}
}

// session is one connection: read every folder, then wait for more. With
// one folder and IDLE it waits in IDLE (woken by EXISTS, or after
// pollEvery as a safety net); otherwise it polls every pollEvery.
func (c *Connector) session(ctx context.Context, ch inbox.Channel) error {
	wake := make(chan struct{}, 1)
	h := &imapclient.UnilateralDataHandler{Mailbox: func(d *imapclient.UnilateralDataMailbox) {
		if d.NumMessages != nil {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}}
	dctx, cancel := context.WithTimeout(ctx, c.dialTimeout)
	cl, err := c.dialIMAP(dctx, ch, h)
	cancel()
	if err != nil {
		return fmt.Errorf("mail: connect to %s: %w", imapAddr(ch), err)
	}
	defer cl.Close()
	stop := context.AfterFunc(ctx, func() { cl.Close() })
	defer stop()
	fs := folders(ch)
	idle := len(fs) == 1 && (cl.Caps().Has(imap.CapIdle) || cl.Caps().Has(imap.CapIMAP4rev2))
	for {
		for _, f := range fs {
			if err := c.syncFolder(ctx, cl, ch, f); err != nil {
				return err
			}
		}
		c.report(ch, nil)
		if !idle {
			if !sleepCtx(ctx, c.pollEvery) {
				return nil
			}
			continue
		}
		cmd, err := cl.Idle()
		if err != nil {
			return fmt.Errorf("mail: idle: %w", err)
		}
		t := time.NewTimer(c.pollEvery)
		select {
		case <-wake:
		case <-t.C:
		case <-ctx.Done():
		case <-cl.Closed():
			t.Stop()
			return errors.New("mail: the server closed the connection")
		}
		t.Stop()
		if err := cmd.Close(); err != nil && ctx.Err() == nil {
			return fmt.Errorf("mail: idle: %w", err)
		}
		if err := cmd.Wait(); err != nil && ctx.Err() == nil {
			return fmt.Errorf("mail: idle: %w", err)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}

// maxFetchBytes is the largest letter fetched whole; a larger one is
// fetched as its header only and quarantined (it stays on the server).
const maxFetchBytes = 64 << 20

// syncFolder selects a folder and ingests every letter past the last UID
// read, one at a time and in UID order, moving the mark only after the
// letter is committed. Nothing is flagged or moved on the server (BODY.PEEK).
func (c *Connector) syncFolder(ctx context.Context, cl *imapclient.Client, ch inbox.Channel, folder string) error {
	sel, err := cl.Select(folder, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		return fmt.Errorf("mail: select %s: %w", folder, err)
	}
	st, found, err := c.loadFolder(ctx, ch.ID, folder)
	if err != nil {
		return err
	}
	if found && st.uidValidity != sel.UIDValidity {
		// The server renumbered the folder: read it all again; the
		// Message-ID deduplication keeps each letter once.
		c.log.Warn("UIDVALIDITY changed: reading the folder again", "channel", ch.ID, "folder", folder,
			"old", st.uidValidity, "new", sel.UIDValidity)
		st.lastUID = 0
	}
	st.uidValidity = sel.UIDValidity
	if !found || sel.NumMessages == 0 {
		if err := c.saveFolder(ctx, ch.ID, folder, st); err != nil {
			return err
		}
		if sel.NumMessages == 0 {
			return nil
		}
	}
	res, err := cl.UIDSearch(&imap.SearchCriteria{UID: []imap.UIDSet{{imap.UIDRange{Start: imap.UID(st.lastUID + 1), Stop: 0}}}}, nil).Wait()
	if err != nil {
		return fmt.Errorf("mail: search %s: %w", folder, err)
	}
	for _, uid := range res.AllUIDs() {
		if uint32(uid) <= st.lastUID { // "N:*" always matches the last letter
			continue
		}
		raw, size, err := fetchLetter(cl, uid)
		if err != nil {
			return fmt.Errorf("mail: fetch %s/%d: %w", folder, uid, err)
		}
		if err := c.ingestLetter(ctx, ch, raw, size); err != nil {
			var ve *valid.Error
			if !errors.As(err, &ve) {
				return fmt.Errorf("mail: letter %s/%d: %w", folder, uid, err)
			}
			c.log.Warn("letter refused by the inbox", "channel", ch.ID, "folder", folder, "uid", uid, "err", err)
		}
		st.lastUID = uint32(uid)
		if err := c.saveFolder(ctx, ch.ID, folder, st); err != nil {
			return err
		}
	}
	return nil
}

// fetchLetter fetches one letter by UID without setting \Seen.
func fetchLetter(cl *imapclient.Client, uid imap.UID) ([]byte, int64, error) {
	msgs, err := cl.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, RFC822Size: true}).Collect()
	if err != nil {
		return nil, 0, err
	}
	if len(msgs) == 0 {
		return nil, 0, errors.New("the letter vanished")
	}
	size := msgs[0].RFC822Size
	section := &imap.FetchItemBodySection{Peek: true}
	if size > maxFetchBytes {
		section.Specifier = imap.PartSpecifierHeader
	}
	msgs, err = cl.Fetch(imap.UIDSetNum(uid), &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{section}}).Collect()
	if err != nil {
		return nil, 0, err
	}
	if len(msgs) == 0 {
		return nil, 0, errors.New("the letter vanished")
	}
	return msgs[0].FindBodySection(section), size, nil
}
