-- The clinic's own number for a patient (issue 21): staff find a patient by it; kept only in intake, like the name.
ALTER TABLE patients ADD COLUMN clinic_number TEXT NULL;
CREATE INDEX ix_patients_clinic_number ON patients (clinic_number);
