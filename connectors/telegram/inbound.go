package telegram

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/inbox"
	"github.com/profhub/profhub/internal/storage/blob"
)

// maxDownloadBytes is the largest file getFile lets a bot download from
// Telegram's servers.
const maxDownloadBytes = 20 << 20

// fileRef is a file a message carries, before it is downloaded.
type fileRef struct {
	id, name, ctype, kind string
	size                  int64
}

// handleUpdate turns one update into an inbound message and ingests it.
// A pressed button and a staff member's message go to Staff (staff.go);
// updates other than these and new and edited messages are ignored. It returns an
// error only when trying again could help (the database is down, a file
// download failed); the caller then reports it and, for webhooks, lets
// Telegram redeliver.
func (c *Connector) handleUpdate(ctx context.Context, ch inbox.Channel, b *bot.Bot, u *models.Update) error {
	if u.CallbackQuery != nil && strings.HasPrefix(u.CallbackQuery.Data, ratingData) {
		return c.ratingPress(ctx, ch, b, u.CallbackQuery)
	}
	if u.CallbackQuery != nil {
		return c.staffPress(ctx, ch, b, u.CallbackQuery)
	}
	msg, edited := u.Message, false
	if msg == nil && u.EditedMessage != nil {
		msg, edited = u.EditedMessage, true
	}
	if msg == nil {
		return nil
	}
	if msg.Chat.Type == models.ChatTypePrivate {
		if handled, err := c.staffMessage(ctx, ch, b, msg, edited); handled || err != nil {
			return err
		}
		if !edited {
			if handled, err := c.officeMessage(ctx, ch, b, msg); handled || err != nil {
				return err
			}
		}
	}
	if msg.Chat.Type == models.ChatTypeGroup || msg.Chat.Type == models.ChatTypeSupergroup {
		if handled, err := c.discussionComment(ctx, ch, b, msg, edited); handled || err != nil {
			return err
		}
	}
	var r route
	if m, _ := parseMenu(ch); m != nil && !edited && msg.Chat.Type == models.ChatTypePrivate {
		var held bool
		var err error
		if r, held, err = c.menuGate(ctx, ch, b, m, u, msg); err != nil || held {
			return err
		}
	}
	return c.ingestMessage(ctx, ch, b, msg, edited, r)
}

// ingestMessage stores one message (downloading its files) along r.
func (c *Connector) ingestMessage(ctx context.Context, ch inbox.Channel, b *bot.Bot, msg *models.Message, edited bool, r route) error {
	in := convert(ch.ID, msg, edited)
	in.LineID, in.Subject = r.lineID, r.subject
	if r.thread != nil && msg.From != nil {
		// Answered in the thread or, privately, in the member's own chat.
		in.Thread, in.ExternalChatID, in.NoAutoReply = r.thread, strconv.FormatInt(msg.From.ID, 10), true
	}
	var stored []string
	for _, f := range filesOf(msg) {
		a, note, err := c.download(ctx, ch, b, f)
		if err != nil {
			c.dropBlobs(stored)
			return err
		}
		if note != "" {
			in.Text = strings.TrimSpace(in.Text + "\n" + note)
			continue
		}
		stored = append(stored, a.BlobKey)
		in.Attachments = append(in.Attachments, a)
	}
	if in.Text == "" && len(in.Attachments) == 0 {
		return nil // a service message (member joined, pinned …)
	}
	res, err := c.inbox.Ingest(ctx, in)
	if err != nil || res.Duplicate {
		// A replay keeps the files of its first delivery.
		c.dropBlobs(stored)
		return err
	}
	if in.From.Phone != "" && c.members != nil {
		// The message is stored; a failed lookup only leaves the link
		// to an operator.
		if _, err := c.inbox.LinkContactByPhone(ctx, res.ConversationID, in.From.Phone, c.members); err != nil {
			c.log.Warn("linking a shared phone to a member failed", "channel", ch.ID, "conversation", res.ConversationID, "err", err)
		}
	}
	return nil
}

func (c *Connector) dropBlobs(keys []string) {
	for _, k := range keys {
		_ = c.blobs.Delete(context.WithoutCancel(c.ctx), k)
	}
}

// convert maps a message's text, sender and chat to the inbox's form.
func convert(channelID string, m *models.Message, edited bool) inbox.Inbound {
	chat := strconv.FormatInt(m.Chat.ID, 10)
	in := inbox.Inbound{ChannelID: channelID, ExternalChatID: chat,
		ExternalMessageID: "msg:" + chat + ":" + strconv.Itoa(m.ID), SentAt: time.Unix(int64(m.Date), 0)}
	if edited {
		in.ExternalMessageID = fmt.Sprintf("edit:%s:%d:%d", chat, m.ID, m.EditDate)
		in.SentAt = time.Unix(int64(m.EditDate), 0)
	}
	in.From = inbox.Identity{Namespace: "telegram", ExternalID: chat, Name: strings.TrimSpace(m.Chat.Title)}
	if m.From != nil {
		in.From.ExternalID = strconv.FormatInt(m.From.ID, 10)
		in.From.Name = strings.TrimSpace(m.From.FirstName + " " + m.From.LastName)
		if in.From.Name == "" {
			in.From.Name = m.From.Username
		}
	}
	var parts []string
	if edited {
		parts = append(parts, "(edited)")
	}
	if r := m.ReplyToMessage; r != nil {
		in.ReplyTo = []string{strconv.Itoa(r.ID)} // a reply to a campaign message links the conversation to it
		if q := quote(firstNonEmpty(r.Text, r.Caption)); q != "" {
			parts = append(parts, q)
		}
	}
	if t := firstNonEmpty(m.Text, m.Caption); t != "" {
		parts = append(parts, t)
	}
	if m.Sticker != nil && m.Sticker.Emoji != "" {
		parts = append(parts, "Sticker "+m.Sticker.Emoji)
	}
	if v := m.Venue; v != nil {
		parts = append(parts, fmt.Sprintf("Place: %s, %s\n%s", v.Title, v.Address, mapLink(v.Location)))
	} else if l := m.Location; l != nil {
		parts = append(parts, "Location: "+mapLink(*l))
	}
	if ct := m.Contact; ct != nil {
		parts = append(parts, fmt.Sprintf("Contact: %s %s, %s", ct.FirstName, ct.LastName, ct.PhoneNumber))
		// Only the sender's own number (the request_contact button) says
		// who they are; a forwarded card is someone else's.
		if m.From != nil && ct.UserID == m.From.ID {
			in.From.Phone = ct.PhoneNumber
		}
	}
	in.Text = strings.Join(parts, "\n")
	return in
}

func quote(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 300 {
		s = string(r[:300]) + "…"
	}
	if s == "" {
		return ""
	}
	return "> " + strings.ReplaceAll(s, "\n", "\n> ")
}

func mapLink(l models.Location) string {
	return fmt.Sprintf("%.6f, %.6f https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f", l.Latitude, l.Longitude, l.Latitude, l.Longitude)
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// filesOf lists the files a message carries: the largest size of a photo,
// a document, voice, audio, video, video note or sticker.
func filesOf(m *models.Message) []fileRef {
	var out []fileRef
	if len(m.Photo) > 0 {
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if p.Width*p.Height > best.Width*best.Height {
				best = p
			}
		}
		out = append(out, fileRef{id: best.FileID, kind: "photo", size: int64(best.FileSize)}) // type sniffed on download
	}
	if d := m.Document; d != nil {
		out = append(out, fileRef{id: d.FileID, kind: "document", name: d.FileName, ctype: d.MimeType, size: d.FileSize})
	}
	if v := m.Voice; v != nil {
		out = append(out, fileRef{id: v.FileID, kind: "voice message", ctype: firstNonEmpty(v.MimeType, "audio/ogg"), size: v.FileSize})
	}
	if a := m.Audio; a != nil {
		out = append(out, fileRef{id: a.FileID, kind: "audio", name: a.FileName, ctype: a.MimeType, size: a.FileSize})
	}
	if v := m.Video; v != nil {
		out = append(out, fileRef{id: v.FileID, kind: "video", name: v.FileName, ctype: firstNonEmpty(v.MimeType, "video/mp4"), size: v.FileSize})
	}
	if v := m.VideoNote; v != nil {
		out = append(out, fileRef{id: v.FileID, kind: "video message", ctype: "video/mp4", size: int64(v.FileSize)})
	}
	if s := m.Sticker; s != nil {
		ctype := "image/webp"
		switch {
		case s.IsVideo:
			ctype = "video/webm"
		case s.IsAnimated:
			ctype = "application/x-tgsticker"
		}
		out = append(out, fileRef{id: s.FileID, kind: "sticker", ctype: ctype})
	}
	return out
}

// imageExt names the image types a photo may really have.
var imageExt = map[string]string{"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}

// download fetches a file through getFile and the Bot API's file URL into
// the blob store. A file Telegram will not hand to bots (over 20 MB)
// becomes a note in the text instead of an error, so the message still
// arrives.
func (c *Connector) download(ctx context.Context, ch inbox.Channel, b *bot.Bot, f fileRef) (inbox.Attachment, string, error) {
	tooLarge := func(size int64) string {
		return fmt.Sprintf("[%s %s of %.1f MB not received: Telegram lets bots download files up to 20 MB; ask the member to send it another way]",
			f.kind, f.name, float64(size)/(1<<20))
	}
	if f.size > maxDownloadBytes {
		return inbox.Attachment{}, tooLarge(f.size), nil
	}
	file, err := b.GetFile(ctx, &bot.GetFileParams{FileID: f.id})
	if errors.Is(err, bot.ErrorBadRequest) && strings.Contains(err.Error(), "too big") {
		return inbox.Attachment{}, tooLarge(f.size), nil
	}
	if err != nil {
		return inbox.Attachment{}, "", fmt.Errorf("telegram: getFile: %s", redact(err.Error(), ch))
	}
	if file.FileSize > maxDownloadBytes {
		return inbox.Attachment{}, tooLarge(file.FileSize), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.FileDownloadLink(file), nil)
	if err != nil {
		return inbox.Attachment{}, "", fmt.Errorf("telegram: file link: %s", redact(err.Error(), ch))
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return inbox.Attachment{}, "", fmt.Errorf("telegram: download file: %s", redact(err.Error(), ch))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return inbox.Attachment{}, "", fmt.Errorf("telegram: download file: status %d", resp.StatusCode)
	}
	// The content says what it is: Telegram does not give a photo's type
	// (usually JPEG, but not always), and a member's document may carry
	// none.
	body := bufio.NewReaderSize(resp.Body, 512)
	head, _ := body.Peek(512)
	sniffed := http.DetectContentType(head)
	info, err := c.blobs.Put(ctx, body, maxDownloadBytes)
	if err != nil {
		return inbox.Attachment{}, "", fmt.Errorf("telegram: store file: %w", err)
	}
	name := f.name
	if name == "" {
		name = path.Base(file.FilePath)
	}
	ctype := f.ctype
	if f.kind == "photo" {
		ctype = sniffed
		if ext, ok := imageExt[ctype]; ok && mime.TypeByExtension(path.Ext(name)) != ctype {
			name = strings.TrimSuffix(name, path.Ext(name)) + ext // a PNG is not named .jpg
		}
	}
	if ctype == "" {
		ctype = mime.TypeByExtension(path.Ext(name))
	}
	if ctype == "" && sniffed != "application/octet-stream" {
		ctype = sniffed
	}
	if mt, _, err := mime.ParseMediaType(ctype); err == nil {
		ctype = mt
	} else {
		ctype = "application/octet-stream"
	}
	return inbox.Attachment{BlobKey: info.Key, Name: blob.CleanName(name), ContentType: ctype, Size: info.Size}, "", nil
}
