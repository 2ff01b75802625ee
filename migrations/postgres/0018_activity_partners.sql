-- Which organisations each activity names as partners, so that a partner's activities are
-- found by key rather than by reading every activity's document (which took a tenth of a
-- second for each list of a partner's activities at a million events). Filled here from the
-- documents already projected; the projector keeps it from now on.
CREATE TABLE view_activity_partners (
    organisation TEXT COLLATE "C" NOT NULL,
    activity_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (organisation, activity_id)
);

INSERT INTO view_activity_partners (organisation, activity_id)
SELECT DISTINCT partner, id
FROM view_activities, jsonb_array_elements_text(doc::jsonb -> 'partner_organisations') AS partner;
