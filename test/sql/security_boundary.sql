-- Every way a township's staff could change a boundary, tried as the attacker of issue 9
-- item 5: stretch a community (甲一社区) and a grid (甲一社区第1网格) of their own township
-- over the whole district, so that locate() puts the other township's units and residents
-- into their jurisdiction.  Each attempt is refused and changes nothing.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
\set district '\'SRID=4490;POLYGON((120 30,120.4 30,120.4 30.4,120 30.4,120 30))\''

-- what must not change: every boundary and the history, and where the people and units are
CREATE TEMP TABLE before AS
SELECT (SELECT md5(string_agg(code || ST_AsEWKT(boundary), ',' ORDER BY code)) FROM area WHERE code <@ '330106') AS areas,
       (SELECT count(*) FROM area_boundary_history WHERE code <@ '330106') AS history,
       (SELECT string_agg(household_id || ':' || grid_code, ',' ORDER BY household_id) FROM household WHERE grid_code <@ '330106') AS households,
       (SELECT string_agg(resident_id || ':' || grid_code, ',' ORDER BY resident_id) FROM resident WHERE grid_code <@ '330106') AS residents,
       (SELECT string_agg(name || ':' || community_code, ',' ORDER BY name) FROM unit WHERE community_code <@ '330106') AS units;
GRANT SELECT ON before TO PUBLIC;

SET ROLE r330106_town;
SELECT count(*) AS households_reached FROM household;
-- UPDATE of the boundary: the community, the grid, both at once, to NULL, in 4326
UPDATE area SET boundary = :district WHERE code = '330106001001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE area SET boundary = :district WHERE code = '330106001001001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE area SET boundary = ST_Multi(:district) WHERE code IN ('330106001001', '330106001001001');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE area SET boundary = NULL WHERE code = '330106001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE area SET boundary = ST_SetSRID(:district::geometry, 4326) WHERE code = '330106001001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- UPDATE of the code: a grid moved to another community takes its boundary along
UPDATE area SET code = '330106001001003' WHERE code = '330106001002001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- INSERT of a new community and a new grid with the district's boundary
INSERT INTO area (code, name, kind, boundary) VALUES ('330106001003', '甲三社区', 'community', :district);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO area (code, name, kind, boundary) VALUES ('330106001001003', '甲一社区第3网格', 'grid', :district);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- INSERT … ON CONFLICT DO UPDATE and MERGE
INSERT INTO area (code, name, kind) VALUES ('330106001001', '甲一社区', 'community')
ON CONFLICT (code) DO UPDATE SET boundary = ST_Multi(:district);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
MERGE INTO area a USING (VALUES ('330106001001001'::gridcode)) v(code) ON a.code = v.code
WHEN MATCHED THEN UPDATE SET boundary = ST_Multi(:district);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- COPY, switching the trigger off, writing the history that locate_at reads
COPY area (code, name, kind, boundary) FROM STDIN;
330106001004	甲四社区	community	SRID=4490;POLYGON((120 30,120.4 30,120.4 30.4,120 30.4,120 30))
\.
\echo SQLSTATE :LAST_ERROR_SQLSTATE
ALTER TABLE area DISABLE TRIGGER area_boundary_by_redraw;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO area_boundary_history (code, boundary, valid_from) VALUES ('330106001001', ST_Multi(:district), now());
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE area_boundary_history SET boundary = ST_Multi(:district) WHERE code = '330106001001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- DELETE of a grid with a boundary and nothing in it (a new household there would belong to
-- no grid): 甲二社区's grid, emptied of its household and staff member first (moved to grid 1,
-- and back after)
UPDATE household SET location = pg_temp.grid_point(1) WHERE household_id = 330106000003;
UPDATE grid_staff SET location = pg_temp.grid_point(1) WHERE staff_id = 330106000003;
DELETE FROM area WHERE code = '330106001002001';
\echo SQLSTATE :LAST_ERROR_SQLSTATE
UPDATE household SET location = pg_temp.grid_point(3) WHERE household_id = 330106000003;
UPDATE grid_staff SET location = pg_temp.grid_point(3) WHERE staff_id = 330106000003;
-- redraw: the community alone, the community with its grids, a new community without a
-- boundary yet, the township itself, every township, the district
SELECT * FROM redraw('{330106001001}', ARRAY[:district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw('{330106001001, 330106001001001}', ARRAY[:district::geometry, :district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw('{330106001001, 330106001002, 330106001001001, 330106001001002, 330106001002001}',
  ARRAY[ST_MakeEnvelope(120, 30, 120.3, 30.4, 4490), ST_MakeEnvelope(120.3, 30, 120.4, 30.4, 4490),
        ST_MakeEnvelope(120, 30, 120.2, 30.4, 4490), ST_MakeEnvelope(120.2, 30, 120.3, 30.4, 4490),
        ST_MakeEnvelope(120.3, 30, 120.4, 30.4, 4490)]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
INSERT INTO area (code, name, kind) VALUES ('330106001003', '甲三社区', 'community');
SELECT * FROM redraw('{330106001003}', ARRAY[:district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
DELETE FROM area WHERE code = '330106001003';
SELECT * FROM redraw('{330106001}', ARRAY[:district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw('{330106001, 330106002}',
  ARRAY[ST_MakeEnvelope(120, 30, 120.39, 30.4, 4490), ST_MakeEnvelope(120.39, 30, 120.4, 30.4, 4490)]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT * FROM redraw('{330106}', ARRAY[:district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
-- community staff and grid workers may not redraw at all
SET ROLE r330106_comm;
SELECT * FROM redraw('{330106001001001, 330106001001002}',
  ARRAY[ST_MakeEnvelope(120, 30, 120.06, 30.4, 4490), ST_MakeEnvelope(120.06, 30, 120.1, 30.4, 4490)]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SET ROLE r330106_town;
SELECT count(*) AS households_reached FROM household;
RESET ROLE;

-- nothing changed
SELECT b.areas = a.areas AS areas_unchanged, b.history = a.history AS history_unchanged,
       b.households = a.households AS households_unchanged, b.residents = a.residents AS residents_unchanged,
       b.units = a.units AS units_unchanged
FROM before b,
     (SELECT (SELECT md5(string_agg(code || ST_AsEWKT(boundary), ',' ORDER BY code)) FROM area WHERE code <@ '330106') AS areas,
             (SELECT count(*) FROM area_boundary_history WHERE code <@ '330106') AS history,
             (SELECT string_agg(household_id || ':' || grid_code, ',' ORDER BY household_id) FROM household WHERE grid_code <@ '330106') AS households,
             (SELECT string_agg(resident_id || ':' || grid_code, ',' ORDER BY resident_id) FROM resident WHERE grid_code <@ '330106') AS residents,
             (SELECT string_agg(name || ':' || community_code, ',' ORDER BY name) FROM unit WHERE community_code <@ '330106') AS units) a;

-- the honest path: the township's staff move the edge between their two grids of 甲一社区
-- from 120.05 to 120.08, inside the community; household 2 (at 120.075) moves grid
SET ROLE r330106_town;
SELECT * FROM redraw('{330106001001001, 330106001001002}',
  ARRAY[ST_MakeEnvelope(120, 30, 120.08, 30.4, 4490), ST_MakeEnvelope(120.08, 30, 120.1, 30.4, 4490)]);
RESET ROLE;
SELECT household_id, grid_code FROM household WHERE grid_code <@ '330106' ORDER BY household_id;
SELECT count(*) AS coverage_problems FROM coverage_problems('330106001001');
-- the district administrator moves the edge between the two townships from 120.2 to 120.25,
-- with the community and grid on each side of it
SET ROLE r330106_admin;
SELECT * FROM redraw('{330106001, 330106002, 330106001002, 330106002001, 330106001002001, 330106002001001}',
  ARRAY[ST_MakeEnvelope(120, 30, 120.25, 30.4, 4490), ST_MakeEnvelope(120.25, 30, 120.4, 30.4, 4490),
        ST_MakeEnvelope(120.1, 30, 120.25, 30.4, 4490), ST_MakeEnvelope(120.25, 30, 120.4, 30.4, 4490),
        ST_MakeEnvelope(120.1, 30, 120.25, 30.4, 4490), ST_MakeEnvelope(120.25, 30, 120.4, 30.4, 4490)]);
RESET ROLE;
SELECT count(*) AS coverage_problems FROM coverage_problems('330106');
-- a parent without a boundary bounds nothing, so staff may not redraw under it
UPDATE area SET boundary = NULL WHERE code = '330106001002';
SET ROLE r330106_town;
SELECT * FROM redraw('{330106001002001}', ARRAY[:district::geometry]);
\echo SQLSTATE :LAST_ERROR_SQLSTATE
RESET ROLE;
SELECT ST_AsText(boundary) FROM area WHERE code = '330106001002001';
\i test/fixtures/security_cleanup.psql
ROLLBACK;
