#!/bin/bash
# The services benchmarks (issue 12) against the server in PGHOST/PGPORT, in a throwaway
# database: the response clock in C against PL/pgSQL (N instants, default 1,000,000).
# Prints ratios measured in the same run, never fails on a time.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${N:-1000000}
db=services_bench_$$
createdb "$db"
trap 'dropdb --if-exists "$db"' EXIT
psql -X -q -d "$db" -c 'CREATE EXTENSION postgis' -c 'CREATE EXTENSION pg_commgrid'
psql -X -d "$db" -v n="$N" -f test/bench/services_clock.sql
