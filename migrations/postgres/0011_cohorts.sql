-- Tallies now count, beside each scope's items, the scorecard's cohorts: each organisation's
-- items raised and actions proposed in a year, month or day, with where referrals stand and
-- what actions answer. Stored tallies no longer read as the new ones do: they are emptied,
-- and made afresh from the views when the service starts.
DELETE FROM view_tallies;
DELETE FROM view_item_tallies;
DELETE FROM view_item_marks;
DELETE FROM projector_checkpoints WHERE name = 'tallies';
