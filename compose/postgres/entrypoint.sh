#!/bin/bash
# First start: a cluster in PGDATA with a password-protected user and database named by the
# environment. Every start: PostgreSQL in the foreground, listening on all interfaces. Extra
# arguments go to postgres (e.g. -c max_connections=200).
set -euo pipefail

if [ ! -s "$PGDATA/PG_VERSION" ]; then
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "POSTGRES_PASSWORD is empty: set it to the password of user $POSTGRES_USER" >&2
    exit 1
  fi
  # The superuser keeps peer authentication on the socket only; over the network every user needs
  # a password (SCRAM).
  initdb --username=postgres --auth-local=peer --auth-host=scram-sha-256 --encoding=UTF8 \
    --locale=C.UTF-8 >/dev/null
  echo "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"

  pg_ctl --wait --silent --options "-c listen_addresses=''" start
  psql --quiet --no-psqlrc --set ON_ERROR_STOP=1 --username=postgres --dbname=postgres \
    --set user="$POSTGRES_USER" --set password="$POSTGRES_PASSWORD" --set db="$POSTGRES_DB" <<'SQL'
SET password_encryption = 'scram-sha-256';
CREATE ROLE :"user" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"user";
SQL
  pg_ctl --wait --silent --mode=fast stop
  echo "Created database $POSTGRES_DB owned by $POSTGRES_USER in $PGDATA"
fi

exec postgres -c listen_addresses='*' "$@"
