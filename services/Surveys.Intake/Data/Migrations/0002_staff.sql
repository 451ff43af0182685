-- Built-in staff accounts, for a clinic without an identity provider. Passwords are kept only as
-- salted, slow hashes (ASP.NET Core Identity's PBKDF2 format); roles are a comma-separated list.
CREATE TABLE staff_users (
    user_name       TEXT PRIMARY KEY COLLATE NOCASE,
    password_hash   TEXT NOT NULL,
    roles           TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT NULL,
    created_at      TEXT NOT NULL,
    disabled_at     TEXT NULL
);
