-- Boards, appointments and meetings as projected by the `views` projector.
CREATE TABLE view_boards (
    id           TEXT PRIMARY KEY,
    organisation TEXT NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_boards_org ON view_boards (organisation, log_position);

CREATE TABLE view_appointments (
    id             TEXT PRIMARY KEY,
    board_id       TEXT NOT NULL,
    participant_id TEXT NOT NULL,
    organisation   TEXT NOT NULL,
    log_position   BIGINT NOT NULL,
    doc            TEXT NOT NULL
);
CREATE INDEX view_appointments_board ON view_appointments (board_id, log_position);
CREATE INDEX view_appointments_participant ON view_appointments (participant_id, board_id);

CREATE TABLE view_meetings (
    id           TEXT PRIMARY KEY,
    board_id     TEXT NOT NULL,
    organisation TEXT NOT NULL,
    log_position BIGINT NOT NULL,
    doc          TEXT NOT NULL
);
CREATE INDEX view_meetings_board ON view_meetings (board_id, log_position);

-- Which board decisions cited which input items, for tracing input to decisions.
CREATE TABLE view_decision_citations (
    input_item_id TEXT NOT NULL,
    meeting_id    TEXT NOT NULL,
    decision_id   TEXT NOT NULL,
    PRIMARY KEY (input_item_id, decision_id)
);
