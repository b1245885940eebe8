-- +goose Up
-- Campaigns over Telegram and VK (package mailing): which bot or community
-- sends a campaign, the provider's id of each sent message (a member's
-- answer to it is linked to the campaign), and the ledger read by member
-- for the CRM timeline; conversations that answer a campaign.
ALTER TABLE mailing_campaigns ADD COLUMN messengers TEXT NOT NULL DEFAULT '{}'; -- {"telegram": channel id, "vk": channel id}
ALTER TABLE mailing_recipients ADD COLUMN provider_id TEXT NOT NULL DEFAULT '';
-- Open and click counting, when an administrator turns tracking on.
ALTER TABLE mailing_recipients ADD COLUMN opened_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE mailing_recipients ADD COLUMN clicks INTEGER NOT NULL DEFAULT 0;
CREATE INDEX mailing_recipients_member ON mailing_recipients(member_id, updated_at) WHERE member_id <> '';
-- A member's answer to a mailing: the campaign it answers. The inbox has
-- no free-form conversation attributes, so it is a column like the others.
ALTER TABLE inbox_conversations ADD COLUMN campaign_id TEXT NOT NULL DEFAULT '';
ALTER TABLE inbox_conversations ADD COLUMN campaign_name TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE inbox_conversations DROP COLUMN campaign_name;
ALTER TABLE inbox_conversations DROP COLUMN campaign_id;
DROP INDEX mailing_recipients_member;
ALTER TABLE mailing_recipients DROP COLUMN clicks;
ALTER TABLE mailing_recipients DROP COLUMN opened_at;
ALTER TABLE mailing_recipients DROP COLUMN provider_id;
ALTER TABLE mailing_campaigns DROP COLUMN messengers;
