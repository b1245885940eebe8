package hub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/profhub/profhub/hub/hubtest"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/org"
)

// appPassword makes an app password through the API, as the settings page does.
func appPassword(t *testing.T, b *hubtest.Browser) string {
	t.Helper()
	code, body := b.Do(t, "POST", "/api/v1/calendar/secrets", `{"kind":"app_password","name":"Телефон"}`)
	if code != http.StatusCreated {
		t.Fatalf("app password: %d %s", code, body)
	}
	var out struct{ Value string }
	_ = json.Unmarshal([]byte(body), &out)
	return out.Value
}

func davClient(t *testing.T, n *hubtest.Node, login, pw string) *caldav.Client {
	t.Helper()
	c, err := caldav.NewClient(webdav.HTTPClientWithBasicAuth(http.DefaultClient, login, pw), n.Server.URL+"/dav/")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func occurrenceTitles(t *testing.T, b *hubtest.Browser) []string {
	t.Helper()
	code, body := b.Do(t, "GET", "/api/v1/calendar/occurrences?from=2026-12-01&to=2027-01-01", "")
	if code != http.StatusOK {
		t.Fatalf("occurrences: %d %s", code, body)
	}
	var out struct{ Occurrences []struct{ Title string } }
	_ = json.Unmarshal([]byte(body), &out)
	var titles []string
	for _, o := range out.Occurrences {
		titles = append(titles, o.Title)
	}
	return titles
}

// A phone syncs both ways over CalDAV: an event made in the hub shows on
// the phone, one made on the phone shows in the hub, an edit from an old
// copy is refused (If-Match), a deletion from the phone reaches the hub;
// another user's calendar is refused, and a revoked app password stops.
func TestCalDAVSyncsBothWays(t *testing.T) {
	ctx := context.Background()
	n := hubtest.Start(t)
	const pw = "calendar-password"
	unit := n.AddUnit(t, "", org.Committee, "Обком")
	n.AddUser(t, "anna", access.Secretary, unit.ID, pw)
	n.AddUser(t, "boris", access.Executor, unit.ID, pw)
	anna, boris := n.NewBrowser(t), n.NewBrowser(t)
	anna.Login(t, "anna", pw)
	boris.Login(t, "boris", pw)
	annaKey, borisKey := appPassword(t, anna), appPassword(t, boris)

	code, body := anna.Do(t, "POST", "/api/v1/calendar/events", `{"title":"Совещание, планы; итоги","place":"каб. 5",
		"start":"2026-12-10T10:00","end":"2026-12-10T11:00","remind_minutes":15}`)
	if code != http.StatusCreated {
		t.Fatalf("create: %d %s", code, body)
	}

	if _, err := davClient(t, n, "anna", "wrong-pass").FindCurrentUserPrincipal(ctx); err == nil {
		t.Fatal("a wrong app password was let in")
	}
	if _, err := davClient(t, n, "anna", pw).FindCurrentUserPrincipal(ctx); err == nil {
		t.Fatal("the account password opened CalDAV; only app passwords may")
	}
	c := davClient(t, n, "anna", annaKey)
	principal, err := c.FindCurrentUserPrincipal(ctx)
	if err != nil {
		t.Fatal(err)
	}
	home, err := c.FindCalendarHomeSet(ctx, principal)
	if err != nil {
		t.Fatal(err)
	}
	cals, err := c.FindCalendars(ctx, home)
	if err != nil || len(cals) != 3 {
		t.Fatalf("calendars: %v %+v", err, cals)
	}
	personal := cals[0].Path // the personal calendar is listed first
	objs, err := c.QueryCalendar(ctx, personal, &caldav.CalendarQuery{CompRequest: caldav.CalendarCompRequest{Name: "VCALENDAR", AllProps: true, AllComps: true},
		CompFilter: caldav.CompFilter{Name: "VCALENDAR", Comps: []caldav.CompFilter{{Name: "VEVENT",
			Start: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)}}}})
	if err != nil || len(objs) != 1 {
		t.Fatalf("query: %v %d objects", err, len(objs))
	}
	if s, _ := objs[0].Data.Events()[0].Props.Text(ical.PropSummary); s != "Совещание, планы; итоги" {
		t.Fatalf("the phone reads %q", s)
	}

	// The phone makes an event: the hub shows it.
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropVersion, "2.0")
	cal.Props.SetText(ical.PropProductID, "-//test//phone//EN")
	ev := ical.NewEvent()
	ev.Props.SetText(ical.PropUID, "phone-1")
	ev.Props.SetDateTime(ical.PropDateTimeStamp, time.Now().UTC())
	ev.Props.SetDateTime(ical.PropDateTimeStart, time.Date(2026, 12, 15, 9, 0, 0, 0, time.UTC))
	ev.Props.SetDateTime(ical.PropDateTimeEnd, time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC))
	ev.Props.SetText(ical.PropSummary, "Встреча с телефона")
	cal.Children = append(cal.Children, ev.Component)
	put, err := c.PutCalendarObject(ctx, personal+"phone-1.ics", cal)
	if err != nil {
		t.Fatal(err)
	}
	if titles := occurrenceTitles(t, anna); len(titles) != 2 || titles[1] != "Встреча с телефона" {
		t.Fatalf("the hub shows %q", titles)
	}

	// The hub changes it; the phone's edit from its old copy is refused.
	var occ struct {
		Occurrences []struct {
			EventID string `json:"event_id"`
		}
	}
	_, body = anna.Do(t, "GET", "/api/v1/calendar/occurrences?from=2026-12-15&to=2026-12-16", "")
	_ = json.Unmarshal([]byte(body), &occ)
	code, body = anna.Do(t, "PUT", "/api/v1/calendar/events/"+occ.Occurrences[0].EventID,
		`{"title":"Встреча (перенесена)","start":"2026-12-15T16:00","end":"2026-12-15T17:00"}`)
	if code != http.StatusOK {
		t.Fatalf("update: %d %s", code, body)
	}
	req, _ := http.NewRequest("PUT", n.Server.URL+put.Path, strings.NewReader(icsText(t, cal)))
	req.SetBasicAuth("anna", annaKey)
	req.Header.Set("Content-Type", "text/calendar")
	req.Header.Set("If-Match", `"`+put.ETag+`"`)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusPreconditionFailed {
		t.Fatalf("an edit from a stale copy: %v %v", err, resp.Status)
	}
	got, err := c.GetCalendarObject(ctx, put.Path)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := got.Data.Events()[0].Props.Text(ical.PropSummary); s != "Встреча (перенесена)" || got.ETag == put.ETag {
		t.Fatalf("the phone fetches %q etag %s (was %s)", s, got.ETag, put.ETag)
	}

	// Boris may not read Anna's calendar, by CalDAV or the API.
	bc := davClient(t, n, "boris", borisKey)
	if _, err := bc.GetCalendarObject(ctx, put.Path); err == nil || !strings.Contains(err.Error(), "403") {
		t.Fatalf("boris read anna's event: %v", err)
	}
	calID := strings.Split(strings.Trim(personal, "/"), "/")[3]
	borisPrincipal, _ := bc.FindCurrentUserPrincipal(ctx)
	if _, err := bc.QueryCalendar(ctx, borisPrincipal+"cal/"+calID+"/", &caldav.CalendarQuery{CompFilter: caldav.CompFilter{Name: "VCALENDAR"}}); err == nil {
		t.Fatal("boris listed anna's personal calendar under his own name")
	}
	if code, _ := boris.Do(t, "GET", "/api/v1/calendar/occurrences?from=2026-12-01&to=2027-01-01&calendar="+calID, ""); code != http.StatusOK {
		t.Fatalf("boris's filtered view: %d", code)
	} else if titles := occurrenceTitles(t, boris); len(titles) != 0 {
		t.Fatalf("boris sees %q", titles)
	}

	// The phone deletes the event; the hub no longer shows it.
	if err := c.RemoveAll(ctx, put.Path); err != nil {
		t.Fatal(err)
	}
	if titles := occurrenceTitles(t, anna); len(titles) != 1 {
		t.Fatalf("after the phone's deletion the hub shows %q", titles)
	}

	// A revoked app password stops at once.
	_, body = anna.Do(t, "GET", "/api/v1/calendar/secrets", "")
	var list struct{ Secrets []struct{ ID string } }
	_ = json.Unmarshal([]byte(body), &list)
	if code, _ := anna.Do(t, "DELETE", "/api/v1/calendar/secrets/"+list.Secrets[0].ID, ""); code != http.StatusOK {
		t.Fatalf("revoke: %d", code)
	}
	if _, err := c.FindCurrentUserPrincipal(ctx); err == nil {
		t.Fatal("a revoked app password still works")
	}
}

// The feed by secret address serves the user's events; a new address
// retires the old one.
func TestCalendarFeed(t *testing.T) {
	n := hubtest.Start(t)
	const pw = "calendar-password"
	unit := n.AddUnit(t, "", org.Committee, "Обком")
	n.AddUser(t, "anna", access.Secretary, unit.ID, pw)
	anna := n.NewBrowser(t)
	anna.Login(t, "anna", pw)
	anna.Do(t, "POST", "/api/v1/calendar/events", `{"title":"Пленум","kind":"plenum","start":"2026-12-10T10:00","end":"2026-12-10T11:00"}`)
	feedURL := func() string {
		code, body := anna.Do(t, "POST", "/api/v1/calendar/secrets", `{"kind":"feed"}`)
		if code != http.StatusCreated {
			t.Fatalf("feed: %d %s", code, body)
		}
		var out struct{ URL string }
		_ = json.Unmarshal([]byte(body), &out)
		return strings.Replace(out.URL, n.Config.BaseURL, n.Server.URL, 1)
	}
	first := feedURL()
	resp, err := http.Get(first)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("feed: %v %v", err, resp.Status)
	}
	cal, err := ical.NewDecoder(resp.Body).Decode()
	resp.Body.Close()
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("feed holds %v %v", err, cal)
	}
	second := feedURL()
	if resp, _ := http.Get(first); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the old feed address answers %d", resp.StatusCode)
	}
	if resp, _ := http.Get(second); resp.StatusCode != http.StatusOK {
		t.Fatalf("the new feed address answers %d", resp.StatusCode)
	}
}

func icsText(t *testing.T, cal *ical.Calendar) string {
	var b strings.Builder
	if err := ical.NewEncoder(&b).Encode(cal); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
