package mailing

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/microcosm-cc/bluemonday"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Previews show a campaign as a member will get it: rendered in the
// editor, or e-mailed to a few test addresses.
type Previews struct {
	db        *db.DB
	log       *slog.Logger
	crm       *crm.Services
	campaigns *Campaigns
	accounts  *Accounts
}

// Preview renders a campaign for one member of the caller's scope, or
// with sample values when memberID is empty.
func (s *Previews) Preview(ctx context.Context, sc access.Scope, id, memberID string) (Rendered, error) {
	c, err := s.campaigns.GetCampaign(ctx, sc, id)
	if err != nil {
		return Rendered{}, err
	}
	return s.PreviewContent(ctx, sc, c.Content, memberID)
}

// PreviewContent renders content that is not saved yet (the editor).
func (s *Previews) PreviewContent(ctx context.Context, sc access.Scope, content Content, memberID string) (Rendered, error) {
	if err := requireSend(sc); err != nil {
		return Rendered{}, err
	}
	if err := s.campaigns.vars.resolve(ctx, sc, &content); err != nil {
		return Rendered{}, err
	}
	if err := checkBlocks(content.Blocks); err != nil {
		return Rendered{}, err
	}
	t, err := parseTemplates(content, "")
	if err != nil {
		return Rendered{}, err
	}
	v := sampleVars
	if memberID != "" {
		m, err := s.crm.Members.GetMember(ctx, sc, memberID)
		if err != nil {
			return Rendered{}, err
		}
		v = fromMember(m).vars
		v.UnsubscribeURL = sampleVars.UnsubscribeURL
	}
	r, err := t.render(v)
	if err == nil && r.HTML != "" {
		r.PreviewHTML = previewPolicy.Sanitize(r.HTML)
	}
	return r, err
}

// previewPolicy keeps the structure of a letter and drops what the hub's
// pages must not run or cannot show (scripts, styles, event handlers).
var previewPolicy = bluemonday.UGCPolicy()

// TestSend e-mails a campaign to a few chosen addresses through its first
// SMTP account, with a member's values (or sample ones), marked as a test
// in the subject. Nothing is written to the ledger.
func (s *Previews) TestSend(ctx context.Context, sc access.Scope, id string, to []string, memberID string) error {
	c, err := s.campaigns.GetCampaign(ctx, sc, id)
	if err != nil {
		return err
	}
	if len(to) == 0 || len(to) > 10 {
		return valid.Errorf("to", "count", "send a test to between 1 and 10 addresses")
	}
	for i, a := range to {
		if to[i], err = crm.NormalizeEmail(a); err != nil {
			return valid.Errorf("to", "email", "%q is not an e-mail address", a)
		}
	}
	if len(c.Accounts) == 0 {
		return valid.Errorf("accounts", "required", "the campaign has no SMTP account")
	}
	r, err := s.PreviewContent(ctx, sc, c.Content, memberID)
	if err != nil {
		return err
	}
	r.Subject = "[ТЕСТ] " + r.Subject
	acc, err := s.accounts.getAccount(ctx, s.db, sc, c.Accounts[0])
	if err != nil {
		return err
	}
	conn := &smtpConn{acc: acc}
	defer conn.close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	l := newLetter("test-"+hex.EncodeToString(b)+"."+c.ID, acc.FromName, acc.FromAddress, c.Content.Attachments)
	for i, addr := range to {
		var buf bytes.Buffer
		l.compose(&buf, int64(i+1), addr, r, sampleVars.UnsubscribeURL, time.Now())
		if err := conn.send(ctx, acc.FromAddress, addr, buf.Bytes()); err != nil {
			_, _, reason := sendFailure(err)
			return valid.Errorf("to", "smtp", "the test to %s failed: %s", addr, reason)
		}
	}
	s.log.Info("campaign test sent", "campaign", id, "to", fmt.Sprint(len(to)), "by", sc.UserName)
	return nil
}
