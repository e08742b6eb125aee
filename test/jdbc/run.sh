#!/usr/bin/env bash
# `make jdbccheck`: the JDBC client test, against the server in PGHOST/PGPORT/PGUSER
# (pg_virtualenv's, in `make test`).  Makes database commgrid_jdbc with the fixture of
# setup.sql, compiles CommgridJdbcTest.java with plain javac against Debian's driver, runs
# it, and cleans up.  Its last line is `N passed, M failed`; exit status non-zero on failure.
set -euo pipefail
cd "$(dirname "$0")"
JAR=${PGJDBC_JAR:-/usr/share/java/postgresql.jar}
BUILD=build
export PGDATABASE=postgres
# the group roles are dropped afterwards only if this run made them
roles_before=$(psql -X -At -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'")
cleanup() {
  psql -X -q -c 'DROP DATABASE IF EXISTS commgrid_jdbc' >/dev/null 2>&1 || true
  psql -X -q -f teardown.sql >/dev/null 2>&1 || true
  if [ "$roles_before" = 0 ]; then
    # every group role create_roles() made (the list grows with the areas)
    for r in $(psql -X -At -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'commgrid\_%'" 2>/dev/null); do
      psql -X -q -c "DROP ROLE IF EXISTS \"$r\"" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT
cleanup
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE DATABASE commgrid_jdbc'
psql -X -q -v ON_ERROR_STOP=1 -d commgrid_jdbc -c 'CREATE EXTENSION pg_commgrid CASCADE'
psql -X -q -v ON_ERROR_STOP=1 -d commgrid_jdbc -f setup.sql >/dev/null
mkdir -p "$BUILD"
javac -Xlint:all -Werror -d "$BUILD" -cp "$JAR" CommgridJdbcTest.java
# JDBC speaks TCP only: a socket directory in PGHOST means the same server on localhost
host=${PGHOST:-localhost}
case "$host" in /*) host=localhost ;; esac
java -cp "$BUILD:$JAR" CommgridJdbcTest "jdbc:postgresql://$host:${PGPORT:-5432}/commgrid_jdbc"
