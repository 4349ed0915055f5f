#!/usr/bin/env bash
# Creates the project store's own database and login role beside Airflow's metadata database.
# The postgres image runs this once, when its data volume is first initialised
# (/docker-entrypoint-initdb.d); the password comes from .env, never from the repository.
set -euo pipefail
: "${COALITION_WATCH_DB_PASSWORD:?set COALITION_WATCH_DB_PASSWORD in .env}"

psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER}" --dbname "${POSTGRES_DB}" \
  -v cw_password="${COALITION_WATCH_DB_PASSWORD}" -v airflow_db="${POSTGRES_DB}" <<'SQL'
CREATE ROLE coalition_watch LOGIN PASSWORD :'cw_password';
CREATE DATABASE coalition_watch OWNER coalition_watch ENCODING 'UTF8' TEMPLATE template0;
REVOKE ALL ON DATABASE coalition_watch FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE coalition_watch TO coalition_watch;
-- Keep the two apart: the project role has no business in Airflow's metadata database.
REVOKE CONNECT ON DATABASE :"airflow_db" FROM PUBLIC;
SQL
