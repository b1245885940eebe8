-- +goose Up
-- The staff calendar (package calendar). A calendar is a person's own
-- ('personal', owner_id), a unit's ('unit', unit_id and its path, read by
-- the unit's subtree and the heads above it) or the federation's
-- ('federation', path '/').
CREATE TABLE calendars (
    id         TEXT PRIMARY KEY,
    kind       TEXT NOT NULL,
    owner_id   TEXT NOT NULL DEFAULT '',
    unit_id    TEXT NOT NULL DEFAULT '',
    unit_path  TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendars_owner ON calendars (kind, owner_id, unit_id);

-- Events: times in UTC milliseconds; a repeating event keeps its RRULE and
-- the zone it repeats in, and last_end bounds it (0: no end) so a window
-- query needs no expansion. href is the CalDAV resource name, uid the
-- iCalendar UID; etag changes with every edit (If-Match).
CREATE TABLE calendar_events (
    id          TEXT PRIMARY KEY,
    calendar_id TEXT NOT NULL,
    uid         TEXT NOT NULL,
    href        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    title       TEXT NOT NULL,
    place       TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    starts_at   BIGINT NOT NULL,
    ends_at     BIGINT NOT NULL,
    all_day     BOOLEAN NOT NULL DEFAULT FALSE,
    tz          TEXT NOT NULL DEFAULT '',
    rrule       TEXT NOT NULL DEFAULT '',
    last_end    BIGINT NOT NULL,
    remind_min  INTEGER NOT NULL,           -- minutes before; -1: none
    created_by  TEXT NOT NULL DEFAULT '',
    etag        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX calendar_events_uid ON calendar_events (calendar_id, uid);
CREATE UNIQUE INDEX calendar_events_href ON calendar_events (calendar_id, href);
CREATE INDEX calendar_events_window ON calendar_events (calendar_id, starts_at);

-- Invitees: staff ('user') or CRM members ('member'); token matches a
-- mailed answer to its invitation.
CREATE TABLE calendar_invitees (
    event_id  TEXT NOT NULL,
    kind      TEXT NOT NULL,
    ref_id    TEXT NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT NOT NULL DEFAULT '',
    status    TEXT NOT NULL DEFAULT 'needs-action',
    token     TEXT NOT NULL,
    PRIMARY KEY (event_id, kind, ref_id)
);
CREATE INDEX calendar_invitees_ref ON calendar_invitees (kind, ref_id);
CREATE UNIQUE INDEX calendar_invitees_token ON calendar_invitees (token);

-- App passwords for CalDAV clients and secret feed URLs: only a SHA-256
-- of the random secret is kept, so it is shown once.
CREATE TABLE calendar_secrets (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL,
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    hash       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    used_at    BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX calendar_secrets_hash ON calendar_secrets (hash);
CREATE INDEX calendar_secrets_user ON calendar_secrets (user_id, kind);

-- Staff birthdays shown in the calendar (users have no birth date of their
-- own): day and month, the year optional (0).
CREATE TABLE calendar_birthdays (
    user_id TEXT PRIMARY KEY,
    month   INTEGER NOT NULL,
    day     INTEGER NOT NULL,
    year    INTEGER NOT NULL DEFAULT 0
);

-- +goose Down
DROP TABLE calendar_birthdays;
DROP TABLE calendar_secrets;
DROP TABLE calendar_invitees;
DROP TABLE calendar_events;
DROP TABLE calendars;
