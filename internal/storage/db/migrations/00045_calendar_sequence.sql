-- +goose Up
-- An event's iCalendar SEQUENCE: raised when its time, place or repeat
-- changes, so that mail programs take the update letter (METHOD:REQUEST)
-- for a newer version of the invitation they hold.
ALTER TABLE calendar_events ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE calendar_events DROP COLUMN sequence;
