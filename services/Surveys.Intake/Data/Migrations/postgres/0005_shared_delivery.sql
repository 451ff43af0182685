-- Issue 22: one delivery module. See the SQLite script 0009: intake's queue and development outbox move into the
-- delivery module's tables (migrated before this script).
INSERT INTO delivery_messages (id, once_key, kind, recipient, channel, about, details, created_at, next_attempt_at, lease_until, attempts,
                               sent_at, sent_via, cancelled_at, failed_at, last_error)
SELECT id, CASE WHEN visit_key IS NULL THEN NULL ELSE visit_key || '/' || contact_channel END, kind, patient_id::text, contact_channel, invitation_id, NULL,
       created_at, next_attempt_at, lease_until, attempts, sent_at, sent_via, cancelled_at, failed_at, last_error
FROM deliveries ORDER BY created_at;

INSERT INTO delivery_dev_outbox (delivery_id, channel, recipient, subject, text, created_at)
SELECT delivery_id, contact_channel, recipient, subject, protected_text, created_at FROM dev_outbox ORDER BY seq;

DROP TABLE dev_outbox;
DROP TABLE deliveries;
