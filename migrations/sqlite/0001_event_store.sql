-- The event log: append-only. Every fact the ledger knows is a row here.
-- SQLite has one writer at a time, so insert order is commit order.
CREATE TABLE events (
    position        INTEGER PRIMARY KEY AUTOINCREMENT,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    sequence        INTEGER NOT NULL CHECK (sequence > 0),
    event_type      TEXT NOT NULL,
    event_version   TEXT NOT NULL,
    payload         TEXT NOT NULL,
    metadata        TEXT NOT NULL,
    recorded_at     TEXT NOT NULL,
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    CONSTRAINT events_stream_sequence UNIQUE (aggregate_type, aggregate_id, sequence)
);

CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable: UPDATE refused');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'events are immutable: DELETE refused');
END;

-- Idempotency: the first result of a command sent with a client-supplied key.
CREATE TABLE command_receipts (
    actor_subject   TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    log_tx          INTEGER NOT NULL,
    log_position    INTEGER NOT NULL,
    recorded_at     TEXT NOT NULL,
    PRIMARY KEY (actor_subject, idempotency_key)
);

-- Where each projector has read up to.
CREATE TABLE projector_checkpoints (
    name          TEXT PRIMARY KEY,
    last_tx       INTEGER NOT NULL,
    last_position INTEGER NOT NULL,
    updated_at    TEXT NOT NULL
);
