-- Each critical finding is its own alert, the inbox orders by the latest evidence, and urgent alerts past the last
-- escalation level are marked for operators. Comments on the columns are in ../0004_alert_findings.sql.
ALTER TABLE alerts ADD COLUMN finding TEXT NOT NULL DEFAULT '';
ALTER TABLE alerts ADD COLUMN latest_evidence_at TIMESTAMPTZ NULL;
ALTER TABLE alerts ADD COLUMN past_last_level_at TIMESTAMPTZ NULL;

UPDATE alerts SET finding = COALESCE((
    SELECT CAST(e.details AS jsonb) -> 'flags' ->> 0 FROM alert_evidence e WHERE e.alert_id = alerts.id ORDER BY e.at, e.id LIMIT 1), '')
WHERE rule = 'critical_item';
UPDATE alerts SET latest_evidence_at = COALESCE((SELECT MAX(e.at) FROM alert_evidence e WHERE e.alert_id = alerts.id), created_at);

DROP INDEX ux_alerts_one_open;
CREATE UNIQUE INDEX ux_alerts_one_open ON alerts (patient_id, instrument, rule, finding) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_past_last_level ON alerts (past_last_level_at) WHERE past_last_level_at IS NOT NULL;
