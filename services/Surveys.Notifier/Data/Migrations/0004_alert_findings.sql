-- Issue 18 (clinical safety). Each critical finding is its own alert; new evidence moves an alert up the inbox and
-- re-opens an acknowledged one; an urgent alert past the last escalation level is marked for operators.

-- The finding an alert is about: the flag's name for critical_item alerts (one alert per flag), '' for other rules.
ALTER TABLE alerts ADD COLUMN finding TEXT NOT NULL DEFAULT '';
-- When evidence was last attached (received, not submitted): the inbox orders by it, and evidence received after
-- acknowledged_at is "new evidence since it was acknowledged".
ALTER TABLE alerts ADD COLUMN latest_evidence_at TEXT NULL;
-- When the last escalation level's acknowledgement time ran out with nobody acknowledging (urgent alerts are then
-- sent to the last level again at its interval); cleared when the escalation starts again.
ALTER TABLE alerts ADD COLUMN past_last_level_at TEXT NULL;

-- Existing critical_item alerts: the first flag of their first evidence (a later different flag opens its own alert).
UPDATE alerts SET finding = COALESCE((
    SELECT json_extract(e.details, '$.flags[0]') FROM alert_evidence e WHERE e.alert_id = alerts.id ORDER BY e.at, e.id LIMIT 1), '')
WHERE rule = 'critical_item';
-- The latest evidence's submission time is the best record of when it arrived.
UPDATE alerts SET latest_evidence_at = COALESCE((SELECT MAX(e.at) FROM alert_evidence e WHERE e.alert_id = alerts.id), created_at);

DROP INDEX ux_alerts_one_open;
CREATE UNIQUE INDEX ux_alerts_one_open ON alerts (patient_id, instrument, rule, finding) WHERE status <> 'resolved';
CREATE INDEX ix_alerts_past_last_level ON alerts (past_last_level_at) WHERE past_last_level_at IS NOT NULL;
