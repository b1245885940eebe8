-- +goose Up
-- Mass mailings (package mailing). The recipients of a campaign are a
-- ledger in SQL, one row per (campaign, recipient, channel): the runner
-- claims pending rows in batches and marks each one only after the server
-- confirmed the send, so a crash resumes where it stopped.

-- SMTP servers a campaign may send through, each with its own sender
-- identity, rate limit and number of parallel connections.
CREATE TABLE mailing_smtp_accounts (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    host         TEXT NOT NULL,
    port         INTEGER NOT NULL,
    tls          TEXT NOT NULL,            -- none, starttls, tls
    username     TEXT NOT NULL DEFAULT '',
    password     TEXT NOT NULL DEFAULT '', -- sealed with the hub's secret key
    from_address TEXT NOT NULL,
    from_name    TEXT NOT NULL DEFAULT '',
    rate_per_sec INTEGER NOT NULL DEFAULT 0, -- 0: unlimited
    connections  INTEGER NOT NULL DEFAULT 4,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

-- SMS gateways: a generic HTTP gateway or SMS.ru.
CREATE TABLE mailing_sms_gateways (
    id           TEXT PRIMARY KEY,
    unit_id      TEXT NOT NULL REFERENCES units(id),
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,             -- http, smsru
    url          TEXT NOT NULL DEFAULT '',
    api_key      TEXT NOT NULL DEFAULT '',  -- sealed with the hub's secret key
    sender       TEXT NOT NULL DEFAULT '',  -- registered sender name
    rate_per_sec INTEGER NOT NULL DEFAULT 0,
    created_at   BIGINT NOT NULL
);

-- Static (imported) recipient lists.
CREATE TABLE mailing_lists (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units(id),
    name       TEXT NOT NULL,
    size       INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE TABLE mailing_list_entries (
    list_id     TEXT NOT NULL REFERENCES mailing_lists(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    vars        TEXT NOT NULL DEFAULT '{}',
    consents    TEXT NOT NULL DEFAULT ',',   -- ",email,sms," as in crm_members.consent_channels
    advertising BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (list_id, seq)
);

CREATE TABLE mailing_campaigns (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    owner_id      TEXT NOT NULL DEFAULT '',
    owner_role    TEXT NOT NULL,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,             -- informational, advertising
    status        TEXT NOT NULL,             -- draft, scheduled, running, paused, finished, cancelled
    channels      TEXT NOT NULL DEFAULT '[]', -- priority order
    segment       TEXT NOT NULL DEFAULT '{}',
    content       TEXT NOT NULL DEFAULT '{}', -- subject, html, text, sms, attachments
    accounts      TEXT NOT NULL DEFAULT '[]', -- SMTP account ids
    sms_gateway   TEXT NOT NULL DEFAULT '',
    scheduled_at  BIGINT NOT NULL DEFAULT 0,
    needs_confirm BOOLEAN NOT NULL DEFAULT FALSE,
    pause_reason  TEXT NOT NULL DEFAULT '',
    alert         TEXT NOT NULL DEFAULT '',
    built         BOOLEAN NOT NULL DEFAULT FALSE,
    total         INTEGER NOT NULL DEFAULT 0,
    lease_node    TEXT NOT NULL DEFAULT '',
    lease_until   BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    started_at    BIGINT NOT NULL DEFAULT 0,
    finished_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX mailing_campaigns_unit ON mailing_campaigns(unit_id, created_at);
CREATE INDEX mailing_campaigns_status ON mailing_campaigns(status);

CREATE TABLE mailing_recipients (
    campaign_id TEXT NOT NULL REFERENCES mailing_campaigns(id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    member_id   TEXT NOT NULL DEFAULT '',
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,              -- lower-case e-mail, E.164 phone
    vars        TEXT NOT NULL DEFAULT '{}', -- template variables, snapshot at build
    status      TEXT NOT NULL,              -- pending, sent, failed, bounced, skipped
    attempts    INTEGER NOT NULL DEFAULT 0,
    reason      TEXT NOT NULL DEFAULT '',
    updated_at  BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, seq)
);
-- One message per person and channel however many segments list them.
CREATE UNIQUE INDEX mailing_recipients_once ON mailing_recipients(campaign_id, channel, address);
-- The runner's work list: only pending rows, so it shrinks as it goes.
CREATE INDEX mailing_recipients_pending ON mailing_recipients(campaign_id, seq) WHERE status = 'pending';
CREATE INDEX mailing_recipients_address ON mailing_recipients(address);

-- Nobody on this list gets a campaign message on that channel again.
CREATE TABLE mailing_suppressions (
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    reason      TEXT NOT NULL,              -- unsubscribe, bounce, complaint
    campaign_id TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (channel, address)
);

-- +goose Down
DROP TABLE mailing_suppressions;
DROP TABLE mailing_recipients;
DROP TABLE mailing_campaigns;
DROP TABLE mailing_list_entries;
DROP TABLE mailing_lists;
DROP TABLE mailing_sms_gateways;
DROP TABLE mailing_smtp_accounts;
