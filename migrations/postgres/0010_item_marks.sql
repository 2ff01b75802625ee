-- Where each input item is listed on each day (its verdict, whether its loop is closed, when
-- its answer and its next action are due), by the months each mark covers; a mark that lasts
-- for ever is one row with month -1. Lists filtered by verdict, and the officer's lists of what
-- needs them, read one month's rows and the lasting ones as of any day. Filled with the
-- tallies, which count withdrawn items and open loops from now on: they are made afresh.
CREATE TABLE view_item_marks (
    id           TEXT COLLATE "C" NOT NULL,
    organisation TEXT COLLATE "C" NOT NULL,
    referred_to  TEXT COLLATE "C",
    activity_id  TEXT COLLATE "C" NOT NULL,
    log_position BIGINT NOT NULL,
    month        BIGINT NOT NULL,
    from_day     INTEGER NOT NULL,
    to_day       INTEGER NOT NULL,
    verdict      TEXT COLLATE "C" NOT NULL,
    loop_closed  BOOLEAN NOT NULL,
    respond_by   INTEGER NOT NULL,
    due_by       INTEGER,
    PRIMARY KEY (id, from_day, month)
);
CREATE INDEX view_item_marks_org ON view_item_marks (organisation, verdict, month, log_position);
CREATE INDEX view_item_marks_activity ON view_item_marks (activity_id, verdict, month, log_position);
CREATE INDEX view_item_marks_referred ON view_item_marks (referred_to, verdict, month, log_position);

DELETE FROM projector_checkpoints WHERE name = 'tallies';
