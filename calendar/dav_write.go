package calendar

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/emersion/go-ical"
	"github.com/emersion/go-webdav/caldav"

	"github.com/profhub/profhub/internal/storage/db"
)

// PutCalendarObject stores an event a client made or changed. If-Match
// must name the stored ETag (a client working on an old copy is refused
// with 412 and fetches again); If-None-Match: * refuses to overwrite.
// Attendees in the client's copy are not taken: invitations are sent from
// the hub, and the stored invitees stay.
func (b davBackend) PutCalendarObject(ctx context.Context, p string, data *ical.Calendar, opts *caldav.PutCalendarObjectOptions) (*caldav.CalendarObject, error) {
	c := davCaller(ctx)
	calID, name, err := b.split(ctx, p)
	if err != nil {
		return nil, err
	}
	if name == "" || !strings.HasSuffix(name, ".ics") || len(name) > 255 {
		return nil, httpErr(http.StatusForbidden, errors.New("calendar: an object's name ends in .ics"))
	}
	in, uid, err := fromICal(data)
	if err != nil {
		return nil, davError(err)
	}
	in.CalendarID = calID
	old, err := b.s.eventWhere(ctx, `calendar_id = $1 AND href = $2`, calID, name)
	exists := err == nil
	if err != nil && !errors.Is(err, db.ErrNotFound) {
		return nil, err
	}
	if opts != nil {
		if opts.IfNoneMatch.IsWildcard() && exists {
			return nil, httpErr(http.StatusPreconditionFailed, errors.New("calendar: the object exists"))
		}
		if opts.IfMatch.IsSet() && !opts.IfMatch.IsWildcard() {
			tag, _ := opts.IfMatch.ETag()
			if !exists || tag != old.ETag {
				return nil, httpErr(http.StatusPreconditionFailed, errors.New("calendar: the object changed since it was read"))
			}
		}
		if opts.IfMatch.IsWildcard() && !exists {
			return nil, httpErr(http.StatusPreconditionFailed, errors.New("calendar: no such object"))
		}
	}
	var e Event
	if exists {
		if old.UID != uid {
			return nil, httpErr(http.StatusConflict, errors.New("calendar: an object keeps its UID"))
		}
		if in.Kind == "" {
			in.Kind = old.Kind
		}
		for _, v := range old.Invitees {
			in.Invitees = append(in.Invitees, PersonID{Kind: v.Kind, ID: v.ID})
		}
		e, err = b.s.Update(ctx, c, old.ID, in)
	} else {
		in.uid, in.href = uid, name
		e, err = b.s.Create(ctx, c, in)
	}
	if err != nil {
		return nil, davError(err)
	}
	o, err := b.object(ctx, e)
	return &o, err
}

func (b davBackend) DeleteCalendarObject(ctx context.Context, p string) error {
	calID, name, err := b.split(ctx, p)
	if err != nil {
		return err
	}
	if _, err := b.s.Calendar(ctx, davCaller(ctx), calID); err != nil {
		return davError(err)
	}
	e, err := b.s.eventWhere(ctx, `calendar_id = $1 AND href = $2`, calID, name)
	if err != nil {
		return davError(err)
	}
	return davError(b.s.Delete(ctx, davCaller(ctx), e.ID))
}
