-- The event log: append-only. Every fact the ledger knows is a row here.
CREATE TABLE events (
    position        BIGSERIAL PRIMARY KEY,
    -- The writing transaction, so readers can follow commit order (see projections).
    transaction_id  XID8 NOT NULL DEFAULT pg_current_xact_id(),
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    sequence        BIGINT NOT NULL CHECK (sequence > 0),
    event_type      TEXT NOT NULL,
    event_version   TEXT NOT NULL,
    payload         TEXT NOT NULL,
    metadata        TEXT NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    -- SHA-256 chaining each event to the previous event of its stream.
    prev_hash       TEXT NOT NULL,
    hash            TEXT NOT NULL,
    CONSTRAINT events_stream_sequence UNIQUE (aggregate_type, aggregate_id, sequence)
);

CREATE INDEX events_commit_order ON events (transaction_id, position);

CREATE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are immutable: % refused', TG_OP;
END
$$;

CREATE TRIGGER events_refuse_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION refuse_event_change();
CREATE TRIGGER events_refuse_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change();

-- Idempotency: the first result of a command sent with a client-supplied key.
CREATE TABLE command_receipts (
    actor_subject   TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash    TEXT NOT NULL,
    aggregate_type  TEXT NOT NULL,
    aggregate_id    TEXT NOT NULL,
    log_tx          BIGINT NOT NULL,
    log_position    BIGINT NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (actor_subject, idempotency_key)
);

-- Where each projector has read up to, in commit order.
CREATE TABLE projector_checkpoints (
    name          TEXT PRIMARY KEY,
    last_tx       BIGINT NOT NULL,
    last_position BIGINT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
