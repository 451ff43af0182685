-- One visit, one message (issue 22): questionnaires due together (same patient, same due_at) go out as one message
-- per channel. A scheduled invitation or reminder message carries its visit's key ('{patient}/{due_at}/invitation',
-- '{patient}/{due_at}/reminder/{slot}'); the unique index lets only the first questionnaire of a visit queue it.
-- Resends and ad-hoc invitations have no key: each is its own message.
ALTER TABLE deliveries ADD COLUMN visit_key TEXT NULL;
CREATE UNIQUE INDEX ux_deliveries_visit ON deliveries (visit_key, contact_channel) WHERE visit_key IS NOT NULL;
