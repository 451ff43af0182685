-- Delivery and escalation of alerts to the clinic's contacts, and the daily digest of routine alerts.
-- Messages say only that an alert of a given severity needs review, with a link to the inbox: no patient data.

-- Escalation state per alert: the contact level told last (1 = the first contact) and when the next level is
-- told unless someone acknowledges first. Kept here so a restart resumes where it stopped.
ALTER TABLE alerts ADD COLUMN escalation_level INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN escalate_at TEXT NULL;
-- The local date of the daily digest that counted this (routine) alert as new.
ALTER TABLE alerts ADD COLUMN digest_date TEXT NULL;
CREATE INDEX ix_alerts_escalate_at ON alerts (escalate_at) WHERE escalate_at IS NOT NULL;

-- One row per daily digest: written once, in the transaction that queues its messages.
CREATE TABLE alert_digests (
    digest_date   TEXT PRIMARY KEY,          -- local date (Alerting:TimeZone)
    created_at    TEXT NOT NULL,
    new_routine   INTEGER NOT NULL,          -- routine alerts raised since the previous digest
    open_routine  INTEGER NOT NULL,          -- unresolved alerts by severity when the digest was made
    open_high     INTEGER NOT NULL,
    open_urgent   INTEGER NOT NULL
);

-- The durable queue: one row per (step, contact, channel), written in the same transaction as the alert, the
-- escalation or the digest it tells about. A step is '{alert}/{severity}/{level}' or 'digest/{date}'.
CREATE TABLE alert_deliveries (
    id              TEXT PRIMARY KEY,         -- also the Idempotency-Key / Message-Id
    step            TEXT NOT NULL,
    kind            TEXT NOT NULL,            -- alert | escalation | digest
    alert_id        TEXT NULL REFERENCES alerts (id),
    digest_date     TEXT NULL REFERENCES alert_digests (digest_date),
    severity        TEXT NULL,
    level           INTEGER NULL,             -- 1-based position in Alerting:Contacts
    contact         TEXT NOT NULL,            -- the contact's name in configuration (addresses are read at send time)
    channel         TEXT NOT NULL,            -- email | webhook | outbox
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         TEXT NULL,
    sent_via        TEXT NULL,                -- smtp | webhook | outbox
    cancelled_at    TEXT NULL,                -- acknowledged or resolved before it went out, or the contact was removed
    failed_at       TEXT NULL,
    last_error      TEXT NULL,                -- an exception type or a reason, never a message text
    UNIQUE (step, contact, channel)
);
CREATE INDEX ix_alert_deliveries_pending ON alert_deliveries (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX ix_alert_deliveries_alert ON alert_deliveries (alert_id);

-- The development outbox: what would have been sent when no channel is configured, shown at /dev/alert-outbox.
-- The texts hold no patient data (a severity, counts and inbox links), so they are stored as they are.
CREATE TABLE alert_dev_outbox (
    delivery_id TEXT PRIMARY KEY,
    contact     TEXT NOT NULL,
    channel     TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
