-- 0002: the review station. The people who confirm what the machine was unsure of, and
-- their sessions. A session is found by the SHA-256 of its token: the token itself is
-- only in the browser's cookie, so a copy of the database opens no session.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL UNIQUE,
    password_hash TEXT    NOT NULL,
    created_at    TEXT    NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    csrf       TEXT    NOT NULL,
    expires_at TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- The review queue reads the few flagged fields among many.
CREATE INDEX fields_needs_review ON fields (document_id) WHERE needs_review = TRUE;
