-- Worst round-trip error of the coordinate conversions over China's extent (73.5–135°E,
-- 4–53.5°N) on a 0.05° lattice (1.2 million points, 7 round trips each; about a minute):
--   psql -X -f test/bench/coordsys_accuracy.sql      (in a database with pg_commgrid)
-- Errors are in metres, as the larger of the east and north differences.
SET search_path = commgrid, public;
WITH lattice AS (
  SELECT ST_SetSRID(ST_MakePoint(x, y), 4326) AS p
    FROM generate_series(73.5, 135.0, 0.05) x, generate_series(4.0, 53.5, 0.05) y
), trips AS (
  SELECT p, t.direction, t.q
    FROM lattice
   CROSS JOIN LATERAL (VALUES
     ('wgs84 > gcj02 > wgs84', gcj02_to_wgs84(wgs84_to_gcj02(p))),
     ('gcj02 > wgs84 > gcj02', wgs84_to_gcj02(gcj02_to_wgs84(p))),
     ('gcj02 > bd09 > gcj02', bd09_to_gcj02(gcj02_to_bd09(p))),
     ('bd09 > gcj02 > bd09', gcj02_to_bd09(bd09_to_gcj02(p))),
     ('wgs84 > bd09 > wgs84', bd09_to_wgs84(wgs84_to_bd09(p))),
     ('bd09 > wgs84 > bd09', wgs84_to_bd09(bd09_to_wgs84(p)))) t(direction, q)
)
SELECT direction, count(*) AS points,
       max(greatest(abs(ST_X(q) - ST_X(p)) * cos(radians(ST_Y(p))), abs(ST_Y(q) - ST_Y(p))) * 111320)
         AS worst_error_m
  FROM trips
 GROUP BY direction
 ORDER BY direction;
