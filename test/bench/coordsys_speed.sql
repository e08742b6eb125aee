-- Speed of the coordinate conversions against the scan floor sum(ST_X(p)), on the same
-- 1,000,000 points in the same run (medians of 3):
--   psql -X -f test/bench/coordsys_speed.sql      (in a database with pg_commgrid)
SET search_path = commgrid, public;
SET client_min_messages = notice;
SELECT setseed(0.5);
CREATE TEMP TABLE bench_points AS
  SELECT ST_SetSRID(ST_MakePoint(106 + random(), 29 + random()), 4326) AS p
    FROM generate_series(1, 1000000);
DO $$
DECLARE
  q text;
  t0 timestamptz;
  runs float8[];
  floor_s float8;
  queries text[] := ARRAY[
    'SELECT sum(ST_X(p)) FROM bench_points',
    'SELECT sum(ST_X(commgrid.wgs84_to_gcj02(p))) FROM bench_points',
    'SELECT sum(ST_X(commgrid.gcj02_to_wgs84(p))) FROM bench_points',
    'SELECT sum(ST_X(commgrid.gcj02_to_bd09(p))) FROM bench_points',
    'SELECT sum(ST_X(commgrid.bd09_to_wgs84(p))) FROM bench_points'];
  i int;
BEGIN
  FOREACH q IN ARRAY queries LOOP
    runs := '{}';
    FOR i IN 1..3 LOOP
      t0 := clock_timestamp();
      EXECUTE q;
      runs := runs || extract(epoch FROM clock_timestamp() - t0)::float8;
    END LOOP;
    SELECT array_agg(x ORDER BY x) INTO runs FROM unnest(runs) x;
    IF floor_s IS NULL THEN
      floor_s := runs[2];
    END IF;
    RAISE NOTICE '% : % µs a point, % × the scan floor', q,
      round((runs[2] * 1e6 / 1000000)::numeric, 2), round((runs[2] / floor_s)::numeric, 1);
  END LOOP;
END $$;
DROP TABLE bench_points;
