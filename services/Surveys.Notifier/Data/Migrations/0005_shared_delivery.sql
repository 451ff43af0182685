-- Issue 22: one delivery module. The notifier's message queue and development outbox move into the delivery module's
-- tables (shared/Surveys.Delivery/migrations/delivery, migrated before this script), which intake uses too.
-- A step's "once per contact and channel" rule becomes once_key '{step}/{contact}/{channel}'; what a message needs to be
-- written (severity, level, digest date) moves into details.
INSERT INTO delivery_messages (id, once_key, kind, recipient, channel, about, details, created_at, next_attempt_at, lease_until, attempts,
                               sent_at, sent_via, cancelled_at, failed_at, last_error)
SELECT id, step || '/' || contact || '/' || channel, kind, contact, channel, alert_id,
       json_object('severity', severity, 'level', level, 'digest', digest_date),
       created_at, next_attempt_at, lease_until, attempts, sent_at, sent_via, cancelled_at, failed_at, last_error
FROM alert_deliveries ORDER BY rowid;

INSERT INTO delivery_dev_outbox (delivery_id, channel, recipient, subject, text, created_at)
SELECT delivery_id, channel, contact, subject, text, created_at FROM alert_dev_outbox ORDER BY rowid;

DROP TABLE alert_dev_outbox;
DROP TABLE alert_deliveries;
