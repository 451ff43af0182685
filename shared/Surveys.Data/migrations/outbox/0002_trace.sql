-- The W3C traceparent of the activity a row was written in (the HTTP request or the consume), so the relay's
-- later publish continues that trace. Null for rows written outside a trace and rows from before this migration.
ALTER TABLE outbox ADD COLUMN trace_parent TEXT NULL;
