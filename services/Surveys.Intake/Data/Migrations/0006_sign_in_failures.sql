-- Failed sign-ins are counted per account AND client address (issue 20): a lock applies to that pair only, so
-- nobody can lock a colleague out from elsewhere, and every failure is answered alike. The account-wide counter
-- and lock go. `locks` counts the pair's locks since its last good sign-in: each lock lasts twice the one before.
CREATE TABLE sign_in_failures (
    user_name       TEXT NOT NULL COLLATE NOCASE,   -- as typed (lower case) when no such account exists
    address         TEXT NOT NULL,
    failures        INTEGER NOT NULL DEFAULT 0,     -- since the last lock ended or the last good sign-in
    locks           INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT NULL,
    last_failure_at TEXT NOT NULL,
    PRIMARY KEY (user_name, address)
);
ALTER TABLE staff_users DROP COLUMN failed_attempts;
ALTER TABLE staff_users DROP COLUMN locked_until;
