-- Maps (issue 17): the indicator registry, the simplified shapes, areas_geojson and its errors,
-- and what each role sees.  District 530102 (test/fixtures/maps.sql), rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/maps.sql
\set ON_ERROR_ROLLBACK on
\set SHOW_CONTEXT never

-- the registry: indicators per level (a township or the district sums the communities)
SELECT level, array_agg(indicator ORDER BY indicator) AS indicators
FROM (VALUES ('district'), ('township'), ('community'), ('grid')) l(level), map_indicators(l.level)
GROUP BY level ORDER BY min(map_level_depth(level));

-- the shapes, unsimplified: 12 grids, valid MultiPolygons
SELECT count(*), bool_and(ST_IsValid(shape)), bool_and(GeometryType(shape) = 'MULTIPOLYGON'),
       sum(ST_NPoints(shape)) AS vertices
FROM map_shapes('530102', 'grid');
-- simplified per zoom: fewer vertices; neighbours neither overlap nor gap: every pair of
-- grids that touched still touches along a line without sharing any inner point (DE-9IM
-- interiors disjoint, boundaries meet in a line), no other pair meets, the union has no hole
-- and covers what the grids covered (to 0.5 %)
CREATE TEMP TABLE maps_simple AS
SELECT z, s.* FROM generate_series(10, 16, 2) z, map_shapes('530102', 'grid', z) s;
SELECT z, count(*) AS grids, bool_and(ST_IsValid(shape)) AS valid, sum(ST_NPoints(shape)) AS vertices
FROM maps_simple GROUP BY z ORDER BY z;
SELECT s.z,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, 'F***1****')) AS sharing_an_edge,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, 'F***1****')
                          AND ST_Relate(s.shape, t.shape, 'F***1****')) AS still_sharing_an_edge,
       count(*) FILTER (WHERE ST_Relate(a.boundary, b.boundary, 'F***0****')
                          AND ST_Relate(s.shape, t.shape, 'F***0****')) AS still_meeting_at_a_corner,
       count(*) FILTER (WHERE ST_Relate(s.shape, t.shape, 'T********')) AS overlapping,
       count(*) FILTER (WHERE NOT ST_Intersects(a.boundary, b.boundary) AND ST_Intersects(s.shape, t.shape)) AS new_contacts
FROM maps_simple s JOIN maps_simple t ON t.z = s.z AND t.code > s.code
JOIN area a ON a.code = s.code JOIN area b ON b.code = t.code
GROUP BY s.z ORDER BY s.z;
SELECT z, ST_NumInteriorRings(ST_GeometryN(u, 1)) AS holes, ST_NumGeometries(u) AS parts,
       round((ST_Area(u) / (SELECT ST_Area(ST_Union(boundary)) FROM area WHERE code <@ '530102' AND kind = 'grid'))::numeric, 3) AS area_ratio
FROM (SELECT z, ST_Union(shape) AS u FROM maps_simple GROUP BY z) x ORDER BY z;

-- GeoJSON: the communities with two indicators
SELECT json_typeof(g), g ->> 'type' AS type, json_array_length(g -> 'features') AS features
FROM areas_geojson('530102', 'community', '{residents,staff}') g;
SELECT f -> 'properties' AS properties, f -> 'geometry' ->> 'type' AS geometry
FROM json_array_elements(areas_geojson('530102', 'community', '{residents,staff}') -> 'features') f;
-- a township sums its communities; 6 decimals and nothing more
SELECT f -> 'properties' AS properties FROM json_array_elements(areas_geojson('530102', 'township', '{residents,households,staff}') -> 'features') f;
SELECT max(length(split_part(c::text, '.', 2))) AS decimals
FROM json_array_elements(areas_geojson('530102', 'grid', '{staff}', 12) -> 'features') f,
     regexp_split_to_table(f -> 'geometry' ->> 'coordinates', '[\[\],]+') c WHERE c <> '';
-- all indicators by default, in name order; the grid values equal grid_summary
SELECT f -> 'properties' AS properties
FROM json_array_elements(areas_geojson('530102001001', 'grid') -> 'features') f;
SELECT count(*) AS mismatches
FROM json_array_elements(areas_geojson('530102', 'grid') -> 'features') f
JOIN grid_summary s ON s.grid_code = f -> 'properties' ->> 'code'
WHERE (f -> 'properties' ->> 'residents')::bigint <> s.residents OR (f -> 'properties' ->> 'staff')::bigint <> s.staff;
-- map_compliance_count counts as grid_summary and community_summary do
SELECT (SELECT count(*) FROM grid_summary g JOIN map_compliance_count m ON m.area_code = g.grid_code
        WHERE g.compliance_problems = m.problems AND g.grid_code LIKE '530102%') AS grids_agreeing,
       (SELECT count(*) FROM community_summary c JOIN map_compliance_count m ON m.area_code = c.community_code
        WHERE c.compliance_problems = m.problems AND c.community_code LIKE '530102%') AS communities_agreeing,
       (SELECT sum(problems) FROM map_compliance_count WHERE area_code LIKE '530102%') AS problems;
-- a village without grids: an empty collection
INSERT INTO area (code, name, kind) VALUES ('530102002201', '空村', 'village');
SELECT areas_geojson('530102002201', 'grid');
SELECT areas_geojson('530102002201', 'grid', '{staff}', 12);

-- bad arguments
\set VERBOSITY default
SELECT areas_geojson('530102', 'grid', '{residents,visits}');
SELECT areas_geojson('530102', 'street');
SELECT areas_geojson('530102', 'grid', '{staff,staff}');
SELECT areas_geojson('530102001001001', 'community');
SELECT areas_geojson('530102001001001', 'grid');
SELECT areas_geojson('530103', 'grid');
SELECT areas_geojson('530102', 'grid', NULL, 30);
SELECT areas_geojson('530102', 'community', '{assessment_score}') IS NOT NULL AS community_score,
       (SELECT count(*) FROM map_indicators('township') WHERE indicator = 'assessment_score') AS township_score;
SELECT areas_geojson('530102', 'township', '{assessment_score}');
\set VERBOSITY terse

-- row-level security: a grid worker of 530102001001001 and the community staff of
-- 530102001002 see every shape (the area tree is public to staff) and only their own figures
SELECT count(*) > 0 AS roles FROM create_roles();
CREATE ROLE r530102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r530102_comm IN ROLE commgrid_community_staff;
CREATE ROLE r530102_liaison IN ROLE commgrid_unit_liaison;
CREATE ROLE r530102_bi IN ROLE commgrid_bi_reader;
SELECT grant_jurisdiction('r530102_grid', '530102001001001'), grant_jurisdiction('r530102_comm', '530102001002');
SET ROLE r530102_grid;
SELECT f -> 'properties' ->> 'code' AS code, f -> 'properties' ->> 'residents' AS residents, f -> 'properties' ->> 'staff' AS staff
FROM json_array_elements(areas_geojson('530102001001', 'grid', '{residents,staff}') -> 'features') f;
RESET ROLE;
SET ROLE r530102_comm;
SELECT f -> 'properties' ->> 'code' AS code, f -> 'properties' ->> 'residents' AS residents
FROM json_array_elements(areas_geojson('530102', 'community', '{residents}') -> 'features') f;
SELECT f -> 'properties' ->> 'code' AS code, f -> 'properties' ->> 'residents' AS residents
FROM json_array_elements(areas_geojson('530102', 'township', '{residents}') -> 'features') f;
RESET ROLE;
SET ROLE r530102_liaison;
SELECT areas_geojson('530102', 'grid', '{staff}') IS NOT NULL;
RESET ROLE;
SET ROLE r530102_bi;
SELECT areas_geojson('530102', 'grid', '{staff}') IS NOT NULL;
RESET ROLE;
ROLLBACK;
