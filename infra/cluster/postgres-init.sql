-- The cluster profile's PostgreSQL (docker-compose.yml, docs/scaling.md): one database and one owner per service,
-- so intake, scoring and the notifier stay the only owners of their data, as with a SQLite file each. Run once,
-- by the postgres image, on an empty data volume. The passwords are the compose file's SURVEYS_DB_PASSWORD.
\set password `echo "$SURVEYS_DB_PASSWORD"`
CREATE ROLE intake LOGIN PASSWORD :'password';
CREATE ROLE scoring LOGIN PASSWORD :'password';
CREATE ROLE notifier LOGIN PASSWORD :'password';
CREATE DATABASE surveys_intake OWNER intake;
CREATE DATABASE surveys_scoring OWNER scoring;
CREATE DATABASE surveys_notifier OWNER notifier;
REVOKE ALL ON DATABASE surveys_intake, surveys_scoring, surveys_notifier FROM PUBLIC;
