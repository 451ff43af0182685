-- PostgreSQL's intake store: a fresh equivalent of SQLite's final schema (../0001 to ../0005), with native types
-- (uuid, timestamptz). Comments on the columns are in the SQLite scripts.
CREATE TABLE patients (
    id           UUID PRIMARY KEY,
    created_at   TIMESTAMPTZ NOT NULL,
    display_name TEXT NULL,
    language     TEXT NOT NULL DEFAULT 'en',
    time_zone    TEXT NOT NULL DEFAULT 'UTC',
    index_date   TEXT NULL,              -- yyyy-MM-dd
    protocol     TEXT NULL
);

CREATE TABLE invitations (
    id                 UUID PRIMARY KEY,
    patient_id         UUID NOT NULL REFERENCES patients (id),
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    token_hash         TEXT NOT NULL UNIQUE,
    created_at         TIMESTAMPTZ NOT NULL,
    expires_at         TIMESTAMPTZ NOT NULL,
    used_at            TIMESTAMPTZ NULL,
    -- Issued once per (patient, protocol step), by whichever instance gets there first: the unique key decides.
    schedule_key       TEXT NULL,
    reminders_sent     BIGINT NOT NULL DEFAULT 0,
    expired_at         TIMESTAMPTZ NULL,
    superseded_at      TIMESTAMPTZ NULL,
    protected_token    TEXT NULL,
    due_at             TIMESTAMPTZ NULL,
    reminder_hours     TEXT NULL,
    last_reminder_at   TIMESTAMPTZ NULL,
    replaces_id        UUID NULL
);
CREATE INDEX ix_invitations_patient ON invitations (patient_id);
CREATE UNIQUE INDEX ux_invitations_schedule_key ON invitations (schedule_key) WHERE schedule_key IS NOT NULL;
CREATE INDEX ix_invitations_open ON invitations (expires_at) WHERE used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL;
CREATE INDEX ix_invitations_scheduled_open ON invitations (expires_at)
    WHERE schedule_key IS NOT NULL AND used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL;

-- The protected token is forgotten in the transaction that closes the invitation (answered, expired, replaced).
CREATE FUNCTION invitations_forget_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.used_at IS NOT NULL OR NEW.expired_at IS NOT NULL OR NEW.superseded_at IS NOT NULL THEN
        NEW.protected_token := NULL;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tr_invitations_forget_token BEFORE INSERT OR UPDATE ON invitations
    FOR EACH ROW WHEN (NEW.protected_token IS NOT NULL) EXECUTE FUNCTION invitations_forget_token();

CREATE TABLE submissions (
    id                 UUID PRIMARY KEY,
    invitation_id      UUID NOT NULL UNIQUE REFERENCES invitations (id),
    patient_id         UUID NOT NULL REFERENCES patients (id),
    instrument         TEXT NOT NULL,
    definition_version TEXT NOT NULL,
    answers            TEXT NOT NULL,
    submitted_at       TIMESTAMPTZ NOT NULL,
    outbox_message_id  UUID NOT NULL,
    score_status       TEXT NULL,
    scored_at          TIMESTAMPTZ NULL,
    total              TEXT NULL,         -- decimal as invariant text
    band               TEXT NULL,
    prorated           BIGINT NULL,
    subscores          TEXT NULL,         -- JSON
    flags              TEXT NULL          -- JSON
);
CREATE INDEX ix_submissions_patient ON submissions (patient_id);

-- User names compare without case, as in SQLite (COLLATE NOCASE).
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE staff_users (
    user_name       TEXT COLLATE nocase PRIMARY KEY,
    password_hash   TEXT NOT NULL,
    roles           TEXT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    disabled_at     TIMESTAMPTZ NULL
);

CREATE TABLE patient_contacts (
    patient_id UUID NOT NULL REFERENCES patients (id),
    channel    TEXT NOT NULL,
    address    TEXT NOT NULL,
    PRIMARY KEY (patient_id, channel)
);

CREATE TABLE survey_drafts (
    invitation_id UUID PRIMARY KEY REFERENCES invitations (id),
    answers       TEXT NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE deliveries (
    id              UUID PRIMARY KEY,
    invitation_id   UUID NOT NULL REFERENCES invitations (id),
    patient_id      UUID NOT NULL REFERENCES patients (id),
    kind            TEXT NOT NULL,
    contact_channel TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    lease_until     TIMESTAMPTZ NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    sent_at         TIMESTAMPTZ NULL,
    sent_via        TEXT NULL,
    cancelled_at    TIMESTAMPTZ NULL,
    failed_at       TIMESTAMPTZ NULL,
    last_error      TEXT NULL
);
CREATE INDEX ix_deliveries_pending ON deliveries (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX ix_deliveries_invitation ON deliveries (invitation_id);

CREATE TABLE dev_outbox (
    delivery_id     UUID PRIMARY KEY,
    seq             BIGINT GENERATED ALWAYS AS IDENTITY,
    contact_channel TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    subject         TEXT NOT NULL,
    protected_text  TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
