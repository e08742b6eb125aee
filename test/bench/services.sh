#!/bin/bash
# The services benchmarks (issue 12) against the server in PGHOST/PGPORT, in a throwaway
# database: the response clock in C against PL/pgSQL (N instants, default 1,000,000), intake
# through pgbench and the figures and hotspots over 300,000 requests (below).
# Prints ratios measured in the same run, never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
db=services_bench_$$
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
psql -X -q -d "$db" -c 'CREATE EXTENSION postgis' -c 'CREATE EXTENSION pg_commgrid'
psql -X -d "$db" -v n="$N" -f test/bench/services_clock.sql

# Intake through pgbench (CLIENTS clients, default 8, T seconds each, default 20): submit_request
# (location assignment, both deadlines, the submit event) against a bare insert into the same
# table with no trigger (session_replication_role = replica).  Then the monthly figures and the
# hotspots over FIGURES_N requests (default 300,000: ten times the demo).
CLIENTS=${CLIENTS:-8}
T=${T:-20}
FIGURES_N=${FIGURES_N:-300000}
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f test/bench/services_setup.sql
ncat=$(psql -X -qAt -d "$db" -c 'SELECT count(*) FROM bench_category')
tps() { grep -Po '(?<=tps = )[0-9.]+(?= \(without)' ; }
intake=$(pgbench -n -c "$CLIENTS" -j "$CLIENTS" -T "$T" -D ncat="$ncat" -f test/bench/services_intake.pgb "$db" | tps)
# the invariant after intake: every request has its grid, both deadlines and one submit event
psql -X -q -d "$db" -c "SELECT count(*) AS intake_requests,
  count(*) FILTER (WHERE s.grid_code IS NULL OR s.response_due = 'infinity' OR s.resolution_due = 'infinity'
                   OR (SELECT count(*) FROM commgrid.request_event e WHERE e.request_id = s.request_id AND e.action = 'submit') <> 1)
    AS broken FROM commgrid.service_request s"
bare=$(PGOPTIONS='-c session_replication_role=replica' \
       pgbench -n -c "$CLIENTS" -j "$CLIENTS" -T "$T" -D ncat="$ncat" -f test/bench/services_bare.pgb "$db" | tps)
psql -X -q -d "$db" -c "SELECT $CLIENTS AS clients, $T AS seconds, round($intake) AS intake_per_s,
  round($bare) AS bare_insert_per_s, round($intake / $bare, 3) AS ratio"
psql -X -d "$db" -v n="$FIGURES_N" -f test/bench/services_figures.sql
