-- The assignment trigger, registered tables, redraw and boundary history, on district 110105.
-- Boundary history needs separate transactions, so this test commits and cleans up at the end.
SET search_path = commgrid, public;
\set VERBOSITY default

INSERT INTO area (code, name, kind) VALUES
  ('110105', '朝阳区', 'district'), ('110105001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110105001001', '东社区', 'community', 'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110105001001001', '西网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116 39,116.5 39,116.5 40,116 40,116 39)))'),
  ('110105001001002', '东网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116.5 39,117 39,117 40,116.5 40,116.5 39)))');

-- the trigger used directly
CREATE TABLE resident_probe (id int PRIMARY KEY, location geometry, note text, grid gridcode);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON resident_probe
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
INSERT INTO resident_probe (id, location) VALUES
  (1, 'SRID=4490;POINT(116.25 39.5)'), (2, 'SRID=4490;POINT(116.625 39.5)'),
  (3, 'SRID=4490;POINT(116.5 39.5)'),   -- on the shared edge: the east grid
  (4, NULL), (5, 'POINT EMPTY'), (6, 'SRID=4490;POINT(120 30)'),
  (7, 'SRID=4326;POINT(116.875 39.5)');
SELECT id, grid FROM resident_probe ORDER BY id;
UPDATE resident_probe SET location = 'SRID=4490;POINT(116.75 39.5)' WHERE id = 1;
UPDATE resident_probe SET note = 'visited', grid = '110105001001001' WHERE id = 2;  -- location unchanged: the code stays as set
UPDATE resident_probe SET location = location WHERE id = 3;
UPDATE resident_probe SET location = 'SRID=4490;POINT(116.1 39.1)' WHERE id = 4;
SELECT id, grid FROM resident_probe ORDER BY id;
-- errors from the trigger
INSERT INTO resident_probe (id, location) VALUES (8, 'SRID=4490;LINESTRING(116 39,116.1 39.1)');
CREATE TABLE misconfigured (location geometry, grid text);
CREATE TRIGGER assign BEFORE INSERT ON misconfigured
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
INSERT INTO misconfigured VALUES ('SRID=4490;POINT(116.25 39.5)');
DROP TRIGGER assign ON misconfigured;
CREATE TRIGGER assign BEFORE INSERT ON misconfigured
  FOR EACH ROW EXECUTE FUNCTION assign_location('place', 'grid', 'grid');
INSERT INTO misconfigured VALUES ('SRID=4490;POINT(116.25 39.5)');
DROP TRIGGER assign ON misconfigured;
CREATE TRIGGER assign BEFORE INSERT ON misconfigured
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid');
INSERT INTO misconfigured VALUES ('SRID=4490;POINT(116.25 39.5)');
DROP TRIGGER assign ON misconfigured;
CREATE TRIGGER assign AFTER INSERT ON misconfigured
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
INSERT INTO misconfigured VALUES ('SRID=4490;POINT(116.25 39.5)');
DROP TABLE misconfigured;
DROP TABLE resident_probe;

-- the trigger writes the code into a copy of the row's bytes (no deform and form): every
-- alignment, NULLs, short and long values before and after the code column, a dropped
-- column, more than eight columns; rows read back exactly as the same INSERT with the code
-- given, and a row outside every area keeps its NULL
CREATE TABLE row_shapes (n int2, b text, c int8, location geometry, d bool, grid gridcode,
  e "char", f text, dropped int4, g int4, h numeric, i float8, j text, k int2);
ALTER TABLE row_shapes DROP COLUMN dropped;
CREATE TABLE row_shapes_given (LIKE row_shapes);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON row_shapes
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
CREATE VIEW row_shapes_source AS
SELECT s::int2 AS n,
       CASE s % 3 WHEN 0 THEN NULL WHEN 1 THEN 'b' ELSE repeat('B', 200) END AS b,
       CASE WHEN s % 5 = 0 THEN NULL ELSE s::int8 * 1000000007 END AS c,
       CASE WHEN s % 11 = 0 THEN 'SRID=4490;POINT(120 30)'::geometry
            ELSE ST_SetSRID(ST_MakePoint(116.1 + (s % 8) * 0.1, 39.5), 4490) END AS location,
       CASE WHEN s % 4 = 0 THEN NULL ELSE s % 2 = 0 END AS d,
       CASE WHEN s % 6 = 0 THEN NULL ELSE chr(65 + s % 26)::"char" END AS e,
       CASE s % 4 WHEN 0 THEN NULL WHEN 1 THEN 'f' WHEN 2 THEN repeat('F', 3000) ELSE '' END AS f,
       CASE WHEN s % 7 = 0 THEN NULL ELSE s * 7 END AS g,
       CASE WHEN s % 3 = 1 THEN NULL ELSE s / 7.0 END AS h,
       CASE WHEN s % 9 = 0 THEN NULL ELSE s * 0.5 END AS i,
       CASE WHEN s % 2 = 0 THEN NULL ELSE repeat('j', s % 150) END AS j,
       CASE WHEN s % 10 = 0 THEN NULL ELSE s::int2 END AS k
FROM generate_series(1, 120) s;
INSERT INTO row_shapes (n, b, c, location, d, e, f, g, h, i, j, k) SELECT * FROM row_shapes_source;
INSERT INTO row_shapes_given (n, b, c, location, d, grid, e, f, g, h, i, j, k)
SELECT n, b, c, location, d, locate(location), e, f, g, h, i, j, k FROM row_shapes_source;
SELECT count(*) AS rows, count(grid) AS located,
       (SELECT count(*) FROM (SELECT shaped::text FROM row_shapes shaped EXCEPT ALL
                              SELECT given::text FROM row_shapes_given given) x) AS differ
FROM row_shapes;
-- an UPDATE that gives a row without a code a new location takes the same way
UPDATE row_shapes SET location = 'SRID=4490;POINT(116.25 39.25)' WHERE grid IS NULL;
UPDATE row_shapes_given SET location = 'SRID=4490;POINT(116.25 39.25)',
  grid = locate('SRID=4490;POINT(116.25 39.25)'::geometry) WHERE grid IS NULL;
SELECT count(*) AS rows, count(grid) AS located,
       (SELECT count(*) FROM (SELECT shaped::text FROM row_shapes shaped EXCEPT ALL
                              SELECT given::text FROM row_shapes_given given) x) AS differ
FROM row_shapes;
DROP VIEW row_shapes_source;
DROP TABLE row_shapes, row_shapes_given;

-- the copied row in more shapes: the code column first; a level domain as the code column in
-- the middle, before fixed-length values by reference (name, uuid), float8[] (aligned 'd')
-- with a short and a long header, a text stored out of line (TOAST pointer, by INSERT ...
-- SELECT from another table and by UPDATE of a stored row) and a generated column
CREATE TABLE code_first (grid gridcode, location geometry, a int2, t text);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON code_first
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
INSERT INTO code_first (location, a, t) VALUES
  ('SRID=4490;POINT(116.25 39.5)', 1, 'x'), ('SRID=4490;POINT(116.75 39.5)', NULL, repeat('y', 300)),
  ('SRID=4490;POINT(116.25 39.5)', 3, NULL);
SELECT grid, a, md5(t) FROM code_first ORDER BY a NULLS LAST;
DROP TABLE code_first;
CREATE TABLE long_text_source (s int, t text);
ALTER TABLE long_text_source ALTER COLUMN t SET STORAGE EXTERNAL;
INSERT INTO long_text_source
SELECT s, CASE WHEN s % 2 = 0 THEN (SELECT string_agg(md5((s * 1000 + i)::text), '') FROM generate_series(1, 200) i)
               ELSE repeat('t', s) END
FROM generate_series(1, 12) s;
CREATE TABLE code_middle (n int2, location geometry, grid grid_code, nm name, u uuid, arr float8[],
  t text, twice int GENERATED ALWAYS AS (n * 2) STORED, k int2);
ALTER TABLE code_middle ALTER COLUMN t SET STORAGE EXTERNAL;
CREATE TABLE code_middle_given (LIKE code_middle INCLUDING GENERATED);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON code_middle
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
CREATE VIEW code_middle_source AS
SELECT s::int2 AS n,
       CASE WHEN s % 3 = 0 THEN 'SRID=4490;POINT(120 30)'::geometry
            ELSE ST_SetSRID(ST_MakePoint(116.1 + (s % 8) * 0.1, 39.5), 4490) END AS location,
       CASE WHEN s % 4 = 0 THEN NULL ELSE ('n' || s)::name END AS nm,
       CASE WHEN s % 5 = 0 THEN NULL ELSE md5(s::text)::uuid END AS u,
       CASE s % 3 WHEN 0 THEN NULL WHEN 1 THEN ARRAY[s * 0.5]
            ELSE ARRAY(SELECT i * 0.25 FROM generate_series(1, 40) i) END AS arr,
       l.t, CASE WHEN s % 7 = 0 THEN NULL ELSE s::int2 END AS k
FROM long_text_source l;
INSERT INTO code_middle (n, location, nm, u, arr, t, k) SELECT * FROM code_middle_source;
SELECT reltoastrelid::regclass AS code_middle_toast FROM pg_class WHERE oid = 'code_middle'::regclass \gset
SELECT count(DISTINCT chunk_id) AS values_out_of_line FROM :code_middle_toast;
INSERT INTO code_middle_given (n, location, grid, nm, u, arr, t, k)
SELECT n, location, locate(location), nm, u, arr, t, k FROM code_middle_source;
SELECT count(*) AS rows, count(grid) AS located,
       (SELECT count(*) FROM (SELECT shaped::text FROM code_middle shaped EXCEPT ALL
                              SELECT given::text FROM code_middle_given given) x) AS differ
FROM code_middle;
UPDATE code_middle SET location = 'SRID=4490;POINT(116.75 39.25)' WHERE grid IS NULL;
UPDATE code_middle_given SET location = 'SRID=4490;POINT(116.75 39.25)',
  grid = locate('SRID=4490;POINT(116.75 39.25)'::geometry) WHERE grid IS NULL;
SELECT count(*) AS rows, count(grid) AS located,
       (SELECT count(*) FROM (SELECT shaped::text FROM code_middle shaped EXCEPT ALL
                              SELECT given::text FROM code_middle_given given) x) AS differ
FROM code_middle;
-- rows stored before columns with defaults were added have fewer attributes than the table
-- (the defaults are "missing" values): an UPDATE of their location reads them whole
UPDATE code_middle SET location = 'SRID=4490;POINT(120 30)' WHERE n % 2 = 0;
UPDATE code_middle_given SET location = 'SRID=4490;POINT(120 30)', grid = NULL WHERE n % 2 = 0;
ALTER TABLE code_middle ADD COLUMN added_int int DEFAULT 42, ADD COLUMN added_text text DEFAULT 'added';
ALTER TABLE code_middle_given ADD COLUMN added_int int DEFAULT 42, ADD COLUMN added_text text DEFAULT 'added';
SELECT attname, atthasmissing FROM pg_attribute WHERE attrelid = 'code_middle'::regclass AND attname LIKE 'added%' ORDER BY attnum;
UPDATE code_middle SET location = 'SRID=4490;POINT(116.25 39.75)' WHERE n % 2 = 0;
UPDATE code_middle_given SET location = 'SRID=4490;POINT(116.25 39.75)',
  grid = locate('SRID=4490;POINT(116.25 39.75)'::geometry) WHERE n % 2 = 0;
SELECT count(*) AS rows, count(grid) AS located, sum(added_int) AS added_int, count(*) FILTER (WHERE added_text = 'added') AS added_text,
       (SELECT count(*) FROM (SELECT shaped::text FROM code_middle shaped EXCEPT ALL
                              SELECT given::text FROM code_middle_given given) x) AS differ
FROM code_middle;
-- the code column's type is the level domain: grid codes
SELECT pg_typeof(grid) AS code_type, count(*) FILTER (WHERE grid = '110105001001001') AS west,
       count(*) FILTER (WHERE grid = '110105001001002') AS east FROM code_middle GROUP BY 1;
DROP VIEW code_middle_source;
DROP TABLE code_middle, code_middle_given, long_text_source;
-- a partition whose columns stand in another order (and one dropped) than its parent's: the
-- trigger, cloned to it, copies the row in the partition's own shape
CREATE TABLE code_parted (id int, location geometry, grid gridcode, t text) PARTITION BY RANGE (id);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON code_parted
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
CREATE TABLE code_parted_a (t text, gone float8, grid gridcode, id int, location geometry);
ALTER TABLE code_parted_a DROP COLUMN gone;
ALTER TABLE code_parted ATTACH PARTITION code_parted_a FOR VALUES FROM (0) TO (100);
CREATE TABLE code_parted_b PARTITION OF code_parted FOR VALUES FROM (100) TO (200);
INSERT INTO code_parted (id, location, t)
SELECT id, ST_SetSRID(ST_MakePoint(116.1 + (id % 8) * 0.1, 39.5), 4490), CASE WHEN id % 3 = 0 THEN NULL ELSE repeat('p', id) END
FROM (SELECT generate_series(1, 6) UNION ALL SELECT generate_series(101, 106)) i(id);
SELECT tableoid::regclass AS part, count(*) AS rows,
       count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS right_code,
       count(*) FILTER (WHERE t IS NOT DISTINCT FROM CASE WHEN id % 3 = 0 THEN NULL ELSE repeat('p', id) END) AS right_text
FROM code_parted GROUP BY 1 ORDER BY 1;
DROP TABLE code_parted;

-- registered tables: residents by grid, service requests by community
CREATE TABLE probe_resident (id int PRIMARY KEY, location geometry(Point, 4490), grid gridcode, name text);
CREATE TABLE probe_request (id int PRIMARY KEY, location geometry, community gridcode);
INSERT INTO probe_resident (id, location)
SELECT i, ST_SetSRID(ST_MakePoint(116.03125 + (i % 16) * 0.0625, 39.03125 + (i / 16) * 0.0625), 4490)
FROM generate_series(0, 255) i;
INSERT INTO probe_request (id, location) SELECT id, location FROM probe_resident WHERE id % 4 = 0;
SELECT register_assigned_table('probe_resident', 'location', 'grid', 'grid') AS residents_assigned;
SELECT register_assigned_table('probe_request', 'location', 'community', 'community') AS requests_assigned;
SELECT tbl, location_column, code_column, level FROM assigned_table ORDER BY tbl::text;
SELECT grid, count(*) FROM probe_resident GROUP BY grid ORDER BY grid;
INSERT INTO probe_resident (id, location) VALUES (1000, 'SRID=4490;POINT(116.7 39.2)');
SELECT grid FROM probe_resident WHERE id = 1000;
-- registration errors
SELECT register_assigned_table('probe_resident', 'location', 'grid', 'grid');
SELECT register_assigned_table('probe_request', 'place', 'community', 'community');
SELECT register_assigned_table('probe_request', 'location', 'code', 'community');
SELECT register_assigned_table('probe_resident', 'name', 'grid', 'grid');
SELECT register_assigned_table('probe_resident', 'location', 'name', 'grid');
SELECT register_assigned_table('probe_resident', 'location', 'grid', 'street');
CREATE VIEW resident_view AS SELECT * FROM probe_resident;
SELECT register_assigned_table('resident_view', 'location', 'grid', 'grid');
DROP VIEW resident_view;
SELECT unregister_assigned_table('area');

-- redraw: move the shared edge east from 116.5 to 116.75
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001002']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))',
        'SRID=4490;POLYGON((116.75 39,117 39,117 40,116.75 40,116.75 39))']::geometry[]);
SELECT grid, count(*) FROM probe_resident GROUP BY grid ORDER BY grid;
SELECT count(*) AS wrong FROM probe_resident WHERE grid IS DISTINCT FROM locate(location);
-- only the rows that moved were written (row 8 moved; the others written with it are the 65)
SELECT count(*) AS written_by_redraw FROM probe_resident WHERE xmin = (SELECT xmin FROM probe_resident WHERE id = 8);
-- refused redraws change nothing
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.5 39,116.5 40,116 40,116 39))']::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.875 39,116.875 40,116 40,116 39))']::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001002']::gridcode[],
  ARRAY['SRID=4490;POLYGON((115.5 39,116.75 39,116.75 40,115.5 40,115.5 39))',
        'SRID=4490;POLYGON((116.75 39,117 39,117 40,116.75 40,116.75 39))']::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001009']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))',
        'SRID=4490;POLYGON((116.75 39,117 39,117 40,116.75 40,116.75 39))']::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[], ARRAY[]::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001001']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))',
        'SRID=4490;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))']::geometry[]);
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.75 39,116 40,116.75 40,116 39))']::geometry[]);
-- a bad boundary gets the error commgrid.area gives it: Z (22023), a point (22023), empty
-- (22023, not a gap), another SRID, coordinates outside longitude/latitude (22023)
\set VERBOSITY terse
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001002']::gridcode[],
  ARRAY['SRID=4490;POLYGON Z((116 39 5,116.75 39 5,116.75 40 5,116 40 5,116 39 5))',
        'SRID=4490;POLYGON Z((116.75 39 5,117 39 5,117 40 5,116.75 40 5,116.75 39 5))']::geometry[]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[], ARRAY['SRID=4490;POINT(116.5 39.5)']::geometry[]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[], ARRAY['SRID=4490;POLYGON EMPTY']::geometry[]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[],
  ARRAY['SRID=3857;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))']::geometry[]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY default
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001002']::gridcode[],
  ARRAY['SRID=4490;POLYGON((116 39,116.75 39,30000000000000 39.5,116.75 40,116 40,116 39))',
        'SRID=4490;POLYGON((116.75 39,117 39,117 40,116.75 40,116.75 39))']::geometry[]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- a huge invalid boundary: the error names the area and the fault, never the geometry
SELECT * FROM redraw(ARRAY['110105001001001']::gridcode[],
  ARRAY[ST_SetSRID(ST_MakePolygon(ST_MakeLine(ARRAY(
          SELECT ST_MakePoint(116 + (i % 2) * 0.5, 39 + i * 0.0001) FROM generate_series(0, 9999) i)
          || ST_MakePoint(116, 39))), 4490)]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- redraw sees what coverage_problems sees: a sliver (an island of about 1 m² of the east grid
-- inside the west one) is refused, though it leaves no gap and no overlap above 0.01 m²
SELECT * FROM redraw(ARRAY['110105001001001', '110105001001002']::gridcode[],
  ARRAY[ST_Difference('SRID=4490;POLYGON((116 39,116.75 39,116.75 40,116 40,116 39))'::geometry,
                      'SRID=4490;POLYGON((116.3 39.3,116.30001 39.3,116.30001 39.30001,116.3 39.30001,116.3 39.3))'::geometry),
        ST_Union('SRID=4490;POLYGON((116.75 39,117 39,117 40,116.75 40,116.75 39))'::geometry,
                 'SRID=4490;POLYGON((116.3 39.3,116.30001 39.3,116.30001 39.30001,116.3 39.30001,116.3 39.3))'::geometry)]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT code, ST_AsText(boundary) FROM area WHERE kind = 'grid' AND code <@ '110105'::gridcode ORDER BY code;

-- history: the old boundaries stay queryable
SELECT code, ST_AsText(boundary), valid_to IS NULL AS current
FROM area_boundary_history WHERE code <@ '110105001001'::gridcode AND commgrid.depth(code) = 6
ORDER BY code, valid_from;
SELECT valid_to AS redrawn_at FROM area_boundary_history
WHERE code = '110105001001001' AND valid_to IS NOT NULL \gset
SELECT locate_at('SRID=4490;POINT(116.625 39.5)', :'redrawn_at'::timestamptz - interval '1 microsecond') AS before_redraw,
       locate_at('SRID=4490;POINT(116.625 39.5)', :'redrawn_at'::timestamptz) AS at_redraw,
       locate_at('SRID=4490;POINT(116.625 39.5)', now()) AS now,
       locate_at('SRID=4490;POINT(116.625 39.5)', '2000-01-01') AS before_any,
       locate_at('SRID=4490;POINT(116.625 39.5)', now(), 'community') AS community;
SELECT locate_at('SRID=4490;POINT(116.625 39.5)', 'infinity', 'grid');
-- the past assignment of every resident, by a report for the time before the redraw
SELECT locate_at(location, :'redrawn_at'::timestamptz - interval '1 microsecond') AS grid, count(*)
FROM probe_resident GROUP BY 1 ORDER BY 1;

-- clean up
SELECT unregister_assigned_table('probe_resident');
SELECT unregister_assigned_table('probe_request');
DROP TABLE probe_resident, probe_request;
DELETE FROM area WHERE kind = 'grid' AND code <@ '110105'::gridcode;
DELETE FROM area WHERE kind = 'community' AND code <@ '110105'::gridcode;
DELETE FROM area WHERE code <@ '110105'::gridcode AND kind = 'subdistrict';
DELETE FROM area WHERE code = '110105';
DELETE FROM area_boundary_history WHERE code <@ '110105'::gridcode;
