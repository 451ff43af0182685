-- Intake's own store. Patients are pseudonymous: an id, nothing that names them.
CREATE TABLE patients (
    id         TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);

-- One personal link per invitation. Only the SHA-256 of the token is kept.
CREATE TABLE invitations (
    id                 TEXT PRIMARY KEY,
    patient_id         TEXT NOT NULL REFERENCES patients (id),
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    created_at         TEXT NOT NULL,
    expires_at         TEXT NOT NULL,
    used_at            TEXT NULL
);
CREATE INDEX ix_invitations_patient ON invitations (patient_id);

-- A submission is accepted once per invitation; answers are kept as the patient gave them.
CREATE TABLE submissions (
    id                 TEXT PRIMARY KEY,
    invitation_id      TEXT NOT NULL UNIQUE REFERENCES invitations (id),
    patient_id         TEXT NOT NULL REFERENCES patients (id),
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    answers            TEXT NOT NULL,
    submitted_at       TEXT NOT NULL,
    outbox_message_id  TEXT NOT NULL,
    score_status       TEXT NULL,
    scored_at          TEXT NULL
);
CREATE INDEX ix_submissions_patient ON submissions (patient_id);
