-- +goose Up
-- What a connector last saw of its channel (last update received, last
-- error, the bot's or community's name), shown in the channel settings.
ALTER TABLE inbox_channels ADD COLUMN status TEXT NOT NULL DEFAULT '{}';

-- +goose Down
ALTER TABLE inbox_channels DROP COLUMN status;
