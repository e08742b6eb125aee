-- The engine's caches and internal queries under bad luck and bad input, on district 110106:
--  1. locate_at in one backend, every order of calls across boundary generations (issue 10.4);
--  2. the index's memory bounded by commgrid.index_max_memory (issue 10.5): a thin sliver,
--     many edges, a comb, overlapping areas;
--  3. a search_path hijack of the engine's internal queries (issue 9.8).
SET search_path = commgrid, public;

-- 1. Generations: each statement is its own transaction, so each has its own now().
--    West grid [116, 116.5]; east grid [116.5, 117], then shrunk to [116.5, 116.75]; then the
--    west grid is deleted.
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110106001001', '甲社区', 'community', 'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110106001001001', '西网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116 39,116.5 39,116.5 40,116 40,116 39)))'),
  ('110106001001002', '东网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116.5 39,117 39,117 40,116.5 40,116.5 39)))');
UPDATE area SET boundary = 'SRID=4490;MULTIPOLYGON(((116.5 39,116.75 39,116.75 40,116.5 40,116.5 39)))'
 WHERE code = '110106001001002';
DELETE FROM area WHERE code = '110106001001001';

-- the times: before, at and between the changes, and after
CREATE TEMP TABLE moment AS
WITH change AS (
  SELECT DISTINCT t FROM (SELECT valid_from FROM area_boundary_history WHERE code <@ '110106001001'::gridcode
                          UNION SELECT valid_to FROM area_boundary_history WHERE code <@ '110106001001'::gridcode) c(t)
  WHERE t IS NOT NULL),
 numbered AS (SELECT t, row_number() OVER (ORDER BY t) AS n FROM change)
SELECT t FROM numbered
UNION ALL SELECT (a.t + (b.t - a.t) / 2) FROM numbered a JOIN numbered b ON b.n = a.n + 1
UNION ALL SELECT min(t) - interval '1 day' FROM change
UNION ALL SELECT max(t) + interval '1 day' FROM change;
SELECT count(*) AS moments FROM moment;

CREATE TEMP TABLE probe (name text, location geometry);
INSERT INTO probe VALUES
  ('west', 'SRID=4490;POINT(116.25 39.5)'),
  ('east, always', 'SRID=4490;POINT(116.625 39.5)'),
  ('east, until shrunk', 'SRID=4490;POINT(116.875 39.5)');

-- the answer of a fresh backend, from the history itself
CREATE FUNCTION pg_temp.held_at(p geometry, at timestamptz) RETURNS gridcode LANGUAGE sql AS $$
  SELECT h.code FROM commgrid.area_boundary_history h
  WHERE h.code <@ '110106001001'::commgrid.gridcode AND commgrid.depth(h.code) = 6
    AND h.valid_from <= at AND (h.valid_to IS NULL OR h.valid_to > at) AND ST_Covers(h.boundary, p)
  ORDER BY h.code LIMIT 1
$$;

-- locate_at for every probe at each time of a sequence, in this backend; the wrong answers
CREATE FUNCTION pg_temp.wrong_answers(times timestamptz[]) RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  at timestamptz;
  p record;
  wrong int := 0;
BEGIN
  FOREACH at IN ARRAY times LOOP
    FOR p IN SELECT * FROM pg_temp.probe ORDER BY name LOOP
      IF commgrid.locate_at(p.location, at) IS DISTINCT FROM pg_temp.held_at(p.location, at) THEN
        wrong := wrong + 1;
      END IF;
    END LOOP;
  END LOOP;
  RETURN wrong;
END $$;

-- the case of the issue: after the deletion, now() and then an earlier time
SELECT locate_at('SRID=4490;POINT(116.25 39.5)', now()) AS west_now,
       locate_at('SRID=4490;POINT(116.25 39.5)', (SELECT valid_from + (valid_to - valid_from) / 2
                                                   FROM area_boundary_history WHERE code = '110106001001001')) AS west_earlier;

-- every ordered pair of times (every transition of the cached span), then every order of
-- one time inside each span
SELECT count(*) AS sequences, sum(pg_temp.wrong_answers(ARRAY[a.t, b.t])) AS wrong
FROM moment a CROSS JOIN moment b;
WITH RECURSIVE span AS (
  SELECT t, row_number() OVER (ORDER BY t) AS n FROM moment
  WHERE t > (SELECT min(t) FROM moment) AND t < (SELECT max(t) FROM moment)
    AND t NOT IN (SELECT valid_from FROM area_boundary_history WHERE code <@ '110106001001'::gridcode)
    AND t NOT IN (SELECT valid_to FROM area_boundary_history WHERE code <@ '110106001001'::gridcode AND valid_to IS NOT NULL)),
 sequence AS (
  SELECT ARRAY[t] AS times, ARRAY[n] AS ns FROM span
  UNION ALL
  SELECT s.times || p.t, s.ns || p.n FROM sequence s JOIN span p ON p.n <> ALL (s.ns))
SELECT count(*) AS sequences, sum(pg_temp.wrong_answers(times)) AS wrong
FROM sequence WHERE cardinality(times) = (SELECT count(*) FROM span);

-- and the same answers across levels in between (the cache holds one level)
SELECT pg_temp.wrong_answers(ARRAY[max(t)]) AS wrong_after,
       locate_at('SRID=4490;POINT(116.25 39.5)', max(t), 'community') AS community_after,
       pg_temp.wrong_answers(ARRAY[min(t) + interval '1 day']) AS wrong_first_span
FROM moment;

DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'grid';
DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'community';
DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'subdistrict';
DELETE FROM area WHERE code = '110106';
DELETE FROM area_boundary_history WHERE code <@ '110106'::gridcode;

-- 2. Memory.  A level whose extent is a long thin sliver (358 degrees by a ten-millionth)
--    keeps its raster within 3 x 4M cells and fits a small limit; a limit too small for
--    the raster gives a coarser raster (a notice) and the same answers; a limit too small
--    even for one cell is a clear error (54000), and the setting is for superusers.
BEGIN;
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict'),
  ('110106001001', '甲社区', 'community');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110106001001001', '细长网格', 'grid', 'SRID=4490;MULTIPOLYGON(((-179 0,179 0,179 0.0000001,-179 0.0000001,-179 0)))');
SET commgrid.index_max_memory = '256kB';
SELECT locate('SRID=4490;POINT(0 0.00000005)') AS inside_sliver, locate('SRID=4490;POINT(0 0.0000002)') AS above_sliver;
ROLLBACK;

BEGIN;
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict'),
  ('110106001001', '甲社区', 'community');
-- 64 round grids of 64 edges in an 8 x 8 lattice
INSERT INTO area (code, name, kind, boundary)
SELECT ('110106001001' || lpad((i * 8 + j + 1)::text, 3, '0'))::gridcode, format('圆网格%s', i * 8 + j + 1), 'grid',
       ST_Multi(ST_Buffer(ST_SetSRID(ST_MakePoint(116 + i * 0.01, 39 + j * 0.01), 4490), 0.004, 16))
FROM generate_series(0, 7) i, generate_series(0, 7) j;
CREATE TEMP TABLE grid_probe AS
SELECT ST_SetSRID(ST_MakePoint(115.995 + random() * 0.08, 38.995 + random() * 0.08), 4490) AS location
FROM generate_series(1, 2000);
RESET commgrid.index_max_memory;
CREATE TEMP TABLE answer_default AS SELECT location, locate(location) AS code FROM grid_probe;
-- the generation moves, so the next locate() rebuilds the index under the new limit
UPDATE area SET boundary = boundary WHERE code = '110106001001001';
SET commgrid.index_max_memory = '400kB';
\set VERBOSITY terse
SELECT count(*) AS probes, count(*) FILTER (WHERE d.code IS DISTINCT FROM locate(d.location)) AS different,
       count(*) FILTER (WHERE d.code IS DISTINCT FROM
         (SELECT a.code FROM area a WHERE commgrid.depth(a.code) = 6 AND ST_Covers(a.boundary, d.location))) AS unlike_postgis
FROM answer_default d;
SAVEPOINT too_small;
UPDATE area SET boundary = boundary WHERE code = '110106001001001';
SET commgrid.index_max_memory = '64kB';
SELECT locate('SRID=4490;POINT(116 39)');
\echo SQLSTATE :LAST_ERROR_SQLSTATE
\set VERBOSITY default
ROLLBACK TO SAVEPOINT too_small;
RESET commgrid.index_max_memory;
SELECT locate('SRID=4490;POINT(116 39)') AS after_reset;
ROLLBACK;

-- A comb of 1000 teeth (4004 edges, long ones broken by short ones) copies its long edges into
-- every row of the raster they cross; it fits in 2 MB with a coarser raster, and the answers
-- stay exact.
BEGIN;
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict'),
  ('110106001001', '甲社区', 'community');
INSERT INTO area (code, name, kind, boundary)
SELECT '110106001001001', '梳形网格', 'grid', ST_GeomFromText(format('MULTIPOLYGON(((116 39,117 39,117 39.1,%s,116 39.1,116 39)))',
         string_agg(format('%s 39.1,%s 39.005,%s 39.005,%s 39.1', x + 0.00075, x + 0.0006, x + 0.0004, x + 0.00025),
                    ',' ORDER BY i DESC)), 4490)
FROM (SELECT i, 116 + i * 0.001 AS x FROM generate_series(0, 999) i) t;
SET commgrid.index_max_memory = '2MB';
SELECT setseed(0.5);
\set VERBOSITY terse
SELECT count(*) AS probes,
       count(*) FILTER (WHERE locate(p) IS DISTINCT FROM CASE WHEN ST_Covers(a.boundary, p) THEN a.code END) AS unlike_postgis
FROM (SELECT ST_SetSRID(ST_MakePoint(116 + random(), 39 + random() * 0.1), 4490) AS p FROM generate_series(1, 5000)) q,
     area a WHERE a.code = '110106001001001';
\set VERBOSITY default
RESET commgrid.index_max_memory;
ROLLBACK;

-- 200 grids that all overlap (the same square, in 20 communities) would list 200 areas in
-- every cell; under 1 MB the raster is made coarser until the lists fit (the lowest code wins).
BEGIN;
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind) SELECT ('110106001' || lpad(c::text, 3, '0'))::gridcode, '社区', 'community'
FROM generate_series(1, 20) c;
INSERT INTO area (code, name, kind, boundary)
SELECT ('110106001' || lpad(c::text, 3, '0') || lpad(g::text, 3, '0'))::gridcode, '重叠网格', 'grid',
       'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))'
FROM generate_series(1, 20) c, generate_series(1, 10) g;
SET commgrid.index_max_memory = '1MB';
\set VERBOSITY terse
SELECT locate('SRID=4490;POINT(116.5 39.5)') AS lowest_code, locate('SRID=4490;POINT(118 39.5)') AS outside;
\set VERBOSITY default
RESET commgrid.index_max_memory;
ROLLBACK;

-- 3. A role that plants look-alike operators, aggregates and functions first on its path
--    (an always-true int = int, timestamptz <= and >, max, depth) gets the same answers
--    from locate and locate_at, also after resetting its path: the engine's queries
--    qualify every name.
CREATE ROLE r110106_hijack;
GRANT USAGE ON SCHEMA commgrid TO r110106_hijack;
GRANT SELECT ON area, area_boundary_history, boundary_generation TO r110106_hijack;
CREATE SCHEMA r110106_hijack AUTHORIZATION r110106_hijack;
INSERT INTO area (code, name, kind) VALUES ('110106', '丰台区', 'district'), ('110106001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110106001001', '甲社区', 'community', 'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110106001001001', '西网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116 39,116.5 39,116.5 40,116 40,116 39)))'),
  ('110106001001002', '东网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116.5 39,117 39,117 40,116.5 40,116.5 39)))');
UPDATE area SET boundary = 'SRID=4490;MULTIPOLYGON(((116.5 39,116.75 39,116.75 40,116.5 40,116.5 39)))'
 WHERE code = '110106001001002';
-- before: a time when the east grid was still wide
CREATE TEMP TABLE honest AS
SELECT p.name, locate(p.location) AS grid, locate(p.location, 'community') AS community,
       locate_at(p.location, b.before) AS grid_before, locate_at(p.location, now()) AS grid_now, b.before
FROM (SELECT valid_from + (valid_to - valid_from) / 2 AS before FROM area_boundary_history
      WHERE code = '110106001001002' AND valid_to IS NOT NULL) b, (VALUES ('west', 'SRID=4490;POINT(116.25 39.5)'::geometry),
             ('east', 'SRID=4490;POINT(116.625 39.5)'), ('gone east', 'SRID=4490;POINT(116.875 39.5)')) p(name, location);
GRANT SELECT ON honest TO r110106_hijack;
SELECT name, grid, community, grid_before, grid_now FROM honest ORDER BY name;

SET ROLE r110106_hijack;
SET search_path = r110106_hijack, pg_catalog, commgrid, public;
CREATE FUNCTION r110106_hijack.always(int, int) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR r110106_hijack.= (LEFTARG = int, RIGHTARG = int, FUNCTION = r110106_hijack.always);
CREATE FUNCTION r110106_hijack.always(timestamptz, timestamptz) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR r110106_hijack.<= (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = r110106_hijack.always);
CREATE OPERATOR r110106_hijack.> (LEFTARG = timestamptz, RIGHTARG = timestamptz, FUNCTION = r110106_hijack.always);
CREATE FUNCTION r110106_hijack.earliest(timestamptz, timestamptz) RETURNS timestamptz LANGUAGE sql
  AS $$SELECT '-infinity'::timestamptz$$;
CREATE AGGREGATE r110106_hijack.max(timestamptz) (SFUNC = r110106_hijack.earliest, STYPE = timestamptz);
CREATE AGGREGATE r110106_hijack.min(timestamptz) (SFUNC = r110106_hijack.earliest, STYPE = timestamptz);
CREATE FUNCTION r110106_hijack.depth(gridcode) RETURNS int LANGUAGE sql AS 'SELECT 6';
-- the plant works on a naive query
SELECT count(*) AS naive_rows FROM commgrid.area WHERE commgrid.depth(code) = 6 AND code <@ '110106'::gridcode;
RESET ROLE;
-- a boundary change, so the hijacker's next locate() builds fresh indexes under its path
UPDATE area SET boundary = boundary WHERE code = '110106001001001';
SET ROLE r110106_hijack;
SELECT h.name, locate(p.location) IS NOT DISTINCT FROM h.grid AS grid_same,
       locate(p.location, 'community') IS NOT DISTINCT FROM h.community AS community_same,
       locate_at(p.location, h.before) IS NOT DISTINCT FROM h.grid_before AS before_same,
       locate_at(p.location, now()) IS NOT DISTINCT FROM h.grid_now AS now_same
FROM pg_temp.honest h
JOIN (VALUES ('west', 'SRID=4490;POINT(116.25 39.5)'::public.geometry),
             ('east', 'SRID=4490;POINT(116.625 39.5)'), ('gone east', 'SRID=4490;POINT(116.875 39.5)')) p(name, location)
  ON p.name OPERATOR(pg_catalog.=) h.name
ORDER BY h.name;
SET commgrid.index_max_memory = '1GB';
RESET search_path;
SET search_path = commgrid, public;
SELECT h.name, locate(p.location) IS NOT DISTINCT FROM h.grid AS grid_same,
       locate_at(p.location, h.before) IS NOT DISTINCT FROM h.grid_before AS before_same,
       locate_at(p.location, now()) IS NOT DISTINCT FROM h.grid_now AS now_same
FROM pg_temp.honest h
JOIN (VALUES ('west', 'SRID=4490;POINT(116.25 39.5)'::geometry),
             ('east', 'SRID=4490;POINT(116.625 39.5)'), ('gone east', 'SRID=4490;POINT(116.875 39.5)')) p(name, location)
  ON p.name = h.name
ORDER BY h.name;
RESET ROLE;

DROP SCHEMA r110106_hijack CASCADE;
DROP TABLE honest;
REVOKE ALL ON area, area_boundary_history, boundary_generation FROM r110106_hijack;
REVOKE USAGE ON SCHEMA commgrid FROM r110106_hijack;
DROP ROLE r110106_hijack;
DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'grid';
DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'community';
DELETE FROM area WHERE code <@ '110106'::gridcode AND kind = 'subdistrict';
DELETE FROM area WHERE code = '110106';
DELETE FROM area_boundary_history WHERE code <@ '110106'::gridcode;
