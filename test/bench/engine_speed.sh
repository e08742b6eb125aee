#!/usr/bin/env bash
# The engine's costs beyond a warm lookup (issue 19), on the boundaries and the table
# bench_resident (id, location) of database $DB, against the server in PGHOST/PGPORT; run by
# test/bench/run.sh, or alone (DB=commgrid_bench bash test/bench/engine_speed.sh).  Each is
# measured with the shared index (pg_commgrid in shared_preload_libraries, commgrid.shared_index
# on) and with the per-backend index (commgrid.shared_index = off), in the same run:
#   (f) cold start: the first locate() in a new backend (PostGIS already loaded by an earlier
#       statement of the backend), median of ENGINE_COLD_RUNS new connections
#   (g) 2 parallel workers against none: count(locate(location)) and the scan floor
#   (h) the index memory of a backend (commgrid.index_memory())
#   (i) bulk INSERT of ENGINE_BULK_ROWS rows with the assignment trigger, with locate() inline,
#       and plain, median of 3 each
# It prints times and ratios; it never fails on a time.
set -euo pipefail
DB=${DB:-commgrid_bench}
COLD_RUNS=${ENGINE_COLD_RUNS:-9}
PAR_RUNS=${ENGINE_PARALLEL_RUNS:-3}
BULK_ROWS=${ENGINE_BULK_ROWS:-200000}
q() { PGOPTIONS="${PGOPTIONS_EXTRA:-} -c search_path=public,commgrid" psql -X -q -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

q <<'SQL'
CREATE OR REPLACE FUNCTION bench_ms(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz; r record;
BEGIN
  t0 := clock_timestamp();
  IF q ~* '^\s*select' THEN EXECUTE q INTO r; ELSE EXECUTE q; END IF;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
DROP TABLE IF EXISTS engine_time;
CREATE TABLE engine_time (what text, path text, ms float8);
SQL
PROBE=$(q -At -c "SELECT ST_AsEWKT(ST_PointOnSurface(boundary)) FROM commgrid.area WHERE kind = 'grid' ORDER BY code LIMIT 1")
echo "== engine: $(q -At -c "SELECT count(*) || ' grids, ' || sum(ST_NPoints(boundary)) || ' vertices' FROM commgrid.area WHERE kind = 'grid'"); preload: $(q -At -c "SHOW shared_preload_libraries")"

for path in shared private; do
  opt=""; [ $path = private ] && opt="-c commgrid.shared_index=off"
  echo "== (f) cold start, $path, $COLD_RUNS new backends"
  for i in $(seq "$COLD_RUNS"); do
    PGOPTIONS_EXTRA="$opt" q -c "SELECT ST_X('$PROBE'::geometry), bench_ms('SELECT 1')" \
      -c "INSERT INTO engine_time SELECT 'f cold start', '$path', bench_ms(\$q\$SELECT commgrid.locate('$PROBE'::geometry)\$q\$)" >/dev/null
  done
  echo "== (g) count(locate) and the scan floor, 0 and 2 workers, $path, $PAR_RUNS runs"
  for i in $(seq "$PAR_RUNS"); do
    for w in 0 2; do
      PGOPTIONS_EXTRA="$opt" q -c "SET max_parallel_workers_per_gather = $w" \
        -c "INSERT INTO engine_time SELECT 'g locate, $w workers', '$path', bench_ms('SELECT count(commgrid.locate(location)) FROM bench_resident')" \
        -c "INSERT INTO engine_time SELECT 'g scan floor, $w workers', '$path', bench_ms('SELECT sum(ST_X(location)) FROM bench_resident')"
    done
  done
  echo "== (h) index memory, $path"
  PGOPTIONS_EXTRA="$opt" q -c "SELECT commgrid.locate('$PROBE'::geometry) IS NOT NULL AS located" -c "SELECT * FROM commgrid.index_memory()"
done

echo "== (i) bulk INSERT of $BULK_ROWS rows: trigger, locate() inline, plain; 3 runs"
q <<SQL
DROP TABLE IF EXISTS engine_bulk_plain, engine_bulk_assigned;
CREATE TABLE engine_bulk_plain (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
CREATE TABLE engine_bulk_assigned (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
SELECT commgrid.register_assigned_table('engine_bulk_assigned', 'location', 'grid', 'grid');
SQL
for i in 1 2 3; do
  q -c "SELECT commgrid.locate('$PROBE'::geometry)" >/dev/null
  q -c "SET max_parallel_workers_per_gather = 0" -c "TRUNCATE engine_bulk_plain, engine_bulk_assigned" \
    -c "SELECT commgrid.locate('$PROBE'::geometry)" \
    -c "INSERT INTO engine_time SELECT 'i trigger', '', bench_ms('INSERT INTO engine_bulk_assigned (location) SELECT location FROM bench_resident WHERE id <= $BULK_ROWS')" \
    -c "INSERT INTO engine_time SELECT 'i inline', '', bench_ms('INSERT INTO engine_bulk_plain (location, grid) SELECT location, commgrid.locate(location) FROM bench_resident WHERE id <= $BULK_ROWS')" \
    -c "TRUNCATE engine_bulk_plain" \
    -c "INSERT INTO engine_time SELECT 'i plain', '', bench_ms('INSERT INTO engine_bulk_plain (location) SELECT location FROM bench_resident WHERE id <= $BULK_ROWS')" >/dev/null
done

echo "== engine results (medians, ms)"
q <<'SQL'
\pset footer off
SELECT what, path, count(*) AS runs, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(min(ms)::numeric, 1) AS min_ms, round(max(ms)::numeric, 1) AS max_ms
FROM engine_time GROUP BY what, path ORDER BY what, path;
WITH m AS (SELECT what, path, percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS ms FROM engine_time GROUP BY what, path)
SELECT r.goal, r.path, round(r.value::numeric, 2) AS value, r.target FROM (
  SELECT '(f) cold start, ms' AS goal, path, ms AS value, '<= 20 (district), <= 50 (city)' AS target FROM m WHERE what = 'f cold start'
  UNION ALL
  SELECT '(g) locate: serial / 2 workers', a.path, a.ms / b.ms, '>= 1.8' FROM m a JOIN m b USING (path)
   WHERE a.what = 'g locate, 0 workers' AND b.what = 'g locate, 2 workers'
  UNION ALL
  SELECT '(g) scan floor: serial / 2 workers', a.path, a.ms / b.ms, '' FROM m a JOIN m b USING (path)
   WHERE a.what = 'g scan floor, 0 workers' AND b.what = 'g scan floor, 2 workers'
  UNION ALL
  SELECT '(i) bulk INSERT, trigger / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '<= 15' FROM m a, m b
   WHERE a.what = 'i trigger' AND b.what = 'i plain'
  UNION ALL
  SELECT '(i) bulk INSERT, locate() inline / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what = 'i inline' AND b.what = 'i plain') r
ORDER BY 1, 2;
SQL
q -c "DROP TABLE engine_bulk_plain, engine_bulk_assigned, engine_time"
