-- The spatial assignment engine: locate() puts a point into exactly one area of a level.
-- See docs/design/half-open-rule.md and docs/design/boundary-index-cache.md.

-- One row whose version changes whenever any boundary changes.  Each backend's boundary
-- index remembers the row version it was built from and is rebuilt when another is visible.
CREATE TABLE boundary_generation (
  generation bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now(),
  only_row   boolean PRIMARY KEY DEFAULT true CHECK (only_row)
);
INSERT INTO boundary_generation (generation) VALUES (1);
COMMENT ON TABLE boundary_generation IS
  'A single row bumped by every change of commgrid.area boundaries; locate() rebuilds its per-backend index when the visible row version changes';
COMMENT ON COLUMN boundary_generation.generation IS 'Counter, +1 for each statement that changed areas';
COMMENT ON COLUMN boundary_generation.changed_at IS 'When the last change was made';
COMMENT ON COLUMN boundary_generation.only_row IS 'Always true: keeps the table to one row';
-- reference data the staff's queries read; its one row is the engine's, begun again by
-- CREATE EXTENSION on restore
SELECT commgrid.secure_table('commgrid.boundary_generation', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{}');
SELECT commgrid.mark_install_only('commgrid.boundary_generation', 'one counter row of the engine''s cache, begun again at install');

-- The boundary lock (docs/design/boundary-lock.md): writers that derive area codes
-- from boundaries hold it shared until they commit, every change of boundaries takes it
-- exclusively, so no row keeps a code from boundaries replaced while it was being written.
CREATE FUNCTION boundary_share_lock() RETURNS void
  AS 'MODULE_PATHNAME', 'commgrid_boundary_share_lock' LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION boundary_share_lock() IS
  'Takes the boundary lock shared until the transaction ends, for triggers that derive or copy area codes: a concurrent change of boundaries then waits for the writer and reassigns its rows. Under REPEATABLE READ or SERIALIZABLE, raises 40001 when boundaries changed since the snapshot';
CREATE FUNCTION boundary_change_lock() RETURNS void
  AS 'MODULE_PATHNAME', 'commgrid_boundary_change_lock' LANGUAGE C VOLATILE PARALLEL UNSAFE;
REVOKE EXECUTE ON FUNCTION boundary_change_lock() FROM PUBLIC;
COMMENT ON FUNCTION boundary_change_lock() IS
  'Takes the boundary lock exclusively until the transaction ends (every change of commgrid.area boundaries does, through area_bump_generation): waits for the writers that hold it shared. Under REPEATABLE READ or SERIALIZABLE, raises 40001 when any transaction committed since the snapshot';

CREATE FUNCTION area_bump_generation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  -- after the parent-row locks of redraw (taken before its UPDATE), as every writer does
  PERFORM commgrid.boundary_change_lock();
  UPDATE commgrid.boundary_generation
     SET generation = generation + 1, changed_at = clock_timestamp();
  RETURN NULL;
END $$;
COMMENT ON FUNCTION area_bump_generation() IS
  'Trigger: takes the boundary lock exclusively and marks the boundaries as changed, so every backend''s locate() index is rebuilt when it sees the change';
-- trigger functions cannot be called directly, but nothing security-definer stays open
REVOKE EXECUTE ON FUNCTION area_bump_generation() FROM PUBLIC;

CREATE TRIGGER area_bump_generation
  AFTER INSERT OR UPDATE OF code, boundary OR DELETE OR TRUNCATE ON area
  FOR EACH STATEMENT EXECUTE FUNCTION area_bump_generation();

CREATE FUNCTION locate(location geometry, level text DEFAULT 'grid') RETURNS gridcode
  AS 'MODULE_PATHNAME', 'commgrid_locate' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION locate(geometry, text) IS
  'The area of a level (grid, community, township, county, city, province) whose current boundary holds the point, under the half-open rule: every point of a partition gets exactly one area, points strictly inside agree with ST_Contains, points outside every area get NULL. Location in EPSG:4490 or 4326';

-- docs/design/boundary-index-cache.md: "Shared between backends"
CREATE FUNCTION index_memory()
  RETURNS TABLE (level text, boundaries text, path text, index_bytes bigint, backend_bytes bigint, generation bigint)
  AS 'MODULE_PATHNAME', 'commgrid_index_memory' LANGUAGE C VOLATILE PARALLEL RESTRICTED ROWS 7;
COMMENT ON FUNCTION index_memory() IS
  'The boundary indexes of locate() and locate_at() this backend holds, one row per level: boundaries current or history; path shared (one copy in shared memory for all backends, when pg_commgrid is in shared_preload_libraries) or private (built by this backend); the index''s size, the memory this backend holds for it, and the generation it was built from';
