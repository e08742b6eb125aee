-- The demo district generator (test/district/territory.sql): exact counts, a partition with
-- shared edges at every level, valid MultiPolygons, reproducibility, population points.
-- It writes thousands of area rows, whose dead tuples would wake autovacuum on commgrid.area
-- in the middle of later tests and change their plans; so it works in a database of its own,
-- under the standard district code 500112 (and 500199), and drops it at the end.
SET search_path = commgrid, public;
SELECT current_database() AS regress_database \gset
SET client_min_messages = warning;
DROP DATABASE IF EXISTS commgrid_district_generator;
CREATE DATABASE commgrid_district_generator;
\c commgrid_district_generator
SET client_min_messages = warning;
CREATE EXTENSION pg_commgrid CASCADE;
SET search_path = commgrid, public;
\set ECHO none
\i test/district/territory.sql
\set ECHO all
RESET client_min_messages;

-- the counts a scale gives
SELECT s, (demo.territory_counts(s)).* FROM unnest(ARRAY[0.01, 0.05, 0.1, 1]::float8[]) s;
SELECT demo.scaled(2000000, 0.05), demo.scaled(3311, 1), demo.scaled(10, 0.001);

-- bad arguments
\set VERBOSITY terse
SELECT * FROM demo.build_territory(0);
SELECT * FROM demo.build_territory(0.05, 2016, '500112001');
SELECT count(*) FROM demo.population_points(10, 1, '500112');

\set VERBOSITY default
SELECT kind, areas FROM demo.build_territory(0.05);
\set VERBOSITY terse
-- a second build of the same district is refused
SELECT * FROM demo.build_territory(0.05);
\set VERBOSITY default

-- exact counts per level
SELECT kind, count(*) FROM area WHERE code <@ '500112' GROUP BY kind ORDER BY min(depth(code)), kind;
-- every parent has children; no area lacks a boundary
SELECT count(*) AS childless FROM area p
 WHERE p.code <@ '500112' AND depth(p.code) < 6 AND NOT EXISTS (SELECT FROM area c WHERE c.parent = p.code);
-- every stored boundary: valid, MultiPolygon, EPSG:4490; grids in one piece
SELECT count(*) AS areas,
       count(*) FILTER (WHERE NOT ST_IsValid(boundary)) AS invalid,
       count(*) FILTER (WHERE GeometryType(boundary) <> 'MULTIPOLYGON') AS not_multipolygon,
       count(*) FILTER (WHERE ST_SRID(boundary) <> 4490) AS other_srid,
       count(*) FILTER (WHERE kind = 'grid' AND ST_NumGeometries(boundary) > 1) AS grids_in_pieces
  FROM area WHERE code <@ '500112';
-- the district: 1,452 km² within 2 %, around 106.6E 29.7N
SELECT abs(ST_Area(boundary::geography) / 1e6 - 1452) < 1452 * 0.02 AS area_ok,
       ST_X(ST_Centroid(boundary)) BETWEEN 106.4 AND 106.9 AS lon_ok,
       ST_Y(ST_Centroid(boundary)) BETWEEN 29.5 AND 30.0 AS lat_ok
  FROM area WHERE code = '500112';
-- each level tiles its parent: the union of the children is the parent, and the children's
-- areas add up to it (so they do not overlap)
SELECT depth(p.code) AS parent_depth, count(*) AS parents,
       max(abs(ST_Area(u.union_boundary) - ST_Area(p.boundary)) / ST_Area(p.boundary)) < 1e-9 AS union_is_parent,
       max(abs(u.area_sum - ST_Area(p.boundary)) / ST_Area(p.boundary)) < 1e-9 AS areas_add_up,
       max(ST_Area(ST_SymDifference(u.union_boundary, p.boundary)) / ST_Area(p.boundary)) < 1e-9 AS no_difference
  FROM area p,
       LATERAL (SELECT ST_Union(c.boundary) AS union_boundary, sum(ST_Area(c.boundary)) AS area_sum
                  FROM area c WHERE c.parent = p.code) u
 WHERE p.code <@ '500112' AND depth(p.code) < 6
 GROUP BY 1 ORDER BY 1;
-- siblings never share interior points, and neighbours share edges (dimension 1)
SELECT depth(a.code) AS depth,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, '2********')) AS overlapping_pairs,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, 'F***1****')) > 0 AS shared_edges
  FROM area a JOIN area b ON b.parent = a.parent AND a.code < b.code AND a.boundary && b.boundary
 WHERE a.code <@ '500112'
 GROUP BY 1 ORDER BY 1;
-- shared borders carry the same vertices on both sides: every vertex of a grid that lies on a
-- neighbouring grid's boundary is also one of that neighbour's vertices
WITH v AS (
  SELECT DISTINCT a.code, (ST_DumpPoints(a.boundary)).geom AS pt FROM area a
   WHERE a.code <@ '500112' AND a.kind = 'grid'
)
SELECT count(*) > 1000 AS many_vertices_on_neighbours,
       count(*) FILTER (WHERE NOT EXISTS (SELECT FROM v w WHERE w.code = n.code AND ST_Equals(w.pt, v.pt))) AS unmatched
  FROM v JOIN area n ON n.code <@ '500112' AND n.kind = 'grid' AND n.code <> v.code
                    AND n.boundary && v.pt AND ST_Intersects(n.boundary, v.pt);
-- codes and names: subdistricts 001-012 (街道), towns 100-115 (镇), communities 社区, grids
-- '<community>第N网格' numbered from 1 in each community
SELECT kind, min(right(code::text, 3)) AS first, max(right(code::text, 3)) AS last,
       bool_and(name LIKE CASE kind WHEN 'subdistrict' THEN '%街道' WHEN 'town' THEN '%镇' ELSE '%' END) AS names_ok
  FROM area WHERE code <@ '500112' AND kind IN ('subdistrict', 'town') GROUP BY kind ORDER BY kind;
SELECT count(*) AS communities, bool_and(name LIKE '%社区') AS names_ok, count(DISTINCT name) AS distinct_names
  FROM area WHERE code <@ '500112' AND kind = 'community';
SELECT count(*) AS grids,
       bool_and(g.name = c.name || '第' || right(g.code::text, 3)::int || '网格') AS names_ok,
       bool_and(right(g.code::text, 3)::int <= (SELECT count(*) FROM area s WHERE s.parent = g.parent)) AS numbered_from_1
  FROM area g JOIN area c ON c.code = g.parent
 WHERE g.code <@ '500112' AND g.kind = 'grid';
-- grids number west to east, then north to south: the first grid of a community lies in its
-- northern half more often than not
SELECT count(*) FILTER (WHERE ST_Y(ST_PointOnSurface(g.boundary)) >= ST_Y(ST_Centroid(c.boundary)))
       > count(*) / 2 AS first_grids_northern
  FROM area g JOIN area c ON c.code = g.parent
 WHERE g.code <@ '500112' AND g.kind = 'grid' AND right(g.code::text, 3) = '001'
   AND (SELECT count(*) FROM area s WHERE s.parent = c.code) > 1;

-- reproducible: the same scale and seed under another code gives the same geometry
SELECT kind, areas FROM demo.build_territory(0.05, 2016, '500199');
SELECT count(*) AS areas,
       count(*) FILTER (WHERE a.name = b.name AND ST_Equals(a.boundary, b.boundary)
                              AND ST_AsBinary(a.boundary) = ST_AsBinary(b.boundary)) AS identical
  FROM area a JOIN area b ON b.code = ('500199' || substr(a.code::text, 7))::gridcode
 WHERE a.code <@ '500112' AND a.kind <> 'district';
SELECT demo.drop_territory('500199');
-- another seed gives another territory of the same counts
SELECT kind, areas FROM demo.build_territory(0.05, 7, '500199');
SELECT count(*) FILTER (WHERE ST_Equals(a.boundary, b.boundary)) AS same_boundaries
  FROM area a JOIN area b ON b.code = ('500199' || substr(a.code::text, 7))::gridcode
 WHERE a.code <@ '500112' AND a.kind = 'grid';
SELECT demo.drop_territory('500199');

-- population points: exactly n, inside the district, denser in the subdistricts, reproducible
CREATE TEMP TABLE pop AS SELECT * FROM demo.population_points(20000);
SELECT count(*), count(DISTINCT id), min(id), max(id),
       count(*) FILTER (WHERE ST_SRID(location) = 4490) AS srid_4490
  FROM pop;
SELECT count(*) FILTER (WHERE ST_Contains(d.boundary, p.location)) AS inside
  FROM pop p, area d WHERE d.code = '500112';
SELECT t.kind, count(*) > 0 AS has_residents
  FROM pop p JOIN area t ON t.kind IN ('subdistrict', 'town') AND t.code <@ '500112' AND ST_Covers(t.boundary, p.location)
 GROUP BY t.kind ORDER BY t.kind;
-- residents per km²: the subdistricts' core is over five times as dense as the towns
WITH d AS (
  SELECT t.kind, sum(ST_Area(t.boundary::geography)) / 1e6 AS km2,
         sum((SELECT count(*) FROM pop p WHERE ST_Covers(t.boundary, p.location))) AS residents
    FROM area t WHERE t.kind IN ('subdistrict', 'town') AND t.code <@ '500112' GROUP BY t.kind
)
SELECT (SELECT residents / km2 FROM d WHERE kind = 'subdistrict')
       > 5 * (SELECT residents / km2 FROM d WHERE kind = 'town') AS subdistricts_denser,
       (SELECT sum(residents) FROM d) AS residents;
SELECT count(*) AS same FROM pop p JOIN demo.population_points(20000) q USING (id)
 WHERE ST_AsBinary(p.location) = ST_AsBinary(q.location);
SELECT count(*) AS same FROM pop p JOIN demo.population_points(20000, 99) q USING (id)
 WHERE ST_AsBinary(p.location) = ST_AsBinary(q.location);
DROP TABLE pop;

-- clean up, children before parents
SELECT demo.drop_territory('500112');
SELECT count(*) FROM area WHERE code <@ '500112' OR code <@ '500199';
SELECT count(*) FROM area_boundary_history WHERE code <@ '500112' OR code <@ '500199';
SET client_min_messages = warning;
DROP SCHEMA demo CASCADE;
\c :regress_database
SET client_min_messages = warning;
DROP DATABASE commgrid_district_generator WITH (FORCE);
RESET client_min_messages;
