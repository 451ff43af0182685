-- The clinic's own number for a patient (issue 21): see the SQLite script 0007.
ALTER TABLE patients ADD COLUMN clinic_number TEXT NULL;
CREATE INDEX ix_patients_clinic_number ON patients (clinic_number);
