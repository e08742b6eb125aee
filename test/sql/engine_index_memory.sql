-- commgrid.index_memory(): which path answered locate() (a private index built by this
-- backend, or the copy in shared memory when pg_commgrid is in shared_preload_libraries) and
-- what it costs this backend.  The output is the same with and without the preload: the
-- per-backend fallback is forced with commgrid.shared_index = off, and the shared path is
-- checked against the server's configuration.  District 110111; the areas are committed (an
-- uncommitted change is never shared) and removed at the end.
SET search_path = commgrid, public;
INSERT INTO area (code, name, kind) VALUES
  ('110111', '房山区', 'district'), ('110111001', '甲街道', 'subdistrict'), ('110111001001', '甲社区', 'community');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110111001001001', '西网格', 'grid', 'SRID=4490;MULTIPOLYGON(((120 41,120.5 41,120.5 42,120 42,120 41)))'),
  ('110111001001002', '东网格', 'grid', 'SRID=4490;MULTIPOLYGON(((120.5 41,121 41,121 42,120.5 42,120.5 41)))');

-- 1. The per-backend fallback: the whole index is this backend's, of the current generation.
SET commgrid.shared_index = off;
SELECT locate('SRID=4490;POINT(120.25 41.5)') AS west, locate('SRID=4490;POINT(120.5 41.5)') AS on_edge,
       locate('SRID=4490;POINT(121.5 41.5)') AS outside;
SELECT level, boundaries, path, backend_bytes = index_bytes AS all_in_this_backend, index_bytes > 0 AS has_bytes,
       generation = (SELECT g.generation FROM boundary_generation g) AS current_generation
FROM index_memory() WHERE level = 'grid';

-- 2. With the setting on (the default), a new generation is served from shared memory when
--    the library is preloaded (this backend then holds only a header of under 8 kB), and
--    built privately as before when it is not; the answers are the same.
RESET commgrid.shared_index;
UPDATE area SET boundary = boundary WHERE code = '110111001001002';
SELECT locate('SRID=4490;POINT(120.25 41.5)') AS west, locate('SRID=4490;POINT(120.5 41.5)') AS on_edge,
       locate('SRID=4490;POINT(121.5 41.5)') AS outside;
SELECT level, boundaries,
       path = CASE WHEN current_setting('shared_preload_libraries') LIKE '%pg_commgrid%' THEN 'shared' ELSE 'private' END
         AS path_as_configured,
       CASE path WHEN 'shared' THEN backend_bytes < 8192 ELSE backend_bytes = index_bytes END AS backend_bytes_as_path,
       generation = (SELECT g.generation FROM boundary_generation g) AS current_generation
FROM index_memory() WHERE level = 'grid';

-- 3. Our own uncommitted change is never shared; a level not used yet has no row; the
--    index of past boundaries (locate_at) is private.
BEGIN;
UPDATE area SET boundary = boundary WHERE code = '110111001001002';
SELECT locate('SRID=4490;POINT(120.75 41.5)') AS east;
SELECT level, boundaries, path FROM index_memory() WHERE level IN ('grid', 'city') ORDER BY level, boundaries;
SELECT locate_at('SRID=4490;POINT(120.75 41.5)', now(), 'grid') AS east_now;
SELECT level, boundaries, path FROM index_memory() WHERE boundaries = 'history';
ROLLBACK;

-- 4. When the shared copy cannot be made (the system refuses the segment: /dev/shm full, too
--    many segments; or the index is larger than commgrid.shared_index_max_memory), locate
--    does not fail: it keeps the index it built for itself, answers the same, and logs the
--    reason.  The test setting makes the segment's creation fail with an error just after
--    the segment is made, which must leave nothing behind.  A later generation is shared
--    again once the segment can be made.
\set answers 'SELECT locate(''SRID=4490;POINT(120.25 41.5)'') AS west, locate(''SRID=4490;POINT(120.5 41.5)'') AS on_edge, locate(''SRID=4490;POINT(121.5 41.5)'') AS outside'
\set private_current 'SELECT level, path, backend_bytes = index_bytes AS all_in_this_backend, generation = (SELECT g.generation FROM boundary_generation g) AS current_generation FROM index_memory() WHERE level = ''grid'' AND boundaries = ''current'''
SET commgrid.shared_index_test_failure = on;
UPDATE area SET boundary = boundary WHERE code = '110111001001002';
:answers;
:private_current;
RESET commgrid.shared_index_test_failure;
SET commgrid.shared_index_max_memory = 0;
UPDATE area SET boundary = boundary WHERE code = '110111001001002';
:answers;
:private_current;
RESET commgrid.shared_index_max_memory;
UPDATE area SET boundary = boundary WHERE code = '110111001001002';
SELECT locate('SRID=4490;POINT(120.75 41.5)') AS east;
SELECT level, path = CASE WHEN current_setting('shared_preload_libraries') LIKE '%pg_commgrid%' THEN 'shared' ELSE 'private' END
         AS path_as_configured
FROM index_memory() WHERE level = 'grid' AND boundaries = 'current';
-- only a superuser may change where the indexes go
CREATE ROLE r110111_user;
SET ROLE r110111_user;
SET commgrid.shared_index_max_memory = 0;
SET commgrid.shared_index_test_failure = on;
RESET ROLE;
DROP ROLE r110111_user;

DELETE FROM area WHERE kind = 'grid' AND code <@ '110111'::gridcode;
DELETE FROM area WHERE kind = 'community' AND code <@ '110111'::gridcode;
DELETE FROM area WHERE kind = 'subdistrict' AND code <@ '110111'::gridcode;
DELETE FROM area WHERE code = '110111';
