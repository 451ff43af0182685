-- One visit, one message (issue 22): see the SQLite script 0008.
ALTER TABLE deliveries ADD COLUMN visit_key TEXT NULL;
CREATE UNIQUE INDEX ux_deliveries_visit ON deliveries (visit_key, contact_channel) WHERE visit_key IS NOT NULL;
-- The order invitations were issued in (SQLite's rowid): within a visit, the scheduler issues them in protocol order,
-- and a message whose own questionnaire closed links to the next open one in that order.
ALTER TABLE invitations ADD COLUMN seq BIGINT GENERATED ALWAYS AS IDENTITY;
