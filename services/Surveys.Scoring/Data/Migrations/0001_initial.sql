-- One score per submission: the unique key makes redelivered messages harmless.
CREATE TABLE scores (
    submission_id      TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL,
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    status             TEXT NOT NULL,
    total              TEXT NULL,
    band               TEXT NULL,
    prorated           INTEGER NOT NULL,
    flags              TEXT NOT NULL,
    result             TEXT NOT NULL,
    submitted_at       TEXT NOT NULL,
    scored_at          TEXT NOT NULL
);
CREATE INDEX ix_scores_patient ON scores (patient_id, instrument, submitted_at);
