-- A page of a list reads its marks from the index alone: each mark's days, item, loop and
-- answer day are kept beside the keys, so the marks that do not stand on the day asked are
-- passed over without a visit to the table for each.
DROP INDEX view_item_marks_org;
CREATE INDEX view_item_marks_org ON view_item_marks (organisation, verdict, month, log_position)
    INCLUDE (from_day, to_day, id, loop_closed, respond_by);
DROP INDEX view_item_marks_activity;
CREATE INDEX view_item_marks_activity ON view_item_marks (activity_id, verdict, month, log_position)
    INCLUDE (from_day, to_day, id, loop_closed, respond_by);
