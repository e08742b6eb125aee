#!/usr/bin/env bash
# `make concurrencycheck`: inserts racing redraws (issue 10, item 1), bounded by a number of
# transactions, never by time.  Against the server in PGHOST/PGPORT/PGUSER (pg_virtualenv's
# in `make test`), in a database of its own, commgrid_concurrency, on district 110109: one
# community tiled by 16 grids in 8 pairs.  Eight pgbench clients run TRANSACTIONS
# transactions each, picking at random (weights 19 : 1) between inserting a single-row
# household and a resident of an existing household (the transaction kept open 50 ms, so
# that redraws commit while inserts are open), and redrawing the shared edge of the
# client's own pair of grids to a random place.
# Then every household's grid must be locate(location), every resident's grid its
# household's, and coverage_problems of the community empty.  Prints one line per check
# and `N passed, M failed`; exits non-zero on a failure.
set -euo pipefail
cd "$(dirname "$0")"
TRANSACTIONS=${TRANSACTIONS:-60}
BINDIR=$(${PG_CONFIG:-pg_config} --bindir)
PGBENCH=${PGBENCH:-$BINDIR/pgbench}
DB=commgrid_concurrency
export PGDATABASE=postgres
WORK=$(mktemp -d)
roles_before=$(psql -X -At -c "SELECT count(*) FROM pg_roles WHERE rolname LIKE 'commgrid\_%'")
cleanup() {
  psql -X -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
  if [ "$roles_before" = 0 ]; then
    for r in $(psql -X -At -c "SELECT rolname FROM pg_roles WHERE rolname LIKE 'commgrid\_%'" 2>/dev/null); do
      psql -X -q -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
cleanup
WORK=$(mktemp -d)
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $DB"
export PGDATABASE=$DB
psql -X -q -v ON_ERROR_STOP=1 -c 'SET client_min_messages = warning' -c 'CREATE EXTENSION pg_commgrid CASCADE'
export PGOPTIONS="${PGOPTIONS:-} -c search_path=commgrid,public"
psql -X -q -v ON_ERROR_STOP=1 <<'SQL'
SET search_path = commgrid, public;
INSERT INTO area (code, name, kind) VALUES ('110109', '门头沟区', 'district'), ('110109001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110109001001', '甲社区', 'community', 'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))');
-- grid k (1..16) spans longitude 116 + (k - 1) / 16 .. 116 + k / 16
INSERT INTO area (code, name, kind, boundary)
SELECT ('110109001001' || lpad(k::text, 3, '0'))::gridcode, format('网格%s', k), 'grid',
       ST_Multi(ST_MakeEnvelope(116 + (k - 1) / 16.0, 39, 116 + k / 16.0, 40, 4490))
FROM generate_series(1, 16) k;
INSERT INTO household (address, location)
SELECT format('110109 既有户 %s', i), ST_SetSRID(ST_MakePoint(116 + random(), 39 + random()), 4490)
FROM generate_series(1, 200) i;
-- client p (0..7) redraws only its own pair of grids, 2p + 1 and 2p + 2, moving their shared
-- edge to a fraction f of the pair (concurrent redraws of one area are another issue's test)
CREATE SCHEMA redraw_race;
CREATE TABLE redraw_race.done (moved bigint NOT NULL);
CREATE FUNCTION redraw_race.move_edge(p int, f float8) RETURNS void LANGUAGE sql AS $$
  INSERT INTO redraw_race.done
  SELECT coalesce(sum(r.rows), 0) FROM commgrid.redraw(
    ARRAY[('110109001001' || lpad((2 * p + 1)::text, 3, '0'))::commgrid.gridcode,
          ('110109001001' || lpad((2 * p + 2)::text, 3, '0'))::commgrid.gridcode],
    ARRAY[ST_Multi(ST_MakeEnvelope(116 + p / 8.0, 39, 116 + (p + f) / 8.0, 40, 4490)),
          ST_Multi(ST_MakeEnvelope(116 + (p + f) / 8.0, 39, 116 + (p + 1) / 8.0, 40, 4490))]) r
$$;
SQL
cat > "$WORK/insert.sql" <<'SQL'
\set x random(0, 999999)
\set y random(0, 999999)
\set h random(1, 200)
BEGIN;
INSERT INTO commgrid.household (address, location)
VALUES ('110109 新户', ST_SetSRID(ST_MakePoint(116 + :x / 1000000.0, 39 + :y / 1000000.0), 4490));
INSERT INTO commgrid.resident (name, household_id)
SELECT '110109 居民', household_id FROM commgrid.household WHERE address = '110109 既有户 ' || :h;
-- keeps the transaction open a while (no limit: only makes the race the issue saw likely)
SELECT pg_sleep(0.05);
COMMIT;
SQL
cat > "$WORK/redraw.sql" <<'SQL'
\set f random(1, 99)
SELECT redraw_race.move_edge(:client_id, :f / 100.0);
SQL

# one run, bounded by transactions; inserts and redraws interleave throughout (a
# serialization failure or deadlock, which a client may meet, is retried as a client would)
status=0
"$PGBENCH" -n -c 8 -j 8 -t "$TRANSACTIONS" --max-tries=10 -f "$WORK/insert.sql@19" -f "$WORK/redraw.sql@1" \
  > "$WORK/pgbench.log" 2>&1 || status=1
passed=0
failed=0
check() {  # name, expected, actual
  if [ "$2" = "$3" ]; then
    echo "ok - $1: $3"; passed=$((passed + 1))
  else
    echo "not ok - $1: expected $2, got $3"; failed=$((failed + 1))
  fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 -c "$1"; }
check "pgbench runs finished without error" 0 "$status"
[ "$status" = 0 ] || cat "$WORK/pgbench.log"
households=$(q "SELECT count(*) FROM commgrid.household WHERE address = '110109 新户'")
redraws=$(q "SELECT count(*) FROM redraw_race.done")
check "transactions committed (households + redraws)" $((8 * TRANSACTIONS)) $((households + redraws))
check "redraws ran" t "$(q "SELECT count(*) > 0 FROM redraw_race.done")"
echo "# $households households inserted, $redraws redraws moved $(q "SELECT sum(moved) FROM redraw_race.done") rows"
check "households whose grid is not locate(location)" 0 "$(q "SELECT count(*) FROM commgrid.household WHERE grid_code IS DISTINCT FROM commgrid.locate(location)")"
check "residents whose grid is not their household's" 0 "$(q "SELECT count(*) FROM commgrid.resident r JOIN commgrid.household h USING (household_id) WHERE r.grid_code IS DISTINCT FROM h.grid_code")"
check "coverage problems of the community" 0 "$(q "SELECT count(*) FROM commgrid.coverage_problems('110109001001')")"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
