-- The delivery module's tables, shared by every service that sends messages to people (intake's invitations and
-- reminders, the notifier's alerts, escalations and digests). Each service's database has its own copy.

-- The durable queue: one row per message, written in the same transaction as what it tells about (Deliveries.EnqueueAsync).
-- A loop sends due rows, with a short lease so only one instance sends a row, and retries failures later from here.
-- No address and no text is stored: both are read and written at send time, so a changed contact or a closed link is seen.
CREATE TABLE delivery_messages (
    id              TEXT PRIMARY KEY,     -- also the e-mail Message-Id and the webhook Idempotency-Key
    once_key        TEXT NULL UNIQUE,     -- the caller's "send this once" key (a visit's message per channel, an escalation step per contact); NULL: none
    kind            TEXT NOT NULL,        -- the caller's: invitation | reminder (intake); alert | escalation | reminder | new_evidence | digest (notifier)
    recipient       TEXT NOT NULL,        -- who, as the caller knows them: a patient's id (intake), a contact's name in configuration (notifier)
    channel         TEXT NOT NULL,        -- email | sms (intake); email | webhook | outbox (notifier)
    about           TEXT NULL,            -- what it tells about: an invitation (intake), an alert (notifier); NULL for a digest
    details         TEXT NULL,            -- JSON the caller needs to write the text, never a patient's data (the notifier's severity, level, digest date)
    created_at      TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    lease_until     TEXT NULL,            -- a sender holds the row until then
    attempts        INTEGER NOT NULL DEFAULT 0,
    sent_at         TEXT NULL,
    sent_via        TEXT NULL,            -- smtp | webhook | outbox
    cancelled_at    TEXT NULL,            -- no longer needed before it went out (link closed, alert acknowledged, contact removed)
    failed_at       TEXT NULL,            -- given up after the last attempt
    last_error      TEXT NULL             -- an exception type or a reason, never a message text (it could hold an address)
);
CREATE INDEX ix_delivery_messages_pending ON delivery_messages (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX ix_delivery_messages_about ON delivery_messages (about);

-- The development outbox: what would have been sent, in Development only (refused elsewhere at start-up), shown on the
-- staff portal's development outbox page. A text that holds a link (intake's) is stored protected with Data Protection.
CREATE TABLE delivery_dev_outbox (
    delivery_id TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,            -- the address (or contact name) it would have gone to
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
