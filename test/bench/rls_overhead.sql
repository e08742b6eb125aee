-- RLS overhead benchmark (test/bench/rls_overhead.sh runs it in a database holding the demo
-- district): each jurisdiction role's query through row-level security against the table
-- owner's query that selects the same rows by hand, timed in the same run; prints ratios.
\set QUIET on
SET search_path = commgrid, public;
SET client_min_messages = warning;

-- the median of n timed runs of a statement, in ms, run as a role (NULL: as the owner)
CREATE OR REPLACE FUNCTION pg_temp.median_ms(r name, stmt text, n int) RETURNS float8
LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz;
  times float8[] := '{}';
  dummy bigint;
BEGIN
  IF r IS NOT NULL THEN
    EXECUTE format('SET LOCAL ROLE %I', r);
  END IF;
  EXECUTE stmt INTO dummy;              -- warm the caches and the plan
  FOR i IN 1..n LOOP
    t0 := clock_timestamp();
    EXECUTE stmt INTO dummy;
    times := times || (extract(epoch FROM clock_timestamp() - t0) * 1000)::float8;
  END LOOP;
  RESET ROLE;
  RETURN (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) FROM unnest(times) x);
END $$;

CREATE OR REPLACE FUNCTION pg_temp.result_of(r name, stmt text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v bigint;
BEGIN
  IF r IS NOT NULL THEN
    EXECUTE format('SET LOCAL ROLE %I', r);
  END IF;
  EXECUTE stmt INTO v;
  RESET ROLE;
  RETURN v;
END $$;

-- one role per level, each given the area that holds the median number of residents
SELECT count(*) AS group_roles FROM create_roles() \gset
DROP ROLE IF EXISTS bench_admin, bench_town, bench_comm, bench_grid;
CREATE ROLE bench_admin IN ROLE commgrid_district_admin;
CREATE ROLE bench_town IN ROLE commgrid_township_staff;
CREATE ROLE bench_comm IN ROLE commgrid_community_staff;
CREATE ROLE bench_grid IN ROLE commgrid_grid_worker;
CREATE TEMP TABLE bench_case AS
WITH per_area AS (
  SELECT ancestor(grid_code, d) AS code, d, count(*) AS residents
  FROM resident, generate_series(3, 6) d
  WHERE grid_code IS NOT NULL
  GROUP BY 1, 2
), ranked AS (
  SELECT code, d, residents,
         row_number() OVER (PARTITION BY d ORDER BY residents, code) AS rn,
         count(*) OVER (PARTITION BY d) AS n
  FROM per_area
)
SELECT CASE d WHEN 3 THEN 'bench_admin' WHEN 4 THEN 'bench_town'
              WHEN 5 THEN 'bench_comm' ELSE 'bench_grid' END::name AS role,
       level(code) AS level, code, residents
FROM ranked WHERE rn = (n + 1) / 2;
SELECT count(grant_jurisdiction(role, code)) AS granted FROM bench_case \gset
-- an id inside each role's area, for the point lookup
ALTER TABLE bench_case ADD COLUMN some_resident bigint;
UPDATE bench_case b SET some_resident =
  (SELECT min(resident_id) FROM resident r WHERE r.grid_code <@ b.code);
ANALYZE;
\set QUIET off

\echo
\echo == plan of a grid worker count: the policy is an index range with a parameter
SET ROLE bench_grid;
EXPLAIN (COSTS OFF) SELECT count(*) FROM resident;
RESET ROLE;

\echo
\echo == the same rows, through row-level security and by hand as the owner (median of :runs runs)
SELECT b.level, b.residents,
       pg_temp.result_of(b.role, 'SELECT count(*) FROM commgrid.resident')
         = pg_temp.result_of(NULL, format('SELECT count(*) FROM commgrid.resident WHERE grid_code <@ %L', b.code)) AS same_rows,
       round(o.ms::numeric, 2) AS owner_ms, round(p.ms::numeric, 2) AS rls_ms,
       round((p.ms / o.ms)::numeric, 2) AS count_ratio,
       round((pl.ms / ol.ms)::numeric, 2) AS lookup_ratio,
       round((pr.ms / orr.ms)::numeric, 2) AS rows_ratio
FROM bench_case b,
  LATERAL (SELECT pg_temp.median_ms(NULL, format('SELECT count(*) FROM commgrid.resident WHERE grid_code <@ %L', b.code), :runs) AS ms) o,
  LATERAL (SELECT pg_temp.median_ms(b.role, 'SELECT count(*) FROM commgrid.resident', :runs) AS ms) p,
  -- one resident by id (a staff screen opening a record)
  LATERAL (SELECT pg_temp.median_ms(NULL, format('SELECT count(name) FROM commgrid.resident WHERE resident_id = %s AND grid_code <@ %L', b.some_resident, b.code), :runs * 20) AS ms) ol,
  LATERAL (SELECT pg_temp.median_ms(b.role, format('SELECT count(name) FROM commgrid.resident WHERE resident_id = %s', b.some_resident), :runs * 20) AS ms) pl,
  -- the rows themselves (a list screen): names of the area's empty-nest elderly
  LATERAL (SELECT pg_temp.median_ms(NULL, format('SELECT count(*) FROM (SELECT name FROM commgrid.resident WHERE grid_code <@ %L AND NOT empty_nest_elderly) x', b.code), :runs) AS ms) orr,
  LATERAL (SELECT pg_temp.median_ms(b.role, 'SELECT count(*) FROM (SELECT name FROM commgrid.resident WHERE NOT empty_nest_elderly) x', :runs) AS ms) pr
ORDER BY depth(b.code) DESC;

\set QUIET on
DROP OWNED BY bench_admin, bench_town, bench_comm, bench_grid;
DROP ROLE bench_admin, bench_town, bench_comm, bench_grid;
