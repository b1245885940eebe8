// Package helpcentre is the union's public help centre: articles in
// categories that anyone reads at /help without signing in, found by any
// Russian word form (the Snowball stems of internal/norm, the inbox's
// search terms), a title match ranked above a text match. Staff with
// help.edit (administrators, secretaries) write them on /help/admin;
// what they paste is sanitised and anything hostile removed is logged.
// The site widget asks /help/v1/suggest as the visitor types (limited per
// address in Redis, across nodes), the console inserts an article's link
// with Ctrl+K, and an article's page counts its views (once an hour per
// browser, across nodes) and «Была ли статья полезна?» (once per browser).
//
//	Service   types, reading                          helpcentre.go, read.go
//	          search and suggestions                  search.go
//	          editing, sanitising                     edit.go, sanitize.go
//	          views, votes, the suggest limit         counts.go
//	store     SQL                                     store.go
//	handlers  the JSON API                            routes.go
//	          the public pages                        pages.go, templates/, static/
package helpcentre

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/kv"
)

// Status is an article's state: a draft is seen by editors only.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
)

// Limits of what editors write and visitors ask.
const (
	MaxTitleRunes = 200
	MaxNameRunes  = 100
	MaxBodyBytes  = 200 << 10
	MaxQueryRunes = 200
	// SuggestLimit is how many articles the widget is offered.
	SuggestLimit = 3
	// SuggestPerMinute is how many suggestions one address may ask a
	// minute (counted in Redis, so across nodes).
	SuggestPerMinute = 120
	// VotesPerMinute bounds one address's votes the same way.
	VotesPerMinute = 30
	// ViewWindow is how long a browser's view of an article counts once.
	ViewWindow = time.Hour
)

// Category groups articles on the help centre's first page.
type Category struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Position int    `json:"position"`
	// Articles counts the published ones (every one for editors).
	Articles int `json:"articles"`
}

// Article is one help text. Body is sanitised HTML.
type Article struct {
	ID           string `json:"id"`
	CategoryID   string `json:"category_id"`
	CategoryName string `json:"category_name"`
	Title        string `json:"title"`
	Body         string `json:"body"`
	Status       Status `json:"status"`
	Views        int64  `json:"views"`
	Yes          int64  `json:"helpful_yes"`
	No           int64  `json:"helpful_no"`
	CreatedAt    int64  `json:"created_at"`
	UpdatedAt    int64  `json:"updated_at"`
	PublishedAt  int64  `json:"published_at"`
	URL          string `json:"url"` // absolute: it is pasted into messages
}

// Hit is a found article, as lists, the search and the widget show it.
type Hit struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Category string `json:"category"`
	Status   Status `json:"status"`
	Excerpt  string `json:"excerpt"`
	URL      string `json:"url"`
	Views    int64  `json:"views"`
}

// Deps is what the service needs from the hub.
type Deps struct {
	DB  *db.DB
	KV  *kv.Client
	Log *slog.Logger
	// BaseURL is the hub's public address, for the absolute links; empty:
	// the request's own host.
	BaseURL string
	// TrustProxy reads the client's address from X-Forwarded-For;
	// SecureCookies sends the visitor's cookie over https only.
	TrustProxy, SecureCookies bool
	// Translate and Negotiate are the UI's catalogue (web/i18n) for the
	// public pages; nil: the keys show.
	Translate func(lang, key string, args ...any) string
	Negotiate func(acceptLanguage string) string
	// SuggestPerMinute overrides SuggestPerMinute (tests).
	SuggestPerMinute int
}

// Service is the help centre.
type Service struct {
	db   *db.DB
	kv   *kv.Client
	log  *slog.Logger
	deps Deps
	now  func() time.Time
}

// New builds the service.
func New(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.SuggestPerMinute <= 0 {
		d.SuggestPerMinute = SuggestPerMinute
	}
	if d.Translate == nil {
		d.Translate = func(_, key string, _ ...any) string { return key }
	}
	if d.Negotiate == nil {
		d.Negotiate = func(string) string { return "ru" }
	}
	d.BaseURL = strings.TrimSuffix(d.BaseURL, "/")
	return &Service{db: d.DB, kv: d.KV, log: d.Log.With("pkg", "helpcentre"), deps: d, now: time.Now}
}

// ArticlePath is where an article is read.
func ArticlePath(id string) string { return "/help/a/" + id }

// CategoryPath is where a category's articles are listed.
func CategoryPath(id string) string { return "/help/c/" + id }

// link is an article's absolute address: the configured base, else the
// caller's (base from the request).
func (s *Service) link(base, id string) string {
	if s.deps.BaseURL != "" {
		base = s.deps.BaseURL
	}
	return base + ArticlePath(id)
}

type baseKey struct{}

// WithBase tells the service the request's own origin, for links when no
// base address is configured.
func WithBase(ctx context.Context, base string) context.Context {
	return context.WithValue(ctx, baseKey{}, base)
}

func (s *Service) linkIn(ctx context.Context, id string) string {
	b, _ := ctx.Value(baseKey{}).(string)
	return s.link(b, id)
}
