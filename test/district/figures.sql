-- Figures of the demo district generator at full scale, for docs/guide/demo-district.md.
-- Run from the repository top directory in a database with pg_commgrid installed:
--   psql -X -f test/district/figures.sql
-- It (re)loads test/district/territory.sql, replaces any areas under 500112, builds the
-- territory, prints its figures, draws 2,000,000 resident locations, and removes it all again.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\set QUIET on
\i test/district/territory.sql
\set QUIET off
SET search_path = commgrid, public;
SELECT demo.drop_territory('500112') AS removed_areas;
RESET client_min_messages;
-- CPU seconds this backend has used (Linux /proc, superuser only; NULL elsewhere), so the
-- figures do not depend on what else the machine is doing
CREATE FUNCTION pg_temp.cpu_seconds() RETURNS float8 LANGUAGE plpgsql AS $$
BEGIN
  RETURN (SELECT (f[14]::float8 + f[15]::float8) / 100
            FROM regexp_split_to_array(split_part(pg_read_file('/proc/self/stat'), ') ', 2), ' ') AS a(g),
                 LATERAL (SELECT ARRAY['', ''] || g AS f) b);
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END $$;
SELECT pg_temp.cpu_seconds() AS cpu0 \gset
\timing on
SELECT * FROM demo.build_territory();
\timing off
SELECT round((pg_temp.cpu_seconds() - :cpu0)::numeric, 1) AS build_cpu_seconds;
SELECT round(build_seconds::numeric, 1) AS build_seconds, fine_points, stage_seconds FROM demo.territory;

\echo 'vertices and km² per level'
SELECT a.kind, count(*) AS areas,
       min(ST_NPoints(a.boundary)) AS v_min,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY ST_NPoints(a.boundary)) AS v_median,
       round(avg(ST_NPoints(a.boundary)), 1) AS v_avg,
       max(ST_NPoints(a.boundary)) AS v_max,
       round((min(ST_Area(a.boundary::geography)) / 1e6)::numeric, 3) AS km2_min,
       round((percentile_disc(0.5) WITHIN GROUP (ORDER BY ST_Area(a.boundary::geography)) / 1e6)::numeric, 3) AS km2_median,
       round((max(ST_Area(a.boundary::geography)) / 1e6)::numeric, 3) AS km2_max,
       round((sum(ST_Area(a.boundary::geography)) / 1e6)::numeric, 1) AS km2_total
  FROM area a WHERE a.code <@ '500112'
 GROUP BY a.kind ORDER BY min(depth(a.code)), a.kind;

\echo 'communities and grids in the subdistricts and in the towns'
SELECT t.kind, count(DISTINCT t.code) AS townships, count(DISTINCT c.code) AS communities, count(g.code) AS grids,
       round((percentile_disc(0.5) WITHIN GROUP (ORDER BY ST_Area(g.boundary::geography)) / 1e6)::numeric, 3) AS grid_km2_median
  FROM area t JOIN area c ON c.parent = t.code JOIN area g ON g.parent = c.code
 WHERE t.code <@ '500112' AND t.kind IN ('subdistrict', 'town')
 GROUP BY t.kind ORDER BY t.kind;

\echo 'tiling: children union = parent, areas add up, sibling interiors disjoint'
SELECT depth(p.code) AS parent_depth, count(*) AS parents,
       max(abs(ST_Area(u.union_boundary) - ST_Area(p.boundary)) / ST_Area(p.boundary)) AS max_rel_union_diff,
       max(abs(u.area_sum - ST_Area(p.boundary)) / ST_Area(p.boundary)) AS max_rel_sum_diff
  FROM area p,
       LATERAL (SELECT ST_Union(c.boundary) AS union_boundary, sum(ST_Area(c.boundary)) AS area_sum
                  FROM area c WHERE c.parent = p.code) u
 WHERE p.code <@ '500112' AND depth(p.code) < 6
 GROUP BY 1 ORDER BY 1;
SELECT count(*) AS sibling_pairs_touching,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, '2********')) AS overlapping
  FROM area a JOIN area b ON b.parent = a.parent AND a.code < b.code AND a.boundary && b.boundary
 WHERE a.code <@ '500112';

\echo '2,000,000 resident locations'
SELECT pg_temp.cpu_seconds() AS cpu0 \gset
\timing on
CREATE TEMP TABLE resident_location AS SELECT * FROM demo.population_points(2000000);
\timing off
SELECT round((pg_temp.cpu_seconds() - :cpu0)::numeric, 1) AS population_points_cpu_seconds;
SELECT t.kind, 20 * count(*) AS residents_estimated,
       round(20 * count(*) / (SELECT sum(ST_Area(s.boundary::geography)) / 1e6 FROM area s
                          WHERE s.kind = t.kind AND s.code <@ '500112')) AS per_km2
  FROM resident_location r
  JOIN area t ON t.kind IN ('subdistrict', 'town') AND t.code <@ '500112' AND ST_Intersects(t.boundary, r.location)
 WHERE r.id % 20 = 0   -- a 5 % sample: the full join is what the benchmark measures
 GROUP BY t.kind ORDER BY t.kind;

DROP TABLE resident_location;
SELECT demo.drop_territory('500112') AS removed_areas;
