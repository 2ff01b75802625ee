-- Per-participant keys, wrapped by the master key. Mutable on purpose: erasing a person
-- deletes their key, which makes their sealed data in the log unreadable for ever.
CREATE TABLE participant_keys (
    participant_id TEXT PRIMARY KEY,
    wrapped_key    TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

-- A value sealed with the master key, to refuse starting with the wrong one.
CREATE TABLE key_check (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    sealed TEXT NOT NULL
);

-- Participants as projected: no personal data, only status, consent and links.
CREATE TABLE view_participants (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    erased       BOOLEAN NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_participants_org ON view_participants (organisation, log_position);

CREATE TABLE view_participant_links (
    participant_id TEXT NOT NULL,
    target_id      TEXT NOT NULL,
    PRIMARY KEY (target_id, participant_id)
);
