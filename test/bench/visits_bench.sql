-- Benchmark of the visits and elements areas (issue 13 §5), on a loaded demo district
-- (test/demo up to 62_visits) in the database psql connects to.  `make bench-visits`.
-- Prints times with the competitor measured in the same run, and ratios; never fails on a
-- time.  psql variable :runs (default 5).
--   1. visit_worklist for the largest grid (every household due: the day before the year's
--      first visit), median and worst of :runs calls, against a plain list of the same due
--      households sorted by address (no reasons, no route); its route length against the
--      same stops in random order, sorted by address and sorted by geohash (a Z-order
--      space-filling curve, the usual cheap spatial order), and against a lower bound of
--      any route (the minimum spanning tree of start and stops: no walk through them all
--      is shorter), as ratios
--   2. grid_file for every grid of the district: median and worst
--   3. loading 200,000 things (or as many as the demo holds) through the engine, against a
--      plain INSERT into a table of the same columns without the triggers
--   4. loading up to 200,000 arrivals into the actual-population register in one statement
--      (its triggers and the statement-level order check), against a plain INSERT of the
--      same rows with the grid joined in, and 10,000 more one statement per row
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

-- 1. the worklist of the largest grid, and a plain list of its due households
CREATE TEMP TABLE bench_worklist AS
SELECT r, pg_temp.timed(format('SELECT * FROM commgrid.visit_worklist(%L, %L)', :'big_grid', :'before_visits')) AS ms,
       pg_temp.timed(format($q$SELECT h.household_id, h.address FROM commgrid.household h
         WHERE h.grid_code = %L AND NOT EXISTS (SELECT 1 FROM commgrid.visit v WHERE v.household_id = h.household_id
           AND v.mode = 'in_person' AND v.outcome IN ('visited', 'new_occupants', 'vacant')
           AND commgrid.district_date(v.visited_at) BETWEEN date_trunc('year', %L::date)::date AND %L::date)
         ORDER BY h.address$q$, :'big_grid', :'before_visits', :'before_visits')) AS plain_ms
FROM generate_series(1, :runs) r;
SELECT :'big_grid' AS grid, :big_households AS households,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms)::numeric, 1) AS median_ms,
       round(max(ms)::numeric, 1) AS worst_ms,
       round(percentile_cont(0.5) WITHIN GROUP (ORDER BY plain_ms)::numeric, 1) AS plain_list_median_ms,
       round(max(plain_ms)::numeric, 1) AS plain_list_worst_ms,
       round((percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) / percentile_cont(0.5) WITHIN GROUP (ORDER BY plain_ms))::numeric, 1) AS worklist_over_plain
FROM bench_worklist;

-- the minimum spanning tree of the start and the stops (Prim, O(n^2), on the local plane of
-- nearest_neighbour_order; its edges then measured as the route is, walk_metres): a lower
-- bound of any walk from the start through every stop
CREATE FUNCTION pg_temp.spanning_tree_metres(start geometry, stops geometry[]) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  pts geometry[] := start || stops;
  n int := cardinality(pts);
  kx float8 := 111320.0 * cos(radians(ST_Y(start)));
  xs float8[]; ys float8[]; best float8[]; parent int[]; done bool[];
  total float8 := 0; i int; j int; k int; d float8; bd float8;
BEGIN
  SELECT array_agg(ST_X(p) * kx ORDER BY o), array_agg(ST_Y(p) * 110574.0 ORDER BY o) INTO xs, ys
  FROM unnest(pts) WITH ORDINALITY s(p, o);
  best := array_fill('Infinity'::float8, ARRAY[n]); parent := array_fill(0, ARRAY[n]); done := array_fill(false, ARRAY[n]);
  k := 1;
  FOR step IN 1 .. n - 1 LOOP
    done[k] := true;
    bd := 'Infinity'; j := 0;
    FOR i IN 1 .. n LOOP
      CONTINUE WHEN done[i];
      d := (xs[i] - xs[k]) ^ 2 + (ys[i] - ys[k]) ^ 2;
      IF d < best[i] THEN best[i] := d; parent[i] := k; END IF;
      IF best[i] < bd THEN bd := best[i]; j := i; END IF;
    END LOOP;
    total := total + commgrid.walk_metres(pts[parent[j]], pts[j]);
    k := j;
  END LOOP;
  RETURN total;
END $$;
CREATE TEMP TABLE bench_route AS
WITH w AS (SELECT w.stop, h.location, h.address FROM visit_worklist(:'big_grid', :'before_visits') w JOIN household h USING (household_id)),
s AS (SELECT worklist_start(:'big_grid') AS start)
SELECT walk_length(s.start, (SELECT array_agg(location ORDER BY stop) FROM w)) AS route_m,
       walk_length(s.start, (SELECT array_agg(location ORDER BY address) FROM w)) AS by_address_m,
       walk_length(s.start, (SELECT array_agg(location ORDER BY md5(address)) FROM w)) AS random_order_m,
       walk_length(s.start, (SELECT array_agg(location ORDER BY ST_GeoHash(location, 12)) FROM w)) AS by_geohash_m,
       pg_temp.spanning_tree_metres(s.start, (SELECT array_agg(location ORDER BY stop) FROM w)) AS lower_bound_m
FROM s;
SELECT round(route_m::numeric) AS nearest_neighbour_m, round(by_address_m::numeric) AS by_address_m,
       round(random_order_m::numeric) AS random_order_m, round(by_geohash_m::numeric) AS by_geohash_m,
       round(lower_bound_m::numeric) AS lower_bound_m,
       round((by_address_m / route_m)::numeric, 2) AS address_over_route,
       round((random_order_m / route_m)::numeric, 2) AS random_over_route,
       round((by_geohash_m / route_m)::numeric, 2) AS geohash_over_route,
       round((route_m / lower_bound_m)::numeric, 2) AS route_over_lower_bound
FROM bench_route;

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

-- 4. arrivals into the actual-population register: one statement through the register's
-- triggers, against a plain INSERT of the same rows with the grid joined in (a copy with the
-- same columns, checks and indexes, no triggers), and 10,000 of them one statement per row
-- (in a transaction undone)
BEGIN;
SET LOCAL commgrid.audit = off;  -- as a superuser's bulk load: one BULK entry per statement
CREATE TEMP TABLE bench_arrival AS
SELECT r.resident_id, row_number() OVER (ORDER BY r.resident_id) AS n FROM resident r
WHERE NOT EXISTS (SELECT 1 FROM residence_event e WHERE e.resident_id = r.resident_id AND e.on_date = district_today())
ORDER BY r.resident_id LIMIT 200000;
CREATE TEMP TABLE bench_plain_event (LIKE residence_event INCLUDING ALL);
SELECT count(*) AS arrivals FROM bench_arrival;
SELECT round(pg_temp.timed_statement($q$INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin)
         SELECT resident_id, 'arrival', 'floating', commgrid.district_today(), '四川省达州市' FROM bench_arrival WHERE n > 10000$q$)::numeric) AS register_ms,
       round(pg_temp.timed_statement($q$INSERT INTO bench_plain_event (resident_id, grid_code, kind, status, on_date, origin)
         SELECT a.resident_id, h.grid_code, 'arrival', 'floating', commgrid.district_today(), '四川省达州市'
         FROM bench_arrival a JOIN commgrid.resident r USING (resident_id) JOIN commgrid.household h USING (household_id)
         WHERE a.n > 10000$q$)::numeric) AS plain_ms,
       round(pg_temp.timed_statement($q$DO $d$ DECLARE x bigint; BEGIN
         FOR x IN SELECT resident_id FROM bench_arrival WHERE n <= 10000 ORDER BY n LOOP
           INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin)
           VALUES (x, 'arrival', 'floating', commgrid.district_today(), '四川省达州市');
         END LOOP; END $d$$q$)::numeric) AS per_row_10000_ms \gset
SELECT (SELECT count(*) FROM bench_arrival WHERE n > 10000) AS statement_rows, :register_ms AS register_ms, :plain_ms AS plain_ms,
       round(:register_ms::numeric / greatest(:plain_ms, 1), 1) AS register_over_plain,
       round(1000.0 * (SELECT count(*) FROM bench_arrival WHERE n > 10000) / greatest(:register_ms, 1)) AS register_rows_per_s,
       :per_row_10000_ms AS per_row_10000_ms,
       round(1000.0 * least(10000, (SELECT count(*) FROM bench_arrival)) / greatest(:per_row_10000_ms, 1)) AS per_row_rows_per_s;
ROLLBACK;
