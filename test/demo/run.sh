#!/usr/bin/env bash
# `make demo`: load the demo district into a fresh database of the throwaway cluster that
# pg_virtualenv started, then print its reports.  Each step is test/demo/NN_step.sql, run in
# order with the psql variables :scale (1 = the report's full district) and :seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
SCALE=${SCALE:-1}
SEED=${SEED:-2016}
export PGDATABASE=commgrid_demo
dropdb --if-exists commgrid_demo
createdb commgrid_demo
psql -X -q -v ON_ERROR_STOP=1 -c 'CREATE EXTENSION pg_commgrid CASCADE'
for step in test/demo/[0-9][0-9]_*.sql; do
  echo "== ${step##*/} (scale $SCALE, seed $SEED)"
  psql -X -v ON_ERROR_STOP=1 -v scale="$SCALE" -v seed="$SEED" -f "$step"
done
