#!/usr/bin/env bash
# Benchmark of commgrid.locate() against PostGIS on the report's district: 3,311 grids in
# 131 communities over 1,452 km² and 2,000,000 clustered residents (test/district).
#
#   make bench                       # builds, installs, runs in a throwaway cluster (pg_virtualenv)
#   test/bench/run.sh                # against the server in PGHOST/PGPORT (e.g. a sandbox), in
#                                    # its own database commgrid_bench, dropped at the end
#
# It times, in one run on the same data, one core (no parallel workers):
#   (a) commgrid.locate over all residents
#   (b) the ST_Covers join with a GiST index on the grids, as the planner chooses it
#   (c) the best PostGIS plan: grids outer, GiST index on the residents (build not counted)
#   (d) the scan floor sum(ST_X(location))
#   (e) pgbench single-row INSERT throughput with the assignment trigger, against without it;
#       and, as (e'), the backend CPU time per single-row INSERT statement in one session,
#       which other load on the machine does not disturb
# and prints the medians and the ratios against the targets.  It never fails on a time.
#
# Settings (environment): BENCH_RESIDENTS (2000000), BENCH_SCALE (1: the full district),
# BENCH_RUNS (5: runs of a, c, d), BENCH_JOIN_RUNS (1: runs of b, which takes minutes),
# BENCH_PGBENCH_SECONDS (6), BENCH_PGBENCH_ROUNDS (5), BENCH_KEEP=1 keeps the database,
# BENCH_DISTRICTS (1; up to 10: the city scale).  Then test/bench/engine_speed.sh times the
# cold start, parallel workers, the index memory and bulk inserts (ENGINE_* settings there).
set -euo pipefail
cd "$(dirname "$0")/../.."

RESIDENTS=${BENCH_RESIDENTS:-2000000}
SCALE=${BENCH_SCALE:-1}
DISTRICTS=${BENCH_DISTRICTS:-1}
RUNS=${BENCH_RUNS:-5}
JOIN_RUNS=${BENCH_JOIN_RUNS:-1}
PGB_SECONDS=${BENCH_PGBENCH_SECONDS:-6}
PGB_ROUNDS=${BENCH_PGBENCH_ROUNDS:-5}
DISTRICT_SQL=${BENCH_DISTRICT_SQL:-test/district/territory.sql}
DB=commgrid_bench
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

psql_db() { PGOPTIONS="-c search_path=public,commgrid" psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

echo "== setting up database $DB: district scale $SCALE, $RESIDENTS residents"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB"
psql_db -c "CREATE EXTENSION pg_commgrid CASCADE"
psql_db -f "$DISTRICT_SQL" >/dev/null
psql_db -c "SELECT * FROM demo.build_territory($SCALE)"
# city scale (BENCH_DISTRICTS=10, about 33,000 grids): more districts generated like the demo,
# each with its own seed, moved side by side in rows of five
k=1
for code in 500113 500114 500115 500116 500117 500118 500119 500120 500151; do
  [ "$k" -lt "$DISTRICTS" ] || break
  psql_db -c "SELECT * FROM demo.build_territory($SCALE, 2016 + $k, '$code')" \
    -c "UPDATE commgrid.area SET boundary = ST_Translate(boundary, ($k % 5) * 0.6, ($k / 5) * 0.6)
        WHERE code OPERATOR(commgrid.<@) '$code'::commgrid.gridcode AND boundary IS NOT NULL"
  k=$((k + 1))
done
psql_db <<SQL
CREATE TABLE bench_resident AS SELECT id, location FROM demo.population_points($RESIDENTS);
VACUUM ANALYZE bench_resident;
SELECT count(*) AS residents, (SELECT count(*) FROM commgrid.area WHERE kind = 'grid') AS grids,
       (SELECT round(avg(ST_NPoints(boundary))) FROM commgrid.area WHERE kind = 'grid') AS grid_vertices_avg
FROM bench_resident;

-- run a query and return its wall time in ms (one core, JIT as configured)
CREATE FUNCTION bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE t0 timestamptz; r record;
BEGIN
  t0 := clock_timestamp();
  IF q ~* '^\\s*select' THEN EXECUTE q INTO r; ELSE EXECUTE q; END IF;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END \$\$;
CREATE TABLE bench_time (what text, ms float8);
SQL

# the queries
A="SELECT count(commgrid.locate(location)) FROM bench_resident"
B="SELECT count(*) FROM bench_resident r JOIN commgrid.area g ON g.kind = 'grid' AND ST_Covers(g.boundary, r.location)"
C="SELECT sum((SELECT count(*) FROM bench_resident r WHERE ST_Covers(g.boundary, r.location))) FROM commgrid.area g WHERE g.kind = 'grid'"
D="SELECT sum(ST_X(location)) FROM bench_resident"

time_runs() { # label, query, runs
  local i
  for i in $(seq "$3"); do
    psql_db -c "SET max_parallel_workers_per_gather = 0" \
      -c "INSERT INTO bench_time SELECT '$1', bench_ms(\$q\$$2\$q\$)"
  done
}

echo "== correctness: locate against ST_Covers on the same join"
psql_db -c "SET max_parallel_workers_per_gather = 0" -c "
SELECT count(*) AS residents,
       count(*) FILTER (WHERE l IS NOT NULL) AS located,
       count(*) FILTER (WHERE l IS NOT NULL AND NOT EXISTS (SELECT 1 FROM commgrid.area g WHERE g.code = l AND ST_Covers(g.boundary, r.location))) AS located_outside_its_grid
FROM (SELECT location, commgrid.locate(location) AS l FROM bench_resident WHERE id % 100 = 0) r"

echo "== (a) locate and (d) scan floor, $RUNS runs each, interleaved (first locate builds the index)"
psql_db -c "SET max_parallel_workers_per_gather = 0" -c "INSERT INTO bench_time SELECT 'first locate, with index build', bench_ms(\$q\$$A\$q\$)"
for i in $(seq "$RUNS"); do time_runs a "$A" 1; time_runs d "$D" 1; done

echo "== (b) ST_Covers join as the planner chooses it, $JOIN_RUNS run(s)"
psql_db -c "SET max_parallel_workers_per_gather = 0" -c "EXPLAIN (COSTS OFF) $B"
time_runs b "$B" "$JOIN_RUNS"

echo "== (c) grids outer with a GiST index on the residents, $RUNS runs"
psql_db -c "INSERT INTO bench_time SELECT 'GiST index build on residents (not counted)', bench_ms('CREATE INDEX bench_resident_location_idx ON bench_resident USING gist (location)')" -c "ANALYZE bench_resident"
psql_db -c "SET max_parallel_workers_per_gather = 0" -c "EXPLAIN (COSTS OFF) $C"
time_runs c "$C" "$RUNS"

echo "== (e) pgbench single-row INSERT, with the trigger and without, ${PGB_ROUNDS}x${PGB_SECONDS}s each, interleaved"
psql_db <<'SQL'
CREATE TABLE bench_insert_plain (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
CREATE TABLE bench_insert_assigned (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
SELECT commgrid.register_assigned_table('bench_insert_assigned', 'location', 'grid', 'grid');
CREATE TABLE bench_tps (what text, tps float8);
SQL
read -r XMIN YMIN XMAX YMAX < <(psql_db -At -F' ' -c "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(boundary)::box2d e FROM commgrid.area WHERE kind = 'grid') s")
for t in plain assigned; do
  cat > "$TMP/insert_$t.sql" <<SQL
INSERT INTO bench_insert_$t (location) VALUES (ST_SetSRID(ST_MakePoint($XMIN + random() * ($XMAX - $XMIN), $YMIN + random() * ($YMAX - $YMIN)), 4490));
SQL
done
# asynchronous commit for both, so that the comparison measures CPU, not the disk flush
for r in $(seq "$PGB_ROUNDS"); do
  for t in plain assigned; do
    tps=$(PGOPTIONS='-c synchronous_commit=off' pgbench -n -c 1 -T "$PGB_SECONDS" -f "$TMP/insert_$t.sql" "$DB" 2>&1 |
          sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
    psql_db -c "INSERT INTO bench_tps VALUES ('$t', ${tps:-0})"
  done
done

echo "== (e') the same INSERTs in one session, backend CPU time per row (insensitive to other load)"
psql_db <<'SQL'
CREATE FUNCTION bench_cpu_ms() RETURNS float8 LANGUAGE sql AS $$
  SELECT (split_part(s, ' ', 14)::float8 + split_part(s, ' ', 15)::float8) * 1000 / 100
  FROM pg_read_file('/proc/self/stat') s $$;
CREATE TABLE bench_cpu (what text, us_per_row float8);
CREATE FUNCTION bench_insert_cpu(tbl text, n int) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE c0 float8; e box2d;
BEGIN
  SELECT ST_Extent(boundary) INTO e FROM commgrid.area WHERE kind = 'grid';
  c0 := bench_cpu_ms();
  FOR i IN 1 .. n LOOP   -- one statement per row: locate revalidates its cache each time
    EXECUTE format('INSERT INTO %I (location) VALUES (ST_SetSRID(ST_MakePoint($1, $2), 4490))', tbl)
      USING ST_XMin(e) + random() * (ST_XMax(e) - ST_XMin(e)), ST_YMin(e) + random() * (ST_YMax(e) - ST_YMin(e));
  END LOOP;
  RETURN (bench_cpu_ms() - c0) * 1000 / n;
END $$;
SELECT bench_insert_cpu('bench_insert_assigned', 10);   -- builds this session's index
SQL
for r in 1 2 3; do
  for t in plain assigned; do
    psql_db -c "INSERT INTO bench_cpu SELECT '$t', bench_insert_cpu('bench_insert_$t', 20000)"
  done
done

echo "== results (medians)"
psql_db <<'SQL'
\pset footer off
SELECT what, count(*) AS runs, round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) / 1000)::numeric, 3) AS median_s,
       round((min(ms) / 1000)::numeric, 3) AS min_s, round((max(ms) / 1000)::numeric, 3) AS max_s
FROM bench_time GROUP BY what ORDER BY what;
WITH m AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM bench_time GROUP BY what),
     t AS (SELECT what, percentile_cont(0.5) WITHIN GROUP (ORDER BY tps) AS tps FROM bench_tps GROUP BY what),
     v AS (SELECT (SELECT ms FROM m WHERE what = 'a') a, (SELECT ms FROM m WHERE what = 'b') b,
                  (SELECT ms FROM m WHERE what = 'c') c, (SELECT ms FROM m WHERE what = 'd') d,
                  (SELECT tps FROM t WHERE what = 'assigned') ta, (SELECT tps FROM t WHERE what = 'plain') tp)
SELECT r.ratio, r.value, r.target, r.met FROM v, LATERAL (VALUES
  ('(b) ST_Covers join / (a) locate', round((b / a)::numeric, 1), '>= 20', b / a >= 20),
  ('(c) best PostGIS plan / (a) locate', round((c / a)::numeric, 1), '>= 4', c / a >= 4),
  ('(a) locate / (d) scan floor', round((a / d)::numeric, 2), '<= 4', a / d <= 4),
  ('(e) INSERT tps with trigger / without, %', round((100 * ta / tp)::numeric, 1), '>= 80', ta / tp >= 0.8),
  ('(e) single-row INSERT with trigger: time / without - 1, %', round((100 * (tp / ta - 1))::numeric, 1), '<= 10 (issue 19)', tp / ta <= 1.1)
) r(ratio, value, target, met);
SELECT what AS one_session, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY us_per_row)::numeric, 1) AS cpu_us_per_insert,
       count(*) AS rounds
FROM bench_cpu GROUP BY what ORDER BY what;
SELECT round((100 * (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us_per_row) FROM bench_cpu WHERE what = 'plain')
                  / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us_per_row) FROM bench_cpu WHERE what = 'assigned'))::numeric, 1)
       AS "(e') CPU throughput with trigger / without, %",
       round((100 * ((SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us_per_row) FROM bench_cpu WHERE what = 'assigned')
                   / (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY us_per_row) FROM bench_cpu WHERE what = 'plain') - 1))::numeric, 1)
       AS "(e') CPU per INSERT with trigger / without - 1, % (<= 10)";
SELECT what AS pgbench, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY tps)::numeric) AS median_tps, count(*) AS rounds
FROM bench_tps GROUP BY what ORDER BY what;
SQL

DB=$DB bash test/bench/engine_speed.sh

if [ "${BENCH_KEEP:-0}" != 1 ]; then
  psql -X -q -d postgres -c "DROP DATABASE $DB"
fi
