package telegram

import (
	"context"
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"github.com/profhub/profhub/connectors/richtext"
	"github.com/profhub/profhub/inbox"
)

// Telegram's limits for bots.
const (
	maxTextUnits   = 4096     // characters (UTF-16 code units) of one message
	maxUploadBytes = 50 << 20 // a file sent by a bot
	maxPhotoBytes  = 10 << 20 // a photo; larger images go as documents
	// maxTurnWait is how long Send waits for a chat's turn between the
	// parts of one reply; firstTurnWait before its first part. Beyond
	// them the reply is handed back to the dispatcher with RetryAfter,
	// which offers it again exactly when the turn comes, so a busy chat
	// does not hold a dispatch worker.
	maxTurnWait   = 1500 * time.Millisecond
	firstTurnWait = 50 * time.Millisecond
)

// sender delivers replies through the Bot API: texts split at Telegram's
// limit, then each file. Telegram allows one message per second in a chat
// and 20 a minute in a group (pacing.go; the dispatcher's per-channel rate
// covers the 30 per second of a bot), and after a 429 nothing more may go
// to that bot until retry_after has passed.
type sender struct {
	c *Connector

	mu       sync.Mutex
	chatNext map[string]time.Time // channel/chat → earliest next send, when Redis does not answer
	botPause map[string]time.Time // channel → paused until (429), as this node saw it
	progress map[string]progress  // outbound message → parts already sent
}

type progress struct {
	sent int
	at   time.Time
}

func newSender(c *Connector) *sender {
	return &sender{c: c, chatNext: map[string]time.Time{}, botPause: map[string]time.Time{}, progress: map[string]progress{}}
}

// part is one Bot API message of a reply: formatted text or a file.
type part struct {
	text richtext.Doc
	file *inbox.Attachment
}

// planParts reads the operator's markup (sent as entities, never as HTML,
// so nothing typed can break the message) and cuts the text at
// Telegram's limit.
func planParts(m inbox.OutboundMessage) []part {
	var parts []part
	for _, d := range splitDoc(richtext.Parse(m.Text), maxTextUnits) {
		parts = append(parts, part{text: d})
	}
	for i := range m.Attachments {
		parts = append(parts, part{file: &m.Attachments[i]})
	}
	return parts
}

// Send delivers one reply. A retry of a reply that was partly sent (a long
// text cut off by a 429) continues with the part that failed.
func (s *sender) Send(ctx context.Context, ch inbox.Channel, m inbox.OutboundMessage) (inbox.SendResult, error) {
	if ch.Secrets[secretToken] == "" {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "the channel has no bot token"}
	}
	chatID, err := strconv.ParseInt(m.ExternalChatID, 10, 64)
	if err != nil {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "not a Telegram chat id: " + m.ExternalChatID}
	}
	var replyTo int
	if m.ThreadKey != "" && !m.Private {
		// In the post's thread: a reply in the discussion group (comment.go).
		if len(m.Attachments) > 0 {
			return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "an answer in the post's thread cannot carry files"}
		}
		if chatID, replyTo, err = threadTarget(m); err != nil {
			return inbox.SendResult{}, err
		}
		m.ExternalChatID = strconv.FormatInt(chatID, 10)
	}
	for _, a := range m.Attachments {
		if a.Size > maxUploadBytes {
			return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: fmt.Sprintf(
				"%s is %.1f MB: Telegram bots can send files up to 50 MB; share a link instead", a.Name, float64(a.Size)/(1<<20))}
		}
	}
	parts := planParts(m)
	if len(parts) == 0 {
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: "nothing to send"}
	}
	if s.c.tokenRefused(ctx, ch) {
		// Known refused (401): no request, no retry until the token changes.
		return inbox.SendResult{}, &inbox.SendError{Permanent: true, Reason: reasonTokenRefused}
	}
	b, err := s.c.newBot(ch)
	if err != nil {
		return inbox.SendResult{}, err
	}
	last, start := 0, s.done(m.ID)
	for i := start; i < len(parts); i++ {
		if err := s.waitTurn(ctx, ch.ID, m.ExternalChatID, i == start); err != nil {
			s.setDone(m.ID, i)
			return inbox.SendResult{}, err
		}
		var ask *inbox.RatingAsk
		if i == len(parts)-1 {
			ask = m.Rating // the buttons go under the last part
		}
		id, err := s.sendPart(ctx, b, chatID, replyTo, parts[i], ask)
		if err != nil {
			s.setDone(m.ID, i)
			return inbox.SendResult{}, s.classify(ch, err)
		}
		last = id
	}
	s.setDone(m.ID, 0)
	return inbox.SendResult{ProviderID: fmt.Sprintf("%d:%d", chatID, last)}, nil
}

func (s *sender) sendPart(ctx context.Context, b *bot.Bot, chatID int64, replyTo int, p part, ask *inbox.RatingAsk) (int, error) {
	if p.file == nil {
		params := &bot.SendMessageParams{ChatID: chatID, Text: p.text.Text, Entities: entities(p.text)}
		if replyTo > 0 {
			params.ReplyParameters = &models.ReplyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
		}
		if ask != nil {
			params.ReplyMarkup = ratingKeyboard(ask)
		}
		msg, err := b.SendMessage(ctx, params)
		if err != nil {
			return 0, err
		}
		return msg.ID, nil
	}
	f, err := s.c.blobs.Open(ctx, p.file.BlobKey)
	if err != nil {
		return 0, &inbox.SendError{Permanent: true, Reason: "the file " + p.file.Name + " is missing from storage"}
	}
	defer f.Close()
	upload := &models.InputFileUpload{Filename: p.file.Name, Data: f}
	var msg *models.Message
	ct := p.file.ContentType
	switch {
	case (ct == "image/jpeg" || ct == "image/png" || ct == "image/webp") && p.file.Size <= maxPhotoBytes:
		msg, err = b.SendPhoto(ctx, &bot.SendPhotoParams{ChatID: chatID, Photo: upload})
	case audioKind(ct, p.file.Name) == "voice":
		msg, err = b.SendVoice(ctx, &bot.SendVoiceParams{ChatID: chatID, Voice: upload})
	case audioKind(ct, p.file.Name) == "audio":
		msg, err = b.SendAudio(ctx, &bot.SendAudioParams{ChatID: chatID, Audio: upload})
	default:
		msg, err = b.SendDocument(ctx, &bot.SendDocumentParams{ChatID: chatID, Document: upload})
	}
	if err != nil {
		return 0, err
	}
	return msg.ID, nil
}

// audioKind says how Telegram should show an audio file: OGG/Opus (what
// voice recorders and Telegram itself make) as a voice message with a
// waveform, MP3 and M4A as a track in the player; anything else is sent
// as a document, which Telegram would refuse to play. Uploads are typed
// by sniffing, which calls OGG "application/ogg", so the name helps.
func audioKind(ctype, name string) string {
	ext := strings.ToLower(path.Ext(name))
	switch {
	case ctype == "audio/ogg" || ctype == "audio/opus" || (ctype == "application/ogg" && ext != ".ogv") || ext == ".oga" || ext == ".opus":
		return "voice"
	case ctype == "audio/mpeg" || ctype == "audio/mp3" || ctype == "audio/x-m4a" || ctype == "audio/m4a" || ctype == "audio/mp4" ||
		ext == ".mp3" || ext == ".m4a":
		return "audio"
	}
	return ""
}

func (s *sender) done(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.progress[id].sent
}

func (s *sender) setDone(id string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if n == 0 {
		delete(s.progress, id)
	} else {
		s.progress[id] = progress{sent: n, at: now}
	}
	for k, p := range s.progress {
		if now.Sub(p.at) > time.Hour { // given up on long ago
			delete(s.progress, k)
		}
	}
}

// reasonNotStarted is why a private answer to a member who never wrote to
// the bot fails (Telegram lets a bot write only to those who started it).
// Its "code:" prefix lets the console show it in the operator's language.
const reasonNotStarted = "tg_not_started: the member has not started the bot, so it cannot write to them privately; answer in the thread"

// classify turns the library's typed errors into what the dispatcher acts
// on: wait and retry, or fail for good with a reason the operator reads.
func (s *sender) classify(ch inbox.Channel, err error) error {
	var se *inbox.SendError
	if errors.As(err, &se) {
		return se
	}
	desc := redact(err.Error(), ch)
	var tooMany *bot.TooManyRequestsError
	var migrate *bot.MigrateError
	switch {
	case errors.As(err, &tooMany):
		// Waited out exactly, by every node, without using up an attempt.
		wait := time.Duration(max(tooMany.RetryAfter, 1)) * time.Second
		s.pause(ch.ID, wait)
		return &inbox.SendError{RetryAfter: wait, RateLimited: true, Reason: fmt.Sprintf("Telegram rate limit: retry after %d s", max(tooMany.RetryAfter, 1))}
	case errors.Is(err, bot.ErrorForbidden) && strings.Contains(strings.ToLower(desc), "blocked"):
		return &inbox.SendError{Permanent: true, Blocked: true, Reason: "the member blocked the bot"}
	case errors.Is(err, bot.ErrorForbidden) && strings.Contains(strings.ToLower(desc), "deactivated"):
		return &inbox.SendError{Permanent: true, Blocked: true, Reason: "the member's Telegram account is deleted"}
	case errors.Is(err, bot.ErrorForbidden) && strings.Contains(strings.ToLower(desc), "initiate"):
		return &inbox.SendError{Permanent: true, Reason: reasonNotStarted}
	case errors.Is(err, bot.ErrorForbidden):
		return &inbox.SendError{Permanent: true, Reason: "Telegram refused to deliver: " + desc}
	case errors.Is(err, bot.ErrorBadRequest) && strings.Contains(strings.ToLower(desc), "chat not found"):
		return &inbox.SendError{Permanent: true, Reason: "tg_not_started: chat not found: the member has not started the bot or deleted the chat"}
	case errors.As(err, &migrate):
		return &inbox.SendError{Permanent: true, Reason: fmt.Sprintf("the group became a supergroup (chat %d)", migrate.MigrateToChatID)}
	case errors.Is(err, bot.ErrorBadRequest):
		return &inbox.SendError{Permanent: true, Reason: "Telegram refused the message: " + desc}
	case errors.Is(err, bot.ErrorUnauthorized), errors.Is(err, bot.ErrorNotFound):
		s.c.refuseToken(ch, desc)
		return &inbox.SendError{Permanent: true, Reason: reasonTokenRefused}
	}
	return errors.New(desc)
}
