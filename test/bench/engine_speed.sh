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
#   (i) bulk INSERT of ENGINE_BULK_ROWS rows with the assignment trigger (read ahead in batches,
#       docs/design/assign-lookahead.md, and with commgrid.assign_lookahead off); with locate()
#       inline; with the code given (computed beforehand, as an application that knows it
#       would); and plain (the code left NULL, issue 19's "without the trigger"), interleaved,
#       median of ENGINE_BULK_RUNS each, into the smallest registered table (id, location,
#       grid): the worst case
#   (i') the same in paired slices: ENGINE_PAIRED_SLICES slices of 5,000 rows, each inserted
#       by the four ways in one backend, their order turned from slice to slice; the median
#       over slices of each way's time over the plain INSERT's (steadier than (i) on a host
#       whose speed drifts from one minute to the next)
#   (j) the same into copies of the extension's registered tables service_request, element
#       and activity (CREATE TABLE ... (LIKE commgrid.<table> INCLUDING ALL): their columns,
#       defaults, generated columns, CHECK constraints and indexes; not their foreign keys nor
#       their other triggers), one registered and one not
# It prints times and ratios; it never fails on a time.
set -euo pipefail
DB=${DB:-commgrid_bench}
COLD_RUNS=${ENGINE_COLD_RUNS:-9}
PAR_RUNS=${ENGINE_PARALLEL_RUNS:-3}
BULK_ROWS=${ENGINE_BULK_ROWS:-200000}
BULK_RUNS=${ENGINE_BULK_RUNS:-5}
PAIRED_SLICES=${ENGINE_PAIRED_SLICES:-40}
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

echo "== (i) bulk INSERT of $BULK_ROWS rows: trigger, locate() inline, plain; $BULK_RUNS runs, interleaved"
q <<SQL
DROP TABLE IF EXISTS engine_bulk_source, engine_bulk_plain, engine_bulk_assigned;
-- the rows to insert, alone in their table (the INSERT reads no row it does not write), with
-- their codes for the INSERT that is given them
CREATE TABLE engine_bulk_source AS
SELECT id, location, commgrid.locate(location) AS grid FROM bench_resident WHERE id <= $BULK_ROWS ORDER BY id;
VACUUM ANALYZE engine_bulk_source;
CREATE TABLE engine_bulk_plain (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
CREATE TABLE engine_bulk_assigned (id bigserial PRIMARY KEY, location geometry(Point, 4490), grid commgrid.gridcode);
SELECT commgrid.register_assigned_table('engine_bulk_assigned', 'location', 'grid', 'grid');
SQL
# bulk WHAT TABLE COLUMNS VALUES: one timed INSERT of the first $BULK_ROWS residents in a backend
# whose index is ready, after a checkpoint (so that no run pays for another's dirty pages)
bulk() {
  PGOPTIONS_EXTRA="${5:-}" q -c "SET max_parallel_workers_per_gather = 0" -c "TRUNCATE $2" -c "CHECKPOINT" \
    -c "SELECT commgrid.locate('$PROBE'::geometry)" \
    -c "INSERT INTO engine_time SELECT '$1', '', bench_ms(\$q\$INSERT INTO $2 ($3) SELECT $4 FROM engine_bulk_source\$q\$)" >/dev/null
}
for i in $(seq "$BULK_RUNS"); do
  bulk 'i plain' engine_bulk_plain location location
  bulk 'i trigger' engine_bulk_assigned location location
  bulk 'i trigger, no read-ahead' engine_bulk_assigned location location "-c commgrid.assign_lookahead=off"
  bulk 'i inline' engine_bulk_plain 'location, grid' 'location, commgrid.locate(location)'
  bulk 'i given' engine_bulk_plain 'location, grid' 'location, grid'
done

echo "== (i') paired slices: $PAIRED_SLICES slices of 5,000 rows, four ways each, one backend"
q <<SQL
DROP TABLE IF EXISTS engine_bulk_assigned2;
CREATE TABLE engine_bulk_assigned2 (LIKE engine_bulk_assigned INCLUDING ALL);
SELECT commgrid.register_assigned_table('engine_bulk_assigned2', 'location', 'grid', 'grid');
CREATE INDEX ON engine_bulk_source (id);
TRUNCATE engine_bulk_plain, engine_bulk_assigned;
SET max_parallel_workers_per_gather = 0;
SELECT commgrid.locate('$PROBE'::geometry);
DO \$\$
DECLARE
  ways text[] := ARRAY['plain', 'trigger', 'trigger, no read-ahead', 'inline'];
  w text; t0 timestamptz;
BEGIN
  FOR k IN 0 .. $PAIRED_SLICES - 1 LOOP
    FOR j IN 0 .. 3 LOOP
      w := ways[1 + (j + k) % 4];
      PERFORM set_config('commgrid.assign_lookahead', (w <> 'trigger, no read-ahead')::text, true);
      t0 := clock_timestamp();
      -- dynamic, so that each INSERT is planned with the setting of its turn
      EXECUTE format('INSERT INTO %s SELECT %s FROM engine_bulk_source WHERE id > \$1 AND id <= \$2',
        CASE w WHEN 'plain' THEN 'engine_bulk_plain (location)' WHEN 'trigger' THEN 'engine_bulk_assigned (location)'
               WHEN 'inline' THEN 'engine_bulk_plain (location, grid)' ELSE 'engine_bulk_assigned2 (location)' END,
        CASE w WHEN 'inline' THEN 'location, commgrid.locate(location)' ELSE 'location' END)
        USING k * 5000, (k + 1) * 5000;
      INSERT INTO engine_time VALUES ('i'' ' || w || ', slice ' || k, '', extract(epoch FROM clock_timestamp() - t0) * 1000);
    END LOOP;
  END LOOP;
END \$\$;
DROP TABLE engine_bulk_assigned2;
SQL

echo "== (j) bulk INSERT of $BULK_ROWS rows into copies of service_request, element, activity; $BULK_RUNS runs"
for t in service_request element activity; do
  q -c "DROP TABLE IF EXISTS engine_${t}_plain, engine_${t}_assigned" \
    -c "CREATE TABLE engine_${t}_plain (LIKE commgrid.$t INCLUDING ALL)" \
    -c "CREATE TABLE engine_${t}_assigned (LIKE commgrid.$t INCLUDING ALL)" \
    -c "SELECT commgrid.register_assigned_table('engine_${t}_assigned', 'location', 'grid_code', 'grid')" >/dev/null
done
# the columns each table requires, from the resident's point
SR_COLS="category_code, nature, description, location, requester_kind, channel, response_due, resolution_due, handling_level"
SR_VALS="'c', 'help', 'bench', location, 'anonymous', 'app', now() + interval '1 day', now() + interval '5 days', 'grid'"
EL_COLS="type_code, shape, location, department"
EL_VALS="'t', location, location, 'bench'"
AC_COLS="organiser_id, kind, title, location, starts_at, ends_at"
AC_VALS="1, 'k', 'bench', location, now(), now() + interval '2 hours'"
for i in $(seq "$BULK_RUNS"); do
  for t in service_request element activity; do
    case $t in
      service_request) cols=$SR_COLS; vals=$SR_VALS;;
      element) cols=$EL_COLS; vals=$EL_VALS;;
      activity) cols=$AC_COLS; vals=$AC_VALS;;
    esac
    bulk "j $t plain" "engine_${t}_plain" "$cols" "$vals"
    bulk "j $t trigger" "engine_${t}_assigned" "$cols" "$vals"
    bulk "j $t inline" "engine_${t}_plain" "$cols, grid_code" "$vals, commgrid.locate(location)"
    bulk "j $t given" "engine_${t}_plain" "$cols, grid_code" "$vals, grid"
  done
done

echo "== engine results (medians, ms)"
q <<'SQL'
\pset footer off
SELECT what, path, count(*) AS runs, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(min(ms)::numeric, 1) AS min_ms, round(max(ms)::numeric, 1) AS max_ms
FROM engine_time WHERE what NOT LIKE 'i'' %' GROUP BY what, path ORDER BY what, path;
-- (i'): each way's time over the plain INSERT's of the same slice, median over the slices
WITH s AS (SELECT split_part(what, ', slice ', 1) AS way, split_part(what, ', slice ', 2) AS slice, ms
           FROM engine_time WHERE what LIKE 'i'' %')
SELECT a.way || ' / plain - 1, %' AS "(i') paired slices", count(*) AS slices,
       round(100 * (percentile_cont(0.5) WITHIN GROUP (ORDER BY a.ms / p.ms) - 1)::numeric, 1) AS median,
       round(100 * (percentile_cont(0.25) WITHIN GROUP (ORDER BY a.ms / p.ms) - 1)::numeric, 1) AS q1,
       round(100 * (percentile_cont(0.75) WITHIN GROUP (ORDER BY a.ms / p.ms) - 1)::numeric, 1) AS q3,
       CASE a.way WHEN 'i'' trigger' THEN '<= 15' ELSE '' END AS target
FROM s a JOIN s p ON p.slice = a.slice AND p.way = 'i'' plain'
WHERE a.way <> 'i'' plain' GROUP BY a.way ORDER BY 1;
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
  SELECT '(i) bulk INSERT, trigger without read-ahead / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what = 'i trigger, no read-ahead' AND b.what = 'i plain'
  UNION ALL
  SELECT '(i) bulk INSERT, locate() inline / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what = 'i inline' AND b.what = 'i plain'
  UNION ALL
  SELECT '(i) bulk INSERT, trigger / code given - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what = 'i trigger' AND b.what = 'i given'
  UNION ALL
  SELECT '(j) ' || split_part(a.what, ' ', 2) || ': trigger / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '<= 15' FROM m a, m b
   WHERE a.what LIKE 'j % trigger' AND b.what = replace(a.what, 'trigger', 'plain')
  UNION ALL
  SELECT '(j) ' || split_part(a.what, ' ', 2) || ': locate() inline / plain - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what LIKE 'j % inline' AND b.what = replace(a.what, 'inline', 'plain')
  UNION ALL
  SELECT '(j) ' || split_part(a.what, ' ', 2) || ': trigger / code given - 1, %', '', 100 * (a.ms / b.ms - 1), '' FROM m a, m b
   WHERE a.what LIKE 'j % trigger' AND b.what = replace(a.what, 'trigger', 'given')) r
ORDER BY 1, 2;
SQL
q -c "DROP TABLE engine_bulk_source, engine_bulk_plain, engine_bulk_assigned, engine_time" \
  -c "DROP TABLE engine_service_request_plain, engine_service_request_assigned, engine_element_plain, engine_element_assigned, engine_activity_plain, engine_activity_assigned"
