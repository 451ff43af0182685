-- The score each submission received, kept beside its answers, so that FHIR Observations, the research
-- export and the outcomes report read one place: intake already holds the patient's index date.
ALTER TABLE submissions ADD COLUMN total TEXT NULL;          -- decimal as invariant text, null when not scored
ALTER TABLE submissions ADD COLUMN band TEXT NULL;
ALTER TABLE submissions ADD COLUMN prorated INTEGER NULL;
ALTER TABLE submissions ADD COLUMN subscores TEXT NULL;      -- JSON object: subscale id to value
ALTER TABLE submissions ADD COLUMN flags TEXT NULL;          -- JSON array
