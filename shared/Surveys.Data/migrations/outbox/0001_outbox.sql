-- Messages a service has committed to publish, written in the same transaction as the data they
-- describe. The relay publishes each pending row (message id = row id) and marks it sent once the
-- broker confirms.
CREATE TABLE outbox (
    id           TEXT PRIMARY KEY,
    message_type TEXT NOT NULL,
    payload      TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    sent_at      TEXT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    last_error   TEXT NULL
);
CREATE INDEX ix_outbox_pending ON outbox (created_at) WHERE sent_at IS NULL;
