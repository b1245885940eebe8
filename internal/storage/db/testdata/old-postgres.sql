--
-- PostgreSQL database dump
--


-- Dumped from database version 15.20 (Debian 15.20-0+deb12u1)
-- Dumped by pg_dump version 15.20 (Debian 15.20-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

--
-- Name: {{schema}}; Type: SCHEMA; Schema: -; Owner: -
--



--
-- Name: audit_log_append_only(); Type: FUNCTION; Schema: {{schema}}; Owner: -
--

CREATE FUNCTION {{schema}}.audit_log_append_only() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN RAISE EXCEPTION 'audit_log is append-only'; END;
$$;


SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: api_tokens; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.api_tokens (
    id text NOT NULL,
    user_id text NOT NULL,
    name text NOT NULL,
    token_hash text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint DEFAULT 0 NOT NULL,
    expires_at bigint DEFAULT 0 NOT NULL,
    revoked_at bigint DEFAULT 0 NOT NULL
);


--
-- Name: audit_log; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.audit_log (
    id text NOT NULL,
    at bigint NOT NULL,
    actor_id text DEFAULT ''::text NOT NULL,
    actor_name text NOT NULL,
    ip text DEFAULT ''::text NOT NULL,
    action text NOT NULL,
    object_type text NOT NULL,
    object_id text NOT NULL,
    unit_id text NOT NULL,
    details text DEFAULT '{}'::text NOT NULL
);


--
-- Name: crm_appeal_categories; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_categories (
    id text NOT NULL,
    name text NOT NULL,
    name_folded text NOT NULL,
    sla_days integer NOT NULL,
    working_days boolean DEFAULT false NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: crm_appeal_comments; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_comments (
    id text NOT NULL,
    appeal_id text NOT NULL,
    author_id text DEFAULT ''::text NOT NULL,
    author_name text NOT NULL,
    text text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: crm_appeal_counters; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_counters (
    year integer NOT NULL,
    last bigint NOT NULL
);


--
-- Name: crm_appeal_events; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_events (
    id text NOT NULL,
    appeal_id text NOT NULL,
    at bigint NOT NULL,
    actor_id text DEFAULT ''::text NOT NULL,
    actor_name text NOT NULL,
    action text NOT NULL,
    details text DEFAULT '{}'::text NOT NULL
);


--
-- Name: crm_appeal_executors; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_executors (
    appeal_id text NOT NULL,
    user_id text NOT NULL
);


--
-- Name: crm_appeal_files; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeal_files (
    id text NOT NULL,
    appeal_id text NOT NULL,
    name text NOT NULL,
    blob_key text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content_type text NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at bigint NOT NULL
);


--
-- Name: crm_appeals; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_appeals (
    id text NOT NULL,
    number text NOT NULL,
    unit_id text NOT NULL,
    member_id text DEFAULT ''::text NOT NULL,
    applicant text DEFAULT ''::text NOT NULL,
    channel text NOT NULL,
    conversation_id text DEFAULT ''::text NOT NULL,
    message_ids text DEFAULT '[]'::text NOT NULL,
    topic text DEFAULT ''::text NOT NULL,
    subject text NOT NULL,
    text text DEFAULT ''::text NOT NULL,
    status text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    responsible_id text DEFAULT ''::text NOT NULL,
    due_on text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    resolution text DEFAULT ''::text NOT NULL,
    search_folded text DEFAULT ''::text NOT NULL,
    created_by text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    closed_at bigint DEFAULT 0 NOT NULL,
    category_id text DEFAULT ''::text NOT NULL,
    reminded_for text DEFAULT ''::text NOT NULL,
    overdue_for text DEFAULT ''::text NOT NULL
);


--
-- Name: crm_list_files; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_list_files (
    id text NOT NULL,
    list_id text NOT NULL,
    field_key text NOT NULL,
    record_id text DEFAULT ''::text NOT NULL,
    name text NOT NULL,
    blob_key text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content_type text NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at bigint NOT NULL
);


--
-- Name: crm_list_records; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_list_records (
    id text NOT NULL,
    list_id text NOT NULL,
    unit_id text NOT NULL,
    vals text NOT NULL,
    search_folded text DEFAULT ''::text NOT NULL,
    created_by text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: crm_lists; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_lists (
    id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    fields text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: crm_member_contacts; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_member_contacts (
    kind text NOT NULL,
    value text NOT NULL,
    member_id text NOT NULL
);


--
-- Name: crm_member_words; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_member_words (
    word text NOT NULL COLLATE pg_catalog."C",
    member_id text NOT NULL,
    unit_id text DEFAULT ''::text NOT NULL
);


--
-- Name: crm_members; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_members (
    id text NOT NULL,
    unit_id text NOT NULL,
    surname text NOT NULL,
    given_name text DEFAULT ''::text NOT NULL,
    patronymic text DEFAULT ''::text NOT NULL,
    name_folded text NOT NULL COLLATE pg_catalog."C",
    birth_date text DEFAULT ''::text NOT NULL,
    sex text DEFAULT ''::text NOT NULL,
    phones text DEFAULT '[]'::text NOT NULL,
    emails text DEFAULT '[]'::text NOT NULL,
    workplace text DEFAULT ''::text NOT NULL,
    "position" text DEFAULT ''::text NOT NULL,
    industry text DEFAULT ''::text NOT NULL,
    status text NOT NULL,
    joined_on text DEFAULT ''::text NOT NULL,
    left_on text DEFAULT ''::text NOT NULL,
    left_reason text DEFAULT ''::text NOT NULL,
    card_number text DEFAULT ''::text NOT NULL,
    discount_card text DEFAULT ''::text NOT NULL,
    activist boolean DEFAULT false NOT NULL,
    flags text DEFAULT '[]'::text NOT NULL,
    consents text DEFAULT '{}'::text NOT NULL,
    consent_channels text DEFAULT ','::text NOT NULL,
    custom text DEFAULT '{}'::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    kind text DEFAULT 'member'::text NOT NULL
);


--
-- Name: crm_organisations; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_organisations (
    unit_id text NOT NULL,
    full_name text DEFAULT ''::text NOT NULL,
    short_name text DEFAULT ''::text NOT NULL,
    industry text DEFAULT ''::text NOT NULL,
    employer text DEFAULT ''::text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    chairman text DEFAULT ''::text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    notes text DEFAULT ''::text NOT NULL,
    custom text DEFAULT '{}'::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: crm_saved_filters; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.crm_saved_filters (
    id text NOT NULL,
    owner_id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    shared boolean DEFAULT false NOT NULL,
    filter text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: goose_db_version; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.goose_db_version (
    id integer NOT NULL,
    version_id bigint NOT NULL,
    is_applied boolean NOT NULL,
    tstamp timestamp without time zone DEFAULT now() NOT NULL
);


--
-- Name: goose_db_version_id_seq; Type: SEQUENCE; Schema: {{schema}}; Owner: -
--

ALTER TABLE {{schema}}.goose_db_version ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY (
    SEQUENCE NAME {{schema}}.goose_db_version_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: inbox_attachments; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_attachments (
    blob_key text NOT NULL,
    conversation_id text NOT NULL,
    name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    uploaded_by text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: inbox_channels; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_channels (
    id text NOT NULL,
    line_id text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    token_hash text DEFAULT ''::text NOT NULL,
    settings text DEFAULT '{}'::text NOT NULL,
    secrets text DEFAULT ''::text NOT NULL,
    rate_per_s integer DEFAULT 0 NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    status text DEFAULT '{}'::text NOT NULL
);


--
-- Name: inbox_contacts; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_contacts (
    id text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    name_folded text DEFAULT ''::text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    member_id text DEFAULT ''::text NOT NULL,
    last_operator_id text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: inbox_conversations; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_conversations (
    id text NOT NULL,
    line_id text NOT NULL,
    unit_id text NOT NULL,
    channel_id text NOT NULL,
    contact_id text NOT NULL,
    external_chat_id text NOT NULL,
    status text NOT NULL,
    assignee_id text DEFAULT ''::text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    spam boolean DEFAULT false NOT NULL,
    subject text DEFAULT ''::text NOT NULL,
    subject_folded text DEFAULT ''::text NOT NULL,
    last_seq bigint DEFAULT 0 NOT NULL,
    unread integer DEFAULT 0 NOT NULL,
    rating integer DEFAULT 0 NOT NULL,
    rating_comment text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    queued_at bigint DEFAULT 0 NOT NULL,
    assigned_at bigint DEFAULT 0 NOT NULL,
    first_response_at bigint DEFAULT 0 NOT NULL,
    last_inbound_at bigint DEFAULT 0 NOT NULL,
    last_message_at bigint DEFAULT 0 NOT NULL,
    alerted_at bigint DEFAULT 0 NOT NULL,
    closed_at bigint DEFAULT 0 NOT NULL,
    closed_by text DEFAULT ''::text NOT NULL,
    campaign_id text DEFAULT ''::text NOT NULL,
    campaign_name text DEFAULT ''::text NOT NULL
)
WITH (fillfactor='80');


--
-- Name: inbox_counter; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_counter (
    name text NOT NULL,
    seq bigint NOT NULL
);


--
-- Name: inbox_events; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_events (
    seq bigint NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    line_id text NOT NULL,
    conversation_id text NOT NULL,
    assignee_id text DEFAULT ''::text NOT NULL,
    payload text NOT NULL
);


--
-- Name: inbox_identities; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_identities (
    namespace text NOT NULL,
    external_id text NOT NULL,
    contact_id text NOT NULL,
    display text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: inbox_line_operators; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_line_operators (
    line_id text NOT NULL,
    user_id text NOT NULL,
    "position" integer NOT NULL,
    capacity integer DEFAULT 0 NOT NULL,
    supervisor boolean DEFAULT false NOT NULL
);


--
-- Name: inbox_lines; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_lines (
    id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    routing_mode text NOT NULL,
    max_active integer NOT NULL,
    offer_timeout_s integer NOT NULL,
    queue_alert_s integer NOT NULL,
    sticky boolean NOT NULL,
    reopen_window_h integer NOT NULL,
    auto_close_h integer NOT NULL,
    return_after_min integer NOT NULL,
    ask_rating boolean NOT NULL,
    welcome_reply text DEFAULT ''::text NOT NULL,
    off_hours_reply text DEFAULT ''::text NOT NULL,
    hours text DEFAULT '{}'::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: inbox_messages; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_messages (
    id text NOT NULL,
    conversation_id text NOT NULL,
    seq bigint NOT NULL,
    direction text NOT NULL,
    channel_id text NOT NULL,
    external_id text,
    client_id text,
    provider_id text DEFAULT ''::text NOT NULL,
    author_id text DEFAULT ''::text NOT NULL,
    text text DEFAULT ''::text NOT NULL,
    attachments text DEFAULT '[]'::text NOT NULL,
    status text DEFAULT ''::text NOT NULL,
    status_reason text DEFAULT ''::text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    next_attempt_at bigint DEFAULT 0 NOT NULL,
    lease_until bigint DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL,
    sent_at bigint DEFAULT 0 NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: inbox_presence; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_presence (
    user_id text NOT NULL,
    status text NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: inbox_quick_answers; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_quick_answers (
    id text NOT NULL,
    line_id text DEFAULT ''::text NOT NULL,
    owner_id text DEFAULT ''::text NOT NULL,
    shortcut text NOT NULL,
    text text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: inbox_routing_log; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.inbox_routing_log (
    id text NOT NULL,
    conversation_id text NOT NULL,
    line_id text NOT NULL,
    at bigint NOT NULL,
    decision text NOT NULL,
    operator_id text DEFAULT ''::text NOT NULL,
    reason text DEFAULT '{}'::text NOT NULL
);


--
-- Name: mail_folders; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mail_folders (
    channel_id text NOT NULL,
    folder text NOT NULL,
    uid_validity bigint NOT NULL,
    last_uid bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: mail_letters; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mail_letters (
    channel_id text NOT NULL,
    message_id text NOT NULL,
    direction text NOT NULL,
    conversation_id text DEFAULT ''::text NOT NULL,
    address text DEFAULT ''::text NOT NULL,
    subject text DEFAULT ''::text NOT NULL,
    bounce text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    raw_key text DEFAULT ''::text NOT NULL
);


--
-- Name: mailing_campaigns; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_campaigns (
    id text NOT NULL,
    unit_id text NOT NULL,
    owner_id text DEFAULT ''::text NOT NULL,
    owner_role text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    status text NOT NULL,
    channels text DEFAULT '[]'::text NOT NULL,
    segment text DEFAULT '{}'::text NOT NULL,
    content text DEFAULT '{}'::text NOT NULL,
    accounts text DEFAULT '[]'::text NOT NULL,
    sms_gateway text DEFAULT ''::text NOT NULL,
    scheduled_at bigint DEFAULT 0 NOT NULL,
    needs_confirm boolean DEFAULT false NOT NULL,
    pause_reason text DEFAULT ''::text NOT NULL,
    alert text DEFAULT ''::text NOT NULL,
    built boolean DEFAULT false NOT NULL,
    total integer DEFAULT 0 NOT NULL,
    lease_node text DEFAULT ''::text NOT NULL,
    lease_until bigint DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    started_at bigint DEFAULT 0 NOT NULL,
    finished_at bigint DEFAULT 0 NOT NULL,
    messengers text DEFAULT '{}'::text NOT NULL
);


--
-- Name: mailing_list_entries; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_list_entries (
    list_id text NOT NULL,
    seq integer NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    phone text DEFAULT ''::text NOT NULL,
    vars text DEFAULT '{}'::text NOT NULL,
    consents text DEFAULT ','::text NOT NULL,
    advertising boolean DEFAULT false NOT NULL
);


--
-- Name: mailing_lists; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_lists (
    id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    size integer DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: mailing_recipients; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_recipients (
    campaign_id text NOT NULL,
    seq integer NOT NULL,
    member_id text DEFAULT ''::text NOT NULL,
    channel text NOT NULL,
    address text NOT NULL,
    vars text DEFAULT '{}'::text NOT NULL,
    status text NOT NULL,
    attempts integer DEFAULT 0 NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    updated_at bigint DEFAULT 0 NOT NULL,
    provider_id text DEFAULT ''::text NOT NULL,
    opened_at bigint DEFAULT 0 NOT NULL,
    clicks integer DEFAULT 0 NOT NULL
);


--
-- Name: mailing_sms_gateways; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_sms_gateways (
    id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    kind text NOT NULL,
    url text DEFAULT ''::text NOT NULL,
    api_key text DEFAULT ''::text NOT NULL,
    sender text DEFAULT ''::text NOT NULL,
    rate_per_sec integer DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: mailing_smtp_accounts; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_smtp_accounts (
    id text NOT NULL,
    unit_id text NOT NULL,
    name text NOT NULL,
    host text NOT NULL,
    port integer NOT NULL,
    tls text NOT NULL,
    username text DEFAULT ''::text NOT NULL,
    password text DEFAULT ''::text NOT NULL,
    from_address text NOT NULL,
    from_name text DEFAULT ''::text NOT NULL,
    rate_per_sec integer DEFAULT 0 NOT NULL,
    connections integer DEFAULT 4 NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: mailing_suppressions; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.mailing_suppressions (
    channel text NOT NULL,
    address text NOT NULL,
    reason text NOT NULL,
    campaign_id text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: sessions; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.sessions (
    id_hash text NOT NULL,
    user_id text NOT NULL,
    csrf_token text NOT NULL,
    mfa_pending boolean DEFAULT false NOT NULL,
    ip text DEFAULT ''::text NOT NULL,
    user_agent text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    last_seen_at bigint NOT NULL,
    expires_at bigint NOT NULL
);


--
-- Name: settings; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.settings (
    key text NOT NULL,
    value text NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: tel_call_events; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tel_call_events (
    channel_id text NOT NULL,
    provider_call_id text NOT NULL,
    event_key text NOT NULL,
    seq bigint NOT NULL,
    at bigint NOT NULL,
    kind text NOT NULL,
    event text NOT NULL,
    received_at bigint NOT NULL
);


--
-- Name: tel_callbacks; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tel_callbacks (
    id text NOT NULL,
    channel_id text NOT NULL,
    unit_id text NOT NULL,
    user_id text NOT NULL,
    extension text DEFAULT ''::text NOT NULL,
    number text NOT NULL,
    conversation_id text DEFAULT ''::text NOT NULL,
    status text NOT NULL,
    error text DEFAULT ''::text NOT NULL,
    call_id text DEFAULT ''::text NOT NULL,
    requested_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: tel_calls; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.tel_calls (
    id text NOT NULL,
    channel_id text NOT NULL,
    line_id text NOT NULL,
    unit_id text NOT NULL,
    provider_call_id text NOT NULL,
    direction text DEFAULT ''::text NOT NULL,
    state text DEFAULT ''::text NOT NULL,
    contact_number text DEFAULT ''::text NOT NULL,
    line_number text DEFAULT ''::text NOT NULL,
    extension text DEFAULT ''::text NOT NULL,
    operator_id text DEFAULT ''::text NOT NULL,
    member_id text DEFAULT ''::text NOT NULL,
    started_at bigint DEFAULT 0 NOT NULL,
    answered_at bigint DEFAULT 0 NOT NULL,
    ended_at bigint DEFAULT 0 NOT NULL,
    wait_s integer DEFAULT 0 NOT NULL,
    talk_s integer DEFAULT 0 NOT NULL,
    result text DEFAULT ''::text NOT NULL,
    cause text DEFAULT ''::text NOT NULL,
    recording_ref text DEFAULT ''::text NOT NULL,
    recording_state text DEFAULT ''::text NOT NULL,
    recording_key text DEFAULT ''::text NOT NULL,
    recording_size bigint DEFAULT 0 NOT NULL,
    recording_type text DEFAULT ''::text NOT NULL,
    recording_error text DEFAULT ''::text NOT NULL,
    rec_attempts integer DEFAULT 0 NOT NULL,
    rec_next_at bigint DEFAULT 0 NOT NULL,
    conversation_id text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: telegram_menu_pending; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.telegram_menu_pending (
    channel_id text NOT NULL,
    chat_id text NOT NULL,
    update_id bigint NOT NULL,
    body text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: units; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.units (
    id text NOT NULL,
    parent_id text,
    path text NOT NULL COLLATE pg_catalog."C",
    kind text NOT NULL,
    name text NOT NULL,
    name_folded text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: users; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.users (
    id text NOT NULL,
    login text NOT NULL,
    full_name text NOT NULL,
    name_folded text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    role text NOT NULL,
    unit_id text NOT NULL,
    password_hash text NOT NULL,
    lang text DEFAULT 'ru'::text NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    totp_secret text DEFAULT ''::text NOT NULL,
    totp_enabled boolean DEFAULT false NOT NULL,
    totp_last_step bigint DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    avatar_key text DEFAULT ''::text NOT NULL
);


--
-- Name: wf_attachments; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_attachments (
    id text NOT NULL,
    document_id text NOT NULL,
    name text NOT NULL,
    version integer NOT NULL,
    blob_key text NOT NULL,
    size bigint NOT NULL,
    sha256 text NOT NULL,
    content_type text NOT NULL,
    signed boolean DEFAULT false NOT NULL,
    uploaded_by text NOT NULL,
    uploaded_at bigint NOT NULL
);


--
-- Name: wf_counters; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_counters (
    registry_id text NOT NULL,
    year integer NOT NULL,
    last_seq bigint NOT NULL
);


--
-- Name: wf_definitions; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_definitions (
    id text NOT NULL,
    version integer NOT NULL,
    body text NOT NULL,
    created_by text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: wf_documents; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_documents (
    id text NOT NULL,
    unit_id text NOT NULL,
    registry_id text NOT NULL,
    kind text NOT NULL,
    number text NOT NULL,
    seq bigint NOT NULL,
    year integer NOT NULL,
    medium text NOT NULL,
    title text NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    correspondent text DEFAULT ''::text NOT NULL,
    correspondent_folded text DEFAULT ''::text NOT NULL COLLATE pg_catalog."C",
    orig_number text DEFAULT ''::text NOT NULL,
    orig_date text DEFAULT ''::text NOT NULL,
    doc_date text DEFAULT ''::text NOT NULL,
    received_on text DEFAULT ''::text NOT NULL,
    delivery text DEFAULT ''::text NOT NULL,
    priority integer DEFAULT 0 NOT NULL,
    deadline bigint DEFAULT 0 NOT NULL,
    search_folded text NOT NULL COLLATE pg_catalog."C",
    process_id text NOT NULL,
    process_version integer NOT NULL,
    step text NOT NULL,
    status text NOT NULL,
    state_version bigint NOT NULL,
    signed_at bigint DEFAULT 0 NOT NULL,
    signed_by text DEFAULT ''::text NOT NULL,
    rejection_reason text DEFAULT ''::text NOT NULL,
    resolution text DEFAULT '{}'::text NOT NULL,
    dispatch text DEFAULT '{}'::text NOT NULL,
    member_id text DEFAULT ''::text NOT NULL,
    org_unit_id text DEFAULT ''::text NOT NULL,
    appeal_id text DEFAULT ''::text NOT NULL,
    related_id text DEFAULT ''::text NOT NULL,
    created_by text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: wf_events; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_events (
    id text NOT NULL,
    document_id text NOT NULL,
    at bigint NOT NULL,
    actor_id text DEFAULT ''::text NOT NULL,
    actor_name text NOT NULL,
    action text NOT NULL,
    step text DEFAULT ''::text NOT NULL,
    to_step text DEFAULT ''::text NOT NULL,
    comment text DEFAULT ''::text NOT NULL,
    details text DEFAULT '{}'::text NOT NULL
);


--
-- Name: wf_notifications; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_notifications (
    id text NOT NULL,
    user_id text NOT NULL,
    document_id text,
    kind text NOT NULL,
    text text NOT NULL,
    at bigint NOT NULL,
    read_at bigint DEFAULT 0 NOT NULL,
    mail_state text DEFAULT 'none'::text NOT NULL,
    appeal_id text DEFAULT ''::text NOT NULL
);


--
-- Name: wf_registries; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_registries (
    id text NOT NULL,
    unit_id text NOT NULL,
    kind text NOT NULL,
    format text NOT NULL,
    paper_mark text NOT NULL,
    electronic_mark text NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: wf_tasks; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_tasks (
    id text NOT NULL,
    document_id text NOT NULL,
    step text NOT NULL,
    assignee_id text NOT NULL,
    status text NOT NULL,
    deadline bigint DEFAULT 0 NOT NULL,
    decision text DEFAULT ''::text NOT NULL,
    comment text DEFAULT ''::text NOT NULL,
    report text DEFAULT ''::text NOT NULL,
    created_at bigint NOT NULL,
    done_at bigint DEFAULT 0 NOT NULL,
    reminded_at bigint DEFAULT 0 NOT NULL,
    escalated_at bigint DEFAULT 0 NOT NULL
);


--
-- Name: wf_templates; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.wf_templates (
    id text NOT NULL,
    unit_id text NOT NULL,
    kind text NOT NULL,
    name text NOT NULL,
    fields text DEFAULT '{}'::text NOT NULL,
    files text DEFAULT '[]'::text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Name: widget_mail_letters; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.widget_mail_letters (
    letter_key text NOT NULL,
    mail_channel_id text NOT NULL,
    channel_id text NOT NULL,
    visitor_id text NOT NULL,
    conversation_id text NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: widget_uploads; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.widget_uploads (
    blob_key text NOT NULL,
    visitor_id text NOT NULL,
    name text NOT NULL,
    content_type text NOT NULL,
    size bigint NOT NULL,
    created_at bigint NOT NULL
);


--
-- Name: widget_visitors; Type: TABLE; Schema: {{schema}}; Owner: -
--

CREATE TABLE {{schema}}.widget_visitors (
    id text NOT NULL,
    channel_id text NOT NULL,
    token_hash text NOT NULL,
    name text DEFAULT ''::text NOT NULL,
    contact text DEFAULT ''::text NOT NULL,
    topic text DEFAULT ''::text NOT NULL,
    consent_at bigint DEFAULT 0 NOT NULL,
    conversation_id text DEFAULT ''::text NOT NULL,
    revoked_at bigint DEFAULT 0 NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
);


--
-- Data for Name: api_tokens; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: audit_log; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_categories; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_comments; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_counters; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_events; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_executors; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeal_files; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_appeals; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_list_files; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_list_records; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_lists; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_member_contacts; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_member_words; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_members; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_organisations; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: crm_saved_filters; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: goose_db_version; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.goose_db_version VALUES (1, 0, true, '2026-12-04 04:12:44.371367');
INSERT INTO {{schema}}.goose_db_version VALUES (2, 1, true, '2026-12-04 04:12:44.40405');
INSERT INTO {{schema}}.goose_db_version VALUES (3, 2, true, '2026-12-04 04:12:44.577009');
INSERT INTO {{schema}}.goose_db_version VALUES (4, 3, true, '2026-12-04 04:12:44.965185');
INSERT INTO {{schema}}.goose_db_version VALUES (5, 4, true, '2026-12-04 04:12:44.997256');
INSERT INTO {{schema}}.goose_db_version VALUES (6, 5, true, '2026-12-04 04:12:45.007599');
INSERT INTO {{schema}}.goose_db_version VALUES (7, 6, true, '2026-12-04 04:12:45.120981');
INSERT INTO {{schema}}.goose_db_version VALUES (8, 7, true, '2026-12-04 04:12:45.172987');
INSERT INTO {{schema}}.goose_db_version VALUES (9, 8, true, '2026-12-04 04:12:45.214566');
INSERT INTO {{schema}}.goose_db_version VALUES (10, 9, true, '2026-12-04 04:12:45.405181');
INSERT INTO {{schema}}.goose_db_version VALUES (11, 10, true, '2026-12-04 04:12:45.669061');
INSERT INTO {{schema}}.goose_db_version VALUES (12, 12, true, '2026-12-04 04:12:45.792973');
INSERT INTO {{schema}}.goose_db_version VALUES (13, 13, true, '2026-12-04 04:12:45.837611');
INSERT INTO {{schema}}.goose_db_version VALUES (14, 14, true, '2026-12-04 04:12:46.037606');
INSERT INTO {{schema}}.goose_db_version VALUES (15, 16, true, '2026-12-04 04:12:46.046636');
INSERT INTO {{schema}}.goose_db_version VALUES (16, 18, true, '2026-12-04 04:12:46.049623');
INSERT INTO {{schema}}.goose_db_version VALUES (17, 19, true, '2026-12-04 04:12:46.064475');
INSERT INTO {{schema}}.goose_db_version VALUES (18, 20, true, '2026-12-04 04:12:46.078169');
INSERT INTO {{schema}}.goose_db_version VALUES (19, 21, true, '2026-12-04 04:12:46.105488');


--
-- Data for Name: inbox_attachments; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_channels; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_contacts; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_conversations; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_counter; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--

INSERT INTO {{schema}}.inbox_counter VALUES ('events', 0);


--
-- Data for Name: inbox_events; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_identities; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_line_operators; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_lines; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_messages; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_presence; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_quick_answers; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: inbox_routing_log; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mail_folders; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mail_letters; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_campaigns; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_list_entries; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_lists; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_recipients; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_sms_gateways; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_smtp_accounts; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: mailing_suppressions; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: sessions; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: settings; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: tel_call_events; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: tel_callbacks; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: tel_calls; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: telegram_menu_pending; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: units; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: users; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_attachments; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_counters; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_definitions; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_documents; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_events; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_notifications; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_registries; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_tasks; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: wf_templates; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: widget_mail_letters; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: widget_uploads; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Data for Name: widget_visitors; Type: TABLE DATA; Schema: {{schema}}; Owner: -
--



--
-- Name: goose_db_version_id_seq; Type: SEQUENCE SET; Schema: {{schema}}; Owner: -
--

SELECT pg_catalog.setval('{{schema}}.goose_db_version_id_seq', 19, true);


--
-- Name: api_tokens api_tokens_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);


--
-- Name: api_tokens api_tokens_token_hash_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.api_tokens
    ADD CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash);


--
-- Name: audit_log audit_log_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_log
    ADD CONSTRAINT audit_log_pkey PRIMARY KEY (id);


--
-- Name: crm_appeal_categories crm_appeal_categories_name_folded_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_categories
    ADD CONSTRAINT crm_appeal_categories_name_folded_key UNIQUE (name_folded);


--
-- Name: crm_appeal_categories crm_appeal_categories_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_categories
    ADD CONSTRAINT crm_appeal_categories_pkey PRIMARY KEY (id);


--
-- Name: crm_appeal_comments crm_appeal_comments_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_comments
    ADD CONSTRAINT crm_appeal_comments_pkey PRIMARY KEY (id);


--
-- Name: crm_appeal_counters crm_appeal_counters_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_counters
    ADD CONSTRAINT crm_appeal_counters_pkey PRIMARY KEY (year);


--
-- Name: crm_appeal_events crm_appeal_events_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_events
    ADD CONSTRAINT crm_appeal_events_pkey PRIMARY KEY (id);


--
-- Name: crm_appeal_executors crm_appeal_executors_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_executors
    ADD CONSTRAINT crm_appeal_executors_pkey PRIMARY KEY (appeal_id, user_id);


--
-- Name: crm_appeal_files crm_appeal_files_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_files
    ADD CONSTRAINT crm_appeal_files_pkey PRIMARY KEY (id);


--
-- Name: crm_appeals crm_appeals_number_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeals
    ADD CONSTRAINT crm_appeals_number_key UNIQUE (number);


--
-- Name: crm_appeals crm_appeals_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeals
    ADD CONSTRAINT crm_appeals_pkey PRIMARY KEY (id);


--
-- Name: crm_list_files crm_list_files_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_list_files
    ADD CONSTRAINT crm_list_files_pkey PRIMARY KEY (id);


--
-- Name: crm_list_records crm_list_records_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_list_records
    ADD CONSTRAINT crm_list_records_pkey PRIMARY KEY (id);


--
-- Name: crm_lists crm_lists_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_lists
    ADD CONSTRAINT crm_lists_pkey PRIMARY KEY (id);


--
-- Name: crm_member_contacts crm_member_contacts_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_member_contacts
    ADD CONSTRAINT crm_member_contacts_pkey PRIMARY KEY (kind, value, member_id);


--
-- Name: crm_member_words crm_member_words_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_member_words
    ADD CONSTRAINT crm_member_words_pkey PRIMARY KEY (word, member_id);


--
-- Name: crm_members crm_members_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_members
    ADD CONSTRAINT crm_members_pkey PRIMARY KEY (id);


--
-- Name: crm_organisations crm_organisations_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_organisations
    ADD CONSTRAINT crm_organisations_pkey PRIMARY KEY (unit_id);


--
-- Name: crm_saved_filters crm_saved_filters_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_saved_filters
    ADD CONSTRAINT crm_saved_filters_pkey PRIMARY KEY (id);


--
-- Name: goose_db_version goose_db_version_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.goose_db_version
    ADD CONSTRAINT goose_db_version_pkey PRIMARY KEY (id);


--
-- Name: inbox_attachments inbox_attachments_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_attachments
    ADD CONSTRAINT inbox_attachments_pkey PRIMARY KEY (blob_key);


--
-- Name: inbox_channels inbox_channels_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_channels
    ADD CONSTRAINT inbox_channels_pkey PRIMARY KEY (id);


--
-- Name: inbox_contacts inbox_contacts_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_contacts
    ADD CONSTRAINT inbox_contacts_pkey PRIMARY KEY (id);


--
-- Name: inbox_conversations inbox_conversations_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_conversations
    ADD CONSTRAINT inbox_conversations_pkey PRIMARY KEY (id);


--
-- Name: inbox_counter inbox_counter_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_counter
    ADD CONSTRAINT inbox_counter_pkey PRIMARY KEY (name);


--
-- Name: inbox_events inbox_events_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_events
    ADD CONSTRAINT inbox_events_pkey PRIMARY KEY (seq);


--
-- Name: inbox_identities inbox_identities_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_identities
    ADD CONSTRAINT inbox_identities_pkey PRIMARY KEY (namespace, external_id);


--
-- Name: inbox_line_operators inbox_line_operators_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_line_operators
    ADD CONSTRAINT inbox_line_operators_pkey PRIMARY KEY (line_id, user_id);


--
-- Name: inbox_lines inbox_lines_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_lines
    ADD CONSTRAINT inbox_lines_pkey PRIMARY KEY (id);


--
-- Name: inbox_messages inbox_messages_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_messages
    ADD CONSTRAINT inbox_messages_pkey PRIMARY KEY (id);


--
-- Name: inbox_presence inbox_presence_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_presence
    ADD CONSTRAINT inbox_presence_pkey PRIMARY KEY (user_id);


--
-- Name: inbox_quick_answers inbox_quick_answers_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_quick_answers
    ADD CONSTRAINT inbox_quick_answers_pkey PRIMARY KEY (id);


--
-- Name: inbox_routing_log inbox_routing_log_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_routing_log
    ADD CONSTRAINT inbox_routing_log_pkey PRIMARY KEY (id);


--
-- Name: mail_folders mail_folders_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mail_folders
    ADD CONSTRAINT mail_folders_pkey PRIMARY KEY (channel_id, folder);


--
-- Name: mail_letters mail_letters_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mail_letters
    ADD CONSTRAINT mail_letters_pkey PRIMARY KEY (channel_id, message_id);


--
-- Name: mailing_campaigns mailing_campaigns_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_campaigns
    ADD CONSTRAINT mailing_campaigns_pkey PRIMARY KEY (id);


--
-- Name: mailing_list_entries mailing_list_entries_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_list_entries
    ADD CONSTRAINT mailing_list_entries_pkey PRIMARY KEY (list_id, seq);


--
-- Name: mailing_lists mailing_lists_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_lists
    ADD CONSTRAINT mailing_lists_pkey PRIMARY KEY (id);


--
-- Name: mailing_recipients mailing_recipients_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_recipients
    ADD CONSTRAINT mailing_recipients_pkey PRIMARY KEY (campaign_id, seq);


--
-- Name: mailing_sms_gateways mailing_sms_gateways_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_sms_gateways
    ADD CONSTRAINT mailing_sms_gateways_pkey PRIMARY KEY (id);


--
-- Name: mailing_smtp_accounts mailing_smtp_accounts_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_smtp_accounts
    ADD CONSTRAINT mailing_smtp_accounts_pkey PRIMARY KEY (id);


--
-- Name: mailing_suppressions mailing_suppressions_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_suppressions
    ADD CONSTRAINT mailing_suppressions_pkey PRIMARY KEY (channel, address);


--
-- Name: sessions sessions_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (id_hash);


--
-- Name: settings settings_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (key);


--
-- Name: tel_call_events tel_call_events_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tel_call_events
    ADD CONSTRAINT tel_call_events_pkey PRIMARY KEY (channel_id, provider_call_id, event_key);


--
-- Name: tel_callbacks tel_callbacks_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tel_callbacks
    ADD CONSTRAINT tel_callbacks_pkey PRIMARY KEY (id);


--
-- Name: tel_calls tel_calls_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.tel_calls
    ADD CONSTRAINT tel_calls_pkey PRIMARY KEY (id);


--
-- Name: telegram_menu_pending telegram_menu_pending_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.telegram_menu_pending
    ADD CONSTRAINT telegram_menu_pending_pkey PRIMARY KEY (channel_id, update_id);


--
-- Name: units units_path_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.units
    ADD CONSTRAINT units_path_key UNIQUE (path);


--
-- Name: units units_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.units
    ADD CONSTRAINT units_pkey PRIMARY KEY (id);


--
-- Name: users users_login_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_login_key UNIQUE (login);


--
-- Name: users users_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);


--
-- Name: wf_attachments wf_attachments_document_id_name_version_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_attachments
    ADD CONSTRAINT wf_attachments_document_id_name_version_key UNIQUE (document_id, name, version);


--
-- Name: wf_attachments wf_attachments_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_attachments
    ADD CONSTRAINT wf_attachments_pkey PRIMARY KEY (id);


--
-- Name: wf_counters wf_counters_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_counters
    ADD CONSTRAINT wf_counters_pkey PRIMARY KEY (registry_id, year);


--
-- Name: wf_definitions wf_definitions_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_definitions
    ADD CONSTRAINT wf_definitions_pkey PRIMARY KEY (id, version);


--
-- Name: wf_documents wf_documents_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_documents
    ADD CONSTRAINT wf_documents_pkey PRIMARY KEY (id);


--
-- Name: wf_documents wf_documents_registry_id_number_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_documents
    ADD CONSTRAINT wf_documents_registry_id_number_key UNIQUE (registry_id, number);


--
-- Name: wf_documents wf_documents_registry_id_year_seq_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_documents
    ADD CONSTRAINT wf_documents_registry_id_year_seq_key UNIQUE (registry_id, year, seq);


--
-- Name: wf_events wf_events_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_events
    ADD CONSTRAINT wf_events_pkey PRIMARY KEY (id);


--
-- Name: wf_notifications wf_notifications_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_notifications
    ADD CONSTRAINT wf_notifications_pkey PRIMARY KEY (id);


--
-- Name: wf_registries wf_registries_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_registries
    ADD CONSTRAINT wf_registries_pkey PRIMARY KEY (id);


--
-- Name: wf_registries wf_registries_unit_id_kind_key; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_registries
    ADD CONSTRAINT wf_registries_unit_id_kind_key UNIQUE (unit_id, kind);


--
-- Name: wf_tasks wf_tasks_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_tasks
    ADD CONSTRAINT wf_tasks_pkey PRIMARY KEY (id);


--
-- Name: wf_templates wf_templates_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_templates
    ADD CONSTRAINT wf_templates_pkey PRIMARY KEY (id);


--
-- Name: widget_mail_letters widget_mail_letters_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.widget_mail_letters
    ADD CONSTRAINT widget_mail_letters_pkey PRIMARY KEY (letter_key);


--
-- Name: widget_uploads widget_uploads_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.widget_uploads
    ADD CONSTRAINT widget_uploads_pkey PRIMARY KEY (blob_key);


--
-- Name: widget_visitors widget_visitors_pkey; Type: CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.widget_visitors
    ADD CONSTRAINT widget_visitors_pkey PRIMARY KEY (id);


--
-- Name: api_tokens_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX api_tokens_user ON {{schema}}.api_tokens USING btree (user_id);


--
-- Name: audit_object; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_object ON {{schema}}.audit_log USING btree (object_type, object_id);


--
-- Name: audit_unit_at; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX audit_unit_at ON {{schema}}.audit_log USING btree (unit_id, at);


--
-- Name: crm_appeal_comments_appeal; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeal_comments_appeal ON {{schema}}.crm_appeal_comments USING btree (appeal_id, id);


--
-- Name: crm_appeal_events_appeal; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeal_events_appeal ON {{schema}}.crm_appeal_events USING btree (appeal_id, id);


--
-- Name: crm_appeal_executors_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeal_executors_user ON {{schema}}.crm_appeal_executors USING btree (user_id);


--
-- Name: crm_appeal_files_appeal; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeal_files_appeal ON {{schema}}.crm_appeal_files USING btree (appeal_id, id);


--
-- Name: crm_appeals_category; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_category ON {{schema}}.crm_appeals USING btree (category_id, created_at) WHERE (category_id <> ''::text);


--
-- Name: crm_appeals_conversation; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_conversation ON {{schema}}.crm_appeals USING btree (conversation_id) WHERE (conversation_id <> ''::text);


--
-- Name: crm_appeals_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_member ON {{schema}}.crm_appeals USING btree (member_id, created_at) WHERE (member_id <> ''::text);


--
-- Name: crm_appeals_open_due; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_open_due ON {{schema}}.crm_appeals USING btree (due_on) WHERE (status = ANY (ARRAY['new'::text, 'in_progress'::text, 'waiting'::text]));


--
-- Name: crm_appeals_responsible; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_responsible ON {{schema}}.crm_appeals USING btree (responsible_id, status);


--
-- Name: crm_appeals_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_appeals_unit ON {{schema}}.crm_appeals USING btree (unit_id, created_at);


--
-- Name: crm_inbox_contacts_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_inbox_contacts_member ON {{schema}}.inbox_contacts USING btree (member_id) WHERE (member_id <> ''::text);


--
-- Name: crm_list_files_record; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_list_files_record ON {{schema}}.crm_list_files USING btree (record_id) WHERE (record_id <> ''::text);


--
-- Name: crm_list_records_list; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_list_records_list ON {{schema}}.crm_list_records USING btree (list_id, created_at);


--
-- Name: crm_member_contacts_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_member_contacts_member ON {{schema}}.crm_member_contacts USING btree (member_id);


--
-- Name: crm_member_words_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_member_words_member ON {{schema}}.crm_member_words USING btree (member_id);


--
-- Name: crm_member_words_word_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_member_words_word_unit ON {{schema}}.crm_member_words USING btree (word, unit_id, member_id);


--
-- Name: crm_members_card; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX crm_members_card ON {{schema}}.crm_members USING btree (card_number) WHERE (card_number <> ''::text);


--
-- Name: crm_members_discount; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_members_discount ON {{schema}}.crm_members USING btree (discount_card) WHERE (discount_card <> ''::text);


--
-- Name: crm_members_name_id; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_members_name_id ON {{schema}}.crm_members USING btree (name_folded, id, birth_date);


--
-- Name: crm_members_unit_name_id; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_members_unit_name_id ON {{schema}}.crm_members USING btree (unit_id, name_folded, id);


--
-- Name: crm_members_unit_status_joined; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_members_unit_status_joined ON {{schema}}.crm_members USING btree (unit_id, status, joined_on, name_folded, id);


--
-- Name: crm_saved_filters_owner; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_saved_filters_owner ON {{schema}}.crm_saved_filters USING btree (owner_id);


--
-- Name: crm_saved_filters_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX crm_saved_filters_unit ON {{schema}}.crm_saved_filters USING btree (unit_id) WHERE shared;


--
-- Name: inbox_attachments_conversation; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_attachments_conversation ON {{schema}}.inbox_attachments USING btree (conversation_id);


--
-- Name: inbox_channels_line; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_channels_line ON {{schema}}.inbox_channels USING btree (line_id);


--
-- Name: inbox_channels_token; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_channels_token ON {{schema}}.inbox_channels USING btree (token_hash);


--
-- Name: inbox_conversations_assignee; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_conversations_assignee ON {{schema}}.inbox_conversations USING btree (assignee_id, status);


--
-- Name: inbox_conversations_chat; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_conversations_chat ON {{schema}}.inbox_conversations USING btree (channel_id, external_chat_id);


--
-- Name: inbox_conversations_contact; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_conversations_contact ON {{schema}}.inbox_conversations USING btree (contact_id, created_at);


--
-- Name: inbox_conversations_line_status; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_conversations_line_status ON {{schema}}.inbox_conversations USING btree (line_id, status);


--
-- Name: inbox_conversations_open; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX inbox_conversations_open ON {{schema}}.inbox_conversations USING btree (contact_id, line_id) WHERE (status <> 'closed'::text);


--
-- Name: inbox_events_at; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_events_at ON {{schema}}.inbox_events USING btree (at);


--
-- Name: inbox_identities_contact; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_identities_contact ON {{schema}}.inbox_identities USING btree (contact_id);


--
-- Name: inbox_line_operators_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_line_operators_user ON {{schema}}.inbox_line_operators USING btree (user_id);


--
-- Name: inbox_messages_client; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX inbox_messages_client ON {{schema}}.inbox_messages USING btree (conversation_id, client_id) WHERE (client_id IS NOT NULL);


--
-- Name: inbox_messages_external; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX inbox_messages_external ON {{schema}}.inbox_messages USING btree (channel_id, external_id) WHERE (external_id IS NOT NULL);


--
-- Name: inbox_messages_outbox; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_messages_outbox ON {{schema}}.inbox_messages USING btree (next_attempt_at) WHERE (status = 'pending'::text);


--
-- Name: inbox_messages_seq; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX inbox_messages_seq ON {{schema}}.inbox_messages USING btree (conversation_id, seq);


--
-- Name: inbox_quick_answers_line; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_quick_answers_line ON {{schema}}.inbox_quick_answers USING btree (line_id);


--
-- Name: inbox_quick_answers_owner; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_quick_answers_owner ON {{schema}}.inbox_quick_answers USING btree (owner_id);


--
-- Name: inbox_routing_log_conv; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX inbox_routing_log_conv ON {{schema}}.inbox_routing_log USING btree (conversation_id, at);


--
-- Name: mail_letters_address; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mail_letters_address ON {{schema}}.mail_letters USING btree (channel_id, address);


--
-- Name: mail_letters_conversation; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mail_letters_conversation ON {{schema}}.mail_letters USING btree (conversation_id, created_at);


--
-- Name: mailing_campaigns_status; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mailing_campaigns_status ON {{schema}}.mailing_campaigns USING btree (status);


--
-- Name: mailing_campaigns_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mailing_campaigns_unit ON {{schema}}.mailing_campaigns USING btree (unit_id, created_at);


--
-- Name: mailing_recipients_address; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mailing_recipients_address ON {{schema}}.mailing_recipients USING btree (address);


--
-- Name: mailing_recipients_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mailing_recipients_member ON {{schema}}.mailing_recipients USING btree (member_id, updated_at) WHERE (member_id <> ''::text);


--
-- Name: mailing_recipients_once; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX mailing_recipients_once ON {{schema}}.mailing_recipients USING btree (campaign_id, channel, address);


--
-- Name: mailing_recipients_pending; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX mailing_recipients_pending ON {{schema}}.mailing_recipients USING btree (campaign_id, seq) WHERE (status = 'pending'::text);


--
-- Name: sessions_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX sessions_user ON {{schema}}.sessions USING btree (user_id);


--
-- Name: tel_callbacks_number; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_callbacks_number ON {{schema}}.tel_callbacks USING btree (number, requested_at);


--
-- Name: tel_calls_member; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_calls_member ON {{schema}}.tel_calls USING btree (member_id, started_at) WHERE (member_id <> ''::text);


--
-- Name: tel_calls_number; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_calls_number ON {{schema}}.tel_calls USING btree (contact_number, started_at);


--
-- Name: tel_calls_provider; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE UNIQUE INDEX tel_calls_provider ON {{schema}}.tel_calls USING btree (channel_id, provider_call_id);


--
-- Name: tel_calls_recording; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_calls_recording ON {{schema}}.tel_calls USING btree (rec_next_at) WHERE (recording_state = 'pending'::text);


--
-- Name: tel_calls_started; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_calls_started ON {{schema}}.tel_calls USING btree (started_at);


--
-- Name: tel_calls_unqueued; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX tel_calls_unqueued ON {{schema}}.tel_calls USING btree (ended_at) WHERE ((conversation_id = ''::text) AND (direction = 'in'::text) AND (state = 'ended'::text) AND (result <> 'answered'::text));


--
-- Name: telegram_menu_pending_age; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX telegram_menu_pending_age ON {{schema}}.telegram_menu_pending USING btree (created_at);


--
-- Name: telegram_menu_pending_chat; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX telegram_menu_pending_chat ON {{schema}}.telegram_menu_pending USING btree (channel_id, chat_id, update_id);


--
-- Name: units_parent; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX units_parent ON {{schema}}.units USING btree (parent_id);


--
-- Name: users_avatar; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX users_avatar ON {{schema}}.users USING btree (avatar_key) WHERE (avatar_key <> ''::text);


--
-- Name: users_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX users_unit ON {{schema}}.users USING btree (unit_id);


--
-- Name: wf_documents_status; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_documents_status ON {{schema}}.wf_documents USING btree (status, deadline);


--
-- Name: wf_documents_unit; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_documents_unit ON {{schema}}.wf_documents USING btree (unit_id, created_at);


--
-- Name: wf_events_document; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_events_document ON {{schema}}.wf_events USING btree (document_id, id);


--
-- Name: wf_notifications_mail; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_notifications_mail ON {{schema}}.wf_notifications USING btree (mail_state) WHERE (mail_state = 'pending'::text);


--
-- Name: wf_notifications_user; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_notifications_user ON {{schema}}.wf_notifications USING btree (user_id, id);


--
-- Name: wf_tasks_assignee; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_tasks_assignee ON {{schema}}.wf_tasks USING btree (assignee_id, status, deadline);


--
-- Name: wf_tasks_document; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_tasks_document ON {{schema}}.wf_tasks USING btree (document_id, status);


--
-- Name: wf_tasks_open_deadline; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX wf_tasks_open_deadline ON {{schema}}.wf_tasks USING btree (status, deadline);


--
-- Name: widget_uploads_visitor; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX widget_uploads_visitor ON {{schema}}.widget_uploads USING btree (visitor_id);


--
-- Name: widget_visitors_token; Type: INDEX; Schema: {{schema}}; Owner: -
--

CREATE INDEX widget_visitors_token ON {{schema}}.widget_visitors USING btree (token_hash);


--
-- Name: audit_log audit_log_no_change; Type: TRIGGER; Schema: {{schema}}; Owner: -
--

CREATE TRIGGER audit_log_no_change BEFORE DELETE OR UPDATE ON {{schema}}.audit_log FOR EACH ROW EXECUTE FUNCTION {{schema}}.audit_log_append_only();


--
-- Name: api_tokens api_tokens_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.api_tokens
    ADD CONSTRAINT api_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: audit_log audit_log_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.audit_log
    ADD CONSTRAINT audit_log_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_appeal_comments crm_appeal_comments_appeal_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_comments
    ADD CONSTRAINT crm_appeal_comments_appeal_id_fkey FOREIGN KEY (appeal_id) REFERENCES {{schema}}.crm_appeals(id) ON DELETE CASCADE;


--
-- Name: crm_appeal_events crm_appeal_events_appeal_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_events
    ADD CONSTRAINT crm_appeal_events_appeal_id_fkey FOREIGN KEY (appeal_id) REFERENCES {{schema}}.crm_appeals(id) ON DELETE CASCADE;


--
-- Name: crm_appeal_executors crm_appeal_executors_appeal_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_executors
    ADD CONSTRAINT crm_appeal_executors_appeal_id_fkey FOREIGN KEY (appeal_id) REFERENCES {{schema}}.crm_appeals(id) ON DELETE CASCADE;


--
-- Name: crm_appeal_executors crm_appeal_executors_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_executors
    ADD CONSTRAINT crm_appeal_executors_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: crm_appeal_files crm_appeal_files_appeal_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeal_files
    ADD CONSTRAINT crm_appeal_files_appeal_id_fkey FOREIGN KEY (appeal_id) REFERENCES {{schema}}.crm_appeals(id) ON DELETE CASCADE;


--
-- Name: crm_appeals crm_appeals_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_appeals
    ADD CONSTRAINT crm_appeals_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_list_files crm_list_files_list_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_list_files
    ADD CONSTRAINT crm_list_files_list_id_fkey FOREIGN KEY (list_id) REFERENCES {{schema}}.crm_lists(id) ON DELETE CASCADE;


--
-- Name: crm_list_records crm_list_records_list_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_list_records
    ADD CONSTRAINT crm_list_records_list_id_fkey FOREIGN KEY (list_id) REFERENCES {{schema}}.crm_lists(id) ON DELETE CASCADE;


--
-- Name: crm_list_records crm_list_records_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_list_records
    ADD CONSTRAINT crm_list_records_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_lists crm_lists_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_lists
    ADD CONSTRAINT crm_lists_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_member_contacts crm_member_contacts_member_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_member_contacts
    ADD CONSTRAINT crm_member_contacts_member_id_fkey FOREIGN KEY (member_id) REFERENCES {{schema}}.crm_members(id) ON DELETE CASCADE;


--
-- Name: crm_member_words crm_member_words_member_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_member_words
    ADD CONSTRAINT crm_member_words_member_id_fkey FOREIGN KEY (member_id) REFERENCES {{schema}}.crm_members(id) ON DELETE CASCADE;


--
-- Name: crm_members crm_members_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_members
    ADD CONSTRAINT crm_members_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_organisations crm_organisations_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_organisations
    ADD CONSTRAINT crm_organisations_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: crm_saved_filters crm_saved_filters_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.crm_saved_filters
    ADD CONSTRAINT crm_saved_filters_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: inbox_attachments inbox_attachments_conversation_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_attachments
    ADD CONSTRAINT inbox_attachments_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES {{schema}}.inbox_conversations(id);


--
-- Name: inbox_channels inbox_channels_line_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_channels
    ADD CONSTRAINT inbox_channels_line_id_fkey FOREIGN KEY (line_id) REFERENCES {{schema}}.inbox_lines(id);


--
-- Name: inbox_conversations inbox_conversations_channel_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_conversations
    ADD CONSTRAINT inbox_conversations_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES {{schema}}.inbox_channels(id);


--
-- Name: inbox_conversations inbox_conversations_contact_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_conversations
    ADD CONSTRAINT inbox_conversations_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES {{schema}}.inbox_contacts(id);


--
-- Name: inbox_conversations inbox_conversations_line_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_conversations
    ADD CONSTRAINT inbox_conversations_line_id_fkey FOREIGN KEY (line_id) REFERENCES {{schema}}.inbox_lines(id);


--
-- Name: inbox_conversations inbox_conversations_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_conversations
    ADD CONSTRAINT inbox_conversations_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: inbox_identities inbox_identities_contact_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_identities
    ADD CONSTRAINT inbox_identities_contact_id_fkey FOREIGN KEY (contact_id) REFERENCES {{schema}}.inbox_contacts(id);


--
-- Name: inbox_line_operators inbox_line_operators_line_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_line_operators
    ADD CONSTRAINT inbox_line_operators_line_id_fkey FOREIGN KEY (line_id) REFERENCES {{schema}}.inbox_lines(id);


--
-- Name: inbox_line_operators inbox_line_operators_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_line_operators
    ADD CONSTRAINT inbox_line_operators_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: inbox_lines inbox_lines_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_lines
    ADD CONSTRAINT inbox_lines_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: inbox_messages inbox_messages_conversation_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_messages
    ADD CONSTRAINT inbox_messages_conversation_id_fkey FOREIGN KEY (conversation_id) REFERENCES {{schema}}.inbox_conversations(id);


--
-- Name: inbox_presence inbox_presence_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.inbox_presence
    ADD CONSTRAINT inbox_presence_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: mailing_campaigns mailing_campaigns_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_campaigns
    ADD CONSTRAINT mailing_campaigns_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: mailing_list_entries mailing_list_entries_list_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_list_entries
    ADD CONSTRAINT mailing_list_entries_list_id_fkey FOREIGN KEY (list_id) REFERENCES {{schema}}.mailing_lists(id) ON DELETE CASCADE;


--
-- Name: mailing_lists mailing_lists_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_lists
    ADD CONSTRAINT mailing_lists_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: mailing_recipients mailing_recipients_campaign_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_recipients
    ADD CONSTRAINT mailing_recipients_campaign_id_fkey FOREIGN KEY (campaign_id) REFERENCES {{schema}}.mailing_campaigns(id) ON DELETE CASCADE;


--
-- Name: mailing_sms_gateways mailing_sms_gateways_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_sms_gateways
    ADD CONSTRAINT mailing_sms_gateways_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: mailing_smtp_accounts mailing_smtp_accounts_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.mailing_smtp_accounts
    ADD CONSTRAINT mailing_smtp_accounts_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: sessions sessions_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.sessions
    ADD CONSTRAINT sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: telegram_menu_pending telegram_menu_pending_channel_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.telegram_menu_pending
    ADD CONSTRAINT telegram_menu_pending_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES {{schema}}.inbox_channels(id);


--
-- Name: units units_parent_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.units
    ADD CONSTRAINT units_parent_id_fkey FOREIGN KEY (parent_id) REFERENCES {{schema}}.units(id);


--
-- Name: users users_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.users
    ADD CONSTRAINT users_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: wf_attachments wf_attachments_document_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_attachments
    ADD CONSTRAINT wf_attachments_document_id_fkey FOREIGN KEY (document_id) REFERENCES {{schema}}.wf_documents(id);


--
-- Name: wf_counters wf_counters_registry_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_counters
    ADD CONSTRAINT wf_counters_registry_id_fkey FOREIGN KEY (registry_id) REFERENCES {{schema}}.wf_registries(id);


--
-- Name: wf_documents wf_documents_registry_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_documents
    ADD CONSTRAINT wf_documents_registry_id_fkey FOREIGN KEY (registry_id) REFERENCES {{schema}}.wf_registries(id);


--
-- Name: wf_documents wf_documents_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_documents
    ADD CONSTRAINT wf_documents_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: wf_events wf_events_document_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_events
    ADD CONSTRAINT wf_events_document_id_fkey FOREIGN KEY (document_id) REFERENCES {{schema}}.wf_documents(id);


--
-- Name: wf_notifications wf_notifications_document_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_notifications
    ADD CONSTRAINT wf_notifications_document_id_fkey FOREIGN KEY (document_id) REFERENCES {{schema}}.wf_documents(id);


--
-- Name: wf_notifications wf_notifications_user_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_notifications
    ADD CONSTRAINT wf_notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES {{schema}}.users(id);


--
-- Name: wf_registries wf_registries_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_registries
    ADD CONSTRAINT wf_registries_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: wf_tasks wf_tasks_assignee_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_tasks
    ADD CONSTRAINT wf_tasks_assignee_id_fkey FOREIGN KEY (assignee_id) REFERENCES {{schema}}.users(id);


--
-- Name: wf_tasks wf_tasks_document_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_tasks
    ADD CONSTRAINT wf_tasks_document_id_fkey FOREIGN KEY (document_id) REFERENCES {{schema}}.wf_documents(id);


--
-- Name: wf_templates wf_templates_unit_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.wf_templates
    ADD CONSTRAINT wf_templates_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES {{schema}}.units(id);


--
-- Name: widget_uploads widget_uploads_visitor_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.widget_uploads
    ADD CONSTRAINT widget_uploads_visitor_id_fkey FOREIGN KEY (visitor_id) REFERENCES {{schema}}.widget_visitors(id);


--
-- Name: widget_visitors widget_visitors_channel_id_fkey; Type: FK CONSTRAINT; Schema: {{schema}}; Owner: -
--

ALTER TABLE ONLY {{schema}}.widget_visitors
    ADD CONSTRAINT widget_visitors_channel_id_fkey FOREIGN KEY (channel_id) REFERENCES {{schema}}.inbox_channels(id);


--
-- PostgreSQL database dump complete
--


