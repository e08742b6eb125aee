-- coverage_problems against the plain PostGIS check, on the same data in the same run:
--   psql -X -f test/bench/coverage_bench.sql      (in a database with pg_commgrid; rolled back)
-- Data: a district of 28 townships (Voronoi cells, each densified on its own, so shared edges
-- carry the noding noise of separately digitised boundaries; 42,598 vertices) and one
-- community of about 25 grids.  The plain check is what one writes by hand: the parent minus
-- the union of its children, and the intersection of every pair whose boxes meet, each
-- measured with ST_Area(geography), anything above 0 being a problem.
-- Prints, per parent, the medians of 3 runs, their ratio and how many problems each reported
-- (the partitions are clean: every one the plain check reports is noise).
SET search_path = commgrid, public;
SET client_min_messages = notice;
BEGIN;
SELECT setseed(0.42);
CREATE TEMP TABLE seeds AS
  SELECT ST_SetSRID(ST_MakePoint(116.0 + random() * 0.45, 39.7 + random() * 0.35), 4490) AS p
    FROM generate_series(1, 28);
INSERT INTO area (code, name, kind, boundary)
  VALUES ('110108', '基准区', 'district', ST_Multi(ST_MakeEnvelope(116.0, 39.7, 116.45, 40.05, 4490)));
INSERT INTO area (code, name, kind, boundary)
  SELECT (110108000 + row_number() OVER (ORDER BY ST_X(ST_Centroid(c.geom)), ST_Y(ST_Centroid(c.geom))))::text,
         '街道', 'subdistrict',
         ST_Multi(ST_SetSRID(ST_Segmentize(ST_Intersection(c.geom, ST_MakeEnvelope(116.0, 39.7, 116.45, 40.05, 4490)), 0.0002), 4490))
    FROM ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(p) FROM seeds), 0,
                                    ST_MakeEnvelope(116.0, 39.7, 116.45, 40.05, 4490))) c;
-- one community filling township 001, split into grids the same way
INSERT INTO area (code, name, kind, boundary)
  SELECT '110108001001', '社区', 'community', boundary FROM area WHERE code = '110108001';
INSERT INTO area (code, name, kind, boundary)
  SELECT (110108001001000 + row_number() OVER (ORDER BY ST_X(ST_Centroid(v.geom)), ST_Y(ST_Centroid(v.geom))))::text,
         '网格', 'grid', ST_Multi(ST_SetSRID(ST_Segmentize(ST_Intersection(v.geom, t.boundary), 0.00005), 4490))
    FROM area t,
         ST_Dump(ST_VoronoiPolygons((SELECT ST_Collect(ST_GeneratePoints(boundary, 25, 7)) FROM area WHERE code = '110108001'),
                                    0, t.boundary)) v
   WHERE t.code = '110108001' AND ST_Area(ST_Intersection(v.geom, t.boundary)) > 0;

SELECT a.parent, count(*) AS children, sum(ST_NPoints(a.boundary)) AS vertices
  FROM area a WHERE a.parent IN ('110108', '110108001001') GROUP BY a.parent ORDER BY a.parent;

CREATE FUNCTION pg_temp.plain_check(p gridcode) RETURNS bigint LANGUAGE sql AS $$
  SELECT (SELECT count(*) FROM area par,
                 ST_Dump(ST_Difference(par.boundary, (SELECT ST_Union(boundary) FROM area WHERE parent = p))) d
           WHERE par.code = p AND ST_Area(d.geom::geography) > 0)
       + (SELECT count(*) FROM area x JOIN area y ON x.parent = p AND y.parent = p AND x.code < y.code
                 AND x.boundary && y.boundary AND ST_Intersects(x.boundary, y.boundary)
           WHERE ST_Area(ST_Intersection(x.boundary, y.boundary)::geography) > 0) $$;

DO $$
DECLARE
  p gridcode;
  t0 timestamptz;
  ours float8[];
  plain float8[];
  n_ours bigint;
  n_plain bigint;
  i int;
BEGIN
  FOREACH p IN ARRAY ARRAY['110108', '110108001001']::gridcode[] LOOP
    ours := '{}'; plain := '{}';
    FOR i IN 1..3 LOOP
      t0 := clock_timestamp();
      SELECT count(*) INTO n_ours FROM commgrid.coverage_problems(p);
      ours := ours || extract(epoch FROM clock_timestamp() - t0)::float8;
      t0 := clock_timestamp();
      n_plain := pg_temp.plain_check(p);
      plain := plain || extract(epoch FROM clock_timestamp() - t0)::float8;
    END LOOP;
    SELECT array_agg(x ORDER BY x) INTO ours FROM unnest(ours) x;
    SELECT array_agg(x ORDER BY x) INTO plain FROM unnest(plain) x;
    RAISE NOTICE 'parent %: coverage_problems % ms, % problems; plain PostGIS check % ms, % problems; time ratio plain/ours %',
      p, round((ours[2] * 1000)::numeric), n_ours, round((plain[2] * 1000)::numeric), n_plain,
      round((plain[2] / ours[2])::numeric, 2);
  END LOOP;
END $$;
ROLLBACK;
