-- +goose Up
-- Working time (package worktime): the intervals a person worked, started,
-- paused, resumed and ended from the page header. day is the date the
-- interval began on in the person's zone (YYYY-MM-DD); ended_at 0 while it
-- runs; closed_by says how it closed ('' running, 'pause', 'end'). Time
-- past the day's midnight is not counted to the day.
CREATE TABLE worktime_intervals (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    day        TEXT NOT NULL,
    started_at BIGINT NOT NULL,
    ended_at   BIGINT NOT NULL DEFAULT 0,
    closed_by  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX worktime_intervals_user ON worktime_intervals(user_id, day);

-- A head's correction of one cell of the time sheet: the minutes that
-- count, the minutes computed from the intervals when it was made, and why.
CREATE TABLE worktime_corrections (
    user_id      TEXT NOT NULL REFERENCES users(id),
    day          TEXT NOT NULL,
    minutes      INTEGER NOT NULL,
    computed     INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    corrected_by TEXT NOT NULL,
    corrected_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, day)
);

-- +goose Down
DROP TABLE worktime_corrections;
DROP TABLE worktime_intervals;
