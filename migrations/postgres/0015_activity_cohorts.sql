-- The scorecard's cohorts now count, beside the items raised and the actions proposed, each
-- organisation's activities held in a year, month or day: with information published
-- beforehand, in accessible formats, held jointly, with participants' make-up recorded, and
-- the participants in each group. Stored tallies no longer read as the new ones do: they are
-- emptied, and made afresh from the views when the service starts.
DELETE FROM view_tallies;
DELETE FROM view_item_tallies;
DELETE FROM view_item_marks;
DELETE FROM projector_checkpoints WHERE name = 'tallies';
