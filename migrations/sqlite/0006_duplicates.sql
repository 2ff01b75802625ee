-- The input item a withdrawn duplicate repeats, so that the original answers for the
-- duplicate's links (the people who raised it, the board decisions that cited it). Existing
-- documents do not carry the column, so the views are emptied and the projector replays the
-- log into them on start-up (the views are always rebuildable from the log; nothing recorded
-- is touched).
ALTER TABLE view_input_items ADD COLUMN duplicate_of TEXT;
CREATE INDEX view_input_items_duplicate ON view_input_items (duplicate_of);

DELETE FROM view_organisations;
DELETE FROM view_activities;
DELETE FROM view_input_items;
DELETE FROM view_actions;
DELETE FROM view_action_links;
DELETE FROM view_action_progress;
DELETE FROM view_participants;
DELETE FROM view_participant_links;
DELETE FROM view_boards;
DELETE FROM view_appointments;
DELETE FROM view_meetings;
DELETE FROM view_decision_citations;
DELETE FROM projector_checkpoints WHERE name IN ('views', 'views__next');
