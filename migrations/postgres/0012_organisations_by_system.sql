-- The organisations of an integrated care system, read by key for its roll-up and scorecard
-- rather than by reading every organisation recorded.
CREATE INDEX view_organisations_ics ON view_organisations (ics);
