-- Failed sign-ins are counted per account AND client address (issue 20): see the SQLite script 0006.
CREATE TABLE sign_in_failures (
    user_name       TEXT COLLATE nocase NOT NULL,
    address         TEXT NOT NULL,
    failures        BIGINT NOT NULL DEFAULT 0,
    locks           BIGINT NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ NULL,
    last_failure_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_name, address)
);
ALTER TABLE staff_users DROP COLUMN failed_attempts;
ALTER TABLE staff_users DROP COLUMN locked_until;
