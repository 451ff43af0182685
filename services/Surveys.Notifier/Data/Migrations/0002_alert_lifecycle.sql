-- Alerts that live: at most one open alert per patient, instrument and rule (new evidence attaches to
-- it), acknowledged and resolved by nurses with an outcome, re-opened only by evidence after resolution.

-- Answers and item grades travel with each score so nurses can see what triggered an alert.
ALTER TABLE scores ADD COLUMN answers TEXT NULL;
ALTER TABLE scores ADD COLUMN item_grades TEXT NULL;

CREATE TABLE alerts_v2 (
    id                 TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL,
    instrument         TEXT NOT NULL,             -- 'all' for missed surveys
    definition_version TEXT NULL,
    rule               TEXT NOT NULL,
    severity           TEXT NOT NULL,             -- routine < high < urgent
    status             TEXT NOT NULL DEFAULT 'open', -- open, acknowledged, resolved
    reason             TEXT NOT NULL,             -- the latest evidence, in plain words
    submission_id      TEXT NULL,                 -- the submission that first raised it (none for missed surveys)
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    acknowledged_at    TEXT NULL,
    acknowledged_by    TEXT NULL,
    resolved_at        TEXT NULL,
    resolved_by        TEXT NULL,
    outcome            TEXT NULL,                 -- contacted_patient, referred, false_alarm, other
    note               TEXT NULL,                 -- a nurse's free text, stored as given, encoded on output
    previous_alert_id  TEXT NULL,                 -- the resolved alert this one re-opens
    notified_severity  TEXT NULL                  -- the highest severity people were told about
);
INSERT INTO alerts_v2 (id, patient_id, instrument, definition_version, rule, severity, status, reason, submission_id, created_at, updated_at)
    SELECT id, patient_id, instrument, definition_version, rule, severity, status, reason, submission_id, created_at, created_at FROM alerts;

-- Each piece of evidence behind an alert: the submission (or missed invitation) and what it showed.
CREATE TABLE alert_evidence (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    alert_id      TEXT NOT NULL REFERENCES alerts_v2 (id),
    source_id     TEXT NOT NULL,                 -- submission id, or invitation id for missed surveys
    severity      TEXT NOT NULL,
    reason        TEXT NOT NULL,
    details       TEXT NOT NULL,                 -- JSON: the scores compared, the answers that triggered it
    at            TEXT NOT NULL,
    UNIQUE (alert_id, source_id)
);
INSERT INTO alert_evidence (alert_id, source_id, severity, reason, details, at)
    SELECT id, submission_id, severity, reason, evidence, created_at FROM alerts;

DROP TABLE alerts;
ALTER TABLE alerts_v2 RENAME TO alerts;
CREATE UNIQUE INDEX ux_alerts_one_open ON alerts (patient_id, instrument, rule) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_status ON alerts (status, severity, created_at);
CREATE INDEX ix_alerts_patient ON alerts (patient_id, created_at);

-- Scheduled invitations that closed unanswered, for the missed-surveys rule.
CREATE TABLE missed_invitations (
    invitation_id TEXT PRIMARY KEY,
    patient_id    TEXT NOT NULL,
    instrument    TEXT NOT NULL,
    issued_at     TEXT NOT NULL,
    expired_at    TEXT NOT NULL
);
CREATE INDEX ix_missed_patient ON missed_invitations (patient_id, issued_at);
