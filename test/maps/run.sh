#!/usr/bin/env bash
# `make mapcheck`: the maps proven in a real browser, against the server in PGHOST/PGPORT (as
# jdbccheck).  Installs the page's libraries from npm into test/maps/node_modules (never
# committed), loads the demo district at a small scale into a database of its own, exports
# GeoJSON, classes, the SVG and vector tiles (export.sql), then check.mjs decodes the tiles and
# screenshots the page in Debian's headless Chromium.  Prints `N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")"
SCALE=${MAPS_SCALE:-0.02}
DB=commgrid_mapcheck
DISTRICT=500112
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
rm -rf out && mkdir -p out
dropdb --if-exists "$DB"
createdb "$DB"
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
# the demo district (test/demo), small: the territory and its people
(cd ../.. && for step in 10_territory 20_people; do
   psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v scale="$SCALE" -v seed=2016 -f "test/demo/$step.sql" > /dev/null
 done)
psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -v district="$DISTRICT" -v out="$PWD/out" -f export.sql
status=0
node check.mjs || status=$?
dropdb --if-exists "$DB"
exit $status
