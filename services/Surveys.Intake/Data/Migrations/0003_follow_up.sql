-- Follow-up: what a patient is enrolled in, how to reach them, and each scheduled invitation's life.
ALTER TABLE patients ADD COLUMN display_name TEXT NULL;           -- optional; kept only in intake, never in messages or logs
ALTER TABLE patients ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE patients ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE patients ADD COLUMN index_date TEXT NULL;             -- yyyy-MM-dd, e.g. the day of treatment
ALTER TABLE patients ADD COLUMN protocol TEXT NULL;               -- follow-up protocol id, e.g. t1d-followup

-- Where invitations go: email, webhook (an SMS gateway), or the local development outbox.
CREATE TABLE patient_contacts (
    patient_id TEXT NOT NULL REFERENCES patients (id),
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    PRIMARY KEY (patient_id, channel)
);

-- A scheduled invitation is issued once per (patient, protocol step): the unique key makes the
-- scheduler idempotent across restarts and instances. Ad-hoc invitations have no schedule key.
ALTER TABLE invitations ADD COLUMN schedule_key TEXT NULL;
ALTER TABLE invitations ADD COLUMN reminders_sent INTEGER NOT NULL DEFAULT 0;
ALTER TABLE invitations ADD COLUMN expired_at TEXT NULL;          -- set when the scheduler expires it unanswered
ALTER TABLE invitations ADD COLUMN superseded_at TEXT NULL;       -- set when a newer link replaced this one (resend)
CREATE UNIQUE INDEX ux_invitations_schedule_key ON invitations (schedule_key) WHERE schedule_key IS NOT NULL;
CREATE INDEX ix_invitations_open ON invitations (expires_at) WHERE used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL;

-- Answers a patient has given so far on the survey pages, kept until they submit or the link closes.
CREATE TABLE survey_drafts (
    invitation_id TEXT PRIMARY KEY REFERENCES invitations (id),
    answers       TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
