package feed

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/security/audit"
	"github.com/profhub/profhub/internal/storage/db"
)

// Named is a unit or a person of an audience, with its name.
type Named struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Audience is who a post is for.
type Audience struct {
	Units  []Named `json:"units"`
	People []Named `json:"people"`
}

// Post is a post as one reader sees it.
type Post struct {
	ID         string    `json:"id"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name"`
	UnitName   string    `json:"unit_name"`
	HTML       string    `json:"html"`
	Important  bool      `json:"important"`
	Pinned     bool      `json:"pinned"`
	CreatedAt  time.Time `json:"created_at"`
	Audience   Audience  `json:"audience"`
	Files      []File    `json:"files"`
	Poll       *Poll     `json:"poll,omitempty"`
	Reactions  []Count   `json:"reactions"`
	Comments   int       `json:"comments"`
	// ConfirmedAt is when the reader confirmed an important post.
	ConfirmedAt time.Time `json:"confirmed_at,omitzero"`
	// CanManage: the reader is its author or an administrator over it:
	// they pin it, see the confirmations and remind.
	CanManage bool `json:"can_manage,omitempty"`
	// Confirmed and Readers count the confirmations, for those who manage.
	Confirmed int `json:"confirmed,omitempty"`
	Readers   int `json:"readers,omitempty"`

	unitPath string
}

// Count is one reaction under a post.
type Count struct {
	Emoji string `json:"emoji"`
	Count int    `json:"count"`
	Mine  bool   `json:"mine"`
}

// PollInput is a poll of a new post.
type PollInput struct {
	Question string   `json:"question"`
	Options  []string `json:"options"`
	Multiple bool     `json:"multiple"`
}

// Input is a new post.
type Input struct {
	HTML      string     `json:"html"`
	Important bool       `json:"important"`
	Units     []string   `json:"units"`  // unit ids: each with its subtree
	People    []string   `json:"people"` // user ids
	Poll      *PollInput `json:"poll"`
	Files     []string   `json:"files"` // ids of the author's uploads
}

func refuseScope() error {
	return valid.Refuse(access.ErrForbidden, "feed_scope", "you may post only to your own units and their people")
}

func (in *Input) normalize() (string, error) {
	body := Sanitize(in.HTML)
	text := plainText(body)
	if utf8.RuneCountInString(text) > MaxTextRunes || len(body) > 4*MaxTextRunes {
		return "", valid.Errorf("html", "feed_long", "a post is at most %d characters", MaxTextRunes)
	}
	if p := in.Poll; p != nil {
		p.Question = strings.TrimSpace(p.Question)
		var opts []string
		for _, o := range p.Options {
			if o = strings.TrimSpace(o); o != "" && !slices.Contains(opts, o) {
				opts = append(opts, o)
			}
		}
		p.Options = opts
		if p.Question == "" && len(opts) == 0 {
			in.Poll = nil
		} else if p.Question == "" || len(opts) < 2 || len(opts) > MaxPollOptions || utf8.RuneCountInString(p.Question) > 500 {
			return "", valid.Errorf("poll", "feed_poll", "a poll needs a question and 2 to %d different options", MaxPollOptions)
		}
	}
	if text == "" && in.Poll == nil && len(in.Files) == 0 {
		return "", valid.Errorf("html", "feed_empty", "write the text of the post, or add a poll or a file")
	}
	in.Units, in.People = compact(in.Units), compact(in.People)
	if len(in.Units)+len(in.People) == 0 {
		return "", valid.Errorf("audience", "feed_audience", "choose who the post is for: units or people")
	}
	if len(in.Units)+len(in.People) > MaxAudience || len(in.Files) > MaxFiles {
		return "", valid.Errorf("audience", "feed_too_many", "a post names at most %d units and people and has at most %d files", MaxAudience, MaxFiles)
	}
	return body, nil
}

func compact(ids []string) []string {
	var out []string
	for _, id := range ids {
		if id = strings.TrimSpace(id); id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// Create publishes a post. The audience must lie in the author's scope:
// a unit outside it, or a person outside it, refuses the whole post and
// changes nothing. An important post tells each reader at once.
func (s *Service) Create(ctx context.Context, sc access.Scope, in Input) (Post, error) {
	if !sc.Can(access.PostFeed) || sc.UnitPath == "" {
		return Post{}, valid.Refuse(access.ErrForbidden, "feed_post", "only chairmen, deputies, secretaries and administrators publish in the feed")
	}
	body, err := in.normalize()
	if err != nil {
		return Post{}, err
	}
	id := uuid.Must(uuid.NewV7()).String()
	now := s.now().UnixMilli()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.checkAudience(ctx, tx, sc, in); err != nil {
			return err
		}
		q, multi := "", false
		if in.Poll != nil {
			q, multi = in.Poll.Question, in.Poll.Multiple
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO feed_posts (id, author_id, unit_id, body_html, body_text, important, poll_question, poll_multi, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, id, sc.UserID, sc.UnitID, body, plainText(body), in.Important, q, multi, now); err != nil {
			return err
		}
		if err := insertAudience(ctx, tx, id, in); err != nil {
			return err
		}
		if in.Poll != nil {
			for i, o := range in.Poll.Options {
				if _, err := tx.ExecContext(ctx, `INSERT INTO feed_poll_options (post_id, idx, text) VALUES ($1, $2, $3)`, id, i, o); err != nil {
					return err
				}
			}
		}
		if err := claimFiles(ctx, tx, sc.UserID, id, in.Files); err != nil {
			return err
		}
		if err := audit.Record(ctx, tx, sc, audit.Entry{Action: "feed.post", ObjectType: "feed_post", ObjectID: id, UnitID: sc.UnitID,
			Details: map[string]any{"units": in.Units, "people": in.People, "important": in.Important}}); err != nil {
			return err
		}
		if in.Important {
			return s.tellReaders(ctx, tx, id, sc.UserName, plainText(body), NoticeImportant, "feed-important:"+id, false)
		}
		return nil
	})
	if err != nil {
		return Post{}, err
	}
	s.poke()
	return s.Get(ctx, sc, id)
}

// checkAudience refuses a unit or a person the author's scope does not
// cover; an unknown id is refused the same way, so nothing is learnt.
func (s *Service) checkAudience(ctx context.Context, q db.Execer, sc access.Scope, in Input) error {
	for _, u := range in.Units {
		var path string
		if err := q.QueryRowContext(ctx, `SELECT path FROM units WHERE id = $1`, u).Scan(&path); err != nil || !sc.Covers(path) {
			return refuseScope()
		}
	}
	for _, p := range in.People {
		var path string
		var disabled bool
		err := q.QueryRowContext(ctx, `SELECT un.path, us.disabled FROM users us JOIN units un ON un.id = us.unit_id WHERE us.id = $1`, p).
			Scan(&path, &disabled)
		if err != nil || disabled || !sc.Covers(path) {
			return refuseScope()
		}
	}
	return nil
}

func insertAudience(ctx context.Context, tx db.Execer, id string, in Input) error {
	for kind, ids := range map[string][]string{"unit": in.Units, "user": in.People} {
		for _, ref := range ids {
			if _, err := tx.ExecContext(ctx, `INSERT INTO feed_audience (post_id, kind, ref_id) VALUES ($1, $2, $3)`, id, kind, ref); err != nil {
				return err
			}
		}
	}
	return nil
}

// tellReaders records a notice for each reader of the post (onlyPending:
// those who have not confirmed it) under the event key.
func (s *Service) tellReaders(ctx context.Context, tx db.Execer, postID, author, text, kind, key string, onlyPending bool) error {
	if s.deps.Alerts == nil {
		return nil
	}
	rs, err := s.readers(ctx, tx, postID)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if onlyPending && !r.ConfirmedAt.IsZero() {
			continue
		}
		if err := s.deps.Alerts.Alert(ctx, tx, Alert{Key: key, UserID: r.ID, Kind: kind,
			Text: author + " · " + excerpt(text, 120), Link: Link(postID)}); err != nil {
			return err
		}
	}
	return nil
}
