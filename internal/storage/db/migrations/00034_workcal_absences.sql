-- +goose Up
-- The production calendar's years the administrator uploaded (package
-- workcal); a year without a row uses the file shipped in the binary.
-- data is the uploaded JSON as checked (workcal.Year).
CREATE TABLE workcal_years (
    year             INTEGER PRIMARY KEY,
    data             TEXT NOT NULL,
    uploaded_by      TEXT NOT NULL,
    uploaded_by_name TEXT NOT NULL,
    uploaded_at      BIGINT NOT NULL
);

-- Staff absences (package absence): vacation, sick leave, business trip,
-- day off, from starts_on to ends_on inclusive (YYYY-MM-DD, the
-- installation's zone), requested by the person or entered by their head,
-- and approved or rejected by a head whose scope covers the person.
-- Only approved ones take an operator out of routing.
CREATE TABLE absences (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    kind         TEXT NOT NULL,               -- vacation | sick_leave | business_trip | day_off
    starts_on    TEXT NOT NULL,
    ends_on      TEXT NOT NULL,
    status       TEXT NOT NULL,               -- requested | approved | rejected | cancelled
    comment      TEXT NOT NULL DEFAULT '',
    requested_by TEXT NOT NULL,
    decided_by   TEXT NOT NULL DEFAULT '',
    decided_at   BIGINT NOT NULL DEFAULT 0,
    reason       TEXT NOT NULL DEFAULT '',    -- why it was rejected
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX absences_user ON absences(user_id, starts_on);
CREATE INDEX absences_current ON absences(status, ends_on);

-- +goose Down
DROP TABLE absences;
DROP TABLE workcal_years;
