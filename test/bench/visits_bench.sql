-- Benchmark of the visits and elements areas (issue 13 §5), on a loaded demo district
-- (test/demo up to 62_visits) in the database psql connects to.  `make bench-visits`.
-- Prints times with the competitor measured in the same run, and ratios; never fails on a
-- time.  psql variable :runs (default 5).
--   1. visit_worklist for the largest grid (every household due: the day before the year's
--      first visit), median and worst of :runs calls; its route length against a random
--      order and a sort by address of the same stops
--   2. grid_file for every grid of the district: median and worst
--   3. loading 200,000 things (or as many as the demo holds) through the engine, against a
--      plain INSERT into a table of the same columns without the triggers
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
\if :{?runs}
\else
\set runs 5
\endif
\set QUIET on
CREATE FUNCTION pg_temp.timed(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE 'SELECT count(*) FROM (' || q || ') x';
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
CREATE FUNCTION pg_temp.timed_statement(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE q;
  RETURN extract(epoch FROM clock_timestamp() - t0) * 1000;
END $$;
SELECT h.grid_code AS big_grid, count(*) AS big_households FROM household h GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1 \gset
SELECT district_date(min(visited_at)) - 1 AS before_visits FROM visit \gset
\set QUIET off

-- 1. the worklist of the largest grid
CREATE TEMP TABLE bench_worklist AS
SELECT r, pg_temp.timed(format('SELECT * FROM commgrid.visit_worklist(%L, %L)', :'big_grid', :'before_visits')) AS ms
FROM generate_series(1, :runs) r;
SELECT :'big_grid' AS grid, :big_households AS households,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(max(ms)::numeric, 1) AS worst_ms FROM bench_worklist;
WITH w AS (SELECT w.stop, h.location, h.address FROM visit_worklist(:'big_grid', :'before_visits') w JOIN household h USING (household_id)),
s AS (SELECT worklist_start(:'big_grid') AS start)
SELECT round(walk_length(s.start, (SELECT array_agg(location ORDER BY stop) FROM w))::numeric) AS nearest_neighbour_m,
       round(walk_length(s.start, (SELECT array_agg(location ORDER BY address) FROM w))::numeric) AS by_address_m,
       round(walk_length(s.start, (SELECT array_agg(location ORDER BY md5(address)) FROM w))::numeric) AS random_order_m,
       round((walk_length(s.start, (SELECT array_agg(location ORDER BY address) FROM w))
              / walk_length(s.start, (SELECT array_agg(location ORDER BY stop) FROM w)))::numeric, 1) AS address_over_route,
       round((walk_length(s.start, (SELECT array_agg(location ORDER BY md5(address)) FROM w))
              / walk_length(s.start, (SELECT array_agg(location ORDER BY stop) FROM w)))::numeric, 1) AS random_over_route
FROM s;

-- 2. the grid file of every grid
CREATE TEMP TABLE bench_grid_file AS
SELECT a.code, pg_temp.timed(format('SELECT * FROM commgrid.grid_file(%L)', a.code)) AS ms
FROM area a WHERE a.kind = 'grid';
SELECT count(*) AS grids, round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(max(ms)::numeric, 1) AS worst_ms FROM bench_grid_file;

-- 3. loading things through the engine against a plain insert (in a transaction undone)
BEGIN;
CREATE TEMP TABLE bench_source AS SELECT type_code, component_code, shape, department, owner, maintainer FROM element;
UPDATE bench_source SET component_code = NULL;
CREATE TEMP TABLE bench_plain (LIKE element INCLUDING ALL);  -- same columns, checks and indexes, no triggers
SELECT count(*) AS things FROM bench_source;
SELECT round(pg_temp.timed_statement('INSERT INTO commgrid.element (type_code, shape, department, owner, maintainer) SELECT type_code, shape, department, owner, maintainer FROM bench_source')::numeric) AS engine_ms,
       round(pg_temp.timed_statement('INSERT INTO bench_plain (type_code, shape, location, department, owner, maintainer) SELECT type_code, shape, shape, department, owner, maintainer FROM bench_source')::numeric) AS plain_ms \gset
SELECT :engine_ms AS engine_ms, :plain_ms AS plain_ms, round(:engine_ms::numeric / greatest(:plain_ms, 1), 1) AS engine_over_plain;
ROLLBACK;
