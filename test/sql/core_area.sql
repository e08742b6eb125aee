-- The area registry: derived parents, kinds by level, boundary normalisation and refusals
SET search_path = commgrid, public;
BEGIN;
INSERT INTO area (code, name, kind, boundary) VALUES
  ('500112', '渝北区', 'district',
   ST_GeomFromText('POLYGON((106.5 29.6,106.7 29.6,106.7 29.7,106.5 29.7,106.5 29.6))', 4490)),
  ('500112001', '双龙湖街道', 'subdistrict',
   ST_GeomFromText('POLYGON((106.5 29.6,106.6 29.6,106.6 29.7,106.5 29.7,106.5 29.6))', 4326)),
  ('500112001001', '双湖社区', 'community', NULL);
SELECT code, name, kind, parent, ST_SRID(boundary) AS srid, GeometryType(boundary) AS type
FROM area ORDER BY code;
SELECT f_table_name, f_geometry_column, srid, type FROM geometry_columns
WHERE f_table_schema = 'commgrid' AND f_table_name = 'area';

-- the parent must exist
SAVEPOINT s;
INSERT INTO area (code, name, kind) VALUES ('500112002001', '兴科社区', 'community');
ROLLBACK TO s;
-- the kind must fit the level
INSERT INTO area (code, name, kind) VALUES ('500112002', '回兴街道', 'community');
ROLLBACK TO s;
INSERT INTO area (code, name, kind) VALUES ('500112002', '回兴街道', 'county');
ROLLBACK TO s;
INSERT INTO area (code, name, kind) VALUES ('500112002', ' ', 'subdistrict');
ROLLBACK TO s;
-- the parent is derived, never written
INSERT INTO area (code, name, kind, parent) VALUES ('500112002', '回兴街道', 'subdistrict', '500112');
ROLLBACK TO s;

-- boundaries: invalid, wrong SRID, no SRID, wrong type, 3D, empty
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON((106.6 29.6,106.7 29.7,106.7 29.6,106.6 29.7,106.6 29.6))', 4490));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_Transform(ST_GeomFromText('POLYGON((106.6 29.6,106.7 29.6,106.7 29.7,106.6 29.6))', 4490), 3857));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON((106.6 29.6,106.7 29.6,106.7 29.7,106.6 29.6))'));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('LINESTRING(106.6 29.6,106.7 29.6)', 4490));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON Z((106.6 29.6 1,106.7 29.6 1,106.7 29.7 1,106.6 29.6 1))', 4490));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON EMPTY', 4490));
ROLLBACK TO s;
-- coordinates outside longitude/latitude (a sliver out to x = 3e13, a latitude of 95), in 4490
-- and in 4326: 22023 with the bounding box, never the geometry; a NaN vertex is an invalid
-- coordinate (23514)
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON((106.6 29.6,30000000000000 29.6,106.7 29.7,106.6 29.6))', 4490));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_GeomFromText('POLYGON((106.6 29.6,106.7 29.6,106.7 95,106.6 29.6))', 4326));
ROLLBACK TO s;
INSERT INTO area (code, name, kind, boundary) VALUES ('500112002', '回兴街道', 'subdistrict',
  ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY[ST_MakePoint(106.6, 29.6), ST_MakePoint('NaN', 29.6),
                                              ST_MakePoint(106.7, 29.7), ST_MakePoint(106.6, 29.6)])), 4490));
ROLLBACK TO s;
UPDATE area SET boundary = ST_GeomFromText('POLYGON((-181 29.6,106.6 29.6,106.6 29.7,-181 29.6))', 4490)
WHERE code = '500112001';
ROLLBACK TO s;
-- the edges of the range are accepted
UPDATE area SET boundary = ST_GeomFromText('POLYGON((-180 -90,180 -90,180 90,-180 -90))', 4490)
WHERE code = '500112001' RETURNING ST_AsText(boundary);
ROLLBACK TO s;
-- an update is checked the same way, and a failed one changes nothing
UPDATE area SET boundary = ST_GeomFromText('POLYGON((106.5 29.6,106.6 29.7,106.6 29.6,106.5 29.7,106.5 29.6))', 4490)
WHERE code = '500112001';
ROLLBACK TO s;
SELECT code, ST_AsText(boundary) FROM area WHERE code = '500112001';

-- no orphans: an area with children cannot be deleted, a leaf can
DELETE FROM area WHERE code = '500112001';
ROLLBACK TO s;
DELETE FROM area WHERE code = '500112001001';
SELECT code FROM area ORDER BY code;

-- TRUNCATE would leave every boundary generation open: refused, even with CASCADE
SAVEPOINT t;
SET client_min_messages = warning;  -- not the list of tables it would cascade to
TRUNCATE area CASCADE;
ROLLBACK TO t;
RESET client_min_messages;
SELECT count(*) AS open_generations FROM area_boundary_history h
WHERE h.code <@ '500112' AND h.valid_to IS NULL;

-- the tree through the hierarchy operator and the parent index
SELECT a.code, a.name FROM area a WHERE a.code <@ '500112001' ORDER BY a.code;

-- every township kind at depth 4: the digits name a kind (001-099 subdistrict, 100-199 town,
-- 200-399 rural_township, 400-599 township_unit) but the registry records the kind it is given
SAVEPOINT s;
INSERT INTO area (code, name, kind) VALUES
  ('500112201', '甲乡', 'rural_township'), ('500112401', '乙农场', 'township_unit'),
  ('500112150', '丙街道', 'subdistrict'), ('500112201001', '甲村', 'village');
SELECT code, kind, parent, depth(code) FROM area WHERE depth(code) = 4 OR code = '500112201001' ORDER BY code;
SAVEPOINT t;
INSERT INTO area (code, name, kind) VALUES ('500112201001002', '甲村网格', 'rural_township');
ROLLBACK TO t;
INSERT INTO area (code, name, kind) VALUES ('500112', '渝北区', 'township_unit');
ROLLBACK TO t;

-- province and city: roots like the district, registered or not; the district keeps no parent
INSERT INTO area (code, name, kind) VALUES ('500113', '某区', 'city');
ROLLBACK TO t;
INSERT INTO area (code, name, kind) VALUES ('5002', '某县', 'province');
ROLLBACK TO t;
INSERT INTO area (code, name, kind, boundary) VALUES
  ('50', '重庆市', 'province', NULL),
  ('5001', '重庆市辖区', 'city', ST_MakeEnvelope(106.4, 29.5, 106.7, 29.8, 4490)),
  ('500113', '巴南区', 'district', ST_MakeEnvelope(106.4, 29.5, 106.5, 29.8, 4490));
SELECT code, kind, parent, depth(code) FROM area WHERE depth(code) <= 3 ORDER BY code;
-- min and max over the registry, in depth-first order
SELECT min(code), max(code) FROM commgrid.area;
-- coverage of a city by its districts, found by code (they have no parent)
SELECT kind, areas, round(area_m2 / 1e6) AS km2 FROM coverage_problems('5001') ORDER BY kind, areas, km2;
-- the roots go, the districts stay
DELETE FROM area WHERE code IN ('50', '5001');
SELECT code FROM area WHERE depth(code) <= 3 ORDER BY code;
ROLLBACK TO t;

-- a city without counties (东莞 4419): townships numbered under the city have the city as parent,
-- so the city must be registered first, and cannot go while they remain
INSERT INTO area (code, name, kind) VALUES ('441900003', '甲街道', 'subdistrict');
ROLLBACK TO t;
INSERT INTO area (code, name, kind, boundary) VALUES
  ('4419', '东莞市', 'city', ST_GeomFromText('POLYGON((113.5 22.6,114.2 22.6,114.2 23.1,113.5 23.1,113.5 22.6))', 4490)),
  ('441900003', '甲街道', 'subdistrict', ST_GeomFromText('POLYGON((113.7 22.9,113.8 22.9,113.8 23.0,113.7 23.0,113.7 22.9))', 4490)),
  ('441900101', '乙镇', 'town', NULL),
  ('441900003001', '甲社区', 'community', NULL);
SELECT code, kind, parent, depth(code), level(code) FROM area WHERE code <@ '4419' ORDER BY code;
SELECT level, locate(ST_SetSRID(ST_MakePoint(113.75, 22.95), 4490), level) AS code
FROM unnest(ARRAY['township', 'rural_township', 'county', 'city', 'province']) level;
SAVEPOINT u;
DELETE FROM area WHERE code = '4419';
ROLLBACK TO u;
SELECT min(code), max(code) FROM commgrid.area;
-- a table may keep the code of a township kind or of the city
CREATE TEMP TABLE probe_town (location geometry, code gridcode);
CREATE TEMP TABLE probe_city (location geometry, code gridcode);
INSERT INTO probe_town VALUES (ST_SetSRID(ST_MakePoint(113.75, 22.95), 4490), NULL);
INSERT INTO probe_city VALUES (ST_SetSRID(ST_MakePoint(113.75, 22.95), 4490), NULL);
SELECT register_assigned_table('probe_town', 'location', 'code', 'rural_township') AS towns,
       register_assigned_table('probe_city', 'location', 'code', 'city') AS cities;
SELECT (SELECT code FROM probe_town) AS town_code, (SELECT code FROM probe_city) AS city_code;
SELECT code, distance_m FROM locate_nearest('SRID=4490;POINT(113.81 22.95)', 2000, 'township_unit');
ROLLBACK TO s;

-- the level names every level argument accepts
SELECT level, level_kinds(level) FROM unnest(ARRAY['township', 'rural_township', 'township_unit',
  'county', 'district', 'city', 'province', 'street']) level;
ROLLBACK;
SELECT min(code) IS NULL AS empty_registry FROM commgrid.area WHERE code <@ '500112';
