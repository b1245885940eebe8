-- +goose Up
-- The member's office in the bots (package memberbot).
-- A member's chat with a bot or community, confirmed by a one-time code
-- sent from the card or linked by an operator (linked_by: 'code' or the
-- operator's user id). One card per messenger user and channel.
CREATE TABLE memberbot_links (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL,
    kind       TEXT NOT NULL,
    channel_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    linked_by  TEXT NOT NULL,
    linked_at  BIGINT NOT NULL,
    UNIQUE (channel_id, user_id)
);
CREATE INDEX memberbot_links_member ON memberbot_links(member_id);

-- A linking under way: step 'phone' while the bot waits for the number,
-- 'code' once a code went out. member_id is '' when the number matched no
-- single card: the member is told the same thing either way, and no code
-- can match. code_hash is an HMAC of the code, never the code.
CREATE TABLE memberbot_codes (
    channel_id TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    step       TEXT NOT NULL,
    member_id  TEXT NOT NULL DEFAULT '',
    code_hash  TEXT NOT NULL DEFAULT '',
    attempts   INTEGER NOT NULL DEFAULT 0,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (channel_id, user_id)
);

-- Electronic membership cards issued; the signed token names the row.
CREATE TABLE memberbot_cards (
    id             TEXT PRIMARY KEY,
    member_id      TEXT NOT NULL,
    issued_at      BIGINT NOT NULL,
    expires_at     BIGINT NOT NULL,
    revoked_at     BIGINT NOT NULL DEFAULT 0,
    revoked_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX memberbot_cards_member ON memberbot_cards(member_id);

-- The last status of an appeal the member was told about.
CREATE TABLE memberbot_appeal_seen (
    appeal_id  TEXT PRIMARY KEY,
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Menu actions counted per day (installation's zone), channel kind and action.
CREATE TABLE memberbot_actions (
    day    TEXT NOT NULL,
    kind   TEXT NOT NULL,
    action TEXT NOT NULL,
    n      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, action)
);

-- +goose Down
DROP TABLE memberbot_actions;
DROP TABLE memberbot_appeal_seen;
DROP TABLE memberbot_cards;
DROP TABLE memberbot_codes;
DROP TABLE memberbot_links;
