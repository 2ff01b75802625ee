-- Keys compared byte by byte. Under a database collation other than "C" (C.UTF-8, en_GB.UTF-8
-- and the like), PostgreSQL compares text through the C library's strcoll, and sorts without
-- abbreviated keys: every B-tree insert, lookup and index build on these columns pays for it.
-- They hold identifiers (UUIDs, ODS codes, type names, token subjects, idempotency keys) that
-- are only ever matched for equality, never sorted for a reader, so byte order loses nothing.
-- Each statement rebuilds the column's indexes; no row changes (text to text needs no rewrite),
-- so the log's immutability triggers are not involved.
ALTER TABLE events
    ALTER COLUMN aggregate_type TYPE TEXT COLLATE "C",
    ALTER COLUMN aggregate_id TYPE TEXT COLLATE "C";

ALTER TABLE command_receipts
    ALTER COLUMN actor_subject TYPE TEXT COLLATE "C",
    ALTER COLUMN idempotency_key TYPE TEXT COLLATE "C",
    ALTER COLUMN aggregate_type TYPE TEXT COLLATE "C",
    ALTER COLUMN aggregate_id TYPE TEXT COLLATE "C";

ALTER TABLE projector_checkpoints ALTER COLUMN name TYPE TEXT COLLATE "C";

ALTER TABLE view_organisations
    ALTER COLUMN ods_code TYPE TEXT COLLATE "C",
    ALTER COLUMN ics TYPE TEXT COLLATE "C";
ALTER TABLE view_activities
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_input_items
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C",
    ALTER COLUMN referred_to TYPE TEXT COLLATE "C",
    ALTER COLUMN activity_id TYPE TEXT COLLATE "C";
ALTER TABLE view_actions
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_action_links
    ALTER COLUMN input_item_id TYPE TEXT COLLATE "C",
    ALTER COLUMN action_id TYPE TEXT COLLATE "C";
ALTER TABLE view_action_progress ALTER COLUMN action_id TYPE TEXT COLLATE "C";
ALTER TABLE view_participants
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_participant_links
    ALTER COLUMN participant_id TYPE TEXT COLLATE "C",
    ALTER COLUMN target_id TYPE TEXT COLLATE "C";
ALTER TABLE view_boards
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_appointments
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN board_id TYPE TEXT COLLATE "C",
    ALTER COLUMN participant_id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_meetings
    ALTER COLUMN id TYPE TEXT COLLATE "C",
    ALTER COLUMN board_id TYPE TEXT COLLATE "C",
    ALTER COLUMN organisation TYPE TEXT COLLATE "C";
ALTER TABLE view_decision_citations
    ALTER COLUMN input_item_id TYPE TEXT COLLATE "C",
    ALTER COLUMN meeting_id TYPE TEXT COLLATE "C",
    ALTER COLUMN decision_id TYPE TEXT COLLATE "C";
