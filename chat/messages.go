package chat

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/norm"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// Events of the live log.
const (
	EvMessage = "message"
	EvEdited  = "edited"
	EvDeleted = "deleted"
	EvRead    = "read" // the member's own read mark moved: their other tabs hear of it
)

// LinkRef names a thing to share.
type LinkRef struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// Post is a new message. The sender is the caller, always.
type Post struct {
	Text     string   `json:"text"`
	ReplyTo  string   `json:"reply_to"`
	Files    []string `json:"files"`    // keys of files the caller uploaded to this chat
	Link     *LinkRef `json:"link"`     // a shared conversation, appeal, document or task
	Mentions []string `json:"mentions"` // people picked by "@"; the text's @Фамилия are found too
}

// Send posts a message to a chat the caller is a member of and tells the
// people it mentions.
func (s *Service) Send(ctx context.Context, sc access.Scope, chatID string, in Post) (Message, error) {
	c, err := s.open(ctx, sc, chatID)
	if err != nil {
		return Message{}, err
	}
	in.Text = strings.TrimSpace(in.Text)
	switch {
	case in.Text == "" && len(in.Files) == 0 && in.Link == nil:
		return Message{}, valid.Keyed("text", "chat_empty", "chat_empty", "the message is empty")
	case utf8.RuneCountInString(in.Text) > MaxTextRunes:
		return Message{}, valid.Keyed("text", "chat_long", "chat_long", "the message is longer than %d characters", MaxTextRunes)
	case len(in.Files) > MaxFiles:
		return Message{}, valid.Keyed("files", "chat_files_many", "chat_files_many", "at most %d files on one message", MaxFiles)
	}
	if in.Link != nil {
		if err := s.checkLink(ctx, sc, *in.Link); err != nil {
			return Message{}, err
		}
	}
	ms, err := s.members(ctx, s.db, c.ID)
	if err != nil {
		return Message{}, err
	}
	mentioned, err := s.mentions(ctx, sc, ms, in)
	if err != nil {
		return Message{}, err
	}
	mentionJSON, _ := json.Marshal(mentioned)
	var id string
	var num int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if in.ReplyTo != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM chat_messages WHERE id = $1 AND chat_id = $2`, in.ReplyTo, c.ID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return valid.Keyed("reply_to", "chat_reply", "chat_reply", "the message replied to is not in this chat")
			}
		}
		files, err := s.claimFiles(ctx, tx, sc, c.ID, in.Files)
		if err != nil {
			return err
		}
		filesJSON, _ := json.Marshal(files)
		now := db.Now()
		if err := tx.QueryRowContext(ctx, `UPDATE chats SET last_num = last_num + 1, last_at = $2 WHERE id = $1 RETURNING last_num`,
			c.ID, now).Scan(&num); err != nil {
			return err
		}
		id = newID()
		linkKind, linkID := "", ""
		if in.Link != nil {
			linkKind, linkID = in.Link.Kind, in.Link.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO chat_messages (id, chat_id, num, sender_id, body, search_text, reply_to,
			link_kind, link_id, files, mentions, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, c.ID, num, sc.UserID, in.Text, norm.Fold(in.Text), in.ReplyTo, linkKind, linkID, string(filesJSON), string(mentionJSON), now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE chat_members SET read_num = $3 WHERE chat_id = $1 AND user_id = $2`, c.ID, sc.UserID, num); err != nil {
			return err
		}
		_, err = logEvent(ctx, tx, c.ID, EvMessage, id, sc.UserID)
		return err
	})
	if err != nil {
		if valid.Is(err) {
			return Message{}, err
		}
		return Message{}, fmt.Errorf("chat: send: %w", err)
	}
	s.relay.committed(ctx)
	s.notifyMentions(ctx, sc, c, id, in.Text, mentioned)
	return s.message(ctx, sc, id)
}

// mentions are the members the message names: those picked by "@" and
// those whose surname follows an "@" in the text. Naming a colleague who
// is not in the chat is refused, so nobody believes they were told.
func (s *Service) mentions(ctx context.Context, sc access.Scope, ms []Member, in Post) ([]string, error) {
	out := []string{}
	byID := map[string]Member{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	for _, id := range in.Mentions {
		if _, ok := byID[id]; !ok {
			name := s.nameOf(ctx, id)
			if name == "" {
				return nil, valid.Keyed("mentions", "chat_mention_unknown", "chat_mention_unknown", "no such person to mention")
			}
			return nil, valid.Keyed("mentions", "chat_mention_outside", "chat_mention_outside", "%s is not in this chat", name)
		}
		if !slices.Contains(out, id) && id != sc.UserID {
			out = append(out, id)
		}
	}
	for _, word := range mentionWords(in.Text) {
		found := false
		for _, m := range ms {
			if norm.Fold(m.Surname) == word {
				found = true
				if !slices.Contains(out, m.ID) && m.ID != sc.UserID {
					out = append(out, m.ID)
				}
			}
		}
		if found {
			continue
		}
		if name := s.colleagueBySurname(ctx, sc, word); name != "" {
			return nil, valid.Keyed("mentions", "chat_mention_outside", "chat_mention_outside", "%s is not in this chat", name)
		}
	}
	return out, nil
}

// mentionWords are the folded words that follow an "@" in text.
func mentionWords(text string) []string {
	var out []string
	for i, r := range text {
		if r != '@' || (i > 0 && isWordRune(lastRune(text[:i]))) {
			continue
		}
		rest := text[i+1:]
		end := strings.IndexFunc(rest, func(r rune) bool { return !isWordRune(r) })
		if end < 0 {
			end = len(rest)
		}
		if end > 0 {
			out = append(out, norm.Fold(rest[:end]))
		}
	}
	return out
}

func lastRune(s string) rune {
	r, _ := utf8.DecodeLastRuneInString(s)
	return r
}

func isWordRune(r rune) bool {
	return r == '-' || r == '_' || ('0' <= r && r <= '9') || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') ||
		('а' <= r && r <= 'я') || ('А' <= r && r <= 'Я') || r == 'ё' || r == 'Ё'
}

// colleagueBySurname is the full name of a colleague the caller could
// reach whose surname is word, or "".
func (s *Service) colleagueBySurname(ctx context.Context, sc access.Scope, word string) string {
	lo, hi := sc.PathRange()
	rows, err := s.db.QueryContext(ctx, `SELECT us.full_name FROM users us JOIN units un ON un.id = us.unit_id
		WHERE `+reachableWhere+` LIMIT 5000`, lo, hi, sc.UnitPath)
	if err != nil {
		return ""
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if rows.Scan(&name) == nil && norm.Fold(strings.Fields(name + " ")[0]) == word {
			return name
		}
	}
	return ""
}

func (s *Service) nameOf(ctx context.Context, userID string) string {
	var name string
	_ = s.db.QueryRowContext(ctx, `SELECT full_name FROM users WHERE id = $1`, userID).Scan(&name)
	return name
}

// notifyMentions tells each mentioned member, after the message commits;
// a failure is logged, the message stands.
func (s *Service) notifyMentions(ctx context.Context, sc access.Scope, c chatRow, msgID, text string, who []string) {
	if s.deps.Alerts == nil || len(who) == 0 {
		return
	}
	where := c.Title
	if c.Kind == Unit {
		where = c.UnitName
	}
	about := sc.UserName
	if where != "" {
		about += " · " + where
	}
	for _, uid := range who {
		a := Alert{Key: "chat-mention:" + msgID, UserID: uid, Text: about + ": " + snippet(text, 140), Link: ChatLink(c.ID)}
		if err := s.deps.Alerts.Mentioned(ctx, a); err != nil {
			s.log.Warn("mention not notified", "user", uid, "message", msgID, "err", err)
		}
	}
}

// checkLink lets the caller share only what they may see themselves.
func (s *Service) checkLink(ctx context.Context, sc access.Scope, l LinkRef) error {
	switch l.Kind {
	case LinkConversation, LinkAppeal, LinkDocument, LinkTask:
	default:
		return valid.Keyed("link", "chat_link_kind", "chat_link_kind", "one shares a conversation, an appeal, a document or a task")
	}
	if s.deps.Links == nil || l.ID == "" {
		return valid.Keyed("link", "chat_link_unavailable", "chat_link_unavailable", "you may not see what you are sharing")
	}
	if _, _, err := s.deps.Links.LinkTitle(ctx, sc, l.Kind, l.ID); err != nil {
		if errors.Is(err, db.ErrNotFound) || errors.Is(err, access.ErrForbidden) {
			return valid.Keyed("link", "chat_link_unavailable", "chat_link_unavailable", "you may not see what you are sharing")
		}
		return err
	}
	return nil
}
