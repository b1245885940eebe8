-- +goose Up
-- Campaigns over Telegram and VK (package mailing): which bot or community
-- sends a campaign, the provider's id of each sent message (a member's
-- answer to it is linked to the campaign), and the ledger read by member
-- for the CRM timeline.
ALTER TABLE mailing_campaigns ADD COLUMN messengers TEXT NOT NULL DEFAULT '{}'; -- {"telegram": channel id, "vk": channel id}
ALTER TABLE mailing_recipients ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
CREATE INDEX mailing_recipients_member ON mailing_recipients(member_id, updated_at) WHERE member_id <> '';

-- +goose Down
DROP INDEX mailing_recipients_member;
ALTER TABLE mailing_recipients DROP COLUMN provider_id;
ALTER TABLE mailing_campaigns DROP COLUMN messengers;
