-- +goose Up
-- Telephony connector (package connectors/telephony). Every PBX event is
-- kept once per (channel, provider call id, event key); the call record is
-- recomputed from all of a call's events, so events arriving late, twice or
-- out of order converge to the same record.
CREATE TABLE tel_calls (
    id               TEXT PRIMARY KEY,
    channel_id       TEXT NOT NULL,
    line_id          TEXT NOT NULL,
    unit_id          TEXT NOT NULL,             -- the line's unit: scope of who sees the call
    provider_call_id TEXT NOT NULL,
    direction        TEXT NOT NULL DEFAULT '',  -- in, out, internal
    state            TEXT NOT NULL DEFAULT '',  -- ringing, talking, ended
    contact_number   TEXT NOT NULL DEFAULT '',  -- the outside party, E.164 when it parses
    line_number      TEXT NOT NULL DEFAULT '',  -- the federation's number the call came in on or went out from
    extension        TEXT NOT NULL DEFAULT '',  -- the operator's extension that answered or rang last
    operator_id      TEXT NOT NULL DEFAULT '',
    member_id        TEXT NOT NULL DEFAULT '',
    started_at       BIGINT NOT NULL DEFAULT 0,
    answered_at      BIGINT NOT NULL DEFAULT 0,
    ended_at         BIGINT NOT NULL DEFAULT 0,
    wait_s           INTEGER NOT NULL DEFAULT 0,
    talk_s           INTEGER NOT NULL DEFAULT 0,
    result           TEXT NOT NULL DEFAULT '',  -- answered, missed, busy, voicemail, failed; '' while in progress
    cause            TEXT NOT NULL DEFAULT '',
    recording_ref    TEXT NOT NULL DEFAULT '',  -- provider's recording id or URL
    recording_state  TEXT NOT NULL DEFAULT '',  -- '', pending, ready, unavailable, deleted
    recording_key    TEXT NOT NULL DEFAULT '',
    recording_size   BIGINT NOT NULL DEFAULT 0,
    recording_type   TEXT NOT NULL DEFAULT '',
    recording_error  TEXT NOT NULL DEFAULT '',
    rec_attempts     INTEGER NOT NULL DEFAULT 0,
    rec_next_at      BIGINT NOT NULL DEFAULT 0,
    conversation_id  TEXT NOT NULL DEFAULT '',  -- the queue entry of a missed call
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX tel_calls_provider ON tel_calls(channel_id, provider_call_id);
CREATE INDEX tel_calls_started ON tel_calls(started_at);
CREATE INDEX tel_calls_member ON tel_calls(member_id, started_at) WHERE member_id <> '';
CREATE INDEX tel_calls_number ON tel_calls(contact_number, started_at);
CREATE INDEX tel_calls_recording ON tel_calls(rec_next_at) WHERE recording_state = 'pending';
-- Missed incoming calls not yet in the queue: the worker's pass every few seconds.
CREATE INDEX tel_calls_unqueued ON tel_calls(ended_at) WHERE conversation_id = '' AND direction = 'in' AND state = 'ended' AND result <> 'answered';

CREATE TABLE tel_call_events (
    channel_id       TEXT NOT NULL,
    provider_call_id TEXT NOT NULL,
    event_key        TEXT NOT NULL,   -- provider's sequence or event id: a redelivery has the same key
    seq              BIGINT NOT NULL,
    at               BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    event            TEXT NOT NULL,   -- the neutral event, JSON
    received_at      BIGINT NOT NULL,
    PRIMARY KEY (channel_id, provider_call_id, event_key)
);

-- Click-to-call requests: who asked to call whom, and what became of it.
CREATE TABLE tel_callbacks (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL,
    unit_id         TEXT NOT NULL,
    user_id         TEXT NOT NULL,
    extension       TEXT NOT NULL DEFAULT '',
    number          TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,            -- requested, failed, connected, unanswered
    error           TEXT NOT NULL DEFAULT '',
    call_id         TEXT NOT NULL DEFAULT '',
    requested_at    BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX tel_callbacks_number ON tel_callbacks(number, requested_at);

-- +goose Down
DROP TABLE tel_callbacks;
DROP TABLE tel_call_events;
DROP TABLE tel_calls;
