-- Pictures customers sent. One row per entry that carries a picture; the cleaned bytes are
-- a file named `file_name` (a random id plus the detected format's extension, never the
-- customer's name) in the configured upload folder. Same portable SQL as 0001.
CREATE TABLE attachments (
    id              TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq             BIGINT NOT NULL,
    mime            TEXT NOT NULL,
    width           BIGINT NOT NULL,
    height          BIGINT NOT NULL,
    size            BIGINT NOT NULL,
    file_name       TEXT NOT NULL,
    UNIQUE (conversation_id, seq)
);
