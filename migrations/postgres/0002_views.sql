-- Read models built from the event log by the `views` projector. Each row keeps the whole
-- projected record as a JSON document beside the columns queries filter on; verdicts are
-- computed from the documents as of the date asked, because they change with time alone.
CREATE TABLE view_organisations (
    ods_code TEXT PRIMARY KEY,
    ics      TEXT,
    doc      TEXT NOT NULL
);

CREATE TABLE view_activities (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    planned_on   DATE NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_activities_org ON view_activities (organisation, log_position);

CREATE TABLE view_input_items (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    referred_to  TEXT,
    activity_id  TEXT NOT NULL,
    raised_on    DATE NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_input_items_org ON view_input_items (organisation, log_position);
CREATE INDEX view_input_items_activity ON view_input_items (activity_id);
CREATE INDEX view_input_items_referred ON view_input_items (referred_to);

CREATE TABLE view_actions (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_actions_org ON view_actions (organisation, log_position);

CREATE TABLE view_action_links (
    input_item_id TEXT NOT NULL,
    action_id     TEXT NOT NULL,
    PRIMARY KEY (input_item_id, action_id)
);
