-- +goose Up
-- A user's own time zone (IANA name) for the dates and times the UI shows
-- them; '' keeps the installation's (PROFHUB_TIME_ZONE).
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE users DROP COLUMN time_zone;
