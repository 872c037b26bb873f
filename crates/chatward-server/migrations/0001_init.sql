-- Chatward relay storage, first version. Written in the SQL that SQLite and PostgreSQL
-- share (TEXT, BIGINT, no AUTOINCREMENT/SERIAL) so one migration serves both.

-- Operator accounts; passwords only as argon2 PHC strings.
CREATE TABLE operators (
    username      TEXT PRIMARY KEY,
    display_name  TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL
);

-- Logged-in operator sessions; only the SHA-256 of the cookie value is kept.
CREATE TABLE operator_sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES operators (username) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

-- A conversation exists from the customer's first consent on. Only the SHA-256 of its
-- secret token is kept. `last_seq` hands out gapless sequence numbers.
CREATE TABLE conversations (
    id                TEXT PRIMARY KEY,
    shop              TEXT NOT NULL,
    token_hash        TEXT NOT NULL,
    started_at        BIGINT NOT NULL,
    last_seq          BIGINT NOT NULL DEFAULT 0,
    operator_read_seq BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX conversations_shop_started ON conversations (shop, started_at);

-- Append-only: which statement (version and hash) was accepted when, with which widget.
CREATE TABLE consents (
    conversation_id   TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    statement_version TEXT NOT NULL,
    statement_hash    TEXT NOT NULL,
    accepted_at       BIGINT NOT NULL,
    widget_version    TEXT NOT NULL
);
CREATE INDEX consents_conversation ON consents (conversation_id, accepted_at);

-- The transcript. `client_id` is unique per conversation and author, so a re-sent message
-- is stored once.
CREATE TABLE entries (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    author          TEXT NOT NULL,
    body            TEXT NOT NULL,
    at              BIGINT NOT NULL,
    client_id       TEXT,
    PRIMARY KEY (conversation_id, seq),
    UNIQUE (conversation_id, author, client_id)
);
