#!/usr/bin/env bash
# `make bench-security`: the cost of jurisdiction row-level security on the demo district.
# Builds the district (test/district, scale 1: 3,311 grids), fills it with RESIDENTS residents
# (2,000,000) in RESIDENTS/2.5 households located by commgrid.locate, then times each role's
# queries through row-level security against the owner's query for the same rows, in the
# same run, and prints the ratios.  Needs a running server (PGHOST/PGPORT/PGUSER), e.g.
#   pg_virtualenv -v 15 bash test/bench/rls_overhead.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
RESIDENTS=${RESIDENTS:-2000000}
HOUSEHOLDS=${HOUSEHOLDS:-$((RESIDENTS * 2 / 5))}
SCALE=${SCALE:-1}
SEED=${SEED:-2016}
RUNS=${RUNS:-15}
export PGDATABASE=commgrid_bench_rls
dropdb --if-exists commgrid_bench_rls
createdb commgrid_bench_rls
# the group roles are dropped afterwards only if this run made them
roles_before=$(psql -X -At -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'")
cleanup() {
  [ -n "${KEEP:-}" ] && return
  dropdb --if-exists commgrid_bench_rls
  if [ "$roles_before" = 0 ]; then
    for r in district_admin township_staff community_staff grid_worker unit_liaison bi_reader; do
      psql -X -q -c "DROP ROLE IF EXISTS commgrid_$r" >/dev/null 2>&1 || true
    done
  fi
}
trap cleanup EXIT
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pg_commgrid CASCADE'
echo "== building the demo district (scale $SCALE, seed $SEED)"
psql -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -f test/district/territory.sql \
  -c "SELECT kind, areas FROM demo.build_territory($SCALE, $SEED)"
echo "== $HOUSEHOLDS households, $RESIDENTS residents"
psql -X -v ON_ERROR_STOP=1 -v households="$HOUSEHOLDS" -v residents="$RESIDENTS" -v seed="$SEED" \
  -f test/bench/populate_people.sql
nice psql -X -v ON_ERROR_STOP=1 -v runs="$RUNS" -f test/bench/rls_overhead.sql
