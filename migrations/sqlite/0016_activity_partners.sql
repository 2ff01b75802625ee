-- Which organisations each activity names as partners, so that a partner's activities are
-- found by key rather than by reading every activity's document. Filled here from the
-- documents already projected; the projector keeps it from now on.
CREATE TABLE view_activity_partners (
    organisation TEXT NOT NULL,
    activity_id  TEXT NOT NULL,
    PRIMARY KEY (organisation, activity_id)
);

INSERT OR IGNORE INTO view_activity_partners (organisation, activity_id)
SELECT partner.value, a.id
FROM view_activities AS a, json_each(a.doc, '$.partner_organisations') AS partner;
