-- Maintained tallies, so that roll-ups cost the same however many input items a scope holds.
-- `view_tallies` holds, per scope (an organisation, activity, integrated care system, theme or
-- board), the changes to its counts summed by year (level 0), month (1) and day (2) of the
-- day they happen; `view_item_tallies` holds each item's own part, so that a change to the
-- item takes its old part out before putting the new one in. Both are filled from the views
-- by the projector and emptied when they are rebuilt; the `tallies` checkpoint says they are
-- complete up to a position of the log.
CREATE TABLE view_tallies (
    scope  TEXT COLLATE "C" NOT NULL,
    level  INTEGER NOT NULL,
    period BIGINT NOT NULL,
    tally  BYTEA NOT NULL,
    PRIMARY KEY (scope, level, period)
);

CREATE TABLE view_item_tallies (
    id      TEXT COLLATE "C" PRIMARY KEY,
    tallies BYTEA NOT NULL
);
