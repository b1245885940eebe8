-- +goose Up
-- The staff feed (package feed): posts by chairmen, deputies, secretaries
-- and administrators to an audience of unit subtrees and named people.
-- body_html is the text as sanitised on the way in (never the client's
-- HTML); body_text its plain words, for notices. An important post asks
-- each reader to confirm it ("Ознакомлен"); reminded_on is the last day
-- (YYYY-MM-DD, the installation's zone) its unconfirmed readers were
-- reminded, so a reminder goes at most once a day. A poll is a question,
-- its options in feed_poll_options and one vote set per person.
CREATE TABLE feed_posts (
    id            TEXT PRIMARY KEY,
    author_id     TEXT NOT NULL REFERENCES users(id),
    unit_id       TEXT NOT NULL REFERENCES units(id),
    body_html     TEXT NOT NULL,
    body_text     TEXT NOT NULL,
    important     BOOLEAN NOT NULL DEFAULT FALSE,
    poll_question TEXT NOT NULL DEFAULT '',
    poll_multi    BOOLEAN NOT NULL DEFAULT FALSE,
    pinned_at     BIGINT NOT NULL DEFAULT 0,
    pinned_by     TEXT NOT NULL DEFAULT '',
    reminded_on   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL
);
CREATE INDEX feed_posts_created ON feed_posts(created_at);

-- Who a post is for: a unit (and everything below it, followed through
-- moves by the unit's current path) or one named person.
CREATE TABLE feed_audience (
    post_id TEXT NOT NULL REFERENCES feed_posts(id),
    kind    TEXT NOT NULL,              -- unit | user
    ref_id  TEXT NOT NULL,
    PRIMARY KEY (post_id, kind, ref_id)
);
CREATE INDEX feed_audience_ref ON feed_audience(kind, ref_id);

CREATE TABLE feed_confirms (
    post_id TEXT NOT NULL REFERENCES feed_posts(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    at      BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id)
);

CREATE TABLE feed_comments (
    id         TEXT PRIMARY KEY,
    post_id    TEXT NOT NULL REFERENCES feed_posts(id),
    author_id  TEXT NOT NULL REFERENCES users(id),
    text       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX feed_comments_post ON feed_comments(post_id, id);

CREATE TABLE feed_reactions (
    post_id TEXT NOT NULL REFERENCES feed_posts(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    emoji   TEXT NOT NULL,
    PRIMARY KEY (post_id, user_id, emoji)
);

CREATE TABLE feed_poll_options (
    post_id TEXT NOT NULL REFERENCES feed_posts(id),
    idx     INTEGER NOT NULL,
    text    TEXT NOT NULL,
    PRIMARY KEY (post_id, idx)
);

CREATE TABLE feed_votes (
    post_id TEXT NOT NULL REFERENCES feed_posts(id),
    user_id TEXT NOT NULL REFERENCES users(id),
    idx     INTEGER NOT NULL,
    at      BIGINT NOT NULL,
    PRIMARY KEY (post_id, user_id, idx)
);

-- Files and pictures of posts: uploaded first (post_id '' until the post
-- that takes them is published by their uploader), bytes in the blob store.
CREATE TABLE feed_files (
    id           TEXT PRIMARY KEY,
    post_id      TEXT NOT NULL DEFAULT '',
    uploaded_by  TEXT NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    blob_key     TEXT NOT NULL,
    created_at   BIGINT NOT NULL
);
CREATE INDEX feed_files_post ON feed_files(post_id);

-- +goose Down
DROP TABLE feed_files;
DROP TABLE feed_votes;
DROP TABLE feed_poll_options;
DROP TABLE feed_reactions;
DROP TABLE feed_comments;
DROP TABLE feed_confirms;
DROP TABLE feed_audience;
DROP TABLE feed_posts;
