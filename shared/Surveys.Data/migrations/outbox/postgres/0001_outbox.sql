-- PostgreSQL's outbox: the same table as SQLite's final schema (../0001, ../0002), with native types. seq orders
-- rows written in the same instant (SQLite's rowid). Relays of several instances claim rows with
-- FOR UPDATE SKIP LOCKED, so no row is published by two of them at once.
CREATE TABLE outbox (
    id           UUID PRIMARY KEY,
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    message_type TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ NULL,
    attempts     BIGINT NOT NULL DEFAULT 0,
    last_error   TEXT NULL,
    trace_parent TEXT NULL
);
CREATE INDEX ix_outbox_pending ON outbox (created_at, seq) WHERE sent_at IS NULL;
