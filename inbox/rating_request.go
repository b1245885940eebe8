package inbox

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/go-redis/redis_rate/v10"

	"github.com/profhub/profhub/internal/storage/db"
)

// Satisfaction on every channel. When a conversation closes on a line
// that asks for a rating, the closing transaction stores one rating
// request and the message that carries it (its client_id is
// "rating:"+request id), and dispatch sends that message like any reply:
// the connector shows five answers the way of its channel (Telegram's
// inline buttons, VK's callback buttons, links in a letter). The answer
// comes back with a signed token (RateByToken); the contact's next message
// within ten minutes is the rating's comment (ingest_batch.go).

const (
	ratingClientPrefix = "rating:"
	ratingChangeWindow = 24 * time.Hour     // a second rating within it replaces the first
	ratingCommentTime  = 10 * time.Minute   // the next message is the rating's comment
	ratingPageLife     = 7 * 24 * time.Hour // a letter's links work this long
	maxCommentRunes    = 2000
)

// ratingKinds are the channel kinds whose connectors ask for a rating with
// a message; the site widget shows its own form (widget package).
var ratingKinds = map[string]bool{KindTelegram: true, KindVK: true, KindMail: true}

// RatingAsk is what a rating request's message carries to its connector.
type RatingAsk struct {
	// Token is short and signed (Telegram's callback data holds 64
	// bytes): "rate:"+Token+":"+n is a button's data.
	Token string
	// PageToken is signed with an expiry, for the links of a letter to
	// the public page /rate/{token}; Links are the five addresses, 1 to 5
	// (none without a public address).
	PageToken string
	Links     []string
}

// RatingOutcome is what became of a contact's rating, with the answer the
// connector shows them (a toast, a snackbar, the page).
type RatingOutcome struct {
	Status         string // rated, changed, same, refused, invalid
	Rating         int    // the rating that now counts (0: none)
	ConversationID string
	Text           string // the answer, in the contact's language
}

// Outcomes of a rating.
const (
	RatingRated   = "rated"
	RatingChanged = "changed"
	RatingSame    = "same"
	RatingRefused = "refused" // after the 24 hours
	RatingInvalid = "invalid" // forged, expired or someone else's
)

// RatingConfig is what the hub gives the inbox for ratings: the key that
// signs tokens (the same on every node), the catalogue that words the
// contact's texts (web/i18n.T), the hub's public address for the links of
// a letter, and whether X-Forwarded-For names the page's visitor.
type RatingConfig struct {
	Key        []byte
	Translate  func(lang, key string, args ...any) string
	BaseURL    func() string
	TrustProxy bool
}

// SetRatingConfig configures ratings; until it is called tokens are
// signed with a fixed key and texts are their catalogue keys.
func (r *Ratings) SetRatingConfig(cfg RatingConfig) { r.rating.Store(&cfg) }

// ratingConfigOf is the configuration the hub set, or the defaults.
func ratingConfigOf(c *core) *RatingConfig {
	if cfg := c.rating.Load(); cfg != nil {
		return cfg
	}
	return &RatingConfig{Key: []byte("profhub rating (unset)"), Translate: func(_, key string, _ ...any) string { return key },
		BaseURL: func() string { return "" }}
}

func (cfg *RatingConfig) text(key string, args ...any) string {
	return cfg.Translate("ru", key, args...)
}

func (cfg *RatingConfig) mac(purpose, payload string) string {
	mac := hmac.New(sha256.New, cfg.Key)
	mac.Write([]byte("rating " + purpose + ":" + payload))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:10])
}

// ratingAsk signs a request's tokens.
func (cfg *RatingConfig) ask(requestID string, created int64) *RatingAsk {
	exp := strconv.FormatInt((created+ratingPageLife.Milliseconds())/1000, 36)
	ask := &RatingAsk{Token: requestID + "." + cfg.mac("button", requestID),
		PageToken: requestID + "." + exp + "." + cfg.mac("page", requestID+"."+exp)}
	if base := strings.TrimSuffix(cfg.BaseURL(), "/"); base != "" {
		for n := 1; n <= 5; n++ {
			ask.Links = append(ask.Links, base+"/rate/"+ask.PageToken+"?r="+strconv.Itoa(n))
		}
	}
	return ask
}

// parse checks a button's or a page's token and returns its
// request id.
func (cfg *RatingConfig) parse(tok string) (string, bool) {
	if len(tok) > 100 {
		return "", false
	}
	parts := strings.Split(tok, ".")
	switch len(parts) {
	case 2:
		return parts[0], hmac.Equal([]byte(parts[1]), []byte(cfg.mac("button", parts[0])))
	case 3:
		exp, err := strconv.ParseInt(parts[1], 36, 64)
		if err != nil || time.Now().Unix() > exp {
			return "", false
		}
		return parts[0], hmac.Equal([]byte(parts[2]), []byte(cfg.mac("page", parts[0]+"."+parts[1])))
	}
	return "", false
}

// askRating stores a closed conversation's rating request and its
// message, for dispatch to send; channels that cannot show one are left.
func askRating(ctx context.Context, c *core, tx db.Execer, w *txw, conv *Conversation) error {
	if !ratingKinds[conv.ChannelKind] || conv.ExternalChatID == "" {
		return nil
	}
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	m := Message{Direction: DirOut, ChannelID: conv.ChannelID, ClientID: ratingClientPrefix + id, Status: DeliveryPending,
		Text: ratingConfigOf(c).text("rating.ask")}
	if err := appendMessage(ctx, tx, conv, &m); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO inbox_rating_requests (id, conversation_id, contact_id, line_id, message_id, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, id, conv.ID, conv.ContactID, conv.LineID, m.ID, db.Now()); err != nil {
		return fmt.Errorf("inbox: rating request: %w", err)
	}
	w.add(msgEvent(*conv, m))
	w.dispatch = append(w.dispatch, m.ID)
	return nil
}

// ratingAskOf is the rating request a message to dispatch carries, if
// any: its client id names it, so no other message costs a query.
func ratingAskOf(ctx context.Context, c *core, m Message) *RatingAsk {
	id, ok := strings.CutPrefix(m.ClientID, ratingClientPrefix)
	if !ok {
		return nil
	}
	var created int64
	if err := c.db.QueryRowContext(ctx, `SELECT created_at FROM inbox_rating_requests WHERE id = $1`, id).Scan(&created); err != nil {
		return nil
	}
	return ratingConfigOf(c).ask(id, created)
}

// RateByToken records a contact's answer to a rating request: tok is the
// signed token of a button or a page, chat the chat the answer came from
// ("" for the page, whose token is the proof). A forged or foreign token
// changes nothing; a second rating within 24 hours replaces the first,
// a later one is refused, the same one again changes nothing, and each
// case is written in the conversation's history.
func (r *Ratings) RateByToken(ctx context.Context, tok, chat string, rating int) (RatingOutcome, error) {
	cfg := ratingConfigOf(r.core)
	invalid := RatingOutcome{Status: RatingInvalid, Text: cfg.text("rating.invalid")}
	id, ok := cfg.parse(tok)
	if chat == "" && strings.Count(tok, ".") != 2 {
		ok = false // a button's token needs its chat; only a page's stands alone
	}
	if !ok || rating < 1 || rating > 5 {
		return invalid, nil
	}
	var out RatingOutcome
	err := r.write(ctx, func(tx db.Execer, w *txw) error {
		var convID string
		var ratedAt int64
		var prev int
		err := tx.QueryRowContext(ctx, `SELECT conversation_id, rated_at, rating FROM inbox_rating_requests WHERE id = $1`, id).
			Scan(&convID, &ratedAt, &prev)
		if errors.Is(err, sql.ErrNoRows) {
			out = invalid
			return nil
		}
		if err != nil {
			return fmt.Errorf("inbox: rating request: %w", err)
		}
		conv, err := conversationTx(ctx, tx, convID)
		if err != nil {
			return err
		}
		if chat != "" && chat != conv.ExternalChatID {
			out = invalid
			return nil
		}
		now := db.Now()
		out = RatingOutcome{ConversationID: convID, Rating: rating}
		code, data := "rated", map[string]any{"rating": rating}
		switch {
		case ratedAt == 0:
			out.Status = RatingRated
		case prev == rating:
			out.Status, code = RatingSame, "rating_same"
		case now-ratedAt <= ratingChangeWindow.Milliseconds():
			out.Status, code, data["previous"] = RatingChanged, "rating_changed", prev
		default:
			out.Status, out.Rating, code, data["previous"] = RatingRefused, prev, "rating_refused", prev
		}
		if out.Status == RatingRated || out.Status == RatingChanged {
			if _, err := tx.ExecContext(ctx, `UPDATE inbox_rating_requests SET rated_at = CASE WHEN rated_at = 0 THEN $2 ELSE rated_at END,
				rating = $3, comment_until = $4 WHERE id = $1`, id, now, rating, now+ratingCommentTime.Milliseconds()); err != nil {
				return fmt.Errorf("inbox: rating: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET rating = $2, updated_at = $3 WHERE id = $1`, convID, rating, now); err != nil {
				return fmt.Errorf("inbox: rating: %w", err)
			}
			conv.Rating = rating
			w.add(convEvent(EvConversation, conv))
		}
		return systemMessage(ctx, tx, w, &conv, code, data)
	})
	if err != nil {
		return RatingOutcome{}, err
	}
	switch out.Status {
	case RatingRefused:
		out.Text = cfg.text("rating.already")
	case RatingRated, RatingChanged, RatingSame:
		out.Text = cfg.text("rating.thanks", out.Rating)
	}
	return out, nil
}

// takeRatingComment makes a contact's message the comment of the rating
// they gave on the line within the last ten minutes, if any, and returns
// that (closed) conversation's id; the window closes with it, so a second
// message opens a conversation as usual.
func takeRatingComment(ctx context.Context, tx db.Execer, contactID, lineID, text string, now int64) (string, error) {
	var convID string
	err := tx.QueryRowContext(ctx, `UPDATE inbox_rating_requests SET comment_until = 0
		WHERE id = (SELECT id FROM inbox_rating_requests WHERE contact_id = $1 AND line_id = $2 AND comment_until >= $3
		            ORDER BY comment_until DESC LIMIT 1)
		RETURNING conversation_id`, contactID, lineID, now).Scan(&convID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("inbox: rating comment: %w", err)
	}
	text = strings.TrimSpace(strings.ToValidUTF8(text, ""))
	if utf8.RuneCountInString(text) > maxCommentRunes {
		text = string([]rune(text)[:maxCommentRunes])
	}
	if _, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET rating_comment = $2 WHERE id = $1`, convID, text); err != nil {
		return "", fmt.Errorf("inbox: rating comment: %w", err)
	}
	return convID, nil
}

// pageComment stores the comment written on the page and closes the
// window in which the next message would be taken as one.
func (r *Ratings) pageComment(ctx context.Context, convID, text string) error {
	if len([]rune(text)) > maxCommentRunes {
		text = string([]rune(text)[:maxCommentRunes])
	}
	return r.write(ctx, func(tx db.Execer, w *txw) error {
		if _, err := tx.ExecContext(ctx, `UPDATE inbox_rating_requests SET comment_until = 0 WHERE conversation_id = $1`, convID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE inbox_conversations SET rating_comment = $2 WHERE id = $1`, convID, strings.ToValidUTF8(text, ""))
		return err
	})
}

// PageAllowed counts one request of the rating page from addr, across
// the nodes; without Redis the page answers (the token is the protection,
// the limit only thins floods).
func (r *Ratings) PageAllowed(ctx context.Context, addr string) bool {
	res, err := redis_rate.NewLimiter(r.kv).Allow(ctx, r.kv.Key("ratepage", addr),
		redis_rate.Limit{Rate: ratingPagePerMinute, Burst: ratingPagePerMinute, Period: time.Minute})
	return err != nil || res.Allowed > 0
}
