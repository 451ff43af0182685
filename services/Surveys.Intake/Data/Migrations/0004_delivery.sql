-- Scheduled invitations: when each was due, its reminder plan, and the token kept protected (ASP.NET Core
-- Data Protection) so reminders can carry the same link. The protected token is cleared as soon as the
-- invitation closes (answered, expired, replaced): the trigger does it in the closing transaction.
ALTER TABLE invitations ADD COLUMN protected_token TEXT NULL;
ALTER TABLE invitations ADD COLUMN due_at TEXT NULL;
ALTER TABLE invitations ADD COLUMN reminder_hours TEXT NULL;      -- e.g. "24,48": hours after due_at
ALTER TABLE invitations ADD COLUMN last_reminder_at TEXT NULL;    -- the reminder slot last handled
ALTER TABLE invitations ADD COLUMN replaces_id TEXT NULL;         -- the invitation a resend replaced

CREATE INDEX ix_invitations_scheduled_open ON invitations (expires_at)
    WHERE schedule_key IS NOT NULL AND used_at IS NULL AND expired_at IS NULL AND superseded_at IS NULL;

CREATE TRIGGER tr_invitations_forget_token AFTER UPDATE OF used_at, expired_at, superseded_at ON invitations
WHEN NEW.protected_token IS NOT NULL AND (NEW.used_at IS NOT NULL OR NEW.expired_at IS NOT NULL OR NEW.superseded_at IS NOT NULL)
BEGIN
    UPDATE invitations SET protected_token = NULL WHERE id = NEW.id;
END;

-- Messages to send (a new link, or a reminder), one per patient contact, written in the same transaction
-- as the invitation or reminder. A background loop sends them, retries later, and marks them sent.
-- The text is built when sending, from the protected token: no link is stored here.
CREATE TABLE deliveries (
    id              TEXT PRIMARY KEY,
    invitation_id   TEXT NOT NULL REFERENCES invitations (id),
    patient_id      TEXT NOT NULL REFERENCES patients (id),
    kind            TEXT NOT NULL,        -- invitation | reminder
    contact_channel TEXT NOT NULL,        -- email | sms
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT NULL,            -- a sender holds the row until then
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         TEXT NULL,
    sent_via        TEXT NULL,            -- smtp | webhook | outbox
    cancelled_at    TEXT NULL,            -- the link closed before it was sent, or the contact was removed
    failed_at       TEXT NULL,            -- gave up after the last attempt
    last_error      TEXT NULL             -- an exception type, never a message (it could hold an address)
);
CREATE INDEX ix_deliveries_pending ON deliveries (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX ix_deliveries_invitation ON deliveries (invitation_id);

-- The development outbox: what would have been sent, shown at /dev/outbox. The text holds a link, so it is
-- kept protected with Data Protection like the token.
CREATE TABLE dev_outbox (
    delivery_id    TEXT PRIMARY KEY,
    contact_channel TEXT NOT NULL,
    recipient      TEXT NOT NULL,
    subject        TEXT NOT NULL,
    protected_text TEXT NOT NULL,
    created_at     TEXT NOT NULL
);
