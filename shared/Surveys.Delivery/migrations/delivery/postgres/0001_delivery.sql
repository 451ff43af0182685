-- PostgreSQL's delivery tables: the same as SQLite's (../0001_delivery.sql, which explains each column), with native
-- types. seq orders rows written in the same instant (SQLite's rowid).
CREATE TABLE delivery_messages (
    id              UUID PRIMARY KEY,
    once_key        TEXT NULL UNIQUE,
    kind            TEXT NOT NULL,
    recipient       TEXT NOT NULL,
    channel         TEXT NOT NULL,
    about           UUID NULL,
    details         TEXT NULL,
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
CREATE INDEX ix_delivery_messages_pending ON delivery_messages (next_attempt_at) WHERE sent_at IS NULL AND cancelled_at IS NULL AND failed_at IS NULL;
CREATE INDEX ix_delivery_messages_about ON delivery_messages (about);

CREATE TABLE delivery_dev_outbox (
    delivery_id UUID PRIMARY KEY,
    seq         BIGINT GENERATED ALWAYS AS IDENTITY,
    channel     TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    text        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
