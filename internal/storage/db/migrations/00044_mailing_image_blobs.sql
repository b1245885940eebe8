-- +goose Up
-- Pictures of the block editor move to the blob store (package mailing):
-- a new picture's row keeps the blob's key and no bytes (data ''); rows
-- from before keep their base64 and are still served. Pictures no letter
-- or template names are swept after a day.
ALTER TABLE mailing_images ADD COLUMN blob_key TEXT NOT NULL DEFAULT '';
ALTER TABLE mailing_images ADD COLUMN size BIGINT NOT NULL DEFAULT 0;
CREATE INDEX mailing_images_created ON mailing_images (created_at);

-- +goose Down
DROP INDEX mailing_images_created;
ALTER TABLE mailing_images DROP COLUMN size;
ALTER TABLE mailing_images DROP COLUMN blob_key;
