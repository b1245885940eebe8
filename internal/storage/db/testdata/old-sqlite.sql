CREATE TABLE goose_db_version (
		id INTEGER PRIMARY KEY AUTOINCREMENT,
		version_id INTEGER NOT NULL,
		is_applied INTEGER NOT NULL,
		tstamp TIMESTAMP DEFAULT (datetime('now'))
	);
CREATE TABLE units (
    id          TEXT PRIMARY KEY,
    parent_id   TEXT REFERENCES units(id),
    -- materialised path "/<root id>/…/<own id>/": a subtree is a range scan
    path        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_folded TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX units_parent ON units(parent_id);
CREATE TABLE users (
    id             TEXT PRIMARY KEY,
    login          TEXT NOT NULL UNIQUE,
    full_name      TEXT NOT NULL,
    name_folded    TEXT NOT NULL,
    email          TEXT NOT NULL DEFAULT '',
    role           TEXT NOT NULL,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    password_hash  TEXT NOT NULL,
    lang           TEXT NOT NULL DEFAULT 'ru',
    disabled       BOOLEAN NOT NULL DEFAULT FALSE,
    totp_secret    TEXT NOT NULL DEFAULT '',
    totp_enabled   BOOLEAN NOT NULL DEFAULT FALSE,
    totp_last_step BIGINT NOT NULL DEFAULT 0,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
, avatar_key TEXT NOT NULL DEFAULT '');
CREATE INDEX users_unit ON users(unit_id);
CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    csrf_token   TEXT NOT NULL,
    mfa_pending  BOOLEAN NOT NULL DEFAULT FALSE,
    ip           TEXT NOT NULL DEFAULT '',
    user_agent   TEXT NOT NULL DEFAULT '',
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT NOT NULL DEFAULT 0,
    expires_at   BIGINT NOT NULL DEFAULT 0,
    revoked_at   BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
CREATE TABLE audit_log (
    id          TEXT PRIMARY KEY,
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL,
    ip          TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_unit_at ON audit_log(unit_id, at);
CREATE INDEX audit_object ON audit_log(object_type, object_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE inbox_lines (
    id                  TEXT PRIMARY KEY,
    unit_id             TEXT NOT NULL REFERENCES units(id),
    name                TEXT NOT NULL,
    routing_mode        TEXT NOT NULL,
    max_active          INTEGER NOT NULL,
    offer_timeout_s     INTEGER NOT NULL,
    queue_alert_s       INTEGER NOT NULL,
    sticky              BOOLEAN NOT NULL,
    reopen_window_h     INTEGER NOT NULL,
    auto_close_h        INTEGER NOT NULL,
    return_after_min    INTEGER NOT NULL,
    ask_rating          BOOLEAN NOT NULL,
    welcome_reply       TEXT NOT NULL DEFAULT '',
    off_hours_reply     TEXT NOT NULL DEFAULT '',
    hours               TEXT NOT NULL DEFAULT '{}',
    created_at          BIGINT NOT NULL,
    updated_at          BIGINT NOT NULL
);
CREATE TABLE inbox_line_operators (
    line_id    TEXT NOT NULL REFERENCES inbox_lines(id),
    user_id    TEXT NOT NULL REFERENCES users(id),
    position   INTEGER NOT NULL,
    capacity   INTEGER NOT NULL DEFAULT 0,
    supervisor BOOLEAN NOT NULL DEFAULT FALSE,
    PRIMARY KEY (line_id, user_id)
);
CREATE INDEX inbox_line_operators_user ON inbox_line_operators(user_id);
CREATE TABLE inbox_channels (
    id           TEXT PRIMARY KEY,
    line_id      TEXT NOT NULL REFERENCES inbox_lines(id),
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL DEFAULT '',
    settings     TEXT NOT NULL DEFAULT '{}',
    secrets      TEXT NOT NULL DEFAULT '',
    rate_per_s   INTEGER NOT NULL DEFAULT 0,
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
, status TEXT NOT NULL DEFAULT '{}');
CREATE INDEX inbox_channels_line ON inbox_channels(line_id);
CREATE INDEX inbox_channels_token ON inbox_channels(token_hash);
CREATE TABLE inbox_contacts (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    name_folded TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    member_id   TEXT NOT NULL DEFAULT '',
    last_operator_id TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE TABLE inbox_identities (
    namespace   TEXT NOT NULL,
    external_id TEXT NOT NULL,
    contact_id  TEXT NOT NULL REFERENCES inbox_contacts(id),
    display     TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (namespace, external_id)
);
CREATE INDEX inbox_identities_contact ON inbox_identities(contact_id);
CREATE TABLE inbox_conversations (
    id                TEXT PRIMARY KEY,
    line_id           TEXT NOT NULL REFERENCES inbox_lines(id),
    unit_id           TEXT NOT NULL REFERENCES units(id),
    channel_id        TEXT NOT NULL REFERENCES inbox_channels(id),
    contact_id        TEXT NOT NULL REFERENCES inbox_contacts(id),
    external_chat_id  TEXT NOT NULL,
    status            TEXT NOT NULL,
    assignee_id       TEXT NOT NULL DEFAULT '',
    priority          INTEGER NOT NULL DEFAULT 0,
    spam              BOOLEAN NOT NULL DEFAULT FALSE,
    subject           TEXT NOT NULL DEFAULT '',
    subject_folded    TEXT NOT NULL DEFAULT '',
    last_seq          BIGINT NOT NULL DEFAULT 0,
    unread            INTEGER NOT NULL DEFAULT 0,
    rating            INTEGER NOT NULL DEFAULT 0,
    rating_comment    TEXT NOT NULL DEFAULT '',
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    queued_at         BIGINT NOT NULL DEFAULT 0,
    assigned_at       BIGINT NOT NULL DEFAULT 0,
    first_response_at BIGINT NOT NULL DEFAULT 0,
    last_inbound_at   BIGINT NOT NULL DEFAULT 0,
    last_message_at   BIGINT NOT NULL DEFAULT 0,
    alerted_at        BIGINT NOT NULL DEFAULT 0,
    closed_at         BIGINT NOT NULL DEFAULT 0,
    closed_by         TEXT NOT NULL DEFAULT ''
, campaign_id TEXT NOT NULL DEFAULT '', campaign_name TEXT NOT NULL DEFAULT '');
CREATE UNIQUE INDEX inbox_conversations_open ON inbox_conversations(contact_id, line_id) WHERE status <> 'closed';
CREATE INDEX inbox_conversations_line_status ON inbox_conversations(line_id, status);
CREATE INDEX inbox_conversations_assignee ON inbox_conversations(assignee_id, status);
CREATE INDEX inbox_conversations_contact ON inbox_conversations(contact_id, created_at);
CREATE TABLE inbox_messages (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id),
    seq             BIGINT NOT NULL,
    direction       TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    external_id     TEXT,
    client_id       TEXT,
    provider_id     TEXT NOT NULL DEFAULT '',
    author_id       TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL DEFAULT '',
    attachments     TEXT NOT NULL DEFAULT '[]',
    status          TEXT NOT NULL DEFAULT '',
    status_reason   TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL DEFAULT 0,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    sent_at         BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbox_messages_seq ON inbox_messages(conversation_id, seq);
CREATE UNIQUE INDEX inbox_messages_external ON inbox_messages(channel_id, external_id) WHERE external_id IS NOT NULL;
CREATE UNIQUE INDEX inbox_messages_client ON inbox_messages(conversation_id, client_id) WHERE client_id IS NOT NULL;
CREATE INDEX inbox_messages_outbox ON inbox_messages(next_attempt_at) WHERE status = 'pending';
CREATE TABLE inbox_events (
    seq             BIGINT PRIMARY KEY,
    at              BIGINT NOT NULL,
    kind            TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    assignee_id     TEXT NOT NULL DEFAULT '',
    payload         TEXT NOT NULL
);
CREATE INDEX inbox_events_at ON inbox_events(at);
CREATE TABLE inbox_counter (
    name TEXT PRIMARY KEY,
    seq  BIGINT NOT NULL
);
CREATE TABLE inbox_routing_log (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL,
    line_id         TEXT NOT NULL,
    at              BIGINT NOT NULL,
    decision        TEXT NOT NULL,
    operator_id     TEXT NOT NULL DEFAULT '',
    reason          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX inbox_routing_log_conv ON inbox_routing_log(conversation_id, at);
CREATE TABLE inbox_presence (
    user_id    TEXT PRIMARY KEY REFERENCES users(id),
    status     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE TABLE inbox_quick_answers (
    id         TEXT PRIMARY KEY,
    line_id    TEXT NOT NULL DEFAULT '',
    owner_id   TEXT NOT NULL DEFAULT '',
    shortcut   TEXT NOT NULL,
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inbox_quick_answers_line ON inbox_quick_answers(line_id);
CREATE INDEX inbox_quick_answers_owner ON inbox_quick_answers(owner_id);
CREATE TABLE inbox_attachments (
    blob_key        TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES inbox_conversations(id),
    name            TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size            BIGINT NOT NULL,
    sha256          TEXT NOT NULL,
    uploaded_by     TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL
);
CREATE INDEX inbox_attachments_conversation ON inbox_attachments(conversation_id);
CREATE TABLE crm_organisations (
    unit_id     TEXT PRIMARY KEY REFERENCES units(id),
    full_name   TEXT NOT NULL DEFAULT '',
    short_name  TEXT NOT NULL DEFAULT '',
    industry    TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '',
    address     TEXT NOT NULL DEFAULT '',
    chairman    TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    notes       TEXT NOT NULL DEFAULT '',
    custom      TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE TABLE crm_members (
    id            TEXT PRIMARY KEY,
    unit_id       TEXT NOT NULL REFERENCES units(id),  -- primary organisation
    surname       TEXT NOT NULL,
    given_name    TEXT NOT NULL DEFAULT '',
    patronymic    TEXT NOT NULL DEFAULT '',
    name_folded   TEXT NOT NULL,                 -- "surname given patronymic", folded
    birth_date    TEXT NOT NULL DEFAULT '',      -- YYYY-MM-DD or ''
    sex           TEXT NOT NULL DEFAULT '',
    phones        TEXT NOT NULL DEFAULT '[]',    -- E.164, JSON array; looked up through crm_member_contacts
    emails        TEXT NOT NULL DEFAULT '[]',
    workplace     TEXT NOT NULL DEFAULT '',
    position      TEXT NOT NULL DEFAULT '',
    industry      TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    joined_on     TEXT NOT NULL DEFAULT '',
    left_on       TEXT NOT NULL DEFAULT '',
    left_reason   TEXT NOT NULL DEFAULT '',
    card_number   TEXT NOT NULL DEFAULT '',      -- union card
    discount_card TEXT NOT NULL DEFAULT '',      -- ProfDISCOUNT
    activist      BOOLEAN NOT NULL DEFAULT FALSE,
    flags         TEXT NOT NULL DEFAULT '[]',
    consents      TEXT NOT NULL DEFAULT '{}',
    -- ",email,sms," : mailing channels with consent given, for a LIKE filter
    consent_channels TEXT NOT NULL DEFAULT ',',
    custom        TEXT NOT NULL DEFAULT '{}',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
, kind TEXT NOT NULL DEFAULT 'member');
CREATE UNIQUE INDEX crm_members_card ON crm_members(card_number) WHERE card_number <> '';
CREATE INDEX crm_members_discount ON crm_members(discount_card) WHERE discount_card <> '';
CREATE TABLE crm_member_contacts (
    kind      TEXT NOT NULL,   -- phone or email
    value     TEXT NOT NULL,   -- E.164 phone, lower-case e-mail
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE,
    PRIMARY KEY (kind, value, member_id)
);
CREATE INDEX crm_member_contacts_member ON crm_member_contacts(member_id);
CREATE TABLE crm_member_words (
    word      TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES crm_members(id) ON DELETE CASCADE, unit_id TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (word, member_id)
);
CREATE INDEX crm_member_words_member ON crm_member_words(member_id);
CREATE TABLE widget_visitors (
    id              TEXT PRIMARY KEY,
    channel_id      TEXT NOT NULL REFERENCES inbox_channels(id),
    token_hash      TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    contact         TEXT NOT NULL DEFAULT '',
    topic           TEXT NOT NULL DEFAULT '',
    consent_at      BIGINT NOT NULL DEFAULT 0,
    conversation_id TEXT NOT NULL DEFAULT '',
    revoked_at      BIGINT NOT NULL DEFAULT 0,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);
CREATE INDEX widget_visitors_token ON widget_visitors(token_hash);
CREATE TABLE widget_uploads (
    blob_key     TEXT PRIMARY KEY,
    visitor_id   TEXT NOT NULL REFERENCES widget_visitors(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX widget_uploads_visitor ON widget_uploads(visitor_id);
CREATE TABLE mail_folders (
    channel_id   TEXT NOT NULL,
    folder       TEXT NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid     BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (channel_id, folder)
);
CREATE TABLE mail_letters (
    channel_id      TEXT NOT NULL,
    message_id      TEXT NOT NULL,
    direction       TEXT NOT NULL,
    conversation_id TEXT NOT NULL DEFAULT '',
    address         TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL DEFAULT '',
    bounce          TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL, raw_key TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (channel_id, message_id)
);
CREATE INDEX mail_letters_conversation ON mail_letters(conversation_id, created_at);
CREATE INDEX mail_letters_address ON mail_letters(channel_id, address);
CREATE INDEX crm_members_name_id ON crm_members(name_folded, id, birth_date);
CREATE INDEX crm_members_unit_name_id ON crm_members(unit_id, name_folded, id);
CREATE TABLE crm_appeal_counters (
    year  INTEGER PRIMARY KEY,
    last  BIGINT NOT NULL
);
CREATE TABLE crm_appeals (
    id              TEXT PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    unit_id         TEXT NOT NULL REFERENCES units(id),  -- organisation; decides who sees the card
    member_id       TEXT NOT NULL DEFAULT '',            -- '' for a person without a card
    applicant       TEXT NOT NULL DEFAULT '',            -- name as given, for one without a card
    channel         TEXT NOT NULL,                       -- telegram, vk, email, widget, api, phone, letter, visit
    conversation_id TEXT NOT NULL DEFAULT '',
    message_ids     TEXT NOT NULL DEFAULT '[]',          -- inbox messages the appeal was made from
    topic           TEXT NOT NULL DEFAULT '',
    subject         TEXT NOT NULL,
    text            TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    priority        INTEGER NOT NULL DEFAULT 0,
    responsible_id  TEXT NOT NULL DEFAULT '',
    due_on          TEXT NOT NULL DEFAULT '',          -- YYYY-MM-DD or ''
    resolution      TEXT NOT NULL DEFAULT '',
    search_folded   TEXT NOT NULL DEFAULT '',            -- number, subject, topic, applicant; folded
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL,
    closed_at       BIGINT NOT NULL DEFAULT 0
, category_id TEXT NOT NULL DEFAULT '', reminded_for TEXT NOT NULL DEFAULT '', overdue_for TEXT NOT NULL DEFAULT '');
CREATE INDEX crm_appeals_unit ON crm_appeals(unit_id, created_at);
CREATE INDEX crm_appeals_member ON crm_appeals(member_id, created_at) WHERE member_id <> '';
CREATE INDEX crm_appeals_conversation ON crm_appeals(conversation_id) WHERE conversation_id <> '';
CREATE INDEX crm_appeals_responsible ON crm_appeals(responsible_id, status);
CREATE INDEX crm_appeals_open_due ON crm_appeals(due_on) WHERE status IN ('new', 'in_progress', 'waiting');
CREATE INDEX crm_inbox_contacts_member ON inbox_contacts(member_id) WHERE member_id <> '';
CREATE TABLE crm_saved_filters (
    id          TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    shared      BOOLEAN NOT NULL DEFAULT FALSE,
    filter      TEXT NOT NULL,                           -- JSON of crm.MemberFilter
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE INDEX crm_saved_filters_owner ON crm_saved_filters(owner_id);
CREATE INDEX crm_saved_filters_unit ON crm_saved_filters(unit_id) WHERE shared;
CREATE TABLE crm_lists (
    id          TEXT PRIMARY KEY,
    unit_id     TEXT NOT NULL REFERENCES units(id),
    name        TEXT NOT NULL,
    fields      TEXT NOT NULL,                           -- JSON of []crm.ListField
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
CREATE TABLE crm_list_records (
    id            TEXT PRIMARY KEY,
    list_id       TEXT NOT NULL REFERENCES crm_lists(id) ON DELETE CASCADE,
    unit_id       TEXT NOT NULL REFERENCES units(id),
    vals          TEXT NOT NULL,                         -- JSON object, field key → value
    search_folded TEXT NOT NULL DEFAULT '',
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);
CREATE INDEX crm_list_records_list ON crm_list_records(list_id, created_at);
CREATE TABLE wf_registries (
    id             TEXT PRIMARY KEY,
    unit_id        TEXT NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,            -- internal | incoming | outgoing
    format         TEXT NOT NULL,            -- e.g. "ВХ-{year}/{seq:4}-{medium}"
    paper_mark     TEXT NOT NULL,
    electronic_mark TEXT NOT NULL,
    updated_at     BIGINT NOT NULL,
    UNIQUE (unit_id, kind)
);
CREATE TABLE wf_counters (
    registry_id TEXT NOT NULL REFERENCES wf_registries(id),
    year        INTEGER NOT NULL,
    last_seq    BIGINT NOT NULL,
    PRIMARY KEY (registry_id, year)
);
CREATE TABLE wf_definitions (
    id         TEXT NOT NULL,
    version    INTEGER NOT NULL,
    body       TEXT NOT NULL,                -- JSON, see workflow.Definition
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (id, version)
);
CREATE TABLE wf_documents (
    id               TEXT PRIMARY KEY,
    unit_id          TEXT NOT NULL REFERENCES units(id),
    registry_id      TEXT NOT NULL REFERENCES wf_registries(id),
    kind             TEXT NOT NULL,
    number           TEXT NOT NULL,
    seq              BIGINT NOT NULL,
    year             INTEGER NOT NULL,
    medium           TEXT NOT NULL,          -- paper | electronic
    title            TEXT NOT NULL,
    summary          TEXT NOT NULL DEFAULT '',
    correspondent    TEXT NOT NULL DEFAULT '', -- sender (incoming) or recipient (outgoing)
    correspondent_folded TEXT NOT NULL DEFAULT '', -- fold.String(correspondent), for the journal filter
    orig_number      TEXT NOT NULL DEFAULT '',
    orig_date        TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD
    doc_date         TEXT NOT NULL DEFAULT '',
    received_on      TEXT NOT NULL DEFAULT '',
    delivery         TEXT NOT NULL DEFAULT '', -- how received / to be sent
    priority         INTEGER NOT NULL DEFAULT 0, -- 0 normal, 1 high, 2 urgent
    deadline         BIGINT NOT NULL DEFAULT 0,
    search_folded    TEXT NOT NULL,
    process_id       TEXT NOT NULL,
    process_version  INTEGER NOT NULL,
    step             TEXT NOT NULL,
    status           TEXT NOT NULL,          -- active | closed | rejected
    state_version    BIGINT NOT NULL,        -- bumped by every transition: one decision wins
    signed_at        BIGINT NOT NULL DEFAULT 0,
    signed_by        TEXT NOT NULL DEFAULT '',
    rejection_reason TEXT NOT NULL DEFAULT '',
    resolution       TEXT NOT NULL DEFAULT '{}',
    dispatch         TEXT NOT NULL DEFAULT '{}',
    member_id        TEXT NOT NULL DEFAULT '',
    org_unit_id      TEXT NOT NULL DEFAULT '',
    appeal_id        TEXT NOT NULL DEFAULT '',
    related_id       TEXT NOT NULL DEFAULT '',  -- e.g. the incoming letter an outgoing one answers
    created_by       TEXT NOT NULL,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    UNIQUE (registry_id, number),
    UNIQUE (registry_id, year, seq)
);
CREATE INDEX wf_documents_unit ON wf_documents(unit_id, created_at);
CREATE INDEX wf_documents_status ON wf_documents(status, deadline);
CREATE TABLE wf_attachments (
    id           TEXT PRIMARY KEY,
    document_id  TEXT NOT NULL REFERENCES wf_documents(id),
    name         TEXT NOT NULL,
    version      INTEGER NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    signed       BOOLEAN NOT NULL DEFAULT FALSE, -- the version the chairman signed: fixed
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL,
    UNIQUE (document_id, name, version)
);
CREATE TABLE wf_tasks (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    step        TEXT NOT NULL,
    assignee_id TEXT NOT NULL REFERENCES users(id),
    status      TEXT NOT NULL,               -- open | done | cancelled
    deadline    BIGINT NOT NULL DEFAULT 0,
    decision    TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    report      TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    done_at     BIGINT NOT NULL DEFAULT 0,
    reminded_at BIGINT NOT NULL DEFAULT 0,
    escalated_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX wf_tasks_assignee ON wf_tasks(assignee_id, status, deadline);
CREATE INDEX wf_tasks_document ON wf_tasks(document_id, status);
CREATE INDEX wf_tasks_open_deadline ON wf_tasks(status, deadline);
CREATE TABLE wf_events (
    id          TEXT PRIMARY KEY,
    document_id TEXT NOT NULL REFERENCES wf_documents(id),
    at          BIGINT NOT NULL,
    actor_id    TEXT NOT NULL DEFAULT '',
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    step        TEXT NOT NULL DEFAULT '',
    to_step     TEXT NOT NULL DEFAULT '',
    comment     TEXT NOT NULL DEFAULT '',
    details     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX wf_events_document ON wf_events(document_id, id);
CREATE TABLE wf_templates (
    id         TEXT PRIMARY KEY,
    unit_id    TEXT NOT NULL REFERENCES units(id),
    kind       TEXT NOT NULL,
    name       TEXT NOT NULL,
    fields     TEXT NOT NULL DEFAULT '{}',   -- pre-filled DocumentInput fields
    files      TEXT NOT NULL DEFAULT '[]',   -- [{name, blob_key, size, sha256, content_type}]
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
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
CREATE TABLE telegram_menu_pending (
    channel_id  TEXT NOT NULL REFERENCES inbox_channels(id),
    chat_id     TEXT NOT NULL,
    update_id   BIGINT NOT NULL,
    body        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (channel_id, update_id)
);
CREATE INDEX telegram_menu_pending_chat ON telegram_menu_pending(channel_id, chat_id, update_id);
CREATE INDEX telegram_menu_pending_age ON telegram_menu_pending(created_at);
CREATE INDEX inbox_conversations_chat ON inbox_conversations(channel_id, external_chat_id);
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
, messengers TEXT NOT NULL DEFAULT '{}');
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
    updated_at  BIGINT NOT NULL DEFAULT 0, provider_id TEXT NOT NULL DEFAULT '', opened_at BIGINT NOT NULL DEFAULT 0, clicks INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, seq)
);
CREATE UNIQUE INDEX mailing_recipients_once ON mailing_recipients(campaign_id, channel, address);
CREATE INDEX mailing_recipients_pending ON mailing_recipients(campaign_id, seq) WHERE status = 'pending';
CREATE INDEX mailing_recipients_address ON mailing_recipients(address);
CREATE TABLE mailing_suppressions (
    channel     TEXT NOT NULL,
    address     TEXT NOT NULL,
    reason      TEXT NOT NULL,              -- unsubscribe, bounce, complaint
    campaign_id TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (channel, address)
);
CREATE INDEX crm_members_unit_status_joined ON crm_members(unit_id, status, joined_on, name_folded, id);
CREATE TABLE widget_mail_letters (
    letter_key      TEXT PRIMARY KEY,
    mail_channel_id TEXT NOT NULL,
    channel_id      TEXT NOT NULL,
    visitor_id      TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    created_at      BIGINT NOT NULL
);
CREATE INDEX users_avatar ON users(avatar_key) WHERE avatar_key <> '';
CREATE INDEX mailing_recipients_member ON mailing_recipients(member_id, updated_at) WHERE member_id <> '';
CREATE INDEX crm_member_words_word_unit ON crm_member_words(word, unit_id, member_id);
CREATE TABLE crm_appeal_categories (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    name_folded  TEXT NOT NULL UNIQUE,
    sla_days     INTEGER NOT NULL,
    working_days BOOLEAN NOT NULL DEFAULT FALSE,   -- Monday to Friday only
    disabled     BOOLEAN NOT NULL DEFAULT FALSE,   -- kept for old appeals, not offered
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);
CREATE INDEX crm_appeals_category ON crm_appeals(category_id, created_at) WHERE category_id <> '';
CREATE TABLE crm_appeal_executors (
    appeal_id TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users(id),
    PRIMARY KEY (appeal_id, user_id)
);
CREATE INDEX crm_appeal_executors_user ON crm_appeal_executors(user_id);
CREATE TABLE crm_appeal_comments (
    id          TEXT PRIMARY KEY,
    appeal_id   TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    author_id   TEXT NOT NULL DEFAULT '',
    author_name TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);
CREATE INDEX crm_appeal_comments_appeal ON crm_appeal_comments(appeal_id, id);
CREATE TABLE crm_appeal_files (
    id           TEXT PRIMARY KEY,
    appeal_id    TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX crm_appeal_files_appeal ON crm_appeal_files(appeal_id, id);
CREATE TABLE crm_appeal_events (
    id         TEXT PRIMARY KEY,
    appeal_id  TEXT NOT NULL REFERENCES crm_appeals(id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    actor_id   TEXT NOT NULL DEFAULT '',
    actor_name TEXT NOT NULL,
    action     TEXT NOT NULL,                 -- create | update | comment | file | notice
    details    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX crm_appeal_events_appeal ON crm_appeal_events(appeal_id, id);
CREATE TABLE crm_list_files (
    id           TEXT PRIMARY KEY,
    list_id      TEXT NOT NULL REFERENCES crm_lists(id) ON DELETE CASCADE,
    field_key    TEXT NOT NULL,
    record_id    TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    content_type TEXT NOT NULL,
    uploaded_by  TEXT NOT NULL,
    uploaded_at  BIGINT NOT NULL
);
CREATE INDEX crm_list_files_record ON crm_list_files(record_id) WHERE record_id <> '';
CREATE TABLE "wf_notifications" (
    id          TEXT PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users(id),
    document_id TEXT REFERENCES wf_documents(id),
    appeal_id   TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,
    text        TEXT NOT NULL,
    at          BIGINT NOT NULL,
    read_at     BIGINT NOT NULL DEFAULT 0,
    mail_state  TEXT NOT NULL DEFAULT 'none'
);
CREATE INDEX wf_notifications_user ON wf_notifications(user_id, id);
CREATE INDEX wf_notifications_mail ON wf_notifications(mail_state) WHERE mail_state = 'pending';
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (1, 0, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (2, 1, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (3, 2, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (4, 3, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (5, 4, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (6, 5, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (7, 6, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (8, 7, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (9, 8, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (10, 9, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (11, 10, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (12, 12, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (13, 13, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (14, 14, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (15, 16, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (16, 18, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (17, 19, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (18, 20, true, '2026-12-04 04:12:44');
INSERT INTO goose_db_version (id, version_id, is_applied, tstamp) VALUES (19, 21, true, '2026-12-04 04:12:44');
