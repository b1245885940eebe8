package feed_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/profhub/profhub/crm"
	"github.com/profhub/profhub/feed"
	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
	"github.com/profhub/profhub/workflow"
)

const pw = "password-feed"

// world: committee A (with the primary organisation A1 under it) and
// committee B; a chairman, a secretary and an executor at A, an operator
// at A1, an operator and a chairman at B.
type world struct {
	n                         *hubtest.Node
	a, a1, b                  org.Unit
	chA, secA, exA, opA1, opB org.User
	chAW, secAW, exAW, opA1W  *hubtest.Browser
	opBW, chBW                *hubtest.Browser
}

func setup(t *testing.T) world {
	n := hubtest.Start(t)
	w := world{n: n}
	w.a = n.AddUnit(t, "", org.Committee, "Обком А")
	w.a1 = n.AddUnit(t, w.a.ID, org.Primary, "Первичка А1")
	w.b = n.AddUnit(t, "", org.Committee, "Обком Б")
	w.chA = n.AddUser(t, "f.cha", access.Chairman, w.a.ID, pw)
	w.secA = n.AddUser(t, "f.seca", access.Secretary, w.a.ID, pw)
	w.exA = n.AddUser(t, "f.exa", access.Executor, w.a.ID, pw)
	w.opA1 = n.AddUser(t, "f.opa1", access.Operator, w.a1.ID, pw)
	w.opB = n.AddUser(t, "f.opb", access.Operator, w.b.ID, pw)
	n.AddUser(t, "f.chb", access.Chairman, w.b.ID, pw)
	login := func(l string) *hubtest.Browser {
		br := n.NewBrowser(t)
		if resp := br.Login(t, l, pw); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("login %s = %d", l, resp.StatusCode)
		}
		return br
	}
	w.chAW, w.secAW, w.exAW, w.opA1W, w.opBW, w.chBW = login("f.cha"), login("f.seca"), login("f.exa"), login("f.opa1"), login("f.opb"), login("f.chb")
	return w
}

func (w world) posts(t *testing.T) int {
	t.Helper()
	var n int
	if err := w.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM feed_posts`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func postBody(t *testing.T, in map[string]any) string {
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustPost(t *testing.T, br *hubtest.Browser, in map[string]any) string {
	t.Helper()
	code, body := br.Do(t, "POST", "/api/v1/feed/posts", postBody(t, in))
	if code != http.StatusCreated {
		t.Fatalf("post = %d %s", code, body)
	}
	return between(body, `"id":"`, `"`)
}

// TestAudienceAndScope: a post reaches its audience (a unit with its
// subtree, or named people) and nobody else, who cannot open it by id;
// an audience outside the author's scope, an empty one and a poster
// without the right are refused in Russian, and nothing is stored.
func TestAudienceAndScope(t *testing.T) {
	w := setup(t)
	toA1 := mustPost(t, w.chAW, map[string]any{"html": "<p>Собрание первички в пятницу</p>", "units": []string{w.a1.ID}})
	toEx := mustPost(t, w.chAW, map[string]any{"html": "Лично исполнителю", "people": []string{w.exA.ID}})
	toA := mustPost(t, w.secAW, map[string]any{"html": "Всему обкому", "units": []string{w.a.ID}})

	sees := map[*hubtest.Browser][]string{w.opA1W: {toA1, toA}, w.exAW: {toEx, toA}, w.chAW: {toA1, toEx, toA}, w.opBW: {}, w.chBW: {}}
	all := []string{toA1, toEx, toA}
	for br, want := range sees {
		_, feedBody := br.Do(t, "GET", "/api/v1/feed", "")
		for _, id := range all {
			in := strings.Contains(feedBody, `"id":"`+id+`"`)
			should := contains(want, id)
			if in != should {
				t.Errorf("%s: post %s in feed = %v, want %v", br.Base, id, in, should)
			}
			code, body := br.Do(t, "GET", "/api/v1/feed/posts/"+id, "")
			if should && code != 200 || !should && code != 404 {
				t.Errorf("open %s = %d %s (should see: %v)", id, code, body, should)
			}
			if !should {
				if code, _ := br.Do(t, "GET", "/api/v1/feed/posts/"+id+"/comments", ""); code != 404 {
					t.Errorf("comments of a post outside the audience = %d", code)
				}
				if code, _ := br.Do(t, "POST", "/api/v1/feed/posts/"+id+"/reactions", `{"emoji":"👍"}`); code != 404 {
					t.Errorf("a reaction to a post outside the audience = %d", code)
				}
			}
		}
	}

	before := w.posts(t)
	refusals := []struct {
		name string
		b    *hubtest.Browser
		in   map[string]any
		code int
		text string
	}{
		{"a unit outside the scope", w.chAW, map[string]any{"html": "x", "units": []string{w.b.ID}}, 403, "только для своих подразделений"},
		{"a person outside the scope", w.chAW, map[string]any{"html": "x", "people": []string{w.opB.ID}}, 403, "только для своих подразделений"},
		{"an outside unit among own ones", w.chAW, map[string]any{"html": "x", "units": []string{w.a.ID, w.b.ID}}, 403, "только для своих подразделений"},
		{"an unknown unit", w.chAW, map[string]any{"html": "x", "units": []string{"no-such-unit"}}, 403, "только для своих подразделений"},
		{"an operator posts", w.opA1W, map[string]any{"html": "x", "units": []string{w.a1.ID}}, 403, "председатели, заместители, секретари"},
		{"no audience", w.chAW, map[string]any{"html": "x"}, 422, "для кого публикация"},
		{"nothing to say", w.chAW, map[string]any{"html": "<p> </p><script>x</script>", "units": []string{w.a.ID}}, 422, "Напишите текст"},
		{"a poll of one option", w.chAW, map[string]any{"html": "x", "units": []string{w.a.ID}, "poll": map[string]any{"question": "Да?", "options": []string{"Да"}}}, 422, "от 2 до 10"},
		{"another's file", w.chAW, map[string]any{"html": "x", "units": []string{w.a.ID}, "files": []string{"no-such-file"}}, 422, "среди ваших загрузок"},
	}
	for _, r := range refusals {
		code, body := r.b.Do(t, "POST", "/api/v1/feed/posts", postBody(t, r.in))
		if code != r.code || !strings.Contains(body, r.text) {
			t.Errorf("%s = %d %s; want %d with %q", r.name, code, body, r.code, r.text)
		}
	}
	if after := w.posts(t); after != before {
		t.Errorf("the refusals stored posts: %d → %d", before, after)
	}
}

// TestImportantConfirmAndRemind: an important post tells its readers;
// a reader confirms (twice: the first time stays); the author sees who
// has and who has not confirmed, by full name; reminders go to those
// who have not, at most once a day, by the button or the daily sweep.
func TestImportantConfirmAndRemind(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	id := mustPost(t, w.chAW, map[string]any{"html": "<p>Ознакомьтесь с <b>положением</b> о премировании</p>", "important": true, "units": []string{w.a.ID}})
	if n := w.notices(t, w.opA1, feed.NoticeImportant); n != 1 {
		t.Errorf("the reader was told %d times", n)
	}
	if n := w.notices(t, w.chA, feed.NoticeImportant); n != 0 {
		t.Errorf("the author was told of their own post")
	}
	code, first := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/confirm", "")
	if code != 200 || !strings.Contains(first, `"confirmed_at"`) {
		t.Fatalf("confirm = %d %s", code, first)
	}
	time.Sleep(5 * time.Millisecond)
	code, again := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/confirm", "")
	if code != 200 || between(again, `"confirmed_at":"`, `"`) != between(first, `"confirmed_at":"`, `"`) {
		t.Errorf("a second confirmation = %d, time %q then %q", code, between(first, `"confirmed_at":"`, `"`), between(again, `"confirmed_at":"`, `"`))
	}
	var rows int
	_ = w.n.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM feed_confirms WHERE post_id = $1`, id).Scan(&rows)
	if rows != 1 {
		t.Errorf("confirmations stored: %d", rows)
	}
	if code, _ := w.opBW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/confirm", ""); code != 404 {
		t.Errorf("a confirmation from outside the audience = %d", code)
	}
	if code, body := w.opA1W.Do(t, "GET", "/api/v1/feed/posts/"+id+"/confirmations", ""); code != 403 || !strings.Contains(body, "автор публикации") {
		t.Errorf("a reader reads the confirmations = %d %s", code, body)
	}
	if code, _ := w.chBW.Do(t, "GET", "/api/v1/feed/posts/"+id+"/confirmations", ""); code != 404 {
		t.Errorf("another committee's chairman reads the confirmations = %d", code)
	}
	units, err := w.n.Feed.Confirmations(ctx, w.chA.Scope("test"), id)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, u := range units {
		for _, r := range u.Confirmed {
			got[r.Name] = "confirmed@" + u.Unit
		}
		for _, r := range u.Pending {
			got[r.Name] = "pending@" + u.Unit
		}
	}
	want := map[string]string{"Тест f.opa1": "confirmed@Первичка А1", "Тест f.seca": "pending@Обком А", "Тест f.exa": "pending@Обком А"}
	if len(got) != len(want) {
		t.Errorf("readers = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q (all: %v)", k, got[k], v, got)
		}
	}

	// Reminders: the button once today, then the sweep only tomorrow.
	day := time.Date(2026, 12, 7, 10, 0, 0, 0, w.n.Config.Zone())
	w.n.Feed.SetClock(func() time.Time { return day })
	code, body := w.chAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/remind", "")
	if code != 200 || !strings.Contains(body, `"reminded":2`) {
		t.Fatalf("remind = %d %s", code, body)
	}
	if code, body := w.chAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/remind", ""); code != 409 || !strings.Contains(body, "уже отправлено") {
		t.Errorf("a second reminder the same day = %d %s", code, body)
	}
	if n, err := w.n.Feed.SweepReminders(ctx); err != nil || n != 0 {
		t.Errorf("the sweep on the day of the button = %d %v", n, err)
	}
	w.n.Feed.SetClock(func() time.Time { return day.Add(20 * time.Hour) }) // 06:00 the next day: too early
	if n, err := w.n.Feed.SweepReminders(ctx); err != nil || n != 0 {
		t.Errorf("the sweep before the working day = %d %v", n, err)
	}
	w.n.Feed.SetClock(func() time.Time { return day.Add(24 * time.Hour) }) // 10:00 the next day
	if n, err := w.n.Feed.SweepReminders(ctx); err != nil || n != 2 {
		t.Errorf("the next day's sweep = %d %v", n, err)
	}
	w.n.Feed.SetClock(func() time.Time { return day.Add(30 * time.Hour) }) // 16:00 the same next day
	if n, err := w.n.Feed.SweepReminders(ctx); err != nil || n != 0 {
		t.Errorf("a second sweep the same day = %d %v", n, err)
	}
	if n := w.notices(t, w.exA, feed.NoticeReminder); n != 2 {
		t.Errorf("the executor got %d reminders over two days, want 2", n)
	}
	if n := w.notices(t, w.opA1, feed.NoticeReminder); n != 0 {
		t.Errorf("the reader who confirmed was reminded %d times", n)
	}
}

func (w world) notices(t *testing.T, u org.User, kind string) int {
	t.Helper()
	var n int
	if err := w.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM notify_items WHERE user_id = $1 AND kind = $2`, u.ID, kind).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestPollVotesOnce: one vote per person, one option in a single-choice
// poll; the counts show after one's own vote.
func TestPollVotesOnce(t *testing.T) {
	w := setup(t)
	id := mustPost(t, w.chAW, map[string]any{"html": "Когда проводим субботник?", "units": []string{w.a.ID},
		"poll": map[string]any{"question": "Дата субботника", "options": []string{"12 декабря", "19 декабря", " 12 декабря ", ""}}})
	_, body := w.secAW.Do(t, "GET", "/api/v1/feed/posts/"+id, "")
	if strings.Count(body, `"text":`) != 2 {
		t.Errorf("blank and repeated options were kept: %s", body)
	}
	if code, body := w.secAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/vote", `{"options":[0,1]}`); code != 422 || !strings.Contains(body, "Выберите вариант") {
		t.Errorf("two options in a single-choice poll = %d %s", code, body)
	}
	if code, body := w.secAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/vote", `{"options":[5]}`); code != 422 {
		t.Errorf("an option that is not there = %d %s", code, body)
	}
	code, body := w.secAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/vote", `{"options":[1]}`)
	if code != 200 || !strings.Contains(body, `"voted":true`) || !strings.Contains(body, `"votes":1,"mine":true`) {
		t.Fatalf("vote = %d %s", code, body)
	}
	if code, body := w.secAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/vote", `{"options":[0]}`); code != 409 || !strings.Contains(body, "уже проголосовали") {
		t.Errorf("a second vote = %d %s", code, body)
	}
	if code, _ := w.opBW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/vote", `{"options":[0]}`); code != 404 {
		t.Errorf("a vote from outside the audience = %d", code)
	}
	_, body = w.exAW.Do(t, "GET", "/api/v1/feed/posts/"+id, "")
	if strings.Contains(body, `"votes":1`) {
		t.Errorf("the counts show before one's own vote: %s", body)
	}
	var n int
	_ = w.n.DB.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM feed_votes WHERE post_id = $1`, id).Scan(&n)
	if n != 1 {
		t.Errorf("votes stored: %d", n)
	}
}

// TestHostileHTMLNeutralised: scripts, handlers, styles and javascript:
// links are gone from the stored post; simple formatting and http(s)
// links stay, opened apart.
func TestHostileHTMLNeutralised(t *testing.T) {
	w := setup(t)
	hostile := `<p onclick="steal()">Текст <b>жирный</b> <i>курсив</i></p><script>alert(1)</script>` +
		`<img src=x onerror="alert(2)"><a href="javascript:alert(3)">плохая</a> <a href="https://profsouz.example/ustav">устав</a>` +
		`<iframe src="https://evil.example"></iframe><div style="position:fixed">строка</div><svg onload=alert(4)></svg>`
	id := mustPost(t, w.chAW, map[string]any{"html": hostile, "units": []string{w.a.ID}})
	var stored string
	if err := w.n.DB.QueryRowContext(context.Background(), `SELECT body_html FROM feed_posts WHERE id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "onclick", "onerror", "onload", "javascript:", "<iframe", "style=", "<img", "<svg", "alert("} {
		if strings.Contains(strings.ToLower(stored), bad) {
			t.Errorf("stored HTML keeps %q: %s", bad, stored)
		}
	}
	for _, good := range []string{"<b>жирный</b>", "<i>курсив</i>", `href="https://profsouz.example/ustav"`, `rel="nofollow noreferrer noopener"`, "<p>строка</p>"} {
		if !strings.Contains(stored, good) {
			t.Errorf("stored HTML lost %q: %s", good, stored)
		}
	}
}

// TestCommentsReactionsPinsFiles: the social parts of a card, and a
// picture that only the audience can fetch.
func TestCommentsReactionsPinsFiles(t *testing.T) {
	w := setup(t)
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	req, _ := http.NewRequest("POST", w.chAW.Base+feed.UploadPrefix+"?name=photo.png", bytes.NewReader(png))
	req.Header.Set("X-CSRF-Token", w.chAW.CSRF)
	req.Header.Set("Content-Type", "image/png")
	resp, err := w.chAW.Client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 201 {
		t.Fatalf("upload = %d %s", resp.StatusCode, b)
	}
	fileID := between(string(b), `"id":"`, `"`)
	id := mustPost(t, w.chAW, map[string]any{"html": "Фото с конференции", "units": []string{w.a1.ID}, "files": []string{fileID}})
	if code, _ := w.opA1W.Do(t, "GET", "/api/v1/feed/posts/"+id+"/files/"+fileID, ""); code != 200 {
		t.Errorf("the reader fetches the picture = %d", code)
	}
	if code, _ := w.opBW.Do(t, "GET", "/api/v1/feed/posts/"+id+"/files/"+fileID, ""); code != 404 {
		t.Errorf("an outsider fetches the picture = %d", code)
	}
	if code, body := w.secAW.Do(t, "POST", "/api/v1/feed/posts", postBody(t, map[string]any{"html": "x", "units": []string{w.a.ID}, "files": []string{fileID}})); code != 422 {
		t.Errorf("a file used twice = %d %s", code, body)
	}
	// Over the limit over HTTP: refused in Russian, and far over it (a
	// 1 GB upload declared) before a byte is read.
	size := int64(len(png)) + feed.MaxFileBytes + 512<<10
	req, _ = http.NewRequest("POST", w.chAW.Base+feed.UploadPrefix+"?name=big.png", io.MultiReader(bytes.NewReader(png), io.LimitReader(zeros{}, size-int64(len(png)))))
	req.ContentLength = size
	req.Header.Set("X-CSRF-Token", w.chAW.CSRF)
	if resp, err := w.chAW.Client.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 || !strings.Contains(string(b), "не больше 20 МБ") {
			t.Errorf("a 20.5 MB upload = %d %s", resp.StatusCode, b)
		}
	}
	if status := declaredGigabyte(t, w.chAW); !strings.HasPrefix(status, "HTTP/1.1 413") {
		t.Errorf("a 1 GB upload = %q", status)
	}
	// A file over the limit and a script named as a picture.
	if _, err := w.n.Feed.Upload(context.Background(), w.chA.Scope("test"), "big.png",
		io.MultiReader(bytes.NewReader(png), io.LimitReader(zeros{}, feed.MaxFileBytes))); err == nil || !strings.Contains(err.Error(), "at most") {
		t.Errorf("an oversized file = %v", err)
	}
	if _, err := w.n.Feed.Upload(context.Background(), w.chA.Scope("test"), "x.png", strings.NewReader("<script>alert(1)</script>")); err == nil {
		t.Errorf("a script named as a picture was kept")
	}
	// An upload no post took is purged after a day; the post's file stays.
	if _, err := w.n.Feed.Upload(context.Background(), w.chA.Scope("test"), "left.png", bytes.NewReader(png)); err != nil {
		t.Fatal(err)
	}
	w.n.Feed.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
	if n, err := w.n.Feed.PurgeLoose(context.Background()); err != nil || n != 1 {
		t.Errorf("loose uploads purged: %d %v", n, err)
	}
	w.n.Feed.SetClock(time.Now)
	if code, _ := w.opA1W.Do(t, "GET", "/api/v1/feed/posts/"+id+"/files/"+fileID, ""); code != 200 {
		t.Errorf("the post's picture after the purge = %d", code)
	}

	if code, body := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/comments", `{"text":"Отличные фото!"}`); code != 201 {
		t.Fatalf("comment = %d %s", code, body)
	}
	if code, body := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/comments", `{"text":"   "}`); code != 422 || !strings.Contains(body, "Комментарий") {
		t.Errorf("an empty comment = %d %s", code, body)
	}
	if _, body := w.chAW.Do(t, "GET", "/api/v1/feed/posts/"+id+"/comments", ""); !strings.Contains(body, "Отличные фото!") || !strings.Contains(body, "Тест f.opa1") {
		t.Errorf("comments = %s", body)
	}
	if _, body := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/reactions", `{"emoji":"👍"}`); !strings.Contains(body, `"emoji":"👍","count":1,"mine":true`) {
		t.Errorf("reaction = %s", body)
	}
	if _, body := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/reactions", `{"emoji":"👍"}`); !strings.Contains(body, `"emoji":"👍","count":0`) {
		t.Errorf("a second tap takes it back: %s", body)
	}
	if code, _ := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/reactions", `{"emoji":"💩"}`); code != 422 {
		t.Errorf("an emoji outside the set = %d", code)
	}
	if code, _ := w.opA1W.Do(t, "POST", "/api/v1/feed/posts/"+id+"/pin", ""); code != 403 {
		t.Errorf("a reader pins = %d", code)
	}
	if code, body := w.chAW.Do(t, "POST", "/api/v1/feed/posts/"+id+"/pin", ""); code != 200 || !strings.Contains(body, `"pinned":true`) {
		t.Errorf("the author pins = %d %s", code, body)
	}
	if _, body := w.opA1W.Do(t, "GET", "/api/v1/feed", ""); !strings.Contains(between(body, `"pinned":[`, `"items"`), id) {
		t.Errorf("the pinned post is not on top: %s", body)
	}
}

// TestDocumentEventsMerged: a document registered in the committee shows
// in the feed of who may see it, among the posts, and not elsewhere.
func TestDocumentEventsMerged(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	doc, err := w.n.Docs.Documents.Register(ctx, w.secA.Scope("test"), workflow.DocumentInput{Kind: workflow.KindInternal, Title: "О графике отпусков"})
	if err != nil {
		t.Fatal(err)
	}
	mustPost(t, w.chAW, map[string]any{"html": "Объявление", "units": []string{w.a.ID}})
	_, body := w.chAW.Do(t, "GET", "/api/v1/feed", "")
	if !strings.Contains(body, `"kind":"document"`) || !strings.Contains(body, "О графике отпусков") || !strings.Contains(body, `"kind":"post"`) {
		t.Errorf("the chairman's feed lacks the document or the post: %s", body)
	}
	if !strings.Contains(body, workflow.DocumentLink(doc.ID)) {
		t.Errorf("the event does not link the document: %s", body)
	}
	if _, body := w.chBW.Do(t, "GET", "/api/v1/feed", ""); strings.Contains(body, "О графике отпусков") {
		t.Errorf("another committee sees the document: %s", body)
	}
	// A new appeal of the primary organisation: its committee sees it, B does not.
	ap, err := w.n.CRM.Appeals.CreateAppeal(ctx, w.chA.Scope("test"), crm.AppealInput{UnitID: w.a1.ID, Applicant: "Петров Иван Сергеевич",
		Channel: "phone", Subject: "Перерасчёт отпускных", Text: "Прошу проверить расчёт"})
	if err != nil {
		t.Fatal(err)
	}
	if _, body := w.opA1W.Do(t, "GET", "/api/v1/feed", ""); !strings.Contains(body, `"kind":"appeal"`) || !strings.Contains(body, crm.AppealLink(ap.ID)) {
		t.Errorf("the primary's operator does not see the appeal: %s", body)
	}
	if _, body := w.opBW.Do(t, "GET", "/api/v1/feed", ""); strings.Contains(body, "Перерасчёт отпускных") {
		t.Errorf("another committee sees the appeal: %s", body)
	}
}

// declaredGigabyte sends the headers of a 1 GB upload and no body, and
// returns the status line the hub answers with.
func declaredGigabyte(t *testing.T, b *hubtest.Browser) string {
	t.Helper()
	u, _ := url.Parse(b.Base)
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var cookies []string
	for _, c := range b.Jar.Cookies(u) {
		cookies = append(cookies, c.Name+"="+c.Value)
	}
	fmt.Fprintf(conn, "POST %s?name=huge.png HTTP/1.1\r\nHost: %s\r\nCookie: %s\r\nX-CSRF-Token: %s\r\nContent-Type: image/png\r\nContent-Length: %d\r\n\r\n",
		feed.UploadPrefix, u.Host, strings.Join(cookies, "; "), b.CSRF, 1<<30)
	_ = conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, _ := bufio.NewReader(conn).ReadString('\n')
	return line
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}
