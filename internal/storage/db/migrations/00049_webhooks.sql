-- +goose Up
-- Event webhooks (package webhooks). An endpoint is a URL an
-- administrator subscribed to some event types; its secret (sealed) signs
-- every delivery. A delivery is one event for one endpoint: seq orders an
-- endpoint's deliveries (an endpoint gets them in this order, a failing
-- head holds the later ones), claimed_until is the claim of the node that
-- is sending it, so one delivery is sent by one node at a time.
CREATE TABLE webhook_endpoints (
    id         TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_by TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,
    endpoint_id   TEXT NOT NULL REFERENCES webhook_endpoints(id),
    seq           BIGINT NOT NULL,
    event_type    TEXT NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending',
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at       BIGINT NOT NULL,
    last_code     INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    claimed_until BIGINT NOT NULL DEFAULT 0,
    created_at    BIGINT NOT NULL,
    sent_at       BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries(endpoint_id, seq) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries(endpoint_id, seq);

-- Cursors and counters: 'inbox' is the last inbox event fanned out (moved
-- in the same transaction as the deliveries it made), 'seq' the last
-- delivery number given; a feed's row (appeals) keeps its text cursor,
-- value -1 until it is first placed at the feed's end.
CREATE TABLE webhook_state (
    name   TEXT PRIMARY KEY,
    value  BIGINT NOT NULL,
    cursor TEXT NOT NULL DEFAULT ''
);

-- The last state seen of a watched item without a log (a mailing
-- campaign's status): a change is queued in the transaction that notes it.
CREATE TABLE webhook_seen (
    source  TEXT NOT NULL,
    item_id TEXT NOT NULL,
    state   TEXT NOT NULL,
    PRIMARY KEY (source, item_id)
);
INSERT INTO webhook_state (name, value) VALUES ('inbox', -1), ('seq', 0);

-- +goose Down
DROP TABLE webhook_seen;
DROP TABLE webhook_state;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_endpoints;
