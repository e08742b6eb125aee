-- The assignment read-ahead (docs/design/assign-lookahead.md): an INSERT ... SELECT into a
-- table with the assignment trigger reads its rows in batches through a plan node that looks
-- up their points together; the trigger takes each row's answer.  Which INSERTs get the node,
-- and that every row ends with the code the trigger alone gives it.  District 110112, in a
-- transaction rolled back at the end.
SET search_path = commgrid, public;
\set VERBOSITY default
BEGIN;
INSERT INTO area (code, name, kind) VALUES
  ('110112', '预读区', 'district'), ('110112001', '甲街道', 'subdistrict');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110112001001', '东社区', 'community', 'SRID=4490;MULTIPOLYGON(((116 39,117 39,117 40,116 40,116 39)))');
INSERT INTO area (code, name, kind, boundary) VALUES
  ('110112001001001', '西网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116 39,116.5 39,116.5 40,116 40,116 39)))'),
  ('110112001001002', '东网格', 'grid', 'SRID=4490;MULTIPOLYGON(((116.5 39,117 39,117 40,116.5 40,116.5 39)))');

SHOW commgrid.assign_lookahead;

-- 50 points, three batches and a part: inside each grid, on the shared edge (the east grid),
-- on the outer edge, outside, NULL, empty, and WGS-84
CREATE TEMP TABLE probe_points AS
SELECT n, CASE n % 10
    WHEN 0 THEN NULL
    WHEN 1 THEN 'POINT EMPTY'::geometry
    WHEN 2 THEN ST_SetSRID(ST_MakePoint(116.5, 39 + n / 100.0), 4490)
    WHEN 3 THEN ST_SetSRID(ST_MakePoint(120, 30), 4490)
    WHEN 4 THEN ST_SetSRID(ST_MakePoint(116.25 + n / 1000.0, 39.5), 4326)
    WHEN 5 THEN ST_SetSRID(ST_MakePoint(117, 39.5), 4490)
    ELSE ST_SetSRID(ST_MakePoint(116 + n / 51.0, 39.1 + n / 100.0), 4490) END AS location
FROM generate_series(1, 50) n;

CREATE TABLE lookahead_probe (id int PRIMARY KEY, location geometry, grid gridcode);
SELECT register_assigned_table('lookahead_probe', 'location', 'grid', 'grid');

-- 1. which INSERTs read ahead
EXPLAIN (COSTS OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points;
EXPLAIN (COSTS OFF, VERBOSE) INSERT INTO lookahead_probe (id, location) SELECT n, location FROM probe_points;
-- one row has nothing to read ahead, given as VALUES or as a SELECT without FROM
EXPLAIN (COSTS OFF) INSERT INTO lookahead_probe VALUES (1, 'SRID=4490;POINT(116.25 39.5)');
EXPLAIN (COSTS OFF) INSERT INTO lookahead_probe SELECT 1, 'SRID=4490;POINT(116.25 39.5)'::geometry;
-- a volatile function other than nextval() would see rows read early: left as planned
EXPLAIN (COSTS OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points WHERE random() >= 0;
-- switched off
SET commgrid.assign_lookahead = off;
EXPLAIN (COSTS OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points;
RESET commgrid.assign_lookahead;
-- a table without the trigger
CREATE TABLE lookahead_plain (id int, location geometry, grid gridcode);
EXPLAIN (COSTS OFF) INSERT INTO lookahead_plain SELECT n, location FROM probe_points;
-- a trigger with a WHEN clause may skip rows the node would look up: left as planned
CREATE TABLE lookahead_when (id int, location geometry, grid gridcode);
CREATE TRIGGER assign BEFORE INSERT ON lookahead_when FOR EACH ROW WHEN (NEW.id > 0)
  EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
EXPLAIN (COSTS OFF) INSERT INTO lookahead_when SELECT n, location FROM probe_points;
-- a trigger that names a column of another kind: left to the trigger, which refuses it
CREATE TABLE lookahead_misnamed (id int, location int, grid gridcode);
CREATE TRIGGER assign BEFORE INSERT ON lookahead_misnamed
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
EXPLAIN (COSTS OFF) INSERT INTO lookahead_misnamed SELECT n, n FROM generate_series(1, 3) n;
SAVEPOINT misnamed;
INSERT INTO lookahead_misnamed SELECT n, n FROM generate_series(1, 3) n;
ROLLBACK TO SAVEPOINT misnamed;
-- a dropped and a generated column: the INSERT checks that they are given NULL
CREATE TABLE lookahead_dropped (id int, gone int, location geometry, grid gridcode,
  community gridcode GENERATED ALWAYS AS (ancestor(grid, level_depth('community'))) STORED);
ALTER TABLE lookahead_dropped DROP COLUMN gone;
SELECT register_assigned_table('lookahead_dropped', 'location', 'grid', 'grid');
EXPLAIN (COSTS OFF, VERBOSE) INSERT INTO lookahead_dropped (id, location) SELECT n, location FROM probe_points;

-- 2. the same codes as the trigger alone, and as locate(): read ahead into the table with
-- the dropped and generated columns, the trigger alone into the other
INSERT INTO lookahead_dropped (id, location) SELECT n, location FROM probe_points;
SET commgrid.assign_lookahead = off;
INSERT INTO lookahead_probe SELECT n, location FROM probe_points;
RESET commgrid.assign_lookahead;
SELECT d.grid::text AS grid, d.community::text AS community, count(*) AS rows,
       count(*) FILTER (WHERE d.grid IS NOT DISTINCT FROM p.grid) AS as_trigger_alone,
       count(*) FILTER (WHERE d.grid IS NOT DISTINCT FROM locate(d.location)) AS as_locate
FROM lookahead_dropped d JOIN lookahead_probe p USING (id)
GROUP BY 1, 2 ORDER BY 1;

-- the trigger took an answer for each of the 40 rows with a point (NULL and empty have none),
-- from four batches
TRUNCATE lookahead_probe;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points;

-- 3. a trigger before ours moves the point: the code follows the point it ends with
CREATE FUNCTION lookahead_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.id % 2 = 1 AND NEW.location IS NOT NULL AND NOT ST_IsEmpty(NEW.location) THEN
    NEW.location := ST_SetSRID(ST_MakePoint(116.75, 39.5), 4490);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER a_move BEFORE INSERT ON lookahead_probe FOR EACH ROW EXECUTE FUNCTION lookahead_move();
TRUNCATE lookahead_probe;
-- the 20 moved rows looked up again
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points;
SELECT id % 2 AS odd, grid::text AS grid, count(*) AS rows,
       count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM lookahead_probe GROUP BY 1, 2 ORDER BY 1, 2;
DROP TRIGGER a_move ON lookahead_probe;

-- 4. a bad point in the third batch: its own error, in its turn; the statement stores nothing
TRUNCATE lookahead_probe;
SAVEPOINT bad_point;
INSERT INTO lookahead_probe
SELECT n, CASE WHEN n = 37 THEN 'SRID=4490;LINESTRING(116 39,116.1 39.1)'::geometry ELSE location END
FROM probe_points;
ROLLBACK TO SAVEPOINT bad_point;
SELECT count(*) AS rows_after_error FROM lookahead_probe;

-- 5. ON CONFLICT and RETURNING: new rows take the batch's answers, conflicting ones are
-- updated (the UPDATE's trigger looks up on its own)
INSERT INTO lookahead_probe SELECT n, ST_SetSRID(ST_MakePoint(116.25, 39.5), 4490) FROM generate_series(1, 20) n;
INSERT INTO lookahead_probe SELECT n, location FROM probe_points WHERE n <= 30
ON CONFLICT (id) DO UPDATE SET location = excluded.location
RETURNING id, grid::text, grid IS NOT DISTINCT FROM locate(location) AS as_locate;

-- 6. a partitioned table with the trigger: the rows go to their partitions with their codes
CREATE TABLE lookahead_parted (id int, location geometry, grid gridcode) PARTITION BY RANGE (id);
CREATE TABLE lookahead_parted_low PARTITION OF lookahead_parted FOR VALUES FROM (0) TO (25);
CREATE TABLE lookahead_parted_high PARTITION OF lookahead_parted FOR VALUES FROM (25) TO (100);
CREATE TRIGGER assign BEFORE INSERT OR UPDATE ON lookahead_parted
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
EXPLAIN (COSTS OFF) INSERT INTO lookahead_parted SELECT n, location FROM probe_points;
INSERT INTO lookahead_parted SELECT n, location FROM probe_points;
SELECT tableoid::regclass AS partition, count(*) AS rows, count(grid) AS located,
       count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM lookahead_parted GROUP BY 1 ORDER BY 1;

-- 7. a prepared INSERT, its generic plan run twice
TRUNCATE lookahead_probe;
SET plan_cache_mode = force_generic_plan;
PREPARE lookahead_insert(int, int) AS
  INSERT INTO lookahead_probe SELECT n, location FROM probe_points WHERE n BETWEEN $1 AND $2;
EXECUTE lookahead_insert(1, 25);
EXECUTE lookahead_insert(26, 50);
SELECT count(*) AS rows, count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM lookahead_probe;
-- the setting turned off after the plan was made: its rows pass as they come (DELETE, which,
-- unlike TRUNCATE, leaves the plan as it is)
DELETE FROM lookahead_probe;
SET commgrid.assign_lookahead = off;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) EXECUTE lookahead_insert(1, 50);
RESET commgrid.assign_lookahead;
DEALLOCATE lookahead_insert;
RESET plan_cache_mode;
SELECT count(*) AS rows, count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM lookahead_probe;

-- 8. as a replica (session_replication_role), where the trigger does not fire: rows pass as
-- they come, with no lookup
TRUNCATE lookahead_probe;
SET session_replication_role = replica;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_points;
RESET session_replication_role;
SELECT count(*) AS rows, count(grid) AS located FROM lookahead_probe;

-- 9. points stored out of line (TOAST): read by locate() and the trigger, not peeked at
CREATE TEMP TABLE probe_toasted (n int, location geometry, pad text);
ALTER TABLE probe_toasted ALTER location SET STORAGE EXTERNAL, ALTER pad SET STORAGE PLAIN;
INSERT INTO probe_toasted SELECT n, location, repeat('x', 3000) FROM probe_points;
SELECT count(*) FILTER (WHERE pg_column_size(location) < 32) AS out_of_line, count(location) AS points
FROM probe_toasted;
SELECT count(*) AS rows, count(*) FILTER (WHERE locate(t.location) IS NOT DISTINCT FROM locate(p.location)) AS as_in_line
FROM probe_toasted t JOIN probe_points p USING (n);
TRUNCATE lookahead_probe;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) INSERT INTO lookahead_probe SELECT n, location FROM probe_toasted;
SELECT count(*) AS rows, count(*) FILTER (WHERE grid IS NOT DISTINCT FROM locate(location)) AS as_locate
FROM lookahead_probe;

ROLLBACK;

-- 10. a batch without any point takes neither the boundary lock nor the index, as the trigger
-- alone would not; a batch with one takes the lock (a fresh transaction: creating areas above
-- took it)
BEGIN;
CREATE TEMP TABLE lookahead_lock_probe (id int, location geometry, grid gridcode);
CREATE TRIGGER assign BEFORE INSERT ON lookahead_lock_probe
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid', 'grid');
INSERT INTO lookahead_lock_probe SELECT n, NULL FROM generate_series(1, 20) n;
SELECT count(*) AS boundary_locks FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 25447 AND pid = pg_backend_pid();
INSERT INTO lookahead_lock_probe SELECT n, ST_SetSRID(ST_MakePoint(100, 20), 4490) FROM generate_series(1, 20) n;
SELECT count(*) AS boundary_locks, min(mode) AS mode FROM pg_locks
WHERE locktype = 'advisory' AND objsubid = 25447 AND pid = pg_backend_pid();
ROLLBACK;
