-- The element inventory: the catalogue, the thing identifier, things located and assigned
-- by the engine (point, line, polygon by its largest share), their attributes, and the grid
-- file.  On hand-made areas of 430102 (芙蓉区), all rolled back.
SET search_path = commgrid, public;
\i test/fixtures/district_day_under_way.sql
BEGIN;
\i test/fixtures/visits.sql

-- the catalogue: things and events by major class (CJ/T 214), people, places and
-- organisations over their own tables
SELECT aspect, major_code, major_name, count(*) AS minor_classes
FROM element_type GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
SELECT type_code, held_in FROM element_type WHERE held_in IS NOT NULL ORDER BY 1;

-- the identifier: 16 digits, county, classes and serial checked part by part
SELECT '4301020101000001'::component_code AS good;
SELECT pg_temp.try(format('SELECT %L::commgrid.component_code', c)) FROM (VALUES
  ('430102010100001'), ('43010201010000x1'), ('0001020101000001'), ('4300000101000001'),
  ('4301020001000001'), ('4301020100000001'), ('4301020101000000')) t(c);

-- things: a manhole cover (point), a cable across both grids of 识字岭 (line, its centre
-- in grid 002), a green space (polygon, 75 % of it in grid 001), a hydrant in 4326
INSERT INTO element (element_id, type_code, component_code, shape, department, owner, maintainer) VALUES
  (430102000001, 'thing:0101', '4301020101000001', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), '市水务局', '长沙水业集团', '长沙水业集团'),
  (430102000002, 'thing:0115', '4301020115000001', ST_SetSRID(ST_MakeLine(ST_MakePoint(112.986, 28.193), ST_MakePoint(112.996, 28.193)), 4490), '区住建局', '国网长沙供电公司', NULL),
  (430102000003, 'thing:0404', NULL, ST_MakeEnvelope(112.987, 28.191, 112.991, 28.193, 4490), '区城管局', '识字岭社区', '区园林所'),
  (430102000004, 'thing:0114', '4301020114000001', ST_SetSRID(ST_MakePoint(113.005, 28.197), 4326), '区消防救援大队', NULL, NULL);
SELECT element_id, type_code, GeometryType(shape) AS shape, ST_SRID(shape) AS srid, ST_AsText(location, 6) AS location, grid_code, community_code
FROM element ORDER BY element_id;
-- bad things: an identifier of another class, of an unknown county, a person type, a
-- shape in Web Mercator, a collection, an unknown state, the same identifier twice
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO element (type_code, component_code, shape, department) VALUES ('thing:0101', '4301020102000009', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x')$$),
  ($$INSERT INTO element (type_code, component_code, shape, department) VALUES ('thing:0101', '4401020101000009', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x')$$),
  ($$INSERT INTO element (type_code, shape, department) VALUES ('person:resident', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x')$$),
  ($$INSERT INTO element (type_code, shape, department) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(12577000, 3270000), 3857), 'x')$$),
  ($$INSERT INTO element (type_code, shape, department) VALUES ('thing:0101', ST_Collect(ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), ST_SetSRID(ST_MakeLine(ST_MakePoint(112.98, 28.19), ST_MakePoint(112.981, 28.19)), 4490)), 'x')$$),
  ($$INSERT INTO element (type_code, shape, department, state) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x', 'stolen')$$),
  ($$INSERT INTO element (type_code, component_code, shape, department) VALUES ('thing:0101', '4301020101000001', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x')$$),
  ($$INSERT INTO element (type_code, shape) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490))$$)
) t(stmt);
-- the green space grows east: most of it now lies in grid 002, and it moves there; a grid
-- written by hand is put right; a change is dated
UPDATE element SET shape = ST_MakeEnvelope(112.987, 28.191, 112.999, 28.193, 4490), state = 'damaged' WHERE element_id = 430102000003;
UPDATE element SET grid_code = '430102001002001' WHERE element_id = 430102000001;
SELECT element_id, grid_code, state, changed_on = district_today() AS changed_today FROM element WHERE element_id IN (430102000001, 430102000003) ORDER BY 1;

-- the grid file of grid 001, as its grid worker; another worker is refused
INSERT INTO residence_event (resident_id, kind, status, on_date, origin) VALUES (430102000004, 'arrival', 'floating', district_today() - 5, '湖南省邵阳市');
INSERT INTO visit (household_id, staff_id, visited_at, kind, outcome) VALUES (430102000001, 430102000001, now() - interval '1 minute', 'routine', 'visited');
SET ROLE v430102_grid;
SELECT * FROM grid_file('430102001001001');
-- the grid worker dates no element's last change (428C9); recorded on a census day, it is taken
SAVEPOINT element_dates;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.element (type_code, shape, department, recorded_on, changed_on) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x', '2026-01-01', commgrid.district_today() + 365)$$),
  ($$INSERT INTO commgrid.element (type_code, shape, department, recorded_on) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x', '2026-01-01')$$)
) t(stmt);
ROLLBACK TO SAVEPOINT element_dates;
SET ROLE v430102_grid2;
SELECT pg_temp.try($$SELECT * FROM commgrid.grid_file('430102001001001')$$);
SELECT pg_temp.try($$SELECT * FROM commgrid.grid_file('430102001')$$);
-- the grid worker of 燕山街 sees the hydrant only; writes no element elsewhere
SELECT element_id FROM element;
SELECT pg_temp.try($$INSERT INTO commgrid.element (type_code, shape, department) VALUES ('thing:0101', ST_SetSRID(ST_MakePoint(112.985, 28.195), 4490), 'x')$$);
RESET ROLE;
ROLLBACK;
