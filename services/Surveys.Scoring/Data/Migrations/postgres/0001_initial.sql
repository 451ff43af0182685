-- PostgreSQL's scoring store: SQLite's final schema (../0001_initial.sql) with native types.
CREATE TABLE scores (
    submission_id      UUID PRIMARY KEY,
    patient_id         UUID NOT NULL,
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    status             TEXT NOT NULL,
    total              TEXT NULL,
    band               TEXT NULL,
    prorated           BIGINT NOT NULL,
    flags              TEXT NOT NULL,
    result             TEXT NOT NULL,
    submitted_at       TIMESTAMPTZ NOT NULL,
    scored_at          TIMESTAMPTZ NOT NULL
);
CREATE INDEX ix_scores_patient ON scores (patient_id, instrument, submitted_at);
