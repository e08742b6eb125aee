-- The area levels from their one source (the C table read by area_levels, level_depth,
-- kind_depth, level_kinds, level and locate), and the level domains.  District 130102.
SET search_path = commgrid, public;

-- the table, in its order: the first name of each depth is the level's own name
SELECT level, depth, is_kind FROM area_levels();
-- every reader agrees with it
SELECT l.level, level_depth(l.level) = l.depth AS level_depth_agrees,
       kind_depth(l.level) AS kind_depth, level_kinds(l.level) AS kinds
FROM area_levels() l;
SELECT d, level(ancestor('130102001001001', d)) AS own_name,
       (SELECT min(l.level) FILTER (WHERE l.level = level(ancestor('130102001001001', d)))
          FROM area_levels() l WHERE l.depth = d) IS NOT NULL AS listed
FROM generate_series(1, 6) d;
-- an unknown level: 22023 with the accepted names, from every function that takes one
\set VERBOSITY default
SELECT level_depth('street');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT locate(ST_SetSRID(ST_MakePoint(114.5, 38.05), 4490), 'street');
SELECT kind_depth('township') AS township_is_no_kind, kind_depth('street') AS street,
       level_kinds('street') AS street_kinds, level_kinds('county') AS county_kinds;
SELECT level_hint();

-- the domains: a code of another level is refused (23514) with the domain's name
SELECT '130102001001001'::grid_code AS grid, '130102001001'::community_code AS community,
       '130102'::district_code AS district;
SELECT '130102001001'::grid_code;
\echo SQLSTATE :LAST_ERROR_SQLSTATE
SELECT NULL::grid_code IS NULL AS null_passes;
SELECT '130102001001001'::community_code;
SELECT '130102001'::district_code;
SELECT is_gridcode_type('gridcode'::regtype) AS gridcode, is_gridcode_type('grid_code'::regtype) AS grid_code,
       is_gridcode_type('district_code'::regtype) AS district_code, is_gridcode_type('text'::regtype) AS text;

-- the area CHECK reads kind_depth: a level name that is no kind is refused at any depth
BEGIN;
INSERT INTO area (code, name, kind, boundary) VALUES
  ('130102', '长安区', 'district', NULL),
  ('130102001', '建北街道', 'subdistrict', NULL),
  ('130102001001', '甲社区', 'community',
   ST_GeomFromText('POLYGON((114.5 38.0,114.6 38.0,114.6 38.1,114.5 38.1,114.5 38.0))', 4490)),
  ('130102001001001', '甲网格', 'grid',
   ST_GeomFromText('POLYGON((114.5 38.0,114.6 38.0,114.6 38.1,114.5 38.1,114.5 38.0))', 4490));
SAVEPOINT s;
INSERT INTO area (code, name, kind) VALUES ('130102002', '某乡', 'township');
ROLLBACK TO s;
INSERT INTO area (code, name, kind) VALUES ('130103', '某县', 'county');
ROLLBACK TO s;

-- a registered table whose code column is a level domain: the trigger applies the domain's
-- check, so a level that does not fit the column is refused (23514) as an INSERT of the code is
CREATE TABLE probe_place (id int PRIMARY KEY, location geometry, grid grid_code);
SAVEPOINT t;
SELECT register_assigned_table('probe_place', 'location', 'grid', 'grid');
INSERT INTO probe_place VALUES (1, ST_SetSRID(ST_MakePoint(114.55, 38.05), 4490));
SELECT id, grid FROM probe_place;
ROLLBACK TO t;
-- the trigger (C) on a new row
SELECT register_assigned_table('probe_place', 'location', 'grid', 'community');
INSERT INTO probe_place VALUES (2, ST_SetSRID(ST_MakePoint(114.55, 38.05), 4490));
\echo SQLSTATE :LAST_ERROR_SQLSTATE
ROLLBACK TO t;
-- the registration's first pass over the rows already there
INSERT INTO probe_place VALUES (3, ST_SetSRID(ST_MakePoint(114.55, 38.05), 4490));
SELECT register_assigned_table('probe_place', 'location', 'grid', 'community');
ROLLBACK TO t;
SELECT count(*) AS rows_left, (SELECT count(*) FROM assigned_table WHERE tbl = 'probe_place'::regclass) AS registered
FROM probe_place;
-- a code column of another type
SELECT register_assigned_table('probe_place', 'location', 'id', 'grid');
ROLLBACK;
