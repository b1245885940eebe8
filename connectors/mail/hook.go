package mail

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap/v2"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/httpapi/valid"
)

// CheckChannel is the channel hook: it runs when a mail channel is created
// or changed, before it is stored. It fills in defaults, checks the
// settings and logs in to the IMAP server, so a wrong host or password is
// refused at once instead of failing silently in the watcher.
func (c *Connector) CheckChannel(ctx context.Context, ch *inbox.Channel) error {
	s := ch.Settings
	for _, k := range []string{settingIMAPHost, settingSMTPHost, settingUsername, settingFrom, settingFolders} {
		s[k] = strings.TrimSpace(s[k])
	}
	if s[settingIMAPHost] == "" {
		return valid.Errorf("settings.imap_host", "required", "imap_host is required (the mailbox's IMAP server)")
	}
	if s[settingSMTPHost] == "" {
		s[settingSMTPHost] = s[settingIMAPHost]
	}
	for _, k := range []string{settingIMAPTLS, settingSMTPTLS} {
		switch s[k] {
		case "":
			s[k] = tlsImplicit
		case tlsImplicit, tlsStart, tlsNone:
		default:
			return valid.Errorf("settings."+k, "tls", "%s must be tls, starttls or none", k)
		}
	}
	if s[settingIMAPPort] == "" {
		s[settingIMAPPort] = map[string]string{tlsImplicit: "993", tlsStart: "143", tlsNone: "143"}[s[settingIMAPTLS]]
	}
	if s[settingSMTPPort] == "" {
		s[settingSMTPPort] = map[string]string{tlsImplicit: "465", tlsStart: "587", tlsNone: "25"}[s[settingSMTPTLS]]
	}
	for _, k := range []string{settingIMAPPort, settingSMTPPort} {
		if p, err := strconv.Atoi(s[k]); err != nil || p < 1 || p > 65535 {
			return valid.Errorf("settings."+k, "port", "%s must be a port number", k)
		}
	}
	addr, err := mail.ParseAddress(s[settingFrom])
	if err != nil || addr.Name != "" {
		return valid.Errorf("settings.from_address", "email", "from_address must be the mailbox's address, like hotline@union.example")
	}
	s[settingFrom] = addr.Address
	if s[settingUsername] == "" {
		s[settingUsername] = addr.Address
	}
	if s[settingFolders] == "" {
		s[settingFolders] = defaultFolder
	}
	if _, err := password(*ch); err != nil {
		return err
	}
	if ch.RatePerS == 0 {
		ch.RatePerS = 2 // a mailbox's SMTP server throttles bursts
	}

	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	cl, err := c.dialIMAP(ctx, *ch)
	if err != nil {
		return valid.Errorf("secrets.password", "imap", "could not sign in to %s: %s", imapAddr(*ch), redact(err.Error(), *ch))
	}
	defer cl.Close()
	for _, f := range folders(*ch) {
		if _, err := cl.Status(f, &imap.StatusOptions{NumMessages: true}).Wait(); err != nil {
			return valid.Errorf("settings.folders", "folder", "the mailbox has no folder %q: %s", f, err)
		}
	}
	return nil
}

// password is the mailbox password: the secret, or the first line of the
// file named by password_file (for installations that keep secrets in
// files managed outside the hub).
func password(ch inbox.Channel) (string, error) {
	if p := ch.Secrets[secretPassword]; p != "" {
		return p, nil
	}
	if f := ch.Settings[settingPassFile]; f != "" {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", valid.Errorf("settings.password_file", "file", "cannot read password_file: %s", err)
		}
		line, _, _ := strings.Cut(string(b), "\n")
		return strings.TrimRight(line, "\r"), nil
	}
	return "", valid.Errorf("secrets.password", "required", "the mailbox password is required (secrets.password or settings.password_file)")
}

func imapAddr(ch inbox.Channel) string {
	return fmt.Sprintf("%s:%s", ch.Settings[settingIMAPHost], ch.Settings[settingIMAPPort])
}

func smtpAddr(ch inbox.Channel) string {
	return fmt.Sprintf("%s:%s", ch.Settings[settingSMTPHost], ch.Settings[settingSMTPPort])
}
