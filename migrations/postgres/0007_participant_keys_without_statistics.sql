-- ANALYZE samples column values into pg_statistic, where wrapped keys would outlive the
-- erasure that destroyed them. Keep no statistics on them, and drop any already gathered
-- (changing a column's type, even to the same type, removes its statistics; no rewrite).
ALTER TABLE participant_keys ALTER COLUMN wrapped_key SET STATISTICS 0;
ALTER TABLE participant_keys ALTER COLUMN wrapped_key TYPE TEXT;
