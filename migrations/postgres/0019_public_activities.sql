-- The activities each organisation has put on its public "you said, we did" page, so that the
-- page reads them by key. Nothing was public before this table, so it starts empty.
CREATE TABLE view_public_activities (
    organisation TEXT COLLATE "C" NOT NULL,
    activity_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (organisation, activity_id)
);
