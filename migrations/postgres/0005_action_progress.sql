-- An action's progress notes as rows of their own, so a long-running action's document stays
-- small and each note is written once. Actions' documents no longer carry the notes, so the
-- views are emptied and the projector replays the log into them on start-up (the views are
-- always rebuildable from the log; nothing recorded is touched).
CREATE TABLE view_action_progress (
    action_id   TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    recorded_on DATE NOT NULL,
    note        TEXT NOT NULL,
    PRIMARY KEY (action_id, seq)
);

DELETE FROM view_organisations;
DELETE FROM view_activities;
DELETE FROM view_input_items;
DELETE FROM view_actions;
DELETE FROM view_action_links;
DELETE FROM view_participants;
DELETE FROM view_participant_links;
DELETE FROM view_boards;
DELETE FROM view_appointments;
DELETE FROM view_meetings;
DELETE FROM view_decision_citations;
DELETE FROM projector_checkpoints WHERE name IN ('views', 'views__next');
