-- Each patient's score history, one row per scored submission.
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
    submitted_at       TEXT NOT NULL,
    scored_at          TEXT NOT NULL,
    received_at        TEXT NOT NULL
);
CREATE INDEX ix_scores_patient ON scores (patient_id, instrument, submitted_at);

-- Alerts for nurses. A submission raises each rule at most once.
CREATE TABLE alerts (
    id                 TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL,
    submission_id      TEXT NOT NULL,
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    rule               TEXT NOT NULL,
    severity           TEXT NOT NULL,
    status             TEXT NOT NULL DEFAULT 'open',
    reason             TEXT NOT NULL,
    evidence           TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    UNIQUE (submission_id, rule)
);
CREATE INDEX ix_alerts_patient ON alerts (patient_id, status);
CREATE INDEX ix_alerts_status ON alerts (status, created_at);
