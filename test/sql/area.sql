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
ROLLBACK;
