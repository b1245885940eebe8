package calendar

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav"
	"github.com/emersion/go-webdav/caldav"

	"github.com/profhub/profhub/internal/httpapi/valid"
	"github.com/profhub/profhub/internal/security/access"
	"github.com/profhub/profhub/internal/storage/db"
)

// DAVPrefix is where CalDAV is served. Paths below it:
//
//	/dav/{user}/                 the user's principal
//	/dav/{user}/cal/             their calendar home
//	/dav/{user}/cal/{calendar}/  one calendar they may read
//	/dav/{user}/cal/{calendar}/{name}.ics  one event
const DAVPrefix = "/dav"

type davCallerKey struct{}

// davBackend is go-webdav's CalDAV backend over the service, for the
// user signed in by app password (in the request's context).
type davBackend struct{ s *Service }

func davCaller(ctx context.Context) Caller {
	c, _ := ctx.Value(davCallerKey{}).(Caller)
	return c
}

func httpErr(code int, err error) error { return webdav.NewHTTPError(code, err) }

// davError turns a domain error into the status a CalDAV client acts on.
func davError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, db.ErrNotFound):
		return httpErr(http.StatusNotFound, err)
	case errors.Is(err, access.ErrForbidden):
		return httpErr(http.StatusForbidden, err)
	case errors.Is(err, db.ErrConflict):
		return httpErr(http.StatusConflict, err)
	}
	if _, ok := valid.As(err); ok {
		return httpErr(http.StatusForbidden, err) // RFC 4791: a precondition of the calendar is not met
	}
	return err
}

func (b davBackend) CurrentUserPrincipal(ctx context.Context) (string, error) {
	return DAVPrefix + "/" + davCaller(ctx).Scope.UserID + "/", nil
}

func (b davBackend) CalendarHomeSetPath(ctx context.Context) (string, error) {
	return DAVPrefix + "/" + davCaller(ctx).Scope.UserID + "/cal/", nil
}

// split reads /dav/{user}/cal/{calendar}/{name}: the user must be the
// caller (another user's tree is refused whatever it holds).
func (b davBackend) split(ctx context.Context, p string) (calID, name string, err error) {
	parts := strings.Split(strings.Trim(strings.TrimPrefix(path.Clean(p), DAVPrefix), "/"), "/")
	if len(parts) < 3 || parts[1] != "cal" {
		return "", "", httpErr(http.StatusNotFound, fmt.Errorf("calendar: no calendar at %s", p))
	}
	if parts[0] != davCaller(ctx).Scope.UserID {
		return "", "", httpErr(http.StatusForbidden, errors.New("calendar: another user's calendars"))
	}
	if len(parts) > 3 {
		name = parts[3]
	}
	return parts[2], name, nil
}

func (b davBackend) davCalendar(ctx context.Context, cal Calendar) caldav.Calendar {
	return caldav.Calendar{Path: DAVPrefix + "/" + davCaller(ctx).Scope.UserID + "/cal/" + cal.ID + "/", Name: cal.Name,
		MaxResourceSize: 256 << 10, SupportedComponentSet: []string{ical.CompEvent}}
}

func (b davBackend) CreateCalendar(context.Context, *caldav.Calendar) error {
	return httpErr(http.StatusForbidden, errors.New("calendar: calendars are made by the hub"))
}

func (b davBackend) ListCalendars(ctx context.Context) ([]caldav.Calendar, error) {
	cals, err := b.s.Calendars(ctx, davCaller(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]caldav.Calendar, 0, len(cals))
	for _, c := range cals {
		out = append(out, b.davCalendar(ctx, c))
	}
	return out, nil
}

func (b davBackend) GetCalendar(ctx context.Context, p string) (*caldav.Calendar, error) {
	id, _, err := b.split(ctx, p)
	if err != nil {
		return nil, err
	}
	cal, err := b.s.Calendar(ctx, davCaller(ctx), id)
	if err != nil {
		return nil, davError(err)
	}
	c := b.davCalendar(ctx, cal)
	return &c, nil
}

// object renders one stored event as a CalDAV object.
func (b davBackend) object(ctx context.Context, e Event) (caldav.CalendarObject, error) {
	var err error
	if e.Invitees == nil {
		if e.Invitees, err = loadInvitees(ctx, b.s.db, e.ID); err != nil {
			return caldav.CalendarObject{}, err
		}
	}
	cal := newCalendar("")
	cal.Children = append(cal.Children, vevent(e, Person{}))
	data, err := encode(cal)
	if err != nil {
		return caldav.CalendarObject{}, err
	}
	return caldav.CalendarObject{Path: DAVPrefix + "/" + davCaller(ctx).Scope.UserID + "/cal/" + e.CalendarID + "/" + e.Href,
		ModTime: e.Updated, ContentLength: int64(len(data)), ETag: e.ETag, Data: cal}, nil
}

func (b davBackend) GetCalendarObject(ctx context.Context, p string, _ *caldav.CalendarCompRequest) (*caldav.CalendarObject, error) {
	calID, name, err := b.split(ctx, p)
	if err != nil {
		return nil, err
	}
	if _, err := b.s.Calendar(ctx, davCaller(ctx), calID); err != nil {
		return nil, davError(err)
	}
	e, err := b.s.eventWhere(ctx, `calendar_id = $1 AND href = $2`, calID, name)
	if err != nil {
		return nil, davError(err)
	}
	o, err := b.object(ctx, e)
	return &o, err
}

func (b davBackend) ListCalendarObjects(ctx context.Context, p string, _ *caldav.CalendarCompRequest) ([]caldav.CalendarObject, error) {
	calID, _, err := b.split(ctx, p)
	if err != nil {
		return nil, err
	}
	if _, err := b.s.Calendar(ctx, davCaller(ctx), calID); err != nil {
		return nil, davError(err)
	}
	// Every event of the calendar: a bounded table scan by calendar.
	events, err := b.s.eventsIn(ctx, []string{calID}, "", time.Unix(0, 0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return nil, err
	}
	out := make([]caldav.CalendarObject, 0, len(events))
	for _, e := range events {
		if e.CalendarID != calID {
			continue
		}
		o, err := b.object(ctx, e)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, nil
}

func (b davBackend) QueryCalendarObjects(ctx context.Context, p string, q *caldav.CalendarQuery) ([]caldav.CalendarObject, error) {
	all, err := b.ListCalendarObjects(ctx, p, nil)
	if err != nil {
		return nil, err
	}
	return caldav.Filter(q, all)
}
