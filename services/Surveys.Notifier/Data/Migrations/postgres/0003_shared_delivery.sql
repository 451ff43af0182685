-- Issue 22: one delivery module. See the SQLite script 0005: the notifier's queue and development outbox move into the
-- delivery module's tables (migrated before this script).
INSERT INTO delivery_messages (id, once_key, kind, recipient, channel, about, details, created_at, next_attempt_at, lease_until, attempts,
                               sent_at, sent_via, cancelled_at, failed_at, last_error)
SELECT id, step || '/' || contact || '/' || channel, kind, contact, channel, alert_id,
       json_build_object('severity', severity, 'level', level, 'digest', digest_date)::text,
       created_at, next_attempt_at, lease_until, attempts, sent_at, sent_via, cancelled_at, failed_at, last_error
FROM alert_deliveries ORDER BY created_at;

INSERT INTO delivery_dev_outbox (delivery_id, channel, recipient, subject, text, created_at)
SELECT delivery_id, channel, contact, subject, text, created_at FROM alert_dev_outbox ORDER BY seq;

DROP TABLE alert_dev_outbox;
DROP TABLE alert_deliveries;
