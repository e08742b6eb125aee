#!/usr/bin/env bash
# `make bench-maps`: area_tile against the plain ST_AsMVT(ST_AsMVTGeom(...)) query over the
# demo district's zoom pyramid (test/bench/maps_tiles.sql), against the server in
# PGHOST/PGPORT.  The territory at full scale, the people at MAPS_BENCH_PEOPLE (default 0.1 of
# the report's 2,000,000 residents; the indicators count them); zooms MINZOOM-MAXZOOM (9-15).
# MAPS_BENCH_DB names an existing database with the demo district to reuse instead.
set -euo pipefail
cd "$(dirname "$0")/../.."
PEOPLE=${MAPS_BENCH_PEOPLE:-0.1}
MINZOOM=${MINZOOM:-9}
MAXZOOM=${MAXZOOM:-15}
DB=${MAPS_BENCH_DB:-}
if [ -z "$DB" ]; then
  DB=commgrid_bench_maps
  dropdb --if-exists "$DB"
  createdb "$DB"
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v scale=1 -v seed=2016 -f test/demo/10_territory.sql > /dev/null
  psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v scale="$PEOPLE" -v seed=2016 -f test/demo/20_people.sql > /dev/null
fi
psql -X -v ON_ERROR_STOP=1 -d "$DB" -v district=500112 -v minzoom="$MINZOOM" -v maxzoom="$MAXZOOM" \
  -f test/bench/maps_tiles.sql
