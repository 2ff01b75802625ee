-- The web interface's sign-in: one-time links and sessions.
--
-- A sign-in link is kept only as the SHA-256 of its token: whoever reads this table cannot
-- sign in with what they find. `used_at` is set by the one statement that spends a link, so a
-- link opens one session at most.
CREATE TABLE web_sign_in_links (
    token_hash    TEXT PRIMARY KEY,
    subject       TEXT NOT NULL,
    role          TEXT NOT NULL,
    -- The ODS codes the session is granted, comma-separated.
    organisations TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER
);

-- Sessions, as the session store (tower-sessions' SQLx store) keeps them: the record encoded
-- by the store, and when it lapses without use.
CREATE TABLE web_sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    data        BLOB NOT NULL,
    expiry_date INTEGER NOT NULL
);
CREATE INDEX web_sessions_expiry ON web_sessions (expiry_date);
