-- pg_commgrid install script, built by concatenating sql/NN_topic.sql in order.
\echo Use "CREATE EXTENSION pg_commgrid" to load this file. \quit

COMMENT ON SCHEMA commgrid IS
  'pg_commgrid: community grid management and regional Party-building co-governance';
-- gridcode: the administrative hierarchy code, province (2 digits) down to grid (15 digits).
-- An 8-byte pass-by-value type like h3-pg's h3index; comparison, hashing and sorting
-- reuse PostgreSQL's int8 functions, since the padded code orders depth-first.

CREATE TYPE gridcode;

CREATE FUNCTION gridcode_in(cstring) RETURNS gridcode
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gridcode_out(gridcode) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gridcode_recv(internal) RETURNS gridcode
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gridcode_send(gridcode) RETURNS bytea
  AS 'int8send' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE gridcode (
  INPUT = gridcode_in,
  OUTPUT = gridcode_out,
  RECEIVE = gridcode_recv,
  SEND = gridcode_send,
  LIKE = pg_catalog.int8,
  CATEGORY = 'U'
);
COMMENT ON TYPE gridcode IS
  'Administrative area code: province 2, city 4, county 6 (GB/T 2260), township 9, community 12 (statistical division code), grid 15 digits; trailing zero segments name a higher level';

CREATE CAST (text AS gridcode) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS gridcode) WITH INOUT AS IMPLICIT;
CREATE CAST (gridcode AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (gridcode AS varchar) WITH INOUT AS ASSIGNMENT;

-- comparison: int8's own functions, which are leakproof (row-level security keeps using indexes)
CREATE FUNCTION gridcode_eq(gridcode, gridcode) RETURNS bool
  AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_ne(gridcode, gridcode) RETURNS bool
  AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_lt(gridcode, gridcode) RETURNS bool
  AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_le(gridcode, gridcode) RETURNS bool
  AS 'int8le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_gt(gridcode, gridcode) RETURNS bool
  AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_ge(gridcode, gridcode) RETURNS bool
  AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_cmp(gridcode, gridcode) RETURNS int4
  AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_sortsupport(internal) RETURNS void
  AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
-- hashing must never change between releases: Citus places shards by it
CREATE FUNCTION gridcode_hash(gridcode) RETURNS int4
  AS 'hashint8' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION gridcode_hash_extended(gridcode, int8) RETURNS int8
  AS 'hashint8extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS gridcode_ops DEFAULT FOR TYPE gridcode USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 gridcode_cmp(gridcode, gridcode),
  FUNCTION 2 gridcode_sortsupport(internal);
CREATE OPERATOR CLASS gridcode_hash_ops DEFAULT FOR TYPE gridcode USING hash AS
  OPERATOR 1 =,
  FUNCTION 1 gridcode_hash(gridcode),
  FUNCTION 2 gridcode_hash_extended(gridcode, int8);

-- hierarchy
CREATE FUNCTION subtree_last(gridcode) RETURNS gridcode
  AS 'MODULE_PATHNAME', 'gridcode_subtree_last_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION subtree_last(gridcode) IS
  'The last padded value of a code''s subtree: code <@ a is code BETWEEN a AND subtree_last(a)';

CREATE FUNCTION gridcode_contains_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gridcode_contained_support(internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION gridcode_contains(gridcode, gridcode) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
  SUPPORT gridcode_contains_support;
CREATE FUNCTION gridcode_contained(gridcode, gridcode) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF
  SUPPORT gridcode_contained_support;

CREATE OPERATOR @> (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_contains,
  COMMUTATOR = <@, RESTRICT = contsel, JOIN = contjoinsel);
CREATE OPERATOR <@ (
  LEFTARG = gridcode, RIGHTARG = gridcode, FUNCTION = gridcode_contained,
  COMMUTATOR = @>, RESTRICT = contsel, JOIN = contjoinsel);
COMMENT ON OPERATOR @> (gridcode, gridcode) IS 'is the left code the right one or its ancestor?';
COMMENT ON OPERATOR <@ (gridcode, gridcode) IS 'is the left code the right one or its descendant? (uses a B-tree index on the left as a range scan)';

CREATE FUNCTION depth(gridcode) RETURNS int
  AS 'MODULE_PATHNAME', 'gridcode_depth_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION depth(gridcode) IS
  'Depth of the code: 1 province, 2 city, 3 county, 4 township, 5 community, 6 grid';

CREATE FUNCTION level(gridcode) RETURNS text
  AS 'MODULE_PATHNAME', 'gridcode_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION level(gridcode) IS
  'Level name of the code: province, city, county, township, community or grid';

CREATE FUNCTION parent(gridcode) RETURNS gridcode
  AS 'MODULE_PATHNAME', 'gridcode_parent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION parent(gridcode) IS 'The code one level up; NULL for a province';

CREATE FUNCTION ancestor(gridcode, depth int) RETURNS gridcode
  AS 'MODULE_PATHNAME', 'gridcode_ancestor_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ancestor(gridcode, int) IS
  'The ancestor at a depth from 1 to the code''s own depth (the code itself at its own depth)';

CREATE FUNCTION padded(gridcode, digits int DEFAULT 12) RETURNS text
  AS 'MODULE_PATHNAME', 'gridcode_padded' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION padded(gridcode, int) IS
  'The code zero-padded to 2, 4, 6, 9, 12 or 15 digits; 12 gives the statistical division code form';
-- The area registry: one row per administrative area, from the district down to the grid.
-- The parent is derived from the code, so the tree can never disagree with the codes.

CREATE TABLE area (
  code     gridcode PRIMARY KEY,
  name     text NOT NULL CHECK (btrim(name) <> ''),
  kind     text NOT NULL,
  parent   gridcode GENERATED ALWAYS AS
             (CASE WHEN kind = 'district' THEN NULL ELSE commgrid.parent(code) END) STORED
             REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
  boundary geometry,
  CONSTRAINT area_kind_fits_level CHECK (
    (kind = 'district' AND commgrid.depth(code) = 3) OR
    (kind IN ('subdistrict', 'town') AND commgrid.depth(code) = 4) OR
    (kind IN ('community', 'village') AND commgrid.depth(code) = 5) OR
    (kind = 'grid' AND commgrid.depth(code) = 6)),
  -- the forms geometry_columns recognises, so GIS tools see MultiPolygon / 4490
  CONSTRAINT enforce_srid_boundary CHECK (st_srid(boundary) = 4490),
  CONSTRAINT enforce_geotype_boundary CHECK (geometrytype(boundary) = 'MULTIPOLYGON'),
  CONSTRAINT enforce_dims_boundary CHECK (st_ndims(boundary) = 2)
);
CREATE INDEX area_parent_idx ON area (parent);
CREATE INDEX area_boundary_idx ON area USING gist (boundary);

COMMENT ON TABLE area IS
  'Administrative areas from the district down to the grid, with their current boundaries (CGCS2000)';
COMMENT ON COLUMN area.code IS 'The area''s gridcode; its depth must fit the kind';
COMMENT ON COLUMN area.name IS 'Chinese name, e.g. 回兴街道';
COMMENT ON COLUMN area.kind IS
  'district (depth 3), subdistrict or town (4), community or village (5), grid (6)';
COMMENT ON COLUMN area.parent IS
  'The area one level up, derived from the code; it must exist (NULL only for a district)';
COMMENT ON COLUMN area.boundary IS
  'Boundary, MultiPolygon in EPSG:4490 (CGCS2000 longitude/latitude); 4326 input is transformed, invalid shapes are refused';

-- Normalise and check a boundary before it is stored: SRID, type and validity.
CREATE FUNCTION area_check_boundary() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
DECLARE
  g geometry := NEW.boundary;
BEGIN
  IF g IS NULL THEN
    RETURN NEW;
  END IF;
  IF ST_IsEmpty(g) THEN
    RAISE EXCEPTION 'boundary of area % is empty', NEW.code
      USING ERRCODE = '22023', HINT = 'Store NULL for an area whose boundary is not known.';
  END IF;
  IF ST_SRID(g) = 4326 THEN
    g := ST_Transform(g, 4490);
  ELSIF ST_SRID(g) <> 4490 THEN
    RAISE EXCEPTION 'boundary of area % has SRID %', NEW.code, ST_SRID(g)
      USING ERRCODE = '22023',
            DETAIL = format('Boundaries are stored in EPSG:4490 (CGCS2000); SRID %s is neither 4490 nor 4326.', ST_SRID(g)),
            HINT = 'Transform it with ST_Transform(geom, 4490), or set the SRID with ST_SetSRID if it is already longitude/latitude.';
  END IF;
  IF ST_NDims(g) <> 2 THEN
    RAISE EXCEPTION 'boundary of area % has % dimensions', NEW.code, ST_NDims(g)
      USING ERRCODE = '22023', HINT = 'Drop Z and M with ST_Force2D.';
  END IF;
  IF GeometryType(g) = 'POLYGON' THEN
    g := ST_Multi(g);
  ELSIF GeometryType(g) <> 'MULTIPOLYGON' THEN
    RAISE EXCEPTION 'boundary of area % is a %, not a polygon', NEW.code, GeometryType(g)
      USING ERRCODE = '22023';
  END IF;
  -- ST_IsValidDetail, unlike ST_IsValid, raises no NOTICE of its own
  IF NOT (ST_IsValidDetail(g)).valid THEN
    RAISE EXCEPTION 'boundary of area % is not a valid polygon', NEW.code
      USING ERRCODE = '23514', DETAIL = ST_IsValidReason(g),
            HINT = 'ST_MakeValid can repair it; check the result before storing it.';
  END IF;
  NEW.boundary := g;
  RETURN NEW;
END $$;

CREATE TRIGGER area_check_boundary BEFORE INSERT OR UPDATE OF boundary ON area
  FOR EACH ROW EXECUTE FUNCTION area_check_boundary();

-- A clearer refusal than the foreign key's when an area still has children.
CREATE FUNCTION area_refuse_orphans() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  n bigint;
BEGIN
  SELECT count(*) INTO n FROM commgrid.area WHERE parent = OLD.code;
  IF n > 0 THEN
    RAISE EXCEPTION 'area % (%) still has % child area(s)', OLD.code, OLD.name, n
      USING ERRCODE = '23503',
            DETAIL = format('Deleting it would orphan %s child area(s) of %s.', n, OLD.code),
            HINT = 'Delete the child areas first.';
  END IF;
  RETURN OLD;
END $$;

CREATE TRIGGER area_refuse_orphans BEFORE DELETE ON area
  FOR EACH ROW EXECUTE FUNCTION area_refuse_orphans();

-- pg_dump keeps the registry's rows (restore them as README's "Backup" says)
SELECT pg_catalog.pg_extension_config_dump('area', '');
-- The spatial assignment engine: locate() puts a point into exactly one area of a level.
-- See README "Locating points" for the half-open rule and the cache.

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

CREATE FUNCTION area_bump_generation() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
BEGIN
  UPDATE commgrid.boundary_generation
     SET generation = generation + 1, changed_at = clock_timestamp();
  RETURN NULL;
END $$;
COMMENT ON FUNCTION area_bump_generation() IS
  'Trigger: marks the boundaries as changed, so every backend''s locate() index is rebuilt when it sees the change';

CREATE TRIGGER area_bump_generation
  AFTER INSERT OR UPDATE OF code, boundary OR DELETE OR TRUNCATE ON area
  FOR EACH STATEMENT EXECUTE FUNCTION area_bump_generation();

CREATE FUNCTION locate(location geometry, level text DEFAULT 'grid') RETURNS gridcode
  AS 'MODULE_PATHNAME', 'commgrid_locate' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION locate(geometry, text) IS
  'The area of a level (grid, community, township, county) whose current boundary holds the point, under the half-open rule: every point of a partition gets exactly one area, points strictly inside agree with ST_Contains, points outside every area get NULL. Location in EPSG:4490 or 4326';
-- Keeping assignments right: a trigger that sets a row's area code from its location,
-- and the registry of tables that use it (redraw() reassigns their rows).

CREATE FUNCTION assign_location() RETURNS trigger
  AS 'MODULE_PATHNAME', 'commgrid_assign_location' LANGUAGE C;
COMMENT ON FUNCTION assign_location() IS
  'BEFORE INSERT OR UPDATE row trigger; arguments (location column, code column, level): sets the code column to commgrid.locate(location, level) on INSERT and when the location changes';

CREATE TABLE assigned_table (
  tbl             regclass PRIMARY KEY,
  location_column name NOT NULL,
  code_column     name NOT NULL,
  level           text NOT NULL CHECK (level IN ('grid', 'community', 'village', 'township',
                                                  'subdistrict', 'town', 'county', 'district')),
  registered_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE assigned_table IS
  'Tables whose rows carry an area code kept from their location by commgrid.assign_location(); commgrid.redraw() reassigns their rows';
COMMENT ON COLUMN assigned_table.tbl IS 'The table';
COMMENT ON COLUMN assigned_table.location_column IS 'Its point column (geometry, EPSG:4490 or 4326)';
COMMENT ON COLUMN assigned_table.code_column IS 'Its gridcode column, set from the location';
COMMENT ON COLUMN assigned_table.level IS 'The level of the code: grid, community, township or county';
COMMENT ON COLUMN assigned_table.registered_at IS 'When the table was registered';
-- pg_dump keeps the users' registrations, not the extension's own tables (its script registers those)
SELECT pg_catalog.pg_extension_config_dump('assigned_table', $$WHERE NOT EXISTS (
  SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
  WHERE e.extname = 'pg_commgrid' AND d.deptype = 'e'
    AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = tbl)$$);

CREATE FUNCTION register_assigned_table(tbl regclass, location_column name, code_column name,
                                        level text DEFAULT 'grid') RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  loc_type oid;
  code_type oid;
  n bigint;
BEGIN
  IF level IS NULL OR level NOT IN ('grid', 'community', 'village', 'township',
                                    'subdistrict', 'town', 'county', 'district') THEN
    RAISE EXCEPTION 'unknown level "%"', level
      USING ERRCODE = '22023',
            HINT = 'Use grid, community, township or county (or the kinds village, subdistrict, town, district).';
  END IF;
  IF (SELECT relkind FROM pg_class WHERE oid = tbl) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '"%" is not a table', tbl
      USING ERRCODE = '42809', DETAIL = 'Only ordinary and partitioned tables can be assigned.';
  END IF;
  SELECT atttypid INTO loc_type FROM pg_attribute
   WHERE attrelid = tbl AND attname = location_column AND attnum > 0 AND NOT attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of table % does not exist', location_column, tbl
      USING ERRCODE = '42703', DETAIL = 'It was given as the location column.';
  END IF;
  SELECT atttypid INTO code_type FROM pg_attribute
   WHERE attrelid = tbl AND attname = code_column AND attnum > 0 AND NOT attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of table % does not exist', code_column, tbl
      USING ERRCODE = '42703', DETAIL = 'It was given as the code column.';
  END IF;
  IF loc_type <> (SELECT atttypid FROM pg_attribute
                   WHERE attrelid = 'commgrid.area'::regclass AND attname = 'boundary') THEN
    RAISE EXCEPTION 'location column "%" of table % has type %, not geometry', location_column, tbl, format_type(loc_type, NULL)
      USING ERRCODE = '42804';
  END IF;
  IF code_type <> 'commgrid.gridcode'::regtype THEN
    RAISE EXCEPTION 'code column "%" of table % has type %, not gridcode', code_column, tbl, format_type(code_type, NULL)
      USING ERRCODE = '42804';
  END IF;
  IF EXISTS (SELECT 1 FROM commgrid.assigned_table a WHERE a.tbl = register_assigned_table.tbl) THEN
    RAISE EXCEPTION 'table % is already registered', tbl
      USING ERRCODE = '23505', HINT = 'Call commgrid.unregister_assigned_table first to change its columns or level.';
  END IF;

  INSERT INTO commgrid.assigned_table (tbl, location_column, code_column, level)
  VALUES (tbl, location_column, code_column, level);
  EXECUTE format('CREATE TRIGGER commgrid_assign_location BEFORE INSERT OR UPDATE OF %I ON %s '
                 'FOR EACH ROW EXECUTE FUNCTION commgrid.assign_location(%L, %L, %L)',
                 location_column, tbl, location_column, code_column, level);
  -- the rows already there
  EXECUTE format('UPDATE %s SET %I = commgrid.locate(%I, %L) WHERE %I IS DISTINCT FROM commgrid.locate(%I, %L)',
                 tbl, code_column, location_column, level, code_column, location_column, level);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION register_assigned_table(regclass, name, name, text) IS
  'Registers a table whose code column is kept from its location column: checks the columns, creates the trigger commgrid_assign_location, assigns the rows already there (returns how many changed), and lets commgrid.redraw() reassign them';

CREATE FUNCTION unregister_assigned_table(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  DELETE FROM commgrid.assigned_table a WHERE a.tbl = unregister_assigned_table.tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not registered', tbl USING ERRCODE = '22023';
  END IF;
  EXECUTE format('DROP TRIGGER IF EXISTS commgrid_assign_location ON %s', tbl);
END $$;
COMMENT ON FUNCTION unregister_assigned_table(regclass) IS
  'Undoes commgrid.register_assigned_table: drops the trigger and the registration; the codes stay as they are';
-- Boundary history: every boundary an area ever had, as generations with valid_from /
-- valid_to (as MapIt keeps them), so reports for past years use past boundaries.

CREATE TABLE area_boundary_history (
  code       gridcode NOT NULL,
  boundary   geometry NOT NULL,
  valid_from timestamptz NOT NULL,
  valid_to   timestamptz,
  PRIMARY KEY (code, valid_from),
  CHECK (valid_to IS NULL OR valid_to > valid_from)
);
CREATE INDEX area_boundary_history_current_idx ON area_boundary_history (code) WHERE valid_to IS NULL;
COMMENT ON TABLE area_boundary_history IS
  'Every boundary of every area, one row per generation; the row with valid_to NULL is the current one. Kept by a trigger on commgrid.area';
COMMENT ON COLUMN area_boundary_history.code IS 'The area';
COMMENT ON COLUMN area_boundary_history.boundary IS 'The boundary in force during [valid_from, valid_to), MultiPolygon EPSG:4490';
COMMENT ON COLUMN area_boundary_history.valid_from IS 'Start of the transaction that set this boundary';
COMMENT ON COLUMN area_boundary_history.valid_to IS 'Start of the transaction that replaced or removed it; NULL while current';
SELECT pg_catalog.pg_extension_config_dump('area_boundary_history', '');

CREATE FUNCTION area_record_history() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    IF TG_OP = 'UPDATE' AND NEW.code = OLD.code AND NEW.boundary IS NOT DISTINCT FROM OLD.boundary THEN
      RETURN NULL;
    END IF;
    -- a generation that began in this same transaction was never seen by anyone else
    DELETE FROM commgrid.area_boundary_history
     WHERE code = OLD.code AND valid_to IS NULL AND valid_from = now();
    UPDATE commgrid.area_boundary_history SET valid_to = now()
     WHERE code = OLD.code AND valid_to IS NULL;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.boundary IS NOT NULL THEN
    INSERT INTO commgrid.area_boundary_history (code, boundary, valid_from)
    VALUES (NEW.code, NEW.boundary, now());
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION area_record_history() IS
  'Trigger: closes an area''s current boundary generation and opens the new one when its boundary changes';

CREATE TRIGGER area_record_history
  AFTER INSERT OR UPDATE OF code, boundary OR DELETE ON area
  FOR EACH ROW EXECUTE FUNCTION area_record_history();

CREATE FUNCTION locate_at(location geometry, at timestamptz, level text DEFAULT 'grid') RETURNS gridcode
  AS 'MODULE_PATHNAME', 'commgrid_locate_at' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION locate_at(geometry, timestamptz, text) IS
  'Like commgrid.locate, with the boundaries in force at a past time (from commgrid.area_boundary_history), under the same half-open rule';
-- Redraw: replace the boundaries of a set of areas in one step, refuse a redraw that leaves a
-- gap or an overlap inside a parent, keep the old boundaries as history, and reassign the
-- rows of every registered table in the changed region.

CREATE FUNCTION redraw(codes gridcode[], boundaries geometry[])
RETURNS TABLE (assigned_table regclass, from_code gridcode, to_code gridcode, rows bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  tolerance_m2 CONSTANT float8 := 0.01;
  problem record;
  boxes geometry[];
  region geometry;
  t record;
  moved record;
  n int;
BEGIN
  n := cardinality(codes);
  IF n IS NULL OR n = 0 THEN
    RAISE EXCEPTION 'redraw needs at least one area' USING ERRCODE = '22023';
  END IF;
  IF cardinality(boundaries) IS DISTINCT FROM n THEN
    RAISE EXCEPTION 'redraw got % codes but % boundaries', n, coalesce(cardinality(boundaries), 0)
      USING ERRCODE = '22023', HINT = 'Give one boundary for each code, in the same order.';
  END IF;
  IF array_position(codes, NULL) IS NOT NULL OR array_position(boundaries, NULL) IS NOT NULL THEN
    RAISE EXCEPTION 'redraw got a NULL code or boundary' USING ERRCODE = '22023',
      DETAIL = format('Position %s.', coalesce(array_position(codes, NULL), array_position(boundaries, NULL)));
  END IF;
  IF (SELECT count(DISTINCT c) FROM unnest(codes) c) <> n THEN
    RAISE EXCEPTION 'redraw got an area twice' USING ERRCODE = '22023',
      DETAIL = (SELECT format('Area %s appears more than once.', min(c::text)) FROM unnest(codes) c
                GROUP BY c HAVING count(*) > 1 LIMIT 1);
  END IF;
  SELECT c INTO problem FROM unnest(codes) c WHERE NOT EXISTS (SELECT 1 FROM commgrid.area a WHERE a.code = c) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'area % does not exist', problem.c USING ERRCODE = '23503',
      HINT = 'Insert new areas into commgrid.area first; redraw only changes boundaries.';
  END IF;

  -- the redrawn boundaries, normalised as commgrid.area stores them (no write yet)
  IF to_regclass('pg_temp.commgrid_redraw') IS NULL THEN
    CREATE TEMP TABLE commgrid_redraw (code gridcode PRIMARY KEY, old geometry, new geometry) ON COMMIT DROP;
  END IF;
  TRUNCATE pg_temp.commgrid_redraw;
  INSERT INTO pg_temp.commgrid_redraw
  SELECT r.code, a.boundary,
         ST_Multi(CASE WHEN ST_SRID(r.g) = 4326 THEN ST_Transform(r.g, 4490) ELSE r.g END)
  FROM unnest(codes, boundaries) r(code, g) JOIN commgrid.area a ON a.code = r.code;
  SELECT code, ST_SRID(new) AS srid INTO problem FROM pg_temp.commgrid_redraw WHERE ST_SRID(new) <> 4490 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'new boundary of area % has SRID %', problem.code, problem.srid USING ERRCODE = '22023',
      HINT = 'Boundaries are EPSG:4490 (or 4326, transformed).';
  END IF;
  SELECT code, ST_IsValidReason(new) AS reason INTO problem FROM pg_temp.commgrid_redraw
   WHERE GeometryType(new) <> 'MULTIPOLYGON' OR NOT ST_IsValid(new) LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'new boundary of area % is not a valid polygon', problem.code USING ERRCODE = '23514',
      DETAIL = problem.reason;
  END IF;

  -- coverage: inside every parent of a redrawn area, and every redrawn area that has
  -- children, the children must still tile the parent: no gap, no overlap, nothing outside
  FOR problem IN
    WITH after AS (
      SELECT a.code, a.parent, coalesce(r.new, a.boundary) AS boundary, r.code IS NOT NULL AS redrawn
      FROM commgrid.area a LEFT JOIN pg_temp.commgrid_redraw r ON r.code = a.code),
    parents AS (
      SELECT DISTINCT p.code, p.boundary FROM after p
      WHERE p.code IN (SELECT parent FROM after WHERE redrawn)
         OR (p.redrawn AND EXISTS (SELECT 1 FROM after c WHERE c.parent = p.code))),
    overlapping AS (
      SELECT 'overlap' AS kind, ARRAY[c1.code, c2.code] AS areas,
             ST_Area(ST_Intersection(c1.boundary, c2.boundary)::geography) AS m2
      FROM parents p JOIN after c1 ON c1.parent = p.code JOIN after c2 ON c2.parent = p.code
      WHERE c1.code < c2.code AND (c1.redrawn OR c2.redrawn OR p.code IN (SELECT code FROM pg_temp.commgrid_redraw))
        AND c1.boundary && c2.boundary AND ST_Intersects(c1.boundary, c2.boundary)),
    gaps AS (
      SELECT 'gap' AS kind, ARRAY[p.code] AS areas,
             ST_Area(ST_Difference(p.boundary, ST_Union(c.boundary))::geography) AS m2
      FROM parents p JOIN after c ON c.parent = p.code
      WHERE p.boundary IS NOT NULL AND c.boundary IS NOT NULL
      GROUP BY p.code, p.boundary),
    outside_parent AS (
      SELECT 'outside_parent' AS kind, ARRAY[c.code, p.code] AS areas,
             ST_Area(ST_Difference(c.boundary, p.boundary)::geography) AS m2
      FROM parents p JOIN after c ON c.parent = p.code
      WHERE p.boundary IS NOT NULL AND c.boundary IS NOT NULL)
    SELECT * FROM (SELECT * FROM overlapping UNION ALL SELECT * FROM gaps UNION ALL SELECT * FROM outside_parent) x
    WHERE m2 > tolerance_m2
    ORDER BY kind, areas
  LOOP
    RAISE EXCEPTION 'redraw refused: it leaves % of % m² (%)', CASE problem.kind WHEN 'gap' THEN 'a gap'
                      WHEN 'overlap' THEN 'an overlap' ELSE 'an area outside its parent' END,
                    round(problem.m2), array_to_string(problem.areas, ', ')
      USING ERRCODE = '23514',
            DETAIL = CASE problem.kind
              WHEN 'gap' THEN format('Inside parent %s, %s m² are covered by none of its children.', problem.areas[1], round(problem.m2))
              WHEN 'overlap' THEN format('Areas %s and %s overlap by %s m².', problem.areas[1], problem.areas[2], round(problem.m2))
              ELSE format('%s m² of area %s lie outside its parent %s.', round(problem.m2), problem.areas[1], problem.areas[2]) END,
            HINT = 'Redraw the neighbouring areas in the same call so that the children tile their parent.';
  END LOOP;

  -- write: the history and generation triggers on commgrid.area do the rest
  UPDATE commgrid.area a SET boundary = r.new FROM pg_temp.commgrid_redraw r
   WHERE a.code = r.code AND a.boundary IS DISTINCT FROM r.new;

  -- the changed region: the boxes of what changed, old against new
  SELECT array_agg(ST_Envelope(coalesce(ST_SymDifference(old, new), new))), ST_Extent(coalesce(ST_SymDifference(old, new), new))::geometry
    INTO boxes, region
  FROM pg_temp.commgrid_redraw WHERE old IS DISTINCT FROM new;
  IF boxes IS NULL THEN
    RETURN;
  END IF;
  region := ST_SetSRID(region, 4490);

  FOR t IN SELECT a.tbl, a.location_column, a.code_column, a.level FROM commgrid.assigned_table a
           WHERE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = a.tbl) ORDER BY a.tbl::text
  LOOP
    FOR moved IN EXECUTE format(
      'WITH candidate AS (
         SELECT x.ctid AS row_id, x.%2$I AS old_code, commgrid.locate(x.%3$I, %4$L) AS new_code
         FROM %1$s x WHERE x.%3$I && $1 AND x.%3$I && ANY ($2)
         FOR UPDATE OF x),
       changed AS (
         UPDATE %1$s x SET %2$I = c.new_code FROM candidate c
         WHERE x.ctid = c.row_id AND c.old_code IS DISTINCT FROM c.new_code
         RETURNING c.old_code, c.new_code)
       SELECT old_code, new_code, count(*) AS n FROM changed GROUP BY old_code, new_code
       ORDER BY old_code NULLS FIRST, new_code NULLS FIRST',
      t.tbl, t.code_column, t.location_column, t.level) USING region, boxes
    LOOP
      assigned_table := t.tbl;
      from_code := moved.old_code;
      to_code := moved.new_code;
      rows := moved.n;
      RETURN NEXT;
    END LOOP;
  END LOOP;
END $$;
COMMENT ON FUNCTION redraw(gridcode[], geometry[]) IS
  'Replaces the boundaries of the given areas in one step. Refuses (23514) a redraw that leaves a gap, an overlap or an area outside its parent (over 0.01 m²); keeps the old boundaries in commgrid.area_boundary_history; reassigns the rows of every registered table in the changed region and returns, per table, how many rows moved from which area to which';
-- Coverage checks ("no dead corner", 无死角全覆盖): do the children of an area tile it exactly?
--
-- Every area is measured on the CGCS2000 ellipsoid, in m² (see polygon_pieces).  Pieces smaller than
-- 0.01 m² or thinner than 1 mm on average (mean width = 2·area / perimeter) are numeric noise
-- from noding boundaries that were digitised separately, and are never reported.  A polygon
-- of a child that is smaller than 10 m² or thinner than 1 m on average is a sliver: no real
-- grid, community or township has such a part, so it is a digitising error.

-- The polygons of a geometry with their size in metres.  Coverage is decided by GEOS on the
-- longitude/latitude plane, so a piece is measured as that plane's region on the CGCS2000
-- ellipsoid: scaled about its centroid by the meridian and parallel radii there (a local
-- equirectangular projection, true to second order: relative error about 1e-6 for a piece
-- 5 km tall, 1e-4 for 50 km).  ST_Area(geography) is not used because it takes the edges as
-- geodesics, which bow away from the plane's straight edges: a 400 m edge along a parallel
-- already bounds 0.6 m² that the plane does not have, far above the noise threshold.
-- Neither STRICT nor SET search_path, so that the planner inlines it into its callers, which
-- then plan it once instead of on every call (ST_Dump(NULL) gives no row anyway); the
-- SQL-standard body binds its names when the extension is created, so no search_path can
-- redirect them.
CREATE FUNCTION polygon_pieces(g geometry)
RETURNS TABLE (piece geometry, area_m2 float8, mean_width_m float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
  -- OFFSET 0 keeps each step a subquery, so each expression is computed once per polygon
  SELECT d.geom, s.a, CASE WHEN s.p > 0 THEN 2 * s.a / s.p ELSE 0 END
    FROM public.ST_Dump(public.ST_CollectionExtract(g, 3)) d
   CROSS JOIN LATERAL (
     SELECT public.ST_Area(m.g) AS a, public.ST_Perimeter(m.g) AS p
       FROM (SELECT public.ST_Scale(public.ST_Translate(d.geom, -c.x, -c.y),
                      radians(1) * k.a / sqrt(k.w) * cos(radians(c.y)),            -- N cos φ
                      radians(1) * k.a * (1 - k.e2) / (k.w * sqrt(k.w))) AS g      -- M
               FROM (SELECT public.ST_X(ctr) AS x, public.ST_Y(ctr) AS y
                       FROM (SELECT public.ST_Centroid(d.geom) AS ctr OFFSET 0) o OFFSET 0) c
              -- CGCS2000: a = 6378137 m, e² = f(2 - f) with f = 1/298.257222101
              CROSS JOIN LATERAL (SELECT 0.0066943800229007869::float8 AS e2, 6378137.0::float8 AS a,
                                         1 - 0.0066943800229007869 * sin(radians(c.y)) ^ 2 AS w) k
             OFFSET 0) m
     OFFSET 0) s
   WHERE NOT public.ST_IsEmpty(d.geom);
END;
COMMENT ON FUNCTION polygon_pieces(geometry) IS
  'The polygons of a longitude/latitude geometry with their area (m²) and mean width 2·area/perimeter (m) on the CGCS2000 ellipsoid, measured in a local projection about each polygon''s centroid';

CREATE FUNCTION coverage_problems(parent gridcode)
RETURNS TABLE (kind text, areas gridcode[], problem geometry, area_m2 float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  -- thresholds, documented in README.md
  noise_m2       CONSTANT float8 := 0.01;
  noise_width_m  CONSTANT float8 := 0.001;
  sliver_m2      CONSTANT float8 := 10.0;
  sliver_width_m CONSTANT float8 := 1.0;
  p_code    gridcode := coverage_problems.parent;
  p_geom    geometry;
  p_usable  geometry;
  p_defect  geometry;
  p_valid   bool;
  v         record;
BEGIN
  IF p_code IS NULL THEN
    RAISE EXCEPTION 'parent area must not be NULL'
      USING ERRCODE = '22023', DETAIL = 'coverage_problems(parent) was called with NULL.';
  END IF;
  SELECT a.boundary INTO p_geom FROM commgrid.area a WHERE a.code = p_code;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'area % does not exist', p_code
      USING ERRCODE = 'P0002',
            DETAIL = format('No row of commgrid.area has code %s.', p_code),
            HINT = 'Pass the code of a registered district, township or community.';
  END IF;

  -- A grid is the lowest level: it has no children, so nothing can be wrong with them.
  IF commgrid.depth(p_code) >= 6 THEN
    RETURN;
  END IF;

  -- The parent itself: without a usable boundary there is no gap or outside to measure.
  p_valid := false;
  IF p_geom IS NOT NULL AND NOT ST_IsEmpty(p_geom) THEN
    v := ST_IsValidDetail(p_geom);
    p_valid := v.valid;
    IF v.valid THEN
      p_usable := p_geom;
    ELSE
      p_defect := ST_SetSRID(v.location, ST_SRID(p_geom));
      p_usable := ST_CollectionExtract(ST_MakeValid(p_geom), 3);
    END IF;
  END IF;

  -- Invalid children are repaired for the other checks, so an invalid child still covers
  -- its ground and its defect is reported once, as invalid, not again as a gap.
  RETURN QUERY
  WITH child AS MATERIALIZED (
    SELECT c.code, coalesce(d.valid, false) AS valid,
           ST_SetSRID(d.location, 4490) AS defect,
           CASE WHEN d.valid THEN c.boundary
                WHEN d.valid IS NOT NULL THEN ST_CollectionExtract(ST_MakeValid(c.boundary), 3)
           END AS g
      FROM commgrid.area c
      LEFT JOIN LATERAL (SELECT (ST_IsValidDetail(c.boundary)).*
                          WHERE c.boundary IS NOT NULL AND NOT ST_IsEmpty(c.boundary)) d ON true
     WHERE c.parent = p_code
  ), covered AS MATERIALIZED (
    -- union once
    SELECT ST_Union(ch.g) AS u FROM child ch WHERE ch.g IS NOT NULL AND NOT ST_IsEmpty(ch.g)
  ),
  -- each overlay computed once, before its pieces are measured (MATERIALIZED keeps the
  -- planner from moving the cheap filters after the overlays)
  uncovered AS MATERIALIZED (
    -- parent ∩ (parent △ union) is parent − union; GEOS 3.11 computes it in a fraction of
    -- the time ST_Difference(parent, union) takes when the union has thousands of vertices
    SELECT CASE WHEN covered.u IS NULL THEN p_usable
                ELSE ST_Intersection(p_usable, ST_SymDifference(p_usable, covered.u)) END AS g
      FROM covered WHERE p_usable IS NOT NULL
  ), beyond AS MATERIALIZED (
    SELECT ch.code, ST_Difference(ch.g, p_usable) AS g
      FROM child ch
     WHERE ch.g IS NOT NULL AND p_usable IS NOT NULL AND NOT ST_CoveredBy(ch.g, p_usable)
  ), shared AS MATERIALIZED (
    SELECT x.code AS code1, y.code AS code2, ST_Intersection(x.g, y.g) AS g
      FROM child x
      JOIN child y ON y.code > x.code AND x.g && y.g AND ST_Relate(x.g, y.g, '2********')
  ), found AS (
    SELECT 'invalid'::text AS k, ARRAY[p_code] AS ar, p_defect AS geom, NULL::float8 AS a
     WHERE NOT p_valid
    UNION ALL
    SELECT 'invalid', ARRAY[ch.code], ch.defect, NULL
      FROM child ch WHERE NOT ch.valid
    UNION ALL
    -- gap: the parent minus the union of its children, with the children bordering it
    SELECT 'gap',
           ARRAY[p_code] || ARRAY(SELECT ch.code FROM child ch
                                   WHERE ch.g && pc.piece AND ST_Intersects(ch.g, pc.piece)
                                   ORDER BY ch.code),
           pc.piece, pc.area_m2
      FROM uncovered CROSS JOIN LATERAL polygon_pieces(uncovered.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- outside_parent: the part of a child beyond the parent
    SELECT 'outside_parent', ARRAY[b.code], pc.piece, pc.area_m2
      FROM beyond b CROSS JOIN LATERAL polygon_pieces(b.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- overlap: each region shared by the interiors of two children, once per pair
    SELECT 'overlap', ARRAY[sh.code1, sh.code2], pc.piece, pc.area_m2
      FROM shared sh CROSS JOIN LATERAL polygon_pieces(sh.g) pc
     WHERE pc.area_m2 >= noise_m2 AND pc.mean_width_m >= noise_width_m
    UNION ALL
    -- sliver: a polygon of a child too small or too thin to be a real part of an area
    SELECT 'sliver', ARRAY[ch.code], pc.piece, pc.area_m2
      FROM child ch
     CROSS JOIN LATERAL polygon_pieces(ch.g) pc
     WHERE pc.area_m2 < sliver_m2 OR pc.mean_width_m < sliver_width_m
  )
  SELECT f.k, f.ar::gridcode[], f.geom, f.a
    FROM found f
   ORDER BY f.k, f.ar, f.a DESC NULLS LAST, ST_XMin(f.geom), ST_YMin(f.geom);
END $$;
COMMENT ON FUNCTION coverage_problems(gridcode) IS
  'Checks that the children of an area tile it: one row per gap, overlap (per pair), sliver, outside_parent or invalid boundary, with the areas involved, the problem geometry and its area in m²; nothing for a clean partition';
-- Snapping and footprints: points that fall in a gap or just outside (a geocoding error),
-- and campuses (a hospital, a school) that span several areas.

-- The area kinds of a level name, as commgrid.locate accepts them
CREATE FUNCTION level_kinds(level text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE level
    WHEN 'grid' THEN ARRAY['grid']
    WHEN 'community' THEN ARRAY['community', 'village']
    WHEN 'village' THEN ARRAY['community', 'village']
    WHEN 'township' THEN ARRAY['subdistrict', 'town']
    WHEN 'subdistrict' THEN ARRAY['subdistrict', 'town']
    WHEN 'town' THEN ARRAY['subdistrict', 'town']
    WHEN 'county' THEN ARRAY['district']
    WHEN 'district' THEN ARRAY['district']
  END;
COMMENT ON FUNCTION level_kinds(text) IS
  'The commgrid.area kinds of a level name (grid, community, township, county, or a kind itself); NULL for an unknown name';

CREATE FUNCTION locate_nearest(location geometry, max_distance_m float8, level text DEFAULT 'grid')
RETURNS TABLE (code gridcode, distance_m float8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  kinds     text[];
  covering  gridcode;
  loc       geometry;
  geo       geography;
  lat       float8;
  cand      record;
  lower_m   float8;
  d         float8;
  best_code gridcode;
  best_d    float8;
BEGIN
  IF max_distance_m = 'NaN'::float8 OR max_distance_m < 0 THEN
    RAISE EXCEPTION 'max_distance_m must be a distance in metres, not %', max_distance_m
      USING ERRCODE = '22023',
            DETAIL = 'The search radius is negative or NaN.',
            HINT = 'Pass 0 or more; Infinity means no limit.';
  END IF;
  -- locate() checks the point (type, SRID 4490/4326, finite) and the level, with its errors
  covering := commgrid.locate(location, level);
  IF covering IS NOT NULL THEN
    code := covering; distance_m := 0;
    RETURN NEXT;
    RETURN;
  END IF;
  IF ST_IsEmpty(location) THEN
    RETURN;
  END IF;
  kinds := commgrid.level_kinds(level);
  loc := CASE WHEN ST_SRID(location) = 4326 THEN ST_Transform(location, 4490) ELSE location END;
  geo := loc::geography;
  lat := abs(ST_Y(loc));

  -- Candidates come from the GiST index nearest first by distance in degrees.  A metre is
  -- never more than 1/(111319·cos φ) degree, so once that bound on a candidate's distance
  -- exceeds the best exact (geodesic) distance found, no later candidate can be nearer.
  FOR cand IN
    SELECT a.code, a.boundary, a.boundary <-> loc AS deg
      FROM commgrid.area a
     WHERE a.kind = ANY (kinds) AND a.boundary IS NOT NULL
     ORDER BY a.boundary <-> loc
  LOOP
    lower_m := cand.deg * 0.95 * least(110574.0, 111319.49 * cos(radians(least(lat + cand.deg, 90.0))));
    EXIT WHEN lower_m > max_distance_m OR lower_m > best_d;
    d := ST_Distance(cand.boundary::geography, geo);
    -- equal distances (to the millimetre) go to the lowest code
    IF d <= max_distance_m AND
       (best_d IS NULL OR round(d::numeric, 3) < round(best_d::numeric, 3) OR
        (round(d::numeric, 3) = round(best_d::numeric, 3) AND cand.code < best_code)) THEN
      best_code := cand.code;
      best_d := d;
    END IF;
  END LOOP;
  IF best_code IS NOT NULL THEN
    code := best_code; distance_m := best_d;
    RETURN NEXT;
  END IF;
END $$;
COMMENT ON FUNCTION locate_nearest(geometry, float8, text) IS
  'The area of a level for a point that may lie in a gap or just outside (a geocoding error): the area commgrid.locate gives, at distance 0, else the nearest area within max_distance_m metres (geodesic distance on the CGCS2000 ellipsoid; distances equal to the millimetre go to the lowest code), else no row';

CREATE FUNCTION footprint_shares(footprint geometry, level text)
RETURNS TABLE (code gridcode, share float8, area_m2 float8)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  kinds  text[] := commgrid.level_kinds(level);
  fp     geometry;
  total  float8;
  v      record;
BEGIN
  IF kinds IS NULL THEN
    RAISE EXCEPTION 'unknown level "%"', level
      USING ERRCODE = '22023',
            HINT = 'Use grid, community, township or county (or the kinds village, subdistrict, town, district).';
  END IF;
  IF GeometryType(footprint) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
    RAISE EXCEPTION 'footprint must be a polygon, not a %', initcap(GeometryType(footprint))
      USING ERRCODE = '22023',
            DETAIL = 'A footprint is the outline of a campus: a Polygon or MultiPolygon.',
            HINT = 'For a point use commgrid.locate or commgrid.locate_nearest.';
  END IF;
  IF ST_SRID(footprint) NOT IN (4490, 4326) THEN
    RAISE EXCEPTION 'footprint has SRID %', ST_SRID(footprint)
      USING ERRCODE = '22023',
            DETAIL = 'Footprints must be longitude/latitude in EPSG:4490 (CGCS2000) or EPSG:4326 (WGS-84).',
            HINT = 'Transform it with ST_Transform(footprint, 4490).';
  END IF;
  IF ST_IsEmpty(footprint) THEN
    RAISE EXCEPTION 'footprint is empty'
      USING ERRCODE = '22023', DETAIL = 'An empty polygon has no area to share out.';
  END IF;
  fp := ST_Force2D(CASE WHEN ST_SRID(footprint) = 4326 THEN ST_Transform(footprint, 4490)
                        ELSE footprint END);
  IF NOT (ST_XMin(fp) BETWEEN -180 AND 180 AND ST_XMax(fp) BETWEEN -180 AND 180 AND
          ST_YMin(fp) BETWEEN -90 AND 90 AND ST_YMax(fp) BETWEEN -90 AND 90) THEN
    RAISE EXCEPTION 'footprint is not in longitude/latitude'
      USING ERRCODE = '22023',
            DETAIL = format('Its extent %s lies beyond [-180, 180] × [-90, 90] or is not finite.', Box2D(fp)::text);
  END IF;
  v := ST_IsValidDetail(fp);
  IF NOT v.valid THEN
    RAISE EXCEPTION 'footprint is not a valid polygon'
      USING ERRCODE = '22023',
            DETAIL = format('%s at %s.', v.reason, ST_AsText(v.location)),
            HINT = 'ST_MakeValid can repair it; check the result.';
  END IF;
  SELECT sum(p.area_m2) INTO total FROM commgrid.polygon_pieces(fp) p;
  IF NOT total > 0 THEN
    RAISE EXCEPTION 'footprint has no area'
      USING ERRCODE = '22023', DETAIL = 'Its polygons are degenerate.';
  END IF;

  -- each area's part of the footprint, measured as coverage_problems measures; parts under
  -- 0.01 m² are noise from a footprint drawn along an area's edge
  RETURN QUERY
  SELECT s.code, s.a / total, s.a
    FROM (SELECT a.code, (SELECT sum(p.area_m2)
                            FROM commgrid.polygon_pieces(ST_Intersection(a.boundary, fp)) p) AS a
            FROM commgrid.area a
           WHERE a.kind = ANY (kinds) AND a.boundary && fp AND ST_Intersects(a.boundary, fp)) s
   WHERE s.a >= 0.01
   ORDER BY round(s.a::numeric, 2) DESC, s.code;
END $$;
COMMENT ON FUNCTION footprint_shares(geometry, text) IS
  'Every area of a level that a campus footprint (Polygon or MultiPolygon, EPSG:4490 or 4326) overlaps, with the share of the footprint''s area in it and that area in m², largest share first (shares equal to the 0.01 m² by code): the unit belongs to the first row and co-builds with all; any part outside every area is not listed, so shares then sum to less than 1';
-- Coordinate systems of Chinese web maps: WGS-84 / CGCS2000, GCJ-02 (Amap, Tencent) and
-- BD-09 (Baidu).  Points only; method and measured accuracy in README.md.

CREATE FUNCTION convert_coordinates(location geometry, from_system text, to_system text)
RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_convert' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION convert_coordinates(geometry, text, text) IS
  'Converts a longitude/latitude point between wgs84, cgcs2000, gcj02 and bd09 (any case, - or _ allowed); the result has SRID 4326 for wgs84, 4490 for cgcs2000 and 0 for gcj02 and bd09, which have no EPSG code; an empty point gives NULL';

CREATE FUNCTION wgs84_to_gcj02(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_wgs84_to_gcj02' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION wgs84_to_gcj02(geometry) IS
  'WGS-84 or CGCS2000 point (SRID 4326, 4490 or 0) to GCJ-02 (SRID 0), by the published formula; the identity outside China''s box';

CREATE FUNCTION gcj02_to_wgs84(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_gcj02_to_wgs84' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gcj02_to_wgs84(geometry) IS
  'GCJ-02 point (Amap, Tencent) to WGS-84 (SRID 4326), inverting the published formula by iteration: round trips agree to far better than a millimetre inside China';

CREATE FUNCTION gcj02_to_bd09(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_gcj02_to_bd09' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gcj02_to_bd09(geometry) IS
  'GCJ-02 point to BD-09 (Baidu, SRID 0), by Baidu''s published formula';

CREATE FUNCTION bd09_to_gcj02(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_bd09_to_gcj02' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bd09_to_gcj02(geometry) IS
  'BD-09 point (Baidu) to GCJ-02 (SRID 0), inverting the published formula by iteration';

CREATE FUNCTION wgs84_to_bd09(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_wgs84_to_bd09' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION wgs84_to_bd09(geometry) IS
  'WGS-84 or CGCS2000 point to BD-09 (SRID 0), through GCJ-02';

CREATE FUNCTION bd09_to_wgs84(location geometry) RETURNS geometry
  AS 'MODULE_PATHNAME', 'coordsys_bd09_to_wgs84' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION bd09_to_wgs84(geometry) IS
  'BD-09 point (Baidu) to WGS-84 (SRID 4326), through GCJ-02, both steps inverted by iteration';
-- idcard: the citizen ID number (GB 11643-1999), validated on input and stored in 8 bytes
-- (the first 17 digits as an int8), in the manner of contrib/isn.  The check character is
-- recomputed on output, so the int8 order is the order of the canonical text and comparison,
-- hashing and sorting reuse PostgreSQL's int8 functions.

CREATE TYPE idcard;

CREATE FUNCTION idcard_in(cstring) RETURNS idcard
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION idcard_out(idcard) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION idcard_recv(internal) RETURNS idcard
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION idcard_send(idcard) RETURNS bytea
  AS 'int8send' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE idcard (
  INPUT = idcard_in,
  OUTPUT = idcard_out,
  RECEIVE = idcard_recv,
  SEND = idcard_send,
  LIKE = pg_catalog.int8,
  CATEGORY = 'U'
);
COMMENT ON TYPE idcard IS
  'Citizen ID number (GB 11643-1999): 6-digit county address code, birth date YYYYMMDD, 3-digit sequence (odd = male), MOD 11-2 check character; legacy 15-digit numbers are upgraded on input';

CREATE CAST (text AS idcard) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS idcard) WITH INOUT AS IMPLICIT;
CREATE CAST (idcard AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (idcard AS varchar) WITH INOUT AS ASSIGNMENT;

-- comparison: int8's own functions, which are leakproof (row-level security keeps using indexes)
CREATE FUNCTION idcard_eq(idcard, idcard) RETURNS bool
  AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_ne(idcard, idcard) RETURNS bool
  AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_lt(idcard, idcard) RETURNS bool
  AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_le(idcard, idcard) RETURNS bool
  AS 'int8le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_gt(idcard, idcard) RETURNS bool
  AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_ge(idcard, idcard) RETURNS bool
  AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_cmp(idcard, idcard) RETURNS int4
  AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_sortsupport(internal) RETURNS void
  AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
-- hashing must never change between releases: Citus places shards by it
CREATE FUNCTION idcard_hash(idcard) RETURNS int4
  AS 'hashint8' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION idcard_hash_extended(idcard, int8) RETURNS int8
  AS 'hashint8extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (
  LEFTARG = idcard, RIGHTARG = idcard, FUNCTION = idcard_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS idcard_ops DEFAULT FOR TYPE idcard USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 idcard_cmp(idcard, idcard),
  FUNCTION 2 idcard_sortsupport(internal);
CREATE OPERATOR CLASS idcard_hash_ops DEFAULT FOR TYPE idcard USING hash AS
  OPERATOR 1 =,
  FUNCTION 1 idcard_hash(idcard),
  FUNCTION 2 idcard_hash_extended(idcard, int8);

-- what the number says
CREATE FUNCTION birth_date(idcard) RETURNS date
  AS 'MODULE_PATHNAME', 'idcard_birth_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION birth_date(idcard) IS 'Birth date (digits 7-14)';

CREATE FUNCTION sex(idcard) RETURNS text
  AS 'MODULE_PATHNAME', 'idcard_sex' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sex(idcard) IS 'male or female: the parity of the sequence''s last digit (digit 17, odd = male)';

-- IMMUTABLE: the result depends only on the two arguments.  The default current_date is
-- evaluated at the call site, so age(id) is stable there and cannot go into an index.
CREATE FUNCTION age(idcard, at date DEFAULT current_date) RETURNS int
  AS 'MODULE_PATHNAME', 'idcard_age' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION age(idcard, date) IS
  'Age in whole years on a date (today by default); born 29 February, a year older on 1 March in common years; an error for a date before birth';

CREATE FUNCTION region(idcard) RETURNS gridcode
  AS 'MODULE_PATHNAME', 'idcard_region' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION region(idcard) IS
  'County of registration: the address code (digits 1-6) as a county-level gridcode';

CREATE FUNCTION mask(idcard) RETURNS text
  AS 'MODULE_PATHNAME', 'idcard_mask' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
COMMENT ON FUNCTION mask(idcard) IS
  'The number for display to those who may not see it: first 6 and last 4 characters, 8 stars between';

CREATE FUNCTION is_valid_idcard(text) RETURNS bool
  AS 'MODULE_PATHNAME', 'idcard_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION is_valid_idcard(text) IS
  'Would the text be accepted as an idcard? For loaders that set bad rows aside instead of failing';

CREATE FUNCTION make_idcard(county gridcode, birth date, sequence int) RETURNS idcard
  AS 'MODULE_PATHNAME', 'idcard_make' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION make_idcard(gridcode, date, int) IS
  'Build a citizen ID from county code, birth date and sequence (0-999, odd = male), computing the check character';
-- Households and residents.  A household has a location; the spatial engine puts it into
-- exactly one grid, and its residents take the household's grid.  Every row carries the
-- gridcode that scopes it (grid_code, community_code), so row-level security can restrict
-- each role to its jurisdiction with `grid_code <@ …` on a B-tree index.

CREATE TABLE household (
  household_id   bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  address        text NOT NULL CHECK (btrim(address) <> ''),
  location       geometry(Point, 4490) NOT NULL,
  grid_code      gridcode REFERENCES area (code) ON UPDATE CASCADE,
  community_code gridcode GENERATED ALWAYS AS (
                   CASE WHEN commgrid.depth(grid_code) = 6 THEN commgrid.ancestor(grid_code, 5) END) STORED,
  CONSTRAINT household_grid_is_grid CHECK (commgrid.depth(grid_code) = 6)
);
CREATE INDEX household_grid_code_idx ON household (grid_code);
CREATE INDEX household_community_code_idx ON household (community_code);
CREATE INDEX household_location_idx ON household USING gist (location);
-- finds the households no grid covers, for the district report's "residents unassigned"
CREATE INDEX household_unassigned_idx ON household USING gist (location) WHERE grid_code IS NULL;

COMMENT ON TABLE household IS
  'A registered household (户) at one address; its location decides its grid and community';
COMMENT ON COLUMN household.household_id IS 'Stable household id';
COMMENT ON COLUMN household.address IS '[personal] Postal address, e.g. 养育巷12号3幢201室';
COMMENT ON COLUMN household.location IS 'The dwelling, a Point in EPSG:4490 (CGCS2000)';
COMMENT ON COLUMN household.grid_code IS
  'Grid that covers the location, set by the spatial engine; NULL only while no grid covers it';
COMMENT ON COLUMN household.community_code IS 'Community of the grid (derived from grid_code)';

-- A place's grid is always the engine's answer for its location.  The engine's trigger
-- (register_assigned_table) sets it on insert and when the location moves, and redraw()
-- reassigns the rows when boundaries change; a grid_code written by hand is put right here.
SELECT commgrid.register_assigned_table('commgrid.household', 'location', 'grid_code', 'grid');

CREATE FUNCTION keep_grid_of_location() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  NEW.grid_code := commgrid.locate(NEW.location, 'grid');
  RETURN NEW;
END $$;
COMMENT ON FUNCTION keep_grid_of_location() IS
  'Trigger: a grid_code set by hand is replaced by commgrid.locate(location, ''grid''), so it never disagrees with the location';

CREATE TRIGGER household_keep_grid_of_location BEFORE UPDATE OF grid_code ON household
  FOR EACH ROW WHEN (NEW.grid_code IS DISTINCT FROM OLD.grid_code)
  EXECUTE FUNCTION keep_grid_of_location();

CREATE TABLE resident (
  resident_id        bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  idcard             idcard UNIQUE,
  name               text NOT NULL CHECK (btrim(name) <> ''),
  phone              text CHECK (phone ~ '^\+?[0-9][0-9 -]{4,19}$'),
  household_id       bigint NOT NULL REFERENCES household ON DELETE RESTRICT,
  grid_code          gridcode,
  community_code     gridcode GENERATED ALWAYS AS (
                   CASE WHEN commgrid.depth(grid_code) = 6 THEN commgrid.ancestor(grid_code, 5) END) STORED,
  vulnerable_kinds   text[] NOT NULL DEFAULT '{}',
  empty_nest_elderly boolean NOT NULL DEFAULT false,
  living_alone       boolean NOT NULL DEFAULT false,
  disability         boolean NOT NULL DEFAULT false,
  CONSTRAINT resident_vulnerable_kinds_known CHECK (vulnerable_kinds <@ ARRAY[
    'minimum_living_allowance', 'extreme_poverty', 'low_income_margin', 'serious_illness',
    'unsupported_child', 'zero_employment_family', 'other']::text[])
);
CREATE INDEX resident_household_idx ON resident (household_id);
CREATE INDEX resident_grid_code_idx ON resident (grid_code);
CREATE INDEX resident_community_code_idx ON resident (community_code);

COMMENT ON TABLE resident IS
  'A person living in the district (常住人口); the person registry that Party members, secretaries and staff refer to by resident_id';
COMMENT ON COLUMN resident.resident_id IS 'Stable person id: reference this, never the citizen ID';
COMMENT ON COLUMN resident.idcard IS '[personal] Citizen ID number; NULL for a person who has none (e.g. a foreign national)';
COMMENT ON COLUMN resident.name IS '[personal] Full name';
COMMENT ON COLUMN resident.phone IS '[personal] Contact phone: digits, optional leading +, spaces or hyphens';
COMMENT ON COLUMN resident.household_id IS 'The household the person lives in; it gives the grid';
COMMENT ON COLUMN resident.grid_code IS 'Grid of the household, kept equal to it by triggers (filled when omitted, put right when wrong)';
COMMENT ON COLUMN resident.community_code IS 'Community of the grid (derived from grid_code)';
COMMENT ON COLUMN resident.vulnerable_kinds IS
  '[personal] 困难群体 kinds: minimum_living_allowance (低保), extreme_poverty (特困供养), low_income_margin (低保边缘), serious_illness (大病), unsupported_child (孤儿、事实无人抚养), zero_employment_family (零就业家庭), other; empty = not in a vulnerable group';
COMMENT ON COLUMN resident.empty_nest_elderly IS '[personal] Empty-nest elderly (空巢老人): wearable care and visits';
COMMENT ON COLUMN resident.living_alone IS '[personal] Lives alone (独居)';
COMMENT ON COLUMN resident.disability IS '[personal] Has a disability (残疾)';

-- A resident's grid is the household's: taken on insert and on every update, so it cannot drift.
CREATE FUNCTION resident_take_household_grid() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  SELECT h.grid_code INTO NEW.grid_code
  FROM commgrid.household h WHERE h.household_id = NEW.household_id;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION resident_take_household_grid() IS
  'Trigger: a resident''s grid_code is always the household''s';

CREATE TRIGGER resident_take_household_grid BEFORE INSERT ON resident
  FOR EACH ROW WHEN (NEW.grid_code IS NULL) EXECUTE FUNCTION resident_take_household_grid();

-- A grid_code given on insert (bulk loads join the household and give it, skipping the
-- per-row lookup) is checked once for the whole statement, and a wrong one put right; under
-- row-level security that correction is refused when the right grid is outside the caller's
-- jurisdiction, so the insert fails.
CREATE FUNCTION resident_check_given_grid() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  UPDATE commgrid.resident r SET grid_code = h.grid_code
  FROM new_residents n JOIN commgrid.household h USING (household_id)
  WHERE r.resident_id = n.resident_id
    AND n.grid_code IS DISTINCT FROM h.grid_code;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION resident_check_given_grid() IS
  'Trigger: after an insert, residents whose given grid_code differs from their household''s get the household''s';

CREATE TRIGGER resident_check_given_grid AFTER INSERT ON resident
  REFERENCING NEW TABLE AS new_residents
  FOR EACH STATEMENT EXECUTE FUNCTION resident_check_given_grid();
-- on update only when the household or the grid is touched (residents follow their household
-- through household_pass_grid_to_residents)
CREATE TRIGGER resident_keep_household_grid BEFORE UPDATE ON resident
  FOR EACH ROW WHEN (NEW.household_id IS DISTINCT FROM OLD.household_id
                     OR NEW.grid_code IS DISTINCT FROM OLD.grid_code)
  EXECUTE FUNCTION resident_take_household_grid();

-- When the engine (re)assigns households, their residents follow in one statement.
CREATE FUNCTION household_pass_grid_to_residents() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  UPDATE commgrid.resident r SET grid_code = n.grid_code
  FROM new_households n JOIN old_households o USING (household_id)
  WHERE r.household_id = n.household_id
    AND n.grid_code IS DISTINCT FROM o.grid_code;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION household_pass_grid_to_residents() IS
  'Trigger: residents follow their household when its grid changes';

CREATE TRIGGER household_pass_grid_to_residents AFTER UPDATE ON household
  REFERENCING NEW TABLE AS new_households OLD TABLE AS old_households
  FOR EACH STATEMENT EXECUTE FUNCTION household_pass_grid_to_residents();

-- user data: pg_dump saves these rows and their id sequences with the database
SELECT pg_catalog.pg_extension_config_dump('household', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('commgrid.household', 'household_id'), '');
SELECT pg_catalog.pg_extension_config_dump('resident', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('commgrid.resident', 'resident_id'), '');
-- Party organisations of the communities, as a tree: the community's own organisation (a Party
-- committee, general branch or branch) at the root, branches below it, and a Party group in
-- each grid below a branch.  Every organisation carries its community's code, and a Party
-- group its grid's; a composite foreign key keeps a child in its parent's community.

CREATE TABLE party_org (
  org_id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name           text NOT NULL CHECK (btrim(name) <> ''),
  kind           text NOT NULL
                 CHECK (kind IN ('committee', 'general_branch', 'branch', 'party_group')),
  parent_id      bigint,
  community_code gridcode NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  grid_code      gridcode REFERENCES area (code) ON UPDATE CASCADE,
  secretary_id   bigint,
  term_start     date,
  term_end       date GENERATED ALWAYS AS ((term_start + interval '5 years')::date) STORED,
  UNIQUE (org_id, community_code),
  FOREIGN KEY (parent_id, community_code) REFERENCES party_org (org_id, community_code)
    ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT party_org_community_is_community CHECK (commgrid.depth(community_code) = 5),
  CONSTRAINT party_org_group_has_grid CHECK ((kind = 'party_group') = (grid_code IS NOT NULL)),
  CONSTRAINT party_org_grid_in_community CHECK (
    grid_code IS NULL OR (commgrid.depth(grid_code) = 6 AND grid_code <@ community_code)),
  CONSTRAINT party_org_term_for_committees_and_branches CHECK (
    (kind = 'party_group') = (term_start IS NULL)),
  CONSTRAINT party_org_group_has_parent CHECK (kind <> 'party_group' OR parent_id IS NOT NULL)
);
CREATE UNIQUE INDEX party_org_one_root_per_community ON party_org (community_code)
  WHERE parent_id IS NULL;
CREATE UNIQUE INDEX party_org_one_group_per_grid ON party_org (grid_code)
  WHERE kind = 'party_group';
CREATE INDEX party_org_parent_idx ON party_org (parent_id);
CREATE INDEX party_org_community_code_idx ON party_org (community_code);
CREATE INDEX party_org_grid_code_idx ON party_org (grid_code);
CREATE INDEX party_org_secretary_idx ON party_org (secretary_id);

COMMENT ON TABLE party_org IS
  'Community Party organisations as a tree: the community''s committee (社区党委), general branch (党总支) or branch (党支部) at the root, branches under it, a Party group (党小组) per grid under a branch';
COMMENT ON COLUMN party_org.org_id IS 'Stable organisation id';
COMMENT ON COLUMN party_org.name IS 'Name, e.g. 中共养育巷社区委员会';
COMMENT ON COLUMN party_org.kind IS 'committee, general_branch, branch or party_group';
COMMENT ON COLUMN party_org.parent_id IS
  'The organisation above, in the same community; NULL for the community''s own organisation (one per community)';
COMMENT ON COLUMN party_org.community_code IS 'The community the organisation belongs to';
COMMENT ON COLUMN party_org.grid_code IS 'For a Party group, its grid (one group per grid); NULL otherwise';
COMMENT ON COLUMN party_org.secretary_id IS
  'Secretary, or a Party group''s leader (组长): a Party member (resident_id); NULL while vacant';
COMMENT ON COLUMN party_org.term_start IS 'Start of the current term; NULL for a Party group, which has none';
COMMENT ON COLUMN party_org.term_end IS 'End of the current term: community organisations serve 5 years';

-- The committee of a Party organisation (支部委员会, 总支委员会, 党委): who holds which post.
-- Cross-appointments (交叉任职) with resident units reference these rows' people.
CREATE TABLE party_org_committee (
  org_id         bigint NOT NULL,
  resident_id    bigint NOT NULL,
  community_code gridcode NOT NULL,
  post           text NOT NULL CHECK (post IN ('secretary', 'deputy_secretary', 'member')),
  PRIMARY KEY (org_id, resident_id),
  FOREIGN KEY (org_id, community_code) REFERENCES party_org (org_id, community_code)
    ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX party_org_committee_community_code_idx ON party_org_committee (community_code);
CREATE INDEX party_org_committee_resident_idx ON party_org_committee (resident_id);

COMMENT ON TABLE party_org_committee IS
  'Elected committee of a Party organisation; a branch with 7 or more full members must have one (3-5 members)';
COMMENT ON COLUMN party_org_committee.org_id IS 'The organisation';
COMMENT ON COLUMN party_org_committee.resident_id IS 'The committee member (a Party member)';
COMMENT ON COLUMN party_org_committee.community_code IS 'The organisation''s community (filled in when omitted)';
COMMENT ON COLUMN party_org_committee.post IS 'secretary, deputy_secretary or member';

-- The tree's shape: which kind may stand under which.
CREATE FUNCTION party_org_child_kinds(kind text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE kind
         WHEN 'committee' THEN ARRAY['general_branch', 'branch']
         WHEN 'general_branch' THEN ARRAY['branch']
         WHEN 'branch' THEN ARRAY['party_group']
         ELSE ARRAY[]::text[] END;
COMMENT ON FUNCTION party_org_child_kinds(text) IS
  'Kinds that may stand under an organisation of this kind: committee > general_branch > branch > party_group, and a committee may hold branches directly';

-- The tree's shape checked with clear messages.
CREATE FUNCTION party_org_check_tree() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  parent_kind text;
  allowed text[];
  child_kinds text[];
BEGIN
  IF NEW.parent_id IS NULL THEN
    IF NEW.kind NOT IN ('committee', 'general_branch', 'branch') THEN
      RAISE EXCEPTION 'a % cannot be a community''s own organisation', NEW.kind
        USING ERRCODE = '23514',
              HINT = 'A Party group stands under a branch; set parent_id.';
    END IF;
  ELSE
    SELECT kind INTO parent_kind FROM commgrid.party_org WHERE org_id = NEW.parent_id;
    allowed := commgrid.party_org_child_kinds(parent_kind);
    IF parent_kind IS NOT NULL AND NOT NEW.kind = ANY (allowed) THEN
      RAISE EXCEPTION 'a % cannot stand under a %', NEW.kind, parent_kind
        USING ERRCODE = '23514',
              DETAIL = format('Organisation %s (%s) is a %s; under it may stand: %s.',
                              NEW.parent_id, NEW.name, parent_kind,
                              coalesce(nullif(array_to_string(allowed, ', '), ''), 'nothing')),
              HINT = 'committee > general_branch > branch > party_group; a committee may also hold branches directly.';
    END IF;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.kind <> OLD.kind THEN
    SELECT array_agg(DISTINCT kind) INTO child_kinds
    FROM commgrid.party_org WHERE parent_id = NEW.org_id;
    IF child_kinds IS NOT NULL AND NOT child_kinds <@ commgrid.party_org_child_kinds(NEW.kind) THEN
      RAISE EXCEPTION 'organisation % cannot become a %: it holds %', NEW.org_id, NEW.kind,
                      array_to_string(child_kinds, ', ')
        USING ERRCODE = '23514';
    END IF;
    IF OLD.kind = 'branch' AND EXISTS (SELECT 1 FROM commgrid.party_member WHERE org_id = NEW.org_id) THEN
      RAISE EXCEPTION 'branch % cannot become a %: Party members belong to it', NEW.org_id, NEW.kind
        USING ERRCODE = '23514', HINT = 'Move its members to another branch first.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION party_org_check_tree() IS
  'Trigger: committee > general_branch > branch > party_group, each under a kind that may hold it';

CREATE TRIGGER party_org_check_tree BEFORE INSERT OR UPDATE OF kind, parent_id ON party_org
  FOR EACH ROW EXECUTE FUNCTION party_org_check_tree();

-- A row scoped by its organisation takes the organisation's community when none is given.
CREATE FUNCTION take_org_community() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF NEW.community_code IS NULL THEN
    SELECT community_code INTO NEW.community_code
    FROM commgrid.party_org WHERE org_id = NEW.org_id;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION take_org_community() IS
  'Trigger: fill community_code from the row''s org_id (the composite foreign key then keeps it right)';

CREATE TRIGGER party_org_committee_take_community BEFORE INSERT ON party_org_committee
  FOR EACH ROW EXECUTE FUNCTION take_org_community();

-- user data: pg_dump saves these rows and their id sequences with the database
SELECT pg_catalog.pg_extension_config_dump('party_org', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('commgrid.party_org', 'org_id'), '');
SELECT pg_catalog.pg_extension_config_dump('party_org_committee', '');
-- Party members, their dues, and floating members (流动党员).  A member is a resident who
-- belongs to a branch of a community, is placed in one of that community's grids
-- (党员划入网格) and may claim a post there (认领岗位).

CREATE TABLE party_member (
  resident_id    bigint PRIMARY KEY REFERENCES resident ON DELETE RESTRICT,
  org_id         bigint NOT NULL,
  community_code gridcode NOT NULL,
  status         text NOT NULL CHECK (status IN ('full', 'probationary')),
  category       text NOT NULL CHECK (category IN (
                   'retired', 'farm_to_urban', 'veteran', 'job_seeking_graduate',
                   'in_service', 'laid_off', 'other')),
  joined_on      date,
  grid_code      gridcode REFERENCES area (code) ON UPDATE CASCADE,
  claimed_post   text CHECK (btrim(claimed_post) <> ''),
  UNIQUE (resident_id, community_code),
  FOREIGN KEY (org_id, community_code) REFERENCES party_org (org_id, community_code)
    ON UPDATE CASCADE ON DELETE RESTRICT,
  CONSTRAINT party_member_grid_in_community CHECK (
    grid_code IS NULL OR (commgrid.depth(grid_code) = 6 AND grid_code <@ community_code)),
  CONSTRAINT party_member_post_needs_grid CHECK (claimed_post IS NULL OR grid_code IS NOT NULL)
);
CREATE INDEX party_member_org_idx ON party_member (org_id);
CREATE INDEX party_member_community_code_idx ON party_member (community_code);
CREATE INDEX party_member_grid_code_idx ON party_member (grid_code);

COMMENT ON TABLE party_member IS
  'A Party member in a community branch: status, category, grid and claimed post; inflow floating members are here too, attached to the branch that receives them';
COMMENT ON COLUMN party_member.resident_id IS 'The member (a resident): the stable member id';
COMMENT ON COLUMN party_member.org_id IS 'The branch (kind branch) the member belongs to or is received by';
COMMENT ON COLUMN party_member.community_code IS 'The branch''s community (filled in when omitted)';
COMMENT ON COLUMN party_member.status IS 'full (正式党员) or probationary (预备党员)';
COMMENT ON COLUMN party_member.category IS
  'retired (离退休), farm_to_urban (农转城), veteran (退转军人), job_seeking_graduate (待业大学生), in_service (在职), laid_off (下岗失业), other';
COMMENT ON COLUMN party_member.joined_on IS 'Date of joining the Party; NULL when not known here (e.g. an inflow floating member)';
COMMENT ON COLUMN party_member.grid_code IS 'The grid the member is placed in (党员划入网格); one of the community''s grids';
COMMENT ON COLUMN party_member.claimed_post IS 'The post claimed in the grid (认领岗位), e.g. 楼栋联络员';

-- Members belong to branches; the community comes from the branch.
CREATE FUNCTION party_member_check_org() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  org commgrid.party_org;
BEGIN
  SELECT * INTO org FROM commgrid.party_org WHERE org_id = NEW.org_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'Party organisation % does not exist', NEW.org_id
      USING ERRCODE = '23503';
  END IF;
  IF org.kind <> 'branch' THEN
    RAISE EXCEPTION 'Party members belong to a branch, and % (%) is a %', org.org_id, org.name, org.kind
      USING ERRCODE = '23514',
            HINT = 'Attach the member to one of the branches under it.';
  END IF;
  NEW.community_code := org.community_code;
  IF NEW.grid_code IS NOT NULL AND NOT (commgrid.depth(NEW.grid_code) = 6 AND NEW.grid_code <@ NEW.community_code) THEN
    RAISE EXCEPTION 'grid % is not a grid of community %', NEW.grid_code, NEW.community_code
      USING ERRCODE = '23514',
            DETAIL = format('Member %s belongs to branch %s of community %s.', NEW.resident_id, org.org_id, NEW.community_code),
            HINT = 'Place a member in a grid of the community of the member''s branch.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION party_member_check_org() IS
  'Trigger: a member belongs to a branch and is placed in one of its community''s grids';

CREATE TRIGGER party_member_check_org BEFORE INSERT OR UPDATE OF org_id, grid_code, community_code ON party_member
  FOR EACH ROW EXECUTE FUNCTION party_member_check_org();

-- Now the secretary and committee references can point at members.
ALTER TABLE party_org ADD FOREIGN KEY (secretary_id) REFERENCES party_member (resident_id)
  ON DELETE SET NULL;
ALTER TABLE party_org_committee ADD FOREIGN KEY (resident_id) REFERENCES party_member (resident_id)
  ON DELETE CASCADE;

-- Floating members: inflow (from an organisation elsewhere, showing the activity certificate)
-- and outflow (away from the community).  DOMAIN §4: away 1-6 months → an activity
-- certificate (流动党员活动证); over 6 months → the membership is transferred.
CREATE TABLE floating_member (
  resident_id    bigint PRIMARY KEY,
  community_code gridcode NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('inflow', 'outflow')),
  since          date NOT NULL,
  home_org       text CHECK (btrim(home_org) <> ''),
  destination    text CHECK (btrim(destination) <> ''),
  certificate_no text CHECK (btrim(certificate_no) <> ''),
  declared_on    date,
  transferred_on date,
  FOREIGN KEY (resident_id, community_code) REFERENCES party_member (resident_id, community_code)
    ON UPDATE CASCADE ON DELETE CASCADE,
  CONSTRAINT floating_member_inflow_shows_certificate CHECK (
    direction <> 'inflow' OR (home_org IS NOT NULL AND certificate_no IS NOT NULL)),
  CONSTRAINT floating_member_inflow_fields CHECK (
    direction <> 'inflow' OR (destination IS NULL AND transferred_on IS NULL)),
  CONSTRAINT floating_member_outflow_fields CHECK (
    direction <> 'outflow' OR (home_org IS NULL AND declared_on IS NULL)),
  CONSTRAINT floating_member_dates CHECK (declared_on >= since AND transferred_on >= since)
);
CREATE INDEX floating_member_community_code_idx ON floating_member (community_code);

COMMENT ON TABLE floating_member IS
  'Floating Party members: inflow (from elsewhere, declared with an activity certificate) and outflow (away since a date; over 6 months the membership must be transferred)';
COMMENT ON COLUMN floating_member.resident_id IS 'The member';
COMMENT ON COLUMN floating_member.community_code IS 'The member''s community (filled in when omitted)';
COMMENT ON COLUMN floating_member.direction IS 'inflow or outflow';
COMMENT ON COLUMN floating_member.since IS 'Arrived here (inflow) or left (outflow)';
COMMENT ON COLUMN floating_member.home_org IS 'Inflow: the organisation that holds the membership';
COMMENT ON COLUMN floating_member.destination IS 'Outflow: where the member went';
COMMENT ON COLUMN floating_member.certificate_no IS 'Number of the activity certificate (流动党员活动证)';
COMMENT ON COLUMN floating_member.declared_on IS 'Inflow: the day the member declared themselves (亮明身份)';
COMMENT ON COLUMN floating_member.transferred_on IS 'Outflow: the day the membership was transferred out';

CREATE FUNCTION take_member_community() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF NEW.community_code IS NULL THEN
    SELECT community_code INTO NEW.community_code
    FROM commgrid.party_member WHERE resident_id = NEW.resident_id;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'resident % is not a Party member', NEW.resident_id
        USING ERRCODE = '23503', DETAIL = format('%s rows are about Party members.', TG_TABLE_NAME);
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION take_member_community() IS
  'Trigger: fill community_code from the row''s member (the composite foreign key then keeps it right)';

CREATE TRIGGER floating_member_take_community BEFORE INSERT ON floating_member
  FOR EACH ROW EXECUTE FUNCTION take_member_community();

-- Dues (党费), month by month, and who paid them: the report's problem of dues paid by others.
CREATE TABLE party_dues (
  resident_id    bigint NOT NULL,
  community_code gridcode NOT NULL,
  month          date NOT NULL CHECK (month = date_trunc('month', month)::date),
  amount         numeric(10, 2) NOT NULL CHECK (amount > 0),
  paid_on        date NOT NULL,
  paid_by_id     bigint NOT NULL REFERENCES resident,
  PRIMARY KEY (resident_id, month),
  FOREIGN KEY (resident_id, community_code) REFERENCES party_member (resident_id, community_code)
    ON UPDATE CASCADE ON DELETE CASCADE
);
CREATE INDEX party_dues_community_code_idx ON party_dues (community_code);
CREATE INDEX party_dues_paid_by_idx ON party_dues (paid_by_id);

COMMENT ON TABLE party_dues IS 'Party dues paid, one row per member and month';
COMMENT ON COLUMN party_dues.resident_id IS 'The member';
COMMENT ON COLUMN party_dues.community_code IS 'The member''s community (filled in when omitted)';
COMMENT ON COLUMN party_dues.month IS 'The month paid for (its first day)';
COMMENT ON COLUMN party_dues.amount IS 'Amount in yuan';
COMMENT ON COLUMN party_dues.paid_on IS 'Day of payment';
COMMENT ON COLUMN party_dues.paid_by_id IS
  'Who paid (a resident); the member by default, someone else for dues paid on the member''s behalf (托人代交)';

CREATE FUNCTION party_dues_paid_by_member() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  NEW.paid_by_id := coalesce(NEW.paid_by_id, NEW.resident_id);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION party_dues_paid_by_member() IS
  'Trigger: dues are paid by the member unless paid_by_id says otherwise';

CREATE TRIGGER party_dues_paid_by_member BEFORE INSERT ON party_dues
  FOR EACH ROW EXECUTE FUNCTION party_dues_paid_by_member();
CREATE TRIGGER party_dues_take_community BEFORE INSERT ON party_dues
  FOR EACH ROW EXECUTE FUNCTION take_member_community();

-- user data: pg_dump saves these rows with the database
SELECT pg_catalog.pg_extension_config_dump('party_member', '');
SELECT pg_catalog.pg_extension_config_dump('floating_member', '');
SELECT pg_catalog.pg_extension_config_dump('party_dues', '');
-- Grid staff (网格专兼职人员): about 10 per grid in the report.  Each works from a duty post
-- whose location the spatial engine puts into a grid, like a household's.

CREATE TABLE grid_staff (
  staff_id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name           text NOT NULL CHECK (btrim(name) <> ''),
  phone          text CHECK (phone ~ '^\+?[0-9][0-9 -]{4,19}$'),
  resident_id    bigint REFERENCES resident ON DELETE SET NULL,
  role           text NOT NULL CHECK (role IN (
                   'grid_leader', 'full_time_worker', 'part_time_worker',
                   'party_group_leader', 'building_leader')),
  full_time      boolean NOT NULL DEFAULT false,
  location       geometry(Point, 4490) NOT NULL,
  grid_code      gridcode NOT NULL REFERENCES area (code) ON UPDATE CASCADE,
  community_code gridcode GENERATED ALWAYS AS (
                   CASE WHEN commgrid.depth(grid_code) = 6 THEN commgrid.ancestor(grid_code, 5) END) STORED,
  since          date,
  CONSTRAINT grid_staff_grid_is_grid CHECK (commgrid.depth(grid_code) = 6),
  CONSTRAINT grid_staff_worker_time CHECK (
    (role <> 'full_time_worker' OR full_time) AND (role <> 'part_time_worker' OR NOT full_time))
);
CREATE INDEX grid_staff_grid_code_idx ON grid_staff (grid_code);
CREATE INDEX grid_staff_community_code_idx ON grid_staff (community_code);
CREATE INDEX grid_staff_resident_idx ON grid_staff (resident_id);

SELECT commgrid.register_assigned_table('commgrid.grid_staff', 'location', 'grid_code', 'grid');
CREATE TRIGGER grid_staff_keep_grid_of_location BEFORE UPDATE OF grid_code ON grid_staff
  FOR EACH ROW WHEN (NEW.grid_code IS DISTINCT FROM OLD.grid_code)
  EXECUTE FUNCTION keep_grid_of_location();

-- Staff serve a grid: a duty post outside every grid is refused with a clear message (this
-- trigger fires after the engine's, which sorts first by name).
CREATE FUNCTION grid_staff_refuse_no_grid() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  RAISE EXCEPTION 'the duty post of grid staff % lies in no grid', NEW.name
    USING ERRCODE = '23514',
          DETAIL = format('Location %s is outside every grid of commgrid.area.', ST_AsText(NEW.location)),
          HINT = 'Give a location inside the grid served.';
END $$;
COMMENT ON FUNCTION grid_staff_refuse_no_grid() IS
  'Trigger: refuse grid staff whose duty post the engine puts in no grid';

CREATE TRIGGER grid_staff_refuse_no_grid BEFORE INSERT OR UPDATE ON grid_staff
  FOR EACH ROW WHEN (NEW.grid_code IS NULL) EXECUTE FUNCTION grid_staff_refuse_no_grid();

COMMENT ON TABLE grid_staff IS
  'Full- and part-time grid staff (专兼职人员): grid leaders, grid workers, Party group leaders, building leaders';
COMMENT ON COLUMN grid_staff.staff_id IS 'Stable staff id';
COMMENT ON COLUMN grid_staff.name IS 'Full name';
COMMENT ON COLUMN grid_staff.phone IS 'Contact phone, shown to the grid''s residents';
COMMENT ON COLUMN grid_staff.resident_id IS 'The person in the resident registry, when they live in the district';
COMMENT ON COLUMN grid_staff.role IS
  'grid_leader (网格长), full_time_worker (专职网格员), part_time_worker (兼职网格员), party_group_leader (党小组长), building_leader (楼栋长)';
COMMENT ON COLUMN grid_staff.full_time IS 'Full-time (专职); a full_time_worker always, a part_time_worker never';
COMMENT ON COLUMN grid_staff.location IS 'Duty post, a Point in EPSG:4490; it decides the grid';
COMMENT ON COLUMN grid_staff.grid_code IS 'Grid that covers the duty post, set by the spatial engine (a post outside every grid is refused)';
COMMENT ON COLUMN grid_staff.community_code IS 'Community of the grid (derived from grid_code)';
COMMENT ON COLUMN grid_staff.since IS 'In the post since';

-- user data: pg_dump saves these rows and their id sequence with the database
SELECT pg_catalog.pg_extension_config_dump('grid_staff', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('commgrid.grid_staff', 'staff_id'), '');
-- The report's practices (组织建在网格、党员划入网格): placing a member in a grid, and a floating
-- member declaring themselves (亮明身份) and claiming a post in a grid.  Both run with the
-- caller's rights, so row-level security decides whose members and grids they may touch.

-- The grid argument of a practice: it must be a grid-level code of an existing grid.
CREATE FUNCTION check_grid_argument(grid gridcode) RETURNS void
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF grid IS NULL THEN
    RAISE EXCEPTION 'the grid must not be NULL' USING ERRCODE = '22004';
  END IF;
  IF commgrid.depth(grid) <> 6 THEN
    RAISE EXCEPTION '% is a % code, not a grid', grid, commgrid.level(grid)
      USING ERRCODE = '22023',
            HINT = 'A grid code has 15 digits: the 12-digit community code and a 3-digit grid number.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM commgrid.area WHERE code = grid AND kind = 'grid') THEN
    RAISE EXCEPTION 'grid % does not exist', grid
      USING ERRCODE = '22023', HINT = 'Grids are the rows of commgrid.area with kind grid.';
  END IF;
END $$;
COMMENT ON FUNCTION check_grid_argument(gridcode) IS
  'Raise 22023 unless the code names an existing grid (used by the practices functions)';

CREATE FUNCTION place_member(member bigint, grid gridcode, post text DEFAULT NULL)
RETURNS party_member
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  m commgrid.party_member;
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  IF btrim(post) = '' THEN
    RAISE EXCEPTION 'the claimed post must not be empty' USING ERRCODE = '22023',
      HINT = 'Pass NULL to place the member without a post.';
  END IF;
  SELECT * INTO m FROM commgrid.party_member WHERE resident_id = member FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'resident % is not a Party member', member
      USING ERRCODE = '22023',
            HINT = CASE WHEN EXISTS (SELECT 1 FROM commgrid.resident WHERE resident_id = member)
                        THEN 'Record the membership in commgrid.party_member first.'
                        ELSE 'No resident has this id.' END;
  END IF;
  IF NOT grid <@ m.community_code THEN
    RAISE EXCEPTION 'grid % is not in community %, where member % belongs', grid, m.community_code, member
      USING ERRCODE = '23514',
            HINT = 'Place members in a grid of their own community, or move them to a branch of the grid''s community first.';
  END IF;
  UPDATE commgrid.party_member
     SET grid_code = grid, claimed_post = coalesce(post, claimed_post)
   WHERE resident_id = member
  RETURNING * INTO m;
  RETURN m;
END $$;
COMMENT ON FUNCTION place_member(bigint, gridcode, text) IS
  'Place a Party member in a grid of the member''s community (党员划入网格), optionally with a claimed post; returns the member row';

CREATE FUNCTION declare_floating_member(
  resident bigint, grid gridcode, post text, home_org text, certificate_no text,
  arrived_on date, status text DEFAULT 'full', category text DEFAULT 'other',
  joined_on date DEFAULT NULL, declared_on date DEFAULT current_date)
RETURNS party_member
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  grp commgrid.party_org;
  m commgrid.party_member;
BEGIN
  PERFORM commgrid.check_grid_argument(grid);
  IF resident IS NULL OR NOT EXISTS (SELECT 1 FROM commgrid.resident r WHERE r.resident_id = resident) THEN
    RAISE EXCEPTION 'resident % does not exist', resident
      USING ERRCODE = '22023', HINT = 'Register the person as a resident of a household first.';
  END IF;
  IF coalesce(btrim(post), '') = '' THEN
    RAISE EXCEPTION 'a floating member claims a post: post must not be empty' USING ERRCODE = '22023';
  END IF;
  IF coalesce(btrim(home_org), '') = '' OR coalesce(btrim(certificate_no), '') = '' THEN
    RAISE EXCEPTION 'a floating member declares the home organisation and shows the activity certificate'
      USING ERRCODE = '22023',
            DETAIL = 'home_org and certificate_no must both be given (流动党员活动证).';
  END IF;
  IF arrived_on IS NULL OR declared_on IS NULL OR declared_on < arrived_on THEN
    RAISE EXCEPTION 'declared on % but arrived on %', declared_on, arrived_on
      USING ERRCODE = '22023', HINT = 'A member declares themselves on or after arriving.';
  END IF;
  SELECT * INTO m FROM commgrid.party_member pm WHERE pm.resident_id = resident;
  IF FOUND THEN
    RAISE EXCEPTION 'resident % is already a Party member of organisation %', resident, m.org_id
      USING ERRCODE = '23505',
            HINT = 'Use place_member to move a member already recorded here.';
  END IF;
  -- the member is received by the branch that holds the grid's Party group
  SELECT * INTO grp FROM commgrid.party_org o WHERE o.grid_code = grid AND o.kind = 'party_group';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'grid % has no Party group to receive the member', grid
      USING ERRCODE = '23514', HINT = 'Set up the grid''s Party group first (组织建在网格).';
  END IF;
  INSERT INTO commgrid.party_member AS pm (resident_id, org_id, status, category, joined_on, grid_code, claimed_post)
  VALUES (resident, grp.parent_id, status, category, joined_on, grid, post)
  RETURNING * INTO m;
  INSERT INTO commgrid.floating_member (resident_id, direction, since, home_org, certificate_no, declared_on)
  VALUES (resident, 'inflow', arrived_on, home_org, certificate_no, declared_on);
  RETURN m;
END $$;
COMMENT ON FUNCTION declare_floating_member(bigint, gridcode, text, text, text, date, text, text, date, date) IS
  'An inflow floating member declares themselves (亮明身份) and claims a post in a grid: recorded under the branch of the grid''s Party group, with the home organisation and activity certificate; returns the member row';
-- Compliance of the community Party organisations with DOMAIN.md §4 (支部工作条例, 党章 art. 30)
-- and with the report (a Party group and about 10 staff in each grid, every member in a grid).
-- The views run with the caller's rights (security_invoker), so row-level security on the
-- tables limits each role to the breaches of its own jurisdiction.

CREATE TABLE compliance_setting (
  name        text PRIMARY KEY,
  value       numeric NOT NULL,
  description text NOT NULL
);
COMMENT ON TABLE compliance_setting IS 'Tunable thresholds of commgrid.org_compliance';
COMMENT ON COLUMN compliance_setting.name IS 'Setting name';
COMMENT ON COLUMN compliance_setting.value IS 'Its value';
COMMENT ON COLUMN compliance_setting.description IS 'What it bounds';
INSERT INTO compliance_setting VALUES
  ('staff_per_grid_min', 8, 'Fewest grid staff a grid should have (the report: about 10 per grid)'),
  ('staff_per_grid_max', 12, 'Most grid staff a grid should have (the report: about 10 per grid)');

-- Members whose membership is held here: not inflow members (theirs is held elsewhere), and
-- not outflow members whose membership has been transferred out.
CREATE VIEW member_of_record WITH (security_invoker = true) AS
SELECT m.*
FROM party_member m
WHERE NOT EXISTS (
  SELECT 1 FROM floating_member f
  WHERE f.resident_id = m.resident_id
    AND (f.direction = 'inflow' OR f.transferred_on IS NOT NULL));
COMMENT ON VIEW member_of_record IS
  'Party members whose membership the community holds: all but inflow floating members and transferred outflow members; what the counts and rules use';

-- DOMAIN §4: over 50 members a general branch, 100 or more a Party committee.
CREATE FUNCTION expected_org_kind(members bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN members >= 100 THEN 'committee'
            WHEN members > 50 THEN 'general_branch'
            ELSE 'branch' END;
COMMENT ON FUNCTION expected_org_kind(bigint) IS
  'The community organisation that fits a member count: committee from 100, general_branch from 51, branch up to 50';

CREATE VIEW compliance_kind (kind, ordinal, rule) AS VALUES
  ('community_without_party_org', 1, 'An urban community has no Party organisation'),
  ('community_org_kind_mismatch', 2, 'The community''s organisation kind does not fit its members: committee ≥ 100, general branch 51-99, branch ≤ 50'),
  ('branch_too_few_full_members', 3, 'A branch has fewer than 3 full members'),
  ('branch_without_committee', 4, 'A branch with 7 or more full members has no committee (fewer than 3 committee members)'),
  ('branch_over_50_members', 5, 'A branch has more than 50 members'),
  ('org_term_expired', 6, 'A committee''s or branch''s 5-year term has ended without a new one'),
  ('grid_without_party_group', 7, 'A grid has no Party group'),
  ('party_group_without_leader', 8, 'A Party group has no leader'),
  ('grid_staff_out_of_range', 9, 'A grid''s staff count is outside compliance_setting staff_per_grid_min..max'),
  ('member_not_in_grid', 10, 'A community Party member is placed in no grid'),
  ('floating_member_without_certificate', 11, 'A member away 1-6 months has no activity certificate'),
  ('floating_member_not_transferred', 12, 'A member away over 6 months has not been transferred');
COMMENT ON VIEW compliance_kind IS 'Every kind of breach org_compliance reports, in report order, with its rule';

CREATE VIEW org_compliance WITH (security_invoker = true) AS
WITH branch_count AS (
  SELECT o.org_id, o.name, o.community_code,
         count(m.resident_id) AS members,
         count(m.resident_id) FILTER (WHERE m.status = 'full') AS full_members,
         (SELECT count(*) FROM commgrid.party_org_committee c WHERE c.org_id = o.org_id) AS committee
  FROM commgrid.party_org o
  LEFT JOIN commgrid.member_of_record m ON m.org_id = o.org_id
  WHERE o.kind = 'branch'
  GROUP BY o.org_id
),
community_count AS (
  SELECT a.code, a.name, r.org_id, r.kind, r.name AS org_name,
         (SELECT count(*) FROM commgrid.member_of_record m WHERE m.community_code = a.code) AS members
  FROM commgrid.area a
  LEFT JOIN commgrid.party_org r ON r.community_code = a.code AND r.parent_id IS NULL
  WHERE a.kind = 'community'
),
staff_range AS (
  SELECT (SELECT value FROM commgrid.compliance_setting WHERE name = 'staff_per_grid_min') AS lo,
         (SELECT value FROM commgrid.compliance_setting WHERE name = 'staff_per_grid_max') AS hi
),
grid_staff_count AS (
  SELECT g.code, g.name,
         (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code) AS staff
  FROM commgrid.area g
  WHERE g.kind = 'grid'
)
SELECT 'community_without_party_org'::text AS kind, c.code AS area_code,
       format('community %s %s', c.code, c.name) AS subject,
       format('no Party organisation; %s member(s) of record', c.members) AS detail
FROM community_count c WHERE c.org_id IS NULL
UNION ALL
SELECT 'community_org_kind_mismatch', c.code,
       format('%s %s (%s)', c.kind, c.org_id, c.org_name),
       format('%s member(s) call for a %s, but the community has a %s',
              c.members, commgrid.expected_org_kind(c.members), c.kind)
FROM community_count c WHERE c.org_id IS NOT NULL AND c.kind <> commgrid.expected_org_kind(c.members)
UNION ALL
SELECT 'branch_too_few_full_members', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s full member(s); a branch needs at least 3', b.full_members)
FROM branch_count b WHERE b.full_members < 3
UNION ALL
SELECT 'branch_without_committee', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s full members but %s committee member(s); from 7 full members a branch elects a committee of 3-5',
              b.full_members, b.committee)
FROM branch_count b WHERE b.full_members >= 7 AND b.committee < 3
UNION ALL
SELECT 'branch_over_50_members', b.community_code, format('branch %s (%s)', b.org_id, b.name),
       format('%s members; a branch has at most 50, over 50 a general branch is set up', b.members)
FROM branch_count b WHERE b.members > 50
UNION ALL
SELECT 'org_term_expired', o.community_code, format('%s %s (%s)', o.kind, o.org_id, o.name),
       format('term %s to %s has ended; elect a new one', o.term_start, o.term_end)
FROM commgrid.party_org o WHERE o.term_end < current_date
UNION ALL
SELECT 'grid_without_party_group', g.code, format('grid %s %s', g.code, g.name),
       'no Party group (组织建在网格: every grid has one)'
FROM commgrid.area g
WHERE g.kind = 'grid'
  AND NOT EXISTS (SELECT 1 FROM commgrid.party_org o WHERE o.grid_code = g.code AND o.kind = 'party_group')
UNION ALL
SELECT 'party_group_without_leader', o.grid_code, format('party_group %s (%s)', o.org_id, o.name),
       'no leader (secretary_id is NULL)'
FROM commgrid.party_org o WHERE o.kind = 'party_group' AND o.secretary_id IS NULL
UNION ALL
SELECT 'grid_staff_out_of_range', g.code, format('grid %s %s', g.code, g.name),
       format('%s staff; expected %s to %s', g.staff, r.lo, r.hi)
FROM grid_staff_count g, staff_range r WHERE g.staff < r.lo OR g.staff > r.hi
UNION ALL
SELECT 'member_not_in_grid', m.community_code, format('member %s', m.resident_id),
       format('%s member of branch %s placed in no grid', m.status, m.org_id)
FROM commgrid.member_of_record m WHERE m.grid_code IS NULL
UNION ALL
SELECT 'floating_member_without_certificate', f.community_code, format('member %s', f.resident_id),
       format('away since %s with no activity certificate', f.since)
FROM commgrid.floating_member f
WHERE f.direction = 'outflow' AND f.transferred_on IS NULL AND f.certificate_no IS NULL
  AND f.since <= current_date - interval '1 month' AND f.since >= current_date - interval '6 months'
UNION ALL
SELECT 'floating_member_not_transferred', f.community_code, format('member %s', f.resident_id),
       format('away since %s, over 6 months, and not transferred', f.since)
FROM commgrid.floating_member f
WHERE f.direction = 'outflow' AND f.transferred_on IS NULL
  AND f.since < current_date - interval '6 months';

COMMENT ON VIEW org_compliance IS
  'Every breach of the Party organisation rules (DOMAIN.md §4) and the report''s grid rules; kinds and rules in compliance_kind';
COMMENT ON COLUMN org_compliance.kind IS 'Kind of breach (see compliance_kind)';
COMMENT ON COLUMN org_compliance.area_code IS 'The community or grid the breach belongs to: filter with area_code <@ code';
COMMENT ON COLUMN org_compliance.subject IS 'What is in breach: organisation, grid or member (by id)';
COMMENT ON COLUMN org_compliance.detail IS 'The figures that break the rule';
-- The district report: the report's 基本情况 paragraph computed from the data (with the
-- caller's rights), and plain-typed summary views for BI tools (text codes, no extension
-- types, so a JDBC client reads them without pg_commgrid).  The summary views hold counts and
-- the names of areas and organisations only, never a person's data, and run with their
-- owner's rights like the security section's bi_* views: grant them to whoever may see the
-- whole district's figures.

CREATE FUNCTION district_report(district gridcode)
RETURNS TABLE (indicator text, value numeric, unit text)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  d commgrid.area;
BEGIN
  IF commgrid.depth(district) <> 3 THEN
    RAISE EXCEPTION '% is a % code, not a district', district, commgrid.level(district)
      USING ERRCODE = '22023', HINT = 'A district (county-level) code has 6 digits, e.g. 500112.';
  END IF;
  SELECT * INTO d FROM commgrid.area WHERE code = district;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'district % does not exist', district
      USING ERRCODE = '22023', HINT = 'Districts are the rows of commgrid.area with kind district.';
  END IF;

  RETURN QUERY
  WITH sub AS (
    SELECT a.kind, count(*) AS n
    FROM commgrid.area a WHERE a.code <@ district AND a.code <> district
    GROUP BY a.kind
  ),
  community AS (
    SELECT a.code,
           (SELECT r.kind FROM commgrid.party_org r
            WHERE r.community_code = a.code AND r.parent_id IS NULL) AS org_kind
    FROM commgrid.area a
    WHERE a.code <@ district AND a.kind = 'community'
  ),
  unassigned_household AS (
    SELECT h.household_id
    FROM commgrid.household h
    WHERE h.grid_code IS NULL AND ST_Covers(d.boundary, h.location)
  ),
  unassigned AS (
    SELECT count(*) AS n
    FROM unassigned_household h JOIN commgrid.resident r USING (household_id)
  ),
  assigned AS (
    SELECT count(*) AS n FROM commgrid.resident r WHERE r.grid_code <@ district
  ),
  member AS (
    SELECT count(*) AS n,
           count(*) FILTER (WHERE m.status = 'probationary') AS probationary
    FROM commgrid.member_of_record m WHERE m.community_code <@ district
  ),
  floating AS (
    SELECT count(*) FILTER (WHERE f.direction = 'inflow') AS inflow,
           count(*) FILTER (WHERE f.direction = 'outflow' AND f.transferred_on IS NULL) AS outflow
    FROM commgrid.floating_member f WHERE f.community_code <@ district
  ),
  staff AS (
    SELECT count(*) AS n FROM commgrid.grid_staff s WHERE s.grid_code <@ district
  ),
  dues AS (
    SELECT count(DISTINCT p.resident_id) AS n
    FROM commgrid.party_dues p
    WHERE p.community_code <@ district AND p.paid_by_id <> p.resident_id
      AND p.month >= date_trunc('month', current_date - interval '12 months')
  ),
  problem AS (
    SELECT c.kind, count(*) AS n
    FROM commgrid.org_compliance c WHERE c.area_code <@ district
    GROUP BY c.kind
  ),
  grids AS (SELECT coalesce((SELECT n FROM sub WHERE kind = 'grid'), 0) AS n),
  line (ordinal, indicator, value, unit) AS (
    SELECT 1, 'area', round((ST_Area(d.boundary::geography) / 1e6)::numeric, 0), 'km²'
    UNION ALL SELECT 2, 'towns', coalesce((SELECT n FROM sub WHERE kind = 'town'), 0), 'towns'
    UNION ALL SELECT 3, 'subdistricts', coalesce((SELECT n FROM sub WHERE kind = 'subdistrict'), 0), 'subdistricts'
    UNION ALL SELECT 4, 'resident population', (SELECT n FROM assigned) + (SELECT n FROM unassigned), 'persons'
    UNION ALL SELECT 5, 'households', (SELECT count(*) FROM commgrid.household h WHERE h.grid_code <@ district)
                                      + (SELECT count(*) FROM unassigned_household), 'households'
    UNION ALL SELECT 6, 'urban communities', (SELECT count(*) FROM community), 'communities'
    UNION ALL SELECT 7, 'communities with a Party committee', (SELECT count(*) FROM community WHERE org_kind = 'committee'), 'communities'
    UNION ALL SELECT 8, 'communities with a Party general branch', (SELECT count(*) FROM community WHERE org_kind = 'general_branch'), 'communities'
    UNION ALL SELECT 9, 'communities with a Party branch', (SELECT count(*) FROM community WHERE org_kind = 'branch'), 'communities'
    UNION ALL SELECT 10, 'communities without a Party organisation', (SELECT count(*) FROM community WHERE org_kind IS NULL), 'communities'
    UNION ALL SELECT 11, 'Party members', (SELECT n FROM member), 'members'
    UNION ALL SELECT 12, 'probationary members', (SELECT probationary FROM member), 'members'
    UNION ALL SELECT 13, 'floating members away (outflow)', (SELECT outflow FROM floating), 'members'
    UNION ALL SELECT 14, 'floating members received (inflow)', (SELECT inflow FROM floating), 'members'
    UNION ALL SELECT 15, 'members whose dues others paid (last 12 months)', (SELECT n FROM dues), 'members'
    UNION ALL SELECT 16, 'grids', (SELECT n FROM grids), 'grids'
    UNION ALL SELECT 17, 'grids with a Party group',
      (SELECT count(*) FROM commgrid.party_org o WHERE o.kind = 'party_group' AND o.grid_code <@ district), 'grids'
    UNION ALL SELECT 18, 'grid staff', (SELECT n FROM staff), 'persons'
    UNION ALL SELECT 19, 'staff per grid',
      CASE WHEN (SELECT n FROM grids) > 0 THEN round((SELECT n FROM staff)::numeric / (SELECT n FROM grids), 1) END, 'persons'
    UNION ALL SELECT 20, 'residents unassigned', (SELECT n FROM unassigned), 'persons'
    UNION ALL
    SELECT 100 + k.ordinal, 'compliance: ' || k.kind, coalesce(p.n, 0), 'problems'
    FROM commgrid.compliance_kind k LEFT JOIN problem p USING (kind)
  )
  SELECT l.indicator, l.value::numeric, l.unit FROM line l ORDER BY l.ordinal;
END $$;
COMMENT ON FUNCTION district_report(gridcode) IS
  'The report''s 基本情况 for a district: area, towns and subdistricts, population, communities by Party organisation kind, members, grids, staff per grid, residents unassigned (must be 0), then compliance problems by kind';

CREATE VIEW community_summary AS
SELECT a.code::text AS community_code, a.name AS community_name,
       t.code::text AS township_code, t.name AS township_name, t.kind AS township_kind,
       commgrid.parent(t.code)::text AS district_code,
       r.kind AS org_kind, r.name AS org_name, r.term_end AS org_term_end,
       coalesce(m.members, 0) AS members,
       coalesce(m.full_members, 0) AS full_members,
       coalesce(m.probationary_members, 0) AS probationary_members,
       coalesce(f.inflow, 0) AS inflow_members,
       coalesce(f.outflow, 0) AS outflow_members,
       (SELECT count(*) FROM commgrid.area g WHERE g.parent = a.code AND g.kind = 'grid') AS grids,
       (SELECT count(*) FROM commgrid.party_org o WHERE o.community_code = a.code AND o.kind = 'party_group') AS party_groups,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.community_code = a.code) AS staff,
       (SELECT count(*) FROM commgrid.household h WHERE h.community_code = a.code) AS households,
       (SELECT count(*) FROM commgrid.resident p WHERE p.community_code = a.code) AS residents,
       (SELECT count(*) FROM commgrid.org_compliance c WHERE c.area_code <@ a.code) AS compliance_problems
FROM commgrid.area a
JOIN commgrid.area t ON t.code = a.parent
LEFT JOIN commgrid.party_org r ON r.community_code = a.code AND r.parent_id IS NULL
LEFT JOIN (
  SELECT community_code, count(*) AS members,
         count(*) FILTER (WHERE status = 'full') AS full_members,
         count(*) FILTER (WHERE status = 'probationary') AS probationary_members
  FROM commgrid.member_of_record GROUP BY community_code
) m ON m.community_code = a.code
LEFT JOIN (
  SELECT community_code,
         count(*) FILTER (WHERE direction = 'inflow') AS inflow,
         count(*) FILTER (WHERE direction = 'outflow' AND transferred_on IS NULL) AS outflow
  FROM commgrid.floating_member GROUP BY community_code
) f ON f.community_code = a.code
WHERE a.kind = 'community';
COMMENT ON VIEW community_summary IS
  'One row per urban community with plain types for BI tools: its township, Party organisation, members, grids, staff, households, residents and compliance problems';

CREATE VIEW grid_summary AS
SELECT g.code::text AS grid_code, g.name AS grid_name,
       c.code::text AS community_code, c.name AS community_name,
       grp.name AS party_group_name, grp.secretary_id IS NOT NULL AS party_group_has_leader,
       (SELECT count(*) FROM commgrid.household h WHERE h.grid_code = g.code) AS households,
       coalesce(r.residents, 0) AS residents,
       coalesce(r.vulnerable, 0) AS vulnerable_residents,
       coalesce(r.empty_nest, 0) AS empty_nest_elderly,
       (SELECT count(*) FROM commgrid.member_of_record m WHERE m.grid_code = g.code) AS members_placed,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code) AS staff,
       (SELECT count(*) FROM commgrid.grid_staff s WHERE s.grid_code = g.code AND s.full_time) AS full_time_staff,
       (SELECT count(*) FROM commgrid.org_compliance x WHERE x.area_code = g.code) AS compliance_problems
FROM commgrid.area g
JOIN commgrid.area c ON c.code = g.parent
LEFT JOIN commgrid.party_org grp ON grp.grid_code = g.code AND grp.kind = 'party_group'
LEFT JOIN (
  SELECT grid_code, count(*) AS residents,
         count(*) FILTER (WHERE cardinality(vulnerable_kinds) > 0) AS vulnerable,
         count(*) FILTER (WHERE empty_nest_elderly) AS empty_nest
  FROM commgrid.resident GROUP BY grid_code
) r ON r.grid_code = g.code
WHERE g.kind = 'grid';
COMMENT ON VIEW grid_summary IS
  'One row per grid with plain types for BI tools: its community, Party group and whether it has a leader, households, residents, vulnerable and empty-nest residents, members placed, staff and compliance problems';
-- Scoring aggregates for bidirectional assessment (src/aggregates.c).
-- States are plain float8[] (not internal) with combine functions, so both aggregates run
-- in parallel plans and on Citus; the sums are compensated, so results do not depend on
-- row order or on how the rows were split between workers.

CREATE FUNCTION weighted_mean_accum(float8[], float8, float8) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_mean_combine(float8[], float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION weighted_mean_final(float8[]) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION weighted_mean_accum(float8[], float8, float8) IS
  'Transition function of weighted_mean; state {sum(v*w), its error, sum(w), its error}';
COMMENT ON FUNCTION weighted_mean_combine(float8[], float8[]) IS
  'Combine function of weighted_mean: merges two partial states';
COMMENT ON FUNCTION weighted_mean_final(float8[]) IS
  'Final function of weighted_mean: sum(v*w) / sum(w), NULL when sum(w) = 0';

CREATE AGGREGATE weighted_mean(value float8, weight float8) (
  SFUNC = weighted_mean_accum,
  STYPE = float8[],
  FINALFUNC = weighted_mean_final,
  COMBINEFUNC = weighted_mean_combine,
  INITCOND = '{0,0,0,0}',
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE weighted_mean(float8, float8) IS
  'Weighted mean sum(v*w) / sum(w). Rows whose value or weight is NULL are skipped; a negative or non-finite weight is an error (22023); NULL when there are no rows or every weight is 0';

CREATE FUNCTION trimmed_mean_accum(float8[], float8, int) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trimmed_mean_combine(float8[], float8[]) RETURNS float8[]
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION trimmed_mean_final(float8[]) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION trimmed_mean_accum(float8[], float8, int) IS
  'Transition function of trimmed_mean; state {trim, n, middle sum, its error, n_low, n_high, low heap, high heap}';
COMMENT ON FUNCTION trimmed_mean_combine(float8[], float8[]) IS
  'Combine function of trimmed_mean: merges two partial states exactly';
COMMENT ON FUNCTION trimmed_mean_final(float8[]) IS
  'Final function of trimmed_mean: mean of the values left after trimming';

CREATE AGGREGATE trimmed_mean(value float8, "trim" int) (
  SFUNC = trimmed_mean_accum,
  STYPE = float8[],
  FINALFUNC = trimmed_mean_final,
  COMBINEFUNC = trimmed_mean_combine,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE trimmed_mean(float8, int) IS
  'Mean after dropping the trim highest and trim lowest values; with 2*trim values or fewer, the mean of all. NULL values are skipped; trim must be >= 0, not NULL and the same for every row of a group (22023)';
-- uscc: the unified social credit code (统一社会信用代码, GB 32100-2015) of a resident unit,
-- validated on input (alphabet, region digits, the GB 11714 organisation-code check character
-- and the final mod-31 check character) and stored in 9 bytes (src/uscc.c).

CREATE TYPE uscc;

CREATE FUNCTION uscc_in(cstring) RETURNS uscc
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION uscc_out(uscc) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION uscc_recv(internal) RETURNS uscc
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION uscc_send(uscc) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE uscc (
  INPUT = uscc_in,
  OUTPUT = uscc_out,
  RECEIVE = uscc_recv,
  SEND = uscc_send,
  INTERNALLENGTH = 9,
  ALIGNMENT = char,
  STORAGE = plain,
  CATEGORY = 'U'
);
COMMENT ON TYPE uscc IS
  'Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters of 0-9 A-H J-N P-R T-U W-Y, both check characters verified; stored in 9 bytes, sorted as its text';

CREATE CAST (text AS uscc) WITH INOUT AS ASSIGNMENT;
CREATE CAST (varchar AS uscc) WITH INOUT AS ASSIGNMENT;
CREATE CAST (uscc AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (uscc AS varchar) WITH INOUT AS ASSIGNMENT;

CREATE FUNCTION uscc_eq(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_ne(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_lt(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_le(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_gt(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_ge(uscc, uscc) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_cmp(uscc, uscc) RETURNS int4
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
-- hashing must never change between releases: Citus places shards by it
CREATE FUNCTION uscc_hash(uscc) RETURNS int4
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION uscc_hash_extended(uscc, int8) RETURNS int8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (
  LEFTARG = uscc, RIGHTARG = uscc, FUNCTION = uscc_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS uscc_ops DEFAULT FOR TYPE uscc USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 uscc_cmp(uscc, uscc);
CREATE OPERATOR CLASS uscc_hash_ops DEFAULT FOR TYPE uscc USING hash AS
  OPERATOR 1 =,
  FUNCTION 1 uscc_hash(uscc),
  FUNCTION 2 uscc_hash_extended(uscc, int8);

COMMENT ON FUNCTION uscc_in(cstring) IS 'Text input of uscc: validates both check characters (22P02 naming the bad part)';
COMMENT ON FUNCTION uscc_out(uscc) IS 'Text output of uscc: the canonical 18 characters';
COMMENT ON FUNCTION uscc_recv(internal) IS 'Binary input of uscc: the 18 characters, validated as text input is';
COMMENT ON FUNCTION uscc_send(uscc) IS 'Binary output of uscc: the 18 characters';
COMMENT ON FUNCTION uscc_eq(uscc, uscc) IS 'Implementation of = for uscc';
COMMENT ON FUNCTION uscc_ne(uscc, uscc) IS 'Implementation of <> for uscc';
COMMENT ON FUNCTION uscc_lt(uscc, uscc) IS 'Implementation of < for uscc (the order of the text)';
COMMENT ON FUNCTION uscc_le(uscc, uscc) IS 'Implementation of <= for uscc';
COMMENT ON FUNCTION uscc_gt(uscc, uscc) IS 'Implementation of > for uscc';
COMMENT ON FUNCTION uscc_ge(uscc, uscc) IS 'Implementation of >= for uscc';
COMMENT ON FUNCTION uscc_cmp(uscc, uscc) IS 'B-tree support: three-way comparison of two codes';
COMMENT ON FUNCTION uscc_hash(uscc) IS 'Hash support: hash of the 9 stored bytes (stable across releases)';
COMMENT ON FUNCTION uscc_hash_extended(uscc, int8) IS 'Hash support: seeded 64-bit hash of the 9 stored bytes';

CREATE FUNCTION uscc_is_valid(text) RETURNS bool
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_is_valid(text) IS
  'Would the text be accepted as a uscc? (for cleaning imported data without catching errors)';

CREATE FUNCTION uscc_part(uscc, part text) RETURNS text
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION uscc_part(uscc, text) IS
  'One part of the code: registration_authority (char 1), organization_type (2), region (3-8, GB/T 2260 code of the registration authority), organization_code (9-17, GB 11714)';

CREATE FUNCTION uscc_registration_authority_name(uscc) RETURNS text
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE commgrid.uscc_part($1, 'registration_authority')
           WHEN '1' THEN '机构编制' WHEN '5' THEN '民政' WHEN '9' THEN '工商'
           WHEN 'Y' THEN '其他' END;
COMMENT ON FUNCTION uscc_registration_authority_name(uscc) IS
  'The registering department for the codes every source agrees on (1 机构编制, 5 民政, 9 工商/市场监管, Y 其他); NULL for other authority codes, which GB 32100 lets the registry extend';

CREATE FUNCTION make_uscc(registration_authority text, organization_type text, region text, organization_body text)
RETURNS uscc AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION make_uscc(text, text, text, text) IS
  'A valid code from its parts (1 + 1 + 6 + 8 characters), with the GB 11714 and GB 32100 check characters computed';
-- Resident units (驻社区单位): the organs, institutions, enterprises, social organisations and
-- armed police units based in a community, and the communities each co-builds with.
--
-- Persons are residents (resident.resident_id), the one person registry of the extension.
--
-- Every table of the co-building and assessment model carries the gridcode of the community
-- that scopes the row (community_code, B-tree indexed) so that row-level security can filter
-- with `community_code <@ :my_area`; rows about one unit also carry its unit_id so a unit's
-- liaison can be restricted to them.

-- The vocabularies of kind, affiliation and rank, with the report's labels (for BI joins).
CREATE TABLE unit_vocabulary (
  field      text NOT NULL CHECK (field IN ('kind', 'affiliation', 'rank')),
  code       text NOT NULL,
  label      text NOT NULL,
  sort_order int NOT NULL,
  PRIMARY KEY (field, code)
);
COMMENT ON TABLE unit_vocabulary IS
  'Codes of unit.kind, unit.affiliation and unit.rank with their Chinese labels and display order';
COMMENT ON COLUMN unit_vocabulary.field IS 'kind, affiliation or rank';
COMMENT ON COLUMN unit_vocabulary.code IS 'the code stored in unit';
COMMENT ON COLUMN unit_vocabulary.label IS 'the report''s word for it';
COMMENT ON COLUMN unit_vocabulary.sort_order IS 'display order: higher affiliation and rank first';
INSERT INTO unit_vocabulary VALUES
  ('kind', 'organ', '党政机关', 1),
  ('kind', 'public_institution', '事业单位', 2),
  ('kind', 'state_owned_enterprise', '国有企业', 3),
  ('kind', 'non_public_enterprise', '非公企业', 4),
  ('kind', 'social_organisation', '社会组织', 5),
  ('kind', 'armed_police', '武警部队', 6),
  ('affiliation', 'central', '中央', 1),
  ('affiliation', 'provincial', '省属', 2),
  ('affiliation', 'city', '市属', 3),
  ('affiliation', 'district', '区属', 4),
  ('affiliation', 'subdistrict', '街道', 5),
  ('rank', 'bureau', '厅局级', 1),
  ('rank', 'division', '处级', 2),
  ('rank', 'section', '科级', 3),
  ('rank', 'none', '无级别', 4);

CREATE TABLE unit (
  unit_id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name               text NOT NULL CHECK (btrim(name) <> ''),
  uscc               uscc UNIQUE,
  kind               text NOT NULL CHECK (kind IN ('organ', 'public_institution', 'state_owned_enterprise',
                                                   'non_public_enterprise', 'social_organisation', 'armed_police')),
  category           text,
  affiliation        text NOT NULL CHECK (affiliation IN ('central', 'provincial', 'city', 'district', 'subdistrict')),
  rank               text NOT NULL DEFAULT 'none' CHECK (rank IN ('bureau', 'division', 'section', 'none')),
  party_org_name     text,
  party_secretary_id bigint REFERENCES resident (resident_id),
  location           geometry,
  footprint          geometry,
  community_code     gridcode,
  CONSTRAINT unit_has_place CHECK (location IS NOT NULL OR footprint IS NOT NULL OR community_code IS NOT NULL),
  CONSTRAINT unit_community_is_community CHECK (commgrid.depth(community_code) = 5),
  CONSTRAINT unit_uscc_unless_armed_police CHECK (uscc IS NOT NULL OR kind = 'armed_police'),
  -- the forms geometry_columns recognises, as for area.boundary
  CONSTRAINT enforce_srid_location CHECK (st_srid(location) = 4490),
  CONSTRAINT enforce_geotype_location CHECK (geometrytype(location) = 'POINT'),
  CONSTRAINT enforce_srid_footprint CHECK (st_srid(footprint) = 4490),
  CONSTRAINT enforce_geotype_footprint CHECK (geometrytype(footprint) = 'MULTIPOLYGON')
);
CREATE INDEX unit_community_code_idx ON unit (community_code);
CREATE INDEX unit_location_idx ON unit USING gist (location);
CREATE INDEX unit_footprint_idx ON unit USING gist (footprint);
CREATE INDEX unit_party_secretary_idx ON unit (party_secretary_id);

COMMENT ON TABLE unit IS
  'Resident units (驻社区单位): each belongs to one community (the largest share of its campus) and co-builds with every community its campus overlaps (unit_community)';
COMMENT ON COLUMN unit.unit_id IS 'identity';
COMMENT ON COLUMN unit.name IS 'full registered name';
COMMENT ON COLUMN unit.uscc IS 'unified social credit code (统一社会信用代码); may be NULL only for an armed police unit';
COMMENT ON COLUMN unit.kind IS
  'organ (党政机关), public_institution (事业单位: school, hospital …), state_owned_enterprise, non_public_enterprise, social_organisation, armed_police';
COMMENT ON COLUMN unit.category IS 'finer kind for reports, e.g. school, hospital, bank';
COMMENT ON COLUMN unit.affiliation IS 'who the unit answers to: central, provincial, city (市属), district (区属), subdistrict';
COMMENT ON COLUMN unit.rank IS 'administrative rank: bureau (厅局级), division (处级), section (科级), none';
COMMENT ON COLUMN unit.party_org_name IS 'name of the unit''s Party organisation';
COMMENT ON COLUMN unit.party_secretary_id IS
  'the person (resident_id) who heads the unit''s Party organisation, its Party head: by rule a member of the community''s joint meeting';
COMMENT ON COLUMN unit.location IS 'a point for a unit without a campus (EPSG:4490; 4326 input is transformed)';
COMMENT ON COLUMN unit.footprint IS 'the campus footprint, MultiPolygon (EPSG:4490; 4326 input is transformed)';
COMMENT ON COLUMN unit.community_code IS
  'the unit''s community, assigned from the footprint (largest share) or the location; set by hand only for a unit without either';

-- Every community a unit co-builds with, with the share of its campus there.
CREATE TABLE unit_community (
  unit_id        bigint NOT NULL REFERENCES unit ON DELETE CASCADE,
  community_code gridcode NOT NULL REFERENCES area (code),
  share          float8 NOT NULL CHECK (share > 0 AND share <= 1),
  area_m2        float8,
  is_home        bool NOT NULL,
  PRIMARY KEY (unit_id, community_code)
);
CREATE INDEX unit_community_community_idx ON unit_community (community_code);
CREATE UNIQUE INDEX unit_community_one_home ON unit_community (unit_id) WHERE is_home;
COMMENT ON TABLE unit_community IS
  'Co-building ties from geography: every community a unit''s campus overlaps (share 1 for a point), maintained by the spatial assignment';
COMMENT ON COLUMN unit_community.unit_id IS 'the unit';
COMMENT ON COLUMN unit_community.community_code IS 'a community the unit co-builds with';
COMMENT ON COLUMN unit_community.share IS 'share of the campus area in the community (1 for a unit located by a point)';
COMMENT ON COLUMN unit_community.area_m2 IS 'campus area in the community, m² (NULL for a point)';
COMMENT ON COLUMN unit_community.is_home IS 'true for the unit''s own community (unit.community_code)';

-- The communities a footprint overlaps, with the share of its area in each (the spatial
-- tools' footprint_shares, measured on the CGCS2000 ellipsoid, largest share first).
CREATE FUNCTION unit_footprint_communities(footprint geometry)
RETURNS TABLE (community_code gridcode, share float8, area_m2 float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  -- a share is a ratio of sums of pieces and can exceed 1 by a rounding error
  SELECT s.code, least(s.share, 1.0), s.area_m2 FROM commgrid.footprint_shares(footprint, 'community') s
$$;
COMMENT ON FUNCTION unit_footprint_communities(geometry) IS
  'The communities a campus footprint overlaps, largest share first, with the share of its area in each and that area in m² (footprint_shares at community level)';

-- How messages name a unit: by its name, so errors read the same whatever its id.
CREATE FUNCTION unit_label(unit bigint) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT coalesce((SELECT format('unit "%s"', u.name) FROM commgrid.unit u WHERE u.unit_id = unit),
                  format('unit %s', unit))
$$;
COMMENT ON FUNCTION unit_label(bigint) IS 'unit "name", as error messages name a unit';

-- Place a unit: the community of its point, or every community its footprint overlaps.
CREATE FUNCTION unit_assign() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF NEW.location IS NOT NULL AND ST_SRID(NEW.location) = 4326 THEN
    NEW.location := ST_Transform(NEW.location, 4490);
  END IF;
  IF NEW.footprint IS NOT NULL THEN
    IF ST_SRID(NEW.footprint) = 4326 THEN
      NEW.footprint := ST_Transform(NEW.footprint, 4490);
    END IF;
    IF GeometryType(NEW.footprint) = 'POLYGON' THEN
      NEW.footprint := ST_Multi(NEW.footprint);
    END IF;
    -- footprint_shares lists the largest share first (ties by code)
    SELECT s.community_code INTO NEW.community_code
      FROM commgrid.unit_footprint_communities(NEW.footprint) s
     LIMIT 1;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'campus of unit "%" lies in no community', NEW.name
        USING ERRCODE = '23514',
              DETAIL = format('The footprint %s overlaps no area of kind community.', ST_AsText(ST_Envelope(NEW.footprint))),
              HINT = 'Check the coordinates (EPSG:4490 longitude/latitude) or load the community boundaries first.';
    END IF;
  ELSIF NEW.location IS NOT NULL THEN
    NEW.community_code := commgrid.locate(NEW.location, 'community');
    IF NEW.community_code IS NULL THEN
      RAISE EXCEPTION 'unit "%" lies in no community', NEW.name
        USING ERRCODE = '23514',
              DETAIL = format('The point %s is in no area of kind community.', ST_AsText(NEW.location)),
              HINT = 'Check the coordinates (EPSG:4490 longitude/latitude) or load the community boundaries first.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION unit_assign() IS
  'Trigger: sets unit.community_code from the footprint (largest share) or the location';

CREATE TRIGGER unit_assign BEFORE INSERT OR UPDATE OF location, footprint, community_code ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_assign();

-- Keep unit_community in step with the unit's place.
CREATE FUNCTION unit_sync_communities() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  DELETE FROM commgrid.unit_community WHERE unit_id = NEW.unit_id;
  IF NEW.footprint IS NOT NULL THEN
    INSERT INTO commgrid.unit_community (unit_id, community_code, share, area_m2, is_home)
    SELECT NEW.unit_id, s.community_code, s.share, s.area_m2, s.community_code = NEW.community_code
      FROM commgrid.unit_footprint_communities(NEW.footprint) s;
  ELSIF NEW.community_code IS NOT NULL THEN
    INSERT INTO commgrid.unit_community (unit_id, community_code, share, area_m2, is_home)
    VALUES (NEW.unit_id, NEW.community_code, 1, NULL, true);
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION unit_sync_communities() FROM PUBLIC;
COMMENT ON FUNCTION unit_sync_communities() IS
  'Trigger: rewrites unit_community for a unit whose place changed (as the owner: the ties are derived data no role writes by hand)';

CREATE TRIGGER unit_sync_communities AFTER INSERT OR UPDATE OF location, footprint, community_code ON unit
  FOR EACH ROW EXECUTE FUNCTION unit_sync_communities();

-- After community boundaries change: place every unit again.
CREATE FUNCTION unit_reassign_all() RETURNS bigint
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, commgrid, public AS $$
  WITH moved AS (
    UPDATE commgrid.unit SET footprint = footprint, location = location
     WHERE footprint IS NOT NULL OR location IS NOT NULL
    RETURNING 1)
  SELECT count(*) FROM moved
$$;
COMMENT ON FUNCTION unit_reassign_all() IS
  'Re-runs the spatial assignment of every unit with a point or footprint (after boundaries change); returns the number of units placed';

-- Units follow the community boundaries: when communities are added, redrawn or removed (by
-- commgrid.redraw or a plain UPDATE), the units whose place touches the old or new boundary are
-- placed again.  A change that would leave a unit in no community is refused.
CREATE FUNCTION unit_follow_boundaries() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  -- each statement names only the transition tables its operation has
  IF TG_OP = 'INSERT' THEN
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM new_areas a
                    WHERE a.kind IN ('community', 'village')
                      AND ST_Intersects(a.boundary, coalesce(u.footprint, u.location)));
  ELSIF TG_OP = 'DELETE' THEN
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM old_areas a
                    WHERE a.kind IN ('community', 'village')
                      AND ST_Intersects(a.boundary, coalesce(u.footprint, u.location)));
  ELSE
    UPDATE commgrid.unit u SET footprint = u.footprint, location = u.location
     WHERE EXISTS (SELECT 1 FROM old_areas o JOIN new_areas n ON n.code = o.code
                    WHERE (o.kind IN ('community', 'village') OR n.kind IN ('community', 'village'))
                      AND o.boundary IS DISTINCT FROM n.boundary
                      AND (ST_Intersects(o.boundary, coalesce(u.footprint, u.location))
                           OR ST_Intersects(n.boundary, coalesce(u.footprint, u.location))));
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION unit_follow_boundaries() FROM PUBLIC;
COMMENT ON FUNCTION unit_follow_boundaries() IS
  'Statement trigger on area: re-places the units touched by added, redrawn or removed community boundaries (as the owner, so whoever may redraw areas need not have rights on units)';

CREATE TRIGGER unit_follow_boundaries_insert AFTER INSERT ON area
  REFERENCING NEW TABLE AS new_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
CREATE TRIGGER unit_follow_boundaries_update AFTER UPDATE ON area
  REFERENCING OLD TABLE AS old_areas NEW TABLE AS new_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
CREATE TRIGGER unit_follow_boundaries_delete AFTER DELETE ON area
  REFERENCING OLD TABLE AS old_areas FOR EACH STATEMENT EXECUTE FUNCTION unit_follow_boundaries();
-- Leaders' contact points (联系点, city and district leaders) and area responsibility (包片责任制,
-- subdistrict leaders over communities or grids), as the report's first recommendation asks.

CREATE TABLE leader (
  leader_id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id  bigint NOT NULL REFERENCES resident (resident_id),
  level      text NOT NULL CHECK (level IN ('city', 'district', 'subdistrict')),
  area_code  gridcode NOT NULL,
  title      text NOT NULL CHECK (btrim(title) <> ''),
  starts     date NOT NULL,
  ends       date,
  CONSTRAINT leader_area_fits_level CHECK (
    commgrid.depth(area_code) = CASE level WHEN 'city' THEN 2 WHEN 'district' THEN 3 ELSE 4 END),
  CONSTRAINT leader_period CHECK (ends IS NULL OR ends >= starts)
);
CREATE INDEX leader_area_code_idx ON leader (area_code);
CREATE INDEX leader_person_idx ON leader (person_id);
COMMENT ON TABLE leader IS
  'Leading cadres of the city, the district and the subdistricts, with their term: the holders of contact points and area responsibility, and the conveners of joint meetings';
COMMENT ON COLUMN leader.leader_id IS 'identity';
COMMENT ON COLUMN leader.person_id IS 'the person (resident_id)';
COMMENT ON COLUMN leader.level IS 'city, district or subdistrict';
COMMENT ON COLUMN leader.area_code IS 'the city (4 digits), district (6) or subdistrict/town (9) the leader belongs to';
COMMENT ON COLUMN leader.title IS 'post, e.g. 区委副书记, 街道党工委副书记';
COMMENT ON COLUMN leader.starts IS 'first day in post';
COMMENT ON COLUMN leader.ends IS 'last day in post; NULL while in post';

-- Is a leader, or any row with a starts/ends period, in force on a day?
CREATE FUNCTION period_in_force(starts date, ends date, on_date date) RETURNS bool
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN starts <= on_date AND (ends IS NULL OR ends >= on_date);
COMMENT ON FUNCTION period_in_force(date, date, date) IS
  'Is a period [starts, ends] (ends NULL = open) in force on a day?';

CREATE TABLE contact_point (
  contact_point_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  leader_id        bigint NOT NULL REFERENCES leader,
  community_code   gridcode NOT NULL REFERENCES area (code),
  starts           date NOT NULL,
  ends             date,
  CONSTRAINT contact_point_period CHECK (ends IS NULL OR ends >= starts),
  CONSTRAINT contact_point_is_community CHECK (commgrid.depth(community_code) = 5),
  UNIQUE (leader_id, community_code, starts)
);
CREATE INDEX contact_point_community_code_idx ON contact_point (community_code);
COMMENT ON TABLE contact_point IS
  'Contact points (联系点): communities a city or district leader keeps in touch with for Party-building';
COMMENT ON COLUMN contact_point.contact_point_id IS 'identity';
COMMENT ON COLUMN contact_point.leader_id IS 'a city or district leader';
COMMENT ON COLUMN contact_point.community_code IS 'the contact community, inside the leader''s city or district';
COMMENT ON COLUMN contact_point.starts IS 'first day';
COMMENT ON COLUMN contact_point.ends IS 'last day; NULL while in force';

CREATE TABLE area_responsibility (
  responsibility_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  leader_id         bigint NOT NULL REFERENCES leader,
  area_code         gridcode NOT NULL REFERENCES area (code),
  community_code    gridcode GENERATED ALWAYS AS (commgrid.ancestor(area_code, 5)) STORED,
  starts            date NOT NULL,
  ends              date,
  CONSTRAINT area_responsibility_period CHECK (ends IS NULL OR ends >= starts),
  CONSTRAINT area_responsibility_level CHECK (commgrid.depth(area_code) IN (5, 6)),
  UNIQUE (leader_id, area_code, starts)
);
CREATE INDEX area_responsibility_community_code_idx ON area_responsibility (community_code);
COMMENT ON TABLE area_responsibility IS
  'Area responsibility (包片): communities or grids a subdistrict leader answers for';
COMMENT ON COLUMN area_responsibility.responsibility_id IS 'identity';
COMMENT ON COLUMN area_responsibility.leader_id IS 'a subdistrict leader';
COMMENT ON COLUMN area_responsibility.area_code IS 'a community or a grid of the leader''s subdistrict';
COMMENT ON COLUMN area_responsibility.community_code IS 'the community of area_code (itself, or the grid''s community)';
COMMENT ON COLUMN area_responsibility.starts IS 'first day';
COMMENT ON COLUMN area_responsibility.ends IS 'last day; NULL while in force';

-- A contact point needs a city or district leader over the community; a responsibility a
-- subdistrict leader of the community's own subdistrict.
CREATE FUNCTION leadership_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  l commgrid.leader;
  target gridcode;
BEGIN
  SELECT * INTO l FROM commgrid.leader WHERE leader_id = NEW.leader_id;
  IF NOT FOUND THEN
    RETURN NEW;   -- the foreign key reports it
  END IF;
  IF TG_TABLE_NAME = 'contact_point' THEN
    target := NEW.community_code;
    IF l.level NOT IN ('city', 'district') THEN
      RAISE EXCEPTION '% (person %) is a % leader; contact points are for city and district leaders', l.title, l.person_id, l.level
        USING ERRCODE = '23514',
              DETAIL = format('%s (person %s) cannot take community %s as a contact point.', l.title, l.person_id, target),
              HINT = 'Subdistrict leaders take area responsibility (area_responsibility) instead.';
    END IF;
  ELSE
    target := NEW.area_code;
    IF l.level <> 'subdistrict' THEN
      RAISE EXCEPTION '% (person %) is a % leader; area responsibility is for subdistrict leaders', l.title, l.person_id, l.level
        USING ERRCODE = '23514',
              DETAIL = format('%s (person %s) cannot answer for area %s.', l.title, l.person_id, target),
              HINT = 'City and district leaders take contact points (contact_point) instead.';
    END IF;
  END IF;
  IF NOT target <@ l.area_code THEN
    RAISE EXCEPTION 'area % is outside the area % of % (person %)', target, l.area_code, l.title, l.person_id
      USING ERRCODE = '23514',
            DETAIL = format('%s (person %s) is a %s leader of %s; %s is not inside it.', l.title, l.person_id, l.level, l.area_code, target);
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION leadership_check() IS
  'Trigger: contact points belong to city/district leaders, area responsibility to subdistrict leaders, always inside their own area';

CREATE TRIGGER contact_point_check BEFORE INSERT OR UPDATE ON contact_point
  FOR EACH ROW EXECUTE FUNCTION leadership_check();
CREATE TRIGGER area_responsibility_check BEFORE INSERT OR UPDATE ON area_responsibility
  FOR EACH ROW EXECUTE FUNCTION leadership_check();

CREATE VIEW community_without_leader AS
SELECT c.code::text AS community_code, c.name AS community_name,
       c.parent::text AS subdistrict_code, s.name AS subdistrict_name
  FROM commgrid.area c
  LEFT JOIN commgrid.area s ON s.code = c.parent
 WHERE c.kind IN ('community', 'village')
   AND NOT EXISTS (SELECT 1 FROM commgrid.contact_point p
                    WHERE p.community_code = c.code AND commgrid.period_in_force(p.starts, p.ends, current_date)
                      AND EXISTS (SELECT 1 FROM commgrid.leader l WHERE l.leader_id = p.leader_id
                                     AND commgrid.period_in_force(l.starts, l.ends, current_date)))
   AND NOT EXISTS (SELECT 1 FROM commgrid.area_responsibility r
                    WHERE r.community_code = c.code AND commgrid.period_in_force(r.starts, r.ends, current_date)
                      AND EXISTS (SELECT 1 FROM commgrid.leader l WHERE l.leader_id = r.leader_id
                                     AND commgrid.period_in_force(l.starts, l.ends, current_date)));
COMMENT ON VIEW community_without_leader IS
  'Communities that today have neither a contact leader (联系点) nor a responsible subdistrict leader (包片) over the community or one of its grids; a leader out of post does not count';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX area_responsibility_area_code_idx ON area_responsibility (area_code);
-- Co-building (共驻共建): the joint meeting or grand Party committee of each community, its
-- meetings, cross-appointments between the community and its units, and the compliance checks.

CREATE TABLE joint_meeting (
  community_code     gridcode PRIMARY KEY REFERENCES area (code),
  form               text NOT NULL DEFAULT 'joint_meeting'
                       CHECK (form IN ('joint_meeting', 'grand_party_committee')),
  convener_leader_id bigint REFERENCES leader,
  established        date NOT NULL,
  CONSTRAINT joint_meeting_is_community CHECK (commgrid.depth(community_code) = 5)
);
COMMENT ON TABLE joint_meeting IS
  'The community''s Party-building joint meeting (联席会议) or grand Party committee (大党委), one per community';
COMMENT ON COLUMN joint_meeting.community_code IS 'the community';
COMMENT ON COLUMN joint_meeting.form IS 'joint_meeting (联席会议) or grand_party_committee (大党委)';
COMMENT ON COLUMN joint_meeting.convener_leader_id IS
  'convener (召集人 / 大党委书记): the subdistrict leader stationed in the community; NULL when vacant';
COMMENT ON COLUMN joint_meeting.established IS 'day it was set up';

CREATE TABLE joint_meeting_member (
  member_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES joint_meeting ON DELETE CASCADE,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  unit_id        bigint REFERENCES unit,
  role           text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'deputy_convener', 'secretary')),
  starts         date NOT NULL,
  ends           date,
  CONSTRAINT joint_meeting_member_period CHECK (ends IS NULL OR ends >= starts),
  UNIQUE (community_code, person_id, starts)
);
CREATE INDEX joint_meeting_member_community_code_idx ON joint_meeting_member (community_code);
CREATE INDEX joint_meeting_member_unit_idx ON joint_meeting_member (unit_id);
CREATE INDEX joint_meeting_member_person_idx ON joint_meeting_member (person_id);
COMMENT ON TABLE joint_meeting_member IS
  'Members of a joint meeting: the Party heads of the resident units (unit_id set) and the community''s own Party people (unit_id NULL); the convener is a member without a row here';
COMMENT ON COLUMN joint_meeting_member.member_id IS 'identity';
COMMENT ON COLUMN joint_meeting_member.community_code IS 'the joint meeting''s community';
COMMENT ON COLUMN joint_meeting_member.person_id IS 'the member';
COMMENT ON COLUMN joint_meeting_member.unit_id IS 'the unit the member represents; NULL for the community''s own members';
COMMENT ON COLUMN joint_meeting_member.role IS 'member, deputy_convener or secretary';
COMMENT ON COLUMN joint_meeting_member.starts IS 'first day';
COMMENT ON COLUMN joint_meeting_member.ends IS 'last day; NULL while a member';

CREATE TABLE cobuilding_meeting (
  meeting_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES joint_meeting,
  held_on        date NOT NULL,
  topic          text NOT NULL CHECK (btrim(topic) <> ''),
  minutes        text,
  UNIQUE (meeting_id, community_code)
);
CREATE INDEX cobuilding_meeting_community_code_idx ON cobuilding_meeting (community_code, held_on);
COMMENT ON TABLE cobuilding_meeting IS 'Meetings held by a joint meeting / grand Party committee';
COMMENT ON COLUMN cobuilding_meeting.meeting_id IS 'identity';
COMMENT ON COLUMN cobuilding_meeting.community_code IS 'the joint meeting''s community';
COMMENT ON COLUMN cobuilding_meeting.held_on IS 'day held';
COMMENT ON COLUMN cobuilding_meeting.topic IS 'agenda';
COMMENT ON COLUMN cobuilding_meeting.minutes IS 'minutes';

CREATE TABLE cobuilding_attendance (
  meeting_id     bigint NOT NULL,
  community_code gridcode NOT NULL,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  PRIMARY KEY (meeting_id, person_id),
  FOREIGN KEY (meeting_id, community_code) REFERENCES cobuilding_meeting (meeting_id, community_code)
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX cobuilding_attendance_community_code_idx ON cobuilding_attendance (community_code);
COMMENT ON TABLE cobuilding_attendance IS
  'Who attended a meeting; only members on the day count towards the quorum';
COMMENT ON COLUMN cobuilding_attendance.meeting_id IS 'the meeting';
COMMENT ON COLUMN cobuilding_attendance.community_code IS 'the meeting''s community (kept equal by the foreign key)';
COMMENT ON COLUMN cobuilding_attendance.person_id IS 'a person present';

CREATE TABLE cobuilding_resolution (
  resolution_id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  meeting_id          bigint NOT NULL,
  community_code      gridcode NOT NULL,
  resolution          text NOT NULL CHECK (btrim(resolution) <> ''),
  responsible_unit_id bigint REFERENCES unit,
  due_on              date,
  status              text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
  done_on             date,
  CONSTRAINT cobuilding_resolution_done CHECK ((status = 'done') = (done_on IS NOT NULL)),
  FOREIGN KEY (meeting_id, community_code) REFERENCES cobuilding_meeting (meeting_id, community_code)
    ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX cobuilding_resolution_community_code_idx ON cobuilding_resolution (community_code);
CREATE INDEX cobuilding_resolution_unit_idx ON cobuilding_resolution (responsible_unit_id);
COMMENT ON TABLE cobuilding_resolution IS 'Resolutions of a meeting, with who carries them out and their state';
COMMENT ON COLUMN cobuilding_resolution.resolution_id IS 'identity';
COMMENT ON COLUMN cobuilding_resolution.meeting_id IS 'the meeting that resolved it';
COMMENT ON COLUMN cobuilding_resolution.community_code IS 'the meeting''s community';
COMMENT ON COLUMN cobuilding_resolution.resolution IS 'what was resolved';
COMMENT ON COLUMN cobuilding_resolution.responsible_unit_id IS 'the unit that carries it out; NULL for the community';
COMMENT ON COLUMN cobuilding_resolution.due_on IS 'deadline';
COMMENT ON COLUMN cobuilding_resolution.status IS 'open, done or dropped';
COMMENT ON COLUMN cobuilding_resolution.done_on IS 'day carried out (set exactly when status is done)';

-- Cross-appointment (双向进入、交叉任职): community Party people in unit Party organisations, and
-- unit heads in the community committee.  One person may hold several posts.
CREATE TABLE cross_appointment (
  appointment_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id      bigint NOT NULL REFERENCES resident (resident_id),
  direction      text NOT NULL CHECK (direction IN ('community_to_unit', 'unit_to_community')),
  community_code gridcode NOT NULL REFERENCES area (code),
  unit_id        bigint NOT NULL REFERENCES unit,
  post           text NOT NULL CHECK (btrim(post) <> ''),
  starts         date NOT NULL,
  ends           date,
  CONSTRAINT cross_appointment_period CHECK (ends IS NULL OR ends >= starts),
  UNIQUE (person_id, direction, community_code, unit_id, post, starts)
);
CREATE INDEX cross_appointment_community_code_idx ON cross_appointment (community_code);
CREATE INDEX cross_appointment_unit_idx ON cross_appointment (unit_id);
CREATE INDEX cross_appointment_person_idx ON cross_appointment (person_id);
COMMENT ON TABLE cross_appointment IS
  'Cross-appointments (交叉任职) between a community and a unit it co-builds with: the person belongs to both while in force';
COMMENT ON COLUMN cross_appointment.appointment_id IS 'identity';
COMMENT ON COLUMN cross_appointment.person_id IS 'the person appointed';
COMMENT ON COLUMN cross_appointment.direction IS
  'community_to_unit: a community Party person holds the post in the unit''s Party organisation; unit_to_community: a unit head holds the post in the community committee';
COMMENT ON COLUMN cross_appointment.community_code IS 'the community';
COMMENT ON COLUMN cross_appointment.unit_id IS 'the unit, which must co-build with the community';
COMMENT ON COLUMN cross_appointment.post IS 'the part-time post, e.g. 兼职委员';
COMMENT ON COLUMN cross_appointment.starts IS 'first day';
COMMENT ON COLUMN cross_appointment.ends IS 'last day; NULL while in force';

-- The rules joint meetings and cross-appointments follow.
CREATE FUNCTION cobuilding_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  l commgrid.leader;
BEGIN
  IF TG_TABLE_NAME = 'joint_meeting' THEN
    IF NEW.convener_leader_id IS NOT NULL THEN
      SELECT * INTO l FROM commgrid.leader WHERE leader_id = NEW.convener_leader_id;
      IF FOUND AND (l.level <> 'subdistrict' OR NOT NEW.community_code <@ l.area_code) THEN
        RAISE EXCEPTION 'the convener of community %''s joint meeting must be a leader of its subdistrict', NEW.community_code
          USING ERRCODE = '23514',
                DETAIL = format('%s (person %s) is a %s leader of %s; community %s is in subdistrict %s.',
                                l.title, l.person_id, l.level, l.area_code, NEW.community_code, commgrid.parent(NEW.community_code)),
                HINT = 'The convener is the subdistrict leader stationed in the community.';
      END IF;
    END IF;
  ELSIF TG_TABLE_NAME = 'joint_meeting_member' THEN
    IF NEW.unit_id IS NOT NULL AND NOT EXISTS (
         SELECT 1 FROM commgrid.unit_community uc
          WHERE uc.unit_id = NEW.unit_id AND uc.community_code = NEW.community_code) THEN
      RAISE EXCEPTION '% does not co-build with community %', commgrid.unit_label(NEW.unit_id), NEW.community_code
        USING ERRCODE = '23514',
              DETAIL = format('Person %s cannot represent %s in the joint meeting of %s: the unit''s campus is not in that community.',
                              NEW.person_id, commgrid.unit_label(NEW.unit_id), NEW.community_code);
    END IF;
  ELSIF TG_TABLE_NAME = 'cross_appointment' THEN
    IF NOT EXISTS (SELECT 1 FROM commgrid.unit_community uc
                    WHERE uc.unit_id = NEW.unit_id AND uc.community_code = NEW.community_code) THEN
      RAISE EXCEPTION '% does not co-build with community %', commgrid.unit_label(NEW.unit_id), NEW.community_code
        USING ERRCODE = '23514',
              DETAIL = format('Cross-appointment of person %s (%s) needs a unit whose campus is in community %s.',
                              NEW.person_id, NEW.post, NEW.community_code);
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION cobuilding_check() IS
  'Trigger: conveners are leaders of the community''s subdistrict; unit members and cross-appointments need a unit that co-builds with the community';

CREATE TRIGGER joint_meeting_check BEFORE INSERT OR UPDATE ON joint_meeting
  FOR EACH ROW EXECUTE FUNCTION cobuilding_check();
CREATE TRIGGER joint_meeting_member_check BEFORE INSERT OR UPDATE ON joint_meeting_member
  FOR EACH ROW EXECUTE FUNCTION cobuilding_check();
CREATE TRIGGER cross_appointment_check BEFORE INSERT OR UPDATE ON cross_appointment
  FOR EACH ROW EXECUTE FUNCTION cobuilding_check();

-- The members of a joint meeting on a day: member rows in force, and the convener.
CREATE FUNCTION joint_meeting_members(community gridcode, on_date date)
RETURNS TABLE (person_id bigint, unit_id bigint, is_convener bool)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT x.person_id, min(x.unit_id), bool_or(x.is_convener)
    FROM (SELECT m.person_id, m.unit_id, false AS is_convener
            FROM commgrid.joint_meeting_member m
           WHERE m.community_code = community AND commgrid.period_in_force(m.starts, m.ends, on_date)
          UNION ALL
          SELECT l.person_id, NULL::bigint, true
            FROM commgrid.joint_meeting j JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
           WHERE j.community_code = community AND commgrid.period_in_force(l.starts, l.ends, on_date)) x
   GROUP BY x.person_id
$$;
COMMENT ON FUNCTION joint_meeting_members(gridcode, date) IS
  'Members of a community''s joint meeting on a day: member rows in force and the convener (if in post)';

-- Does a person hold a post in an organisation on a day?  Used for recusal (回避).
-- A community: a seat on the committee of one of its Party organisations or the secretary's
-- chair, a cross-appointment with it either way, its own joint-meeting seat (not as a unit's
-- representative), or convening its joint meeting.
CREATE FUNCTION holds_post_in_community(person bigint, community gridcode, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.party_org_committee c
                  WHERE c.resident_id = person AND c.community_code = community)
      OR EXISTS (SELECT 1 FROM commgrid.party_org o
                  WHERE o.secretary_id = person AND o.community_code = community AND o.kind <> 'party_group')
      OR EXISTS (SELECT 1 FROM commgrid.cross_appointment a
                  WHERE a.person_id = person AND a.community_code = community
                    AND commgrid.period_in_force(a.starts, a.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting_member m
                  WHERE m.person_id = person AND m.community_code = community AND m.unit_id IS NULL
                    AND commgrid.period_in_force(m.starts, m.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting j JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
                  WHERE j.community_code = community AND l.person_id = person
                    AND commgrid.period_in_force(l.starts, l.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_community(bigint, gridcode, date) IS
  'Does the person hold a post in the community''s organisation on the day (committee seat or secretary of one of its Party organisations today, cross-appointment either way, own joint-meeting seat, or convener)?';

-- A unit: its Party head, a cross-appointment with it either way, or its joint-meeting seat.
CREATE FUNCTION holds_post_in_unit(person bigint, unit bigint, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.unit u WHERE u.unit_id = unit AND u.party_secretary_id = person)
      OR EXISTS (SELECT 1 FROM commgrid.cross_appointment a
                  WHERE a.person_id = person AND a.unit_id = unit
                    AND commgrid.period_in_force(a.starts, a.ends, on_date))
      OR EXISTS (SELECT 1 FROM commgrid.joint_meeting_member m
                  WHERE m.person_id = person AND m.unit_id = unit
                    AND commgrid.period_in_force(m.starts, m.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_unit(bigint, bigint, date) IS
  'Does the person hold a post in the unit on the day (its Party head, a cross-appointment either way, or its joint-meeting seat)?';

-- A subdistrict: a leader of it in post.
CREATE FUNCTION holds_post_in_subdistrict(person bigint, subdistrict gridcode, on_date date) RETURNS bool
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT EXISTS (SELECT 1 FROM commgrid.leader l
                  WHERE l.person_id = person AND l.level = 'subdistrict' AND l.area_code = subdistrict
                    AND commgrid.period_in_force(l.starts, l.ends, on_date))
$$;
COMMENT ON FUNCTION holds_post_in_subdistrict(bigint, gridcode, date) IS
  'Is the person a leader of the subdistrict on the day?';

-- Compliance 1: units whose Party head is not a member of their community's joint meeting.
CREATE VIEW cobuilding_head_not_member AS
SELECT u.unit_id, u.name AS unit_name, u.community_code::text AS community_code,
       u.party_secretary_id,
       CASE WHEN u.party_secretary_id IS NULL THEN 'no Party head recorded'
            WHEN j.community_code IS NULL THEN 'community has no joint meeting'
            ELSE 'Party head is not a member' END AS reason
  FROM commgrid.unit u
  LEFT JOIN commgrid.joint_meeting j ON j.community_code = u.community_code
 WHERE u.community_code IS NOT NULL
   AND (u.party_secretary_id IS NULL OR j.community_code IS NULL
        OR NOT EXISTS (SELECT 1 FROM commgrid.joint_meeting_members(u.community_code, current_date) m
                        WHERE m.person_id = u.party_secretary_id));
COMMENT ON VIEW cobuilding_head_not_member IS
  'Compliance: resident units whose Party head is today not a member of their own community''s joint meeting, with the reason';

-- Compliance 2: meetings below quorum (more than half of the members on the day must attend).
CREATE VIEW cobuilding_meeting_below_quorum AS
SELECT mt.meeting_id, mt.community_code::text AS community_code, mt.held_on, mt.topic,
       n.members::int AS members, n.present_members::int AS present_members,
       (n.members / 2 + 1)::int AS quorum
  FROM commgrid.cobuilding_meeting mt
 CROSS JOIN LATERAL (
   SELECT count(*) AS members,
          count(*) FILTER (WHERE EXISTS (SELECT 1 FROM commgrid.cobuilding_attendance a
                                          WHERE a.meeting_id = mt.meeting_id AND a.person_id = m.person_id)) AS present_members
     FROM commgrid.joint_meeting_members(mt.community_code, mt.held_on) m) n
 WHERE n.present_members * 2 <= n.members;
COMMENT ON VIEW cobuilding_meeting_below_quorum IS
  'Compliance: meetings attended by no more than half of the members of the day (quorum = members / 2 + 1, integer division); guests do not count';

-- Compliance 3: communities with no convener in post.
CREATE VIEW cobuilding_community_without_convener AS
SELECT c.code::text AS community_code, c.name AS community_name,
       CASE WHEN j.community_code IS NULL THEN 'no joint meeting'
            WHEN j.convener_leader_id IS NULL THEN 'convener vacant'
            ELSE 'convener out of post' END AS reason
  FROM commgrid.area c
  LEFT JOIN commgrid.joint_meeting j ON j.community_code = c.code
  LEFT JOIN commgrid.leader l ON l.leader_id = j.convener_leader_id
 WHERE c.kind IN ('community', 'village')
   AND (j.community_code IS NULL OR l.leader_id IS NULL
        OR NOT commgrid.period_in_force(l.starts, l.ends, current_date));
COMMENT ON VIEW cobuilding_community_without_convener IS
  'Compliance: communities today without a convener: no joint meeting, the post vacant, or the convener out of post';

-- Each community's two-way ties: cross-appointments in force today, in both directions.
CREATE VIEW community_two_way_ties AS
SELECT a.community_code::text AS community_code, c.name AS community_name, a.direction,
       a.person_id, a.unit_id, u.name AS unit_name, a.post, a.starts, a.ends
  FROM commgrid.cross_appointment a
  JOIN commgrid.area c ON c.code = a.community_code
  JOIN commgrid.unit u ON u.unit_id = a.unit_id
 WHERE commgrid.period_in_force(a.starts, a.ends, current_date);
COMMENT ON VIEW community_two_way_ties IS
  'Cross-appointments in force today: community Party people in unit Party organisations (community_to_unit) and unit heads in the community committee (unit_to_community)';

CREATE VIEW community_two_way_tie_summary AS
SELECT c.code::text AS community_code, c.name AS community_name,
       count(*) FILTER (WHERE a.direction = 'community_to_unit')::int AS community_to_unit,
       count(*) FILTER (WHERE a.direction = 'unit_to_community')::int AS unit_to_community,
       count(DISTINCT a.unit_id)::int AS units_tied,
       count(DISTINCT a.person_id)::int AS persons,
       (count(*) FILTER (WHERE a.direction = 'community_to_unit') > 0
        AND count(*) FILTER (WHERE a.direction = 'unit_to_community') > 0) AS two_way
  FROM commgrid.area c
  LEFT JOIN commgrid.cross_appointment a
         ON a.community_code = c.code AND commgrid.period_in_force(a.starts, a.ends, current_date)
 WHERE c.kind IN ('community', 'village')
 GROUP BY c.code, c.name;
COMMENT ON VIEW community_two_way_tie_summary IS
  'Per community: cross-appointments in force today in each direction, units and persons tied, and whether entry runs both ways (双向进入)';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX joint_meeting_convener_leader_id_idx ON joint_meeting (convener_leader_id);
CREATE INDEX cobuilding_resolution_meeting_id_idx ON cobuilding_resolution (meeting_id);
CREATE INDEX cobuilding_attendance_person_id_idx ON cobuilding_attendance (person_id);
-- The three lists (需求清单、资源清单、项目清单) and dual reporting (双报到).

CREATE TABLE cobuilding_need (
  need_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES area (code),
  title          text NOT NULL CHECK (btrim(title) <> ''),
  category       text NOT NULL,
  detail         text,
  published_on   date NOT NULL DEFAULT current_date,
  status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'matched', 'closed')),
  CONSTRAINT cobuilding_need_is_community CHECK (commgrid.depth(community_code) = 5)
);
CREATE INDEX cobuilding_need_community_code_idx ON cobuilding_need (community_code);
COMMENT ON TABLE cobuilding_need IS 'The needs list (需求清单): what a community asks its units for';
COMMENT ON COLUMN cobuilding_need.need_id IS 'identity';
COMMENT ON COLUMN cobuilding_need.community_code IS 'the community publishing the need';
COMMENT ON COLUMN cobuilding_need.title IS 'the need';
COMMENT ON COLUMN cobuilding_need.category IS 'e.g. elderly care, youth, venue, employment, environment';
COMMENT ON COLUMN cobuilding_need.detail IS 'description';
COMMENT ON COLUMN cobuilding_need.published_on IS 'day published';
COMMENT ON COLUMN cobuilding_need.status IS 'open, matched (a project takes it up) or closed';

CREATE TABLE cobuilding_resource (
  resource_id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  unit_id        bigint NOT NULL REFERENCES unit,
  community_code gridcode NOT NULL REFERENCES area (code),
  title          text NOT NULL CHECK (btrim(title) <> ''),
  category       text NOT NULL,
  detail         text,
  published_on   date NOT NULL DEFAULT current_date,
  status         text NOT NULL DEFAULT 'available' CHECK (status IN ('available', 'committed', 'withdrawn')),
  UNIQUE (resource_id, community_code)
);
CREATE INDEX cobuilding_resource_community_code_idx ON cobuilding_resource (community_code);
CREATE INDEX cobuilding_resource_unit_idx ON cobuilding_resource (unit_id);
COMMENT ON TABLE cobuilding_resource IS 'The resources list (资源清单): what a unit offers a community it co-builds with';
COMMENT ON COLUMN cobuilding_resource.resource_id IS 'identity';
COMMENT ON COLUMN cobuilding_resource.unit_id IS 'the unit offering it';
COMMENT ON COLUMN cobuilding_resource.community_code IS 'the community it is offered to (one the unit co-builds with)';
COMMENT ON COLUMN cobuilding_resource.title IS 'the resource';
COMMENT ON COLUMN cobuilding_resource.category IS 'e.g. venue, volunteers, expertise, funds, equipment';
COMMENT ON COLUMN cobuilding_resource.detail IS 'description';
COMMENT ON COLUMN cobuilding_resource.published_on IS 'day published';
COMMENT ON COLUMN cobuilding_resource.status IS 'available, committed or withdrawn';

CREATE TABLE cobuilding_project (
  project_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  need_id        bigint NOT NULL REFERENCES cobuilding_need,
  resource_id    bigint NOT NULL REFERENCES cobuilding_resource,
  community_code gridcode NOT NULL,
  unit_id        bigint NOT NULL,
  title          text NOT NULL CHECK (btrim(title) <> ''),
  status         text NOT NULL DEFAULT 'planned'
                   CHECK (status IN ('planned', 'in_progress', 'completed', 'cancelled')),
  outcome        text,
  starts         date,
  ends           date,
  CONSTRAINT cobuilding_project_period CHECK (ends IS NULL OR starts IS NULL OR ends >= starts),
  CONSTRAINT cobuilding_project_outcome CHECK (status <> 'completed' OR (outcome IS NOT NULL AND ends IS NOT NULL))
);
CREATE INDEX cobuilding_project_community_code_idx ON cobuilding_project (community_code);
CREATE INDEX cobuilding_project_unit_idx ON cobuilding_project (unit_id);
COMMENT ON TABLE cobuilding_project IS
  'The projects list (项目清单): a co-building project matches a community''s need to a unit''s resource';
COMMENT ON COLUMN cobuilding_project.project_id IS 'identity';
COMMENT ON COLUMN cobuilding_project.need_id IS 'the need it meets';
COMMENT ON COLUMN cobuilding_project.resource_id IS 'the resource it uses; offered to the need''s community';
COMMENT ON COLUMN cobuilding_project.community_code IS 'the need''s community (filled in from the need)';
COMMENT ON COLUMN cobuilding_project.unit_id IS 'the resource''s unit (filled in from the resource)';
COMMENT ON COLUMN cobuilding_project.title IS 'the project';
COMMENT ON COLUMN cobuilding_project.status IS 'planned, in_progress, completed or cancelled';
COMMENT ON COLUMN cobuilding_project.outcome IS 'what it achieved; required once completed';
COMMENT ON COLUMN cobuilding_project.starts IS 'first day';
COMMENT ON COLUMN cobuilding_project.ends IS 'last day; required once completed';

-- Dual reporting: a unit reports to the community where it is based ...
CREATE TABLE unit_report (
  unit_report_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  unit_id        bigint NOT NULL REFERENCES unit,
  community_code gridcode NOT NULL REFERENCES area (code),
  reported_on    date NOT NULL,
  ended_on       date,
  liaison_id     bigint REFERENCES resident (resident_id),
  CONSTRAINT unit_report_period CHECK (ended_on IS NULL OR ended_on >= reported_on),
  UNIQUE (unit_id, community_code, reported_on)
);
CREATE INDEX unit_report_community_code_idx ON unit_report (community_code);
COMMENT ON TABLE unit_report IS 'Dual reporting (双报到) of units: a unit reports to a community it is based in';
COMMENT ON COLUMN unit_report.unit_report_id IS 'identity';
COMMENT ON COLUMN unit_report.unit_id IS 'the unit';
COMMENT ON COLUMN unit_report.community_code IS 'a community the unit co-builds with';
COMMENT ON COLUMN unit_report.reported_on IS 'day reported';
COMMENT ON COLUMN unit_report.ended_on IS 'day the report ended (unit moved); NULL while in force';
COMMENT ON COLUMN unit_report.liaison_id IS 'the unit''s liaison person for the community';

-- ... and its in-service Party members report to the community where they live or work.
CREATE TABLE member_report (
  member_report_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  person_id        bigint NOT NULL REFERENCES resident (resident_id),
  unit_id          bigint NOT NULL REFERENCES unit,
  community_code   gridcode NOT NULL REFERENCES area (code),
  basis            text NOT NULL CHECK (basis IN ('residence', 'workplace')),
  reported_on      date NOT NULL,
  ended_on         date,
  CONSTRAINT member_report_period CHECK (ended_on IS NULL OR ended_on >= reported_on),
  CONSTRAINT member_report_is_community CHECK (commgrid.depth(community_code) = 5),
  UNIQUE (person_id, community_code, reported_on)
);
CREATE INDEX member_report_community_code_idx ON member_report (community_code);
CREATE INDEX member_report_unit_idx ON member_report (unit_id);
CREATE INDEX member_report_person_idx ON member_report (person_id);
COMMENT ON TABLE member_report IS
  'Dual reporting (双报到) of in-service Party members: each reports to the community where they live or where their unit is';
COMMENT ON COLUMN member_report.member_report_id IS 'identity';
COMMENT ON COLUMN member_report.person_id IS 'the Party member';
COMMENT ON COLUMN member_report.unit_id IS 'the unit the member works for';
COMMENT ON COLUMN member_report.community_code IS 'the community reported to';
COMMENT ON COLUMN member_report.basis IS 'residence (where the member lives) or workplace (a community the unit co-builds with)';
COMMENT ON COLUMN member_report.reported_on IS 'day reported';
COMMENT ON COLUMN member_report.ended_on IS 'day the report ended; NULL while in force';

CREATE TABLE service_record (
  service_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_code gridcode NOT NULL REFERENCES area (code),
  unit_id        bigint NOT NULL REFERENCES unit,
  person_id      bigint REFERENCES resident (resident_id),
  served_on      date NOT NULL,
  hours          numeric(6, 2) NOT NULL CHECK (hours > 0 AND hours <= 24),
  activity       text NOT NULL CHECK (btrim(activity) <> ''),
  project_id     bigint REFERENCES cobuilding_project
);
CREATE INDEX service_record_community_code_idx ON service_record (community_code, served_on);
CREATE INDEX service_record_unit_idx ON service_record (unit_id);
CREATE INDEX service_record_person_idx ON service_record (person_id);
COMMENT ON TABLE service_record IS
  'Service done in a community by a reported unit (person_id NULL) or by one of its reported members';
COMMENT ON COLUMN service_record.service_id IS 'identity';
COMMENT ON COLUMN service_record.community_code IS 'the community served';
COMMENT ON COLUMN service_record.unit_id IS 'the unit (the member''s unit for a member''s service)';
COMMENT ON COLUMN service_record.person_id IS 'the member who served; NULL for the unit as a whole';
COMMENT ON COLUMN service_record.served_on IS 'day of service';
COMMENT ON COLUMN service_record.hours IS 'hours of service that day (per person)';
COMMENT ON COLUMN service_record.activity IS 'what was done';
COMMENT ON COLUMN service_record.project_id IS 'the co-building project it belongs to, if any';

-- The rules of the lists and of dual reporting.
CREATE FUNCTION cobuilding_list_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  n commgrid.cobuilding_need;
  r commgrid.cobuilding_resource;
BEGIN
  IF TG_TABLE_NAME = 'cobuilding_project' THEN
    SELECT * INTO n FROM commgrid.cobuilding_need WHERE need_id = NEW.need_id;
    SELECT * INTO r FROM commgrid.cobuilding_resource WHERE resource_id = NEW.resource_id;
    IF n.need_id IS NULL OR r.resource_id IS NULL THEN
      RETURN NEW;   -- the foreign keys report it
    END IF;
    IF n.community_code <> r.community_code THEN
      RAISE EXCEPTION 'resource "%" is offered to community %, need "%" is community %''s', r.title, r.community_code, n.title, n.community_code
        USING ERRCODE = '23514',
              DETAIL = format('Project "%s" must match a need to a resource offered to the same community.', NEW.title);
    END IF;
    NEW.community_code := n.community_code;
    NEW.unit_id := r.unit_id;
  ELSIF TG_TABLE_NAME IN ('cobuilding_resource', 'unit_report', 'member_report') THEN
    IF TG_TABLE_NAME = 'member_report' THEN
      IF NEW.basis = 'residence' THEN
        RETURN NEW;   -- a member may live anywhere
      END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commgrid.unit_community uc
                    WHERE uc.unit_id = NEW.unit_id AND uc.community_code = NEW.community_code) THEN
      RAISE EXCEPTION '% does not co-build with community %', commgrid.unit_label(NEW.unit_id), NEW.community_code
        USING ERRCODE = '23514',
              DETAIL = format('A %s must name a community the unit''s campus is in.',
                              CASE TG_TABLE_NAME WHEN 'cobuilding_resource' THEN 'resource'
                                                 WHEN 'unit_report' THEN 'unit''s dual report'
                                                 ELSE 'member''s workplace report' END),
              HINT = CASE WHEN TG_TABLE_NAME = 'member_report'
                          THEN 'A member reports to the community of the unit (workplace) or of their home (residence).'
                          ELSE 'The communities a unit co-builds with are in unit_community, from its location or footprint.' END;
    END IF;
  ELSIF TG_TABLE_NAME = 'service_record' THEN
    IF NEW.person_id IS NULL THEN
      IF NOT EXISTS (SELECT 1 FROM commgrid.unit_report ur
                      WHERE ur.unit_id = NEW.unit_id AND ur.community_code = NEW.community_code
                        AND NEW.served_on >= ur.reported_on AND (ur.ended_on IS NULL OR NEW.served_on <= ur.ended_on)) THEN
        RAISE EXCEPTION '% had not reported to community % on %', commgrid.unit_label(NEW.unit_id), NEW.community_code, NEW.served_on
          USING ERRCODE = '23514',
                DETAIL = 'Service is recorded for units that have reported (双报到) to the community served.',
                HINT = 'Record the unit''s report in unit_report first.';
      END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM commgrid.member_report mr
                       WHERE mr.person_id = NEW.person_id AND mr.unit_id = NEW.unit_id
                         AND mr.community_code = NEW.community_code
                         AND NEW.served_on >= mr.reported_on AND (mr.ended_on IS NULL OR NEW.served_on <= mr.ended_on)) THEN
      RAISE EXCEPTION 'member % of % had not reported to community % on %', NEW.person_id, commgrid.unit_label(NEW.unit_id), NEW.community_code, NEW.served_on
        USING ERRCODE = '23514',
              DETAIL = 'Service is recorded for members who have reported (双报到) to the community served.',
              HINT = 'Record the member''s report in member_report first.';
    END IF;
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION cobuilding_list_check() IS
  'Trigger: projects match a need and a resource of one community; resources, unit reports and workplace reports need a co-building tie; service needs a report in force';

CREATE TRIGGER cobuilding_project_check BEFORE INSERT OR UPDATE ON cobuilding_project
  FOR EACH ROW EXECUTE FUNCTION cobuilding_list_check();
CREATE TRIGGER cobuilding_resource_check BEFORE INSERT OR UPDATE ON cobuilding_resource
  FOR EACH ROW EXECUTE FUNCTION cobuilding_list_check();
CREATE TRIGGER unit_report_check BEFORE INSERT OR UPDATE ON unit_report
  FOR EACH ROW EXECUTE FUNCTION cobuilding_list_check();
CREATE TRIGGER member_report_check BEFORE INSERT OR UPDATE ON member_report
  FOR EACH ROW EXECUTE FUNCTION cobuilding_list_check();
CREATE TRIGGER service_record_check BEFORE INSERT OR UPDATE ON service_record
  FOR EACH ROW EXECUTE FUNCTION cobuilding_list_check();

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX unit_report_liaison_id_idx ON unit_report (liaison_id);
CREATE INDEX cobuilding_project_need_id_idx ON cobuilding_project (need_id);
CREATE INDEX service_record_project_id_idx ON service_record (project_id);
CREATE INDEX cobuilding_project_resource_id_idx ON cobuilding_project (resource_id);
-- Bidirectional assessment (双向考核).  Direction 1: each community Party organisation rates the
-- co-building of the units it co-builds with; the result enters the unit's annual target
-- assessment with the campaign's weight.  Direction 2: each subdistrict rates its communities,
-- the communities' units give their opinion, and both are combined with the campaign's weights.
--
-- A rater's total for a ratee is 100 · Σ wᵢ·sᵢ/mᵢ / Σ wᵢ over the indicators of its set
-- (weight w, maximum m, score s; an indicator not rated counts 0).  A unit's score is the
-- weighted_mean of its communities' totals weighted by the share of its campus in each; a
-- community's opinion score is the trimmed_mean of its units' totals (campaign.opinion_trim);
-- its combined score is the weighted_mean of the subdistrict's total and the opinion score
-- (a missing part drops out and the other carries the whole weight).

CREATE TABLE assessment_campaign (
  campaign_id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_code      gridcode NOT NULL REFERENCES area (code),
  year               int NOT NULL CHECK (year BETWEEN 2000 AND 2100),
  name               text NOT NULL CHECK (btrim(name) <> ''),
  status             text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
  unit_target_weight numeric NOT NULL DEFAULT 0.10 CHECK (unit_target_weight > 0 AND unit_target_weight <= 1),
  subdistrict_weight numeric NOT NULL DEFAULT 0.70 CHECK (subdistrict_weight >= 0 AND subdistrict_weight <= 1),
  opinion_weight     numeric NOT NULL DEFAULT 0.30 CHECK (opinion_weight >= 0 AND opinion_weight <= 1),
  opinion_trim       int NOT NULL DEFAULT 0 CHECK (opinion_trim >= 0),
  closed_at          timestamptz,
  CONSTRAINT assessment_campaign_weights CHECK (subdistrict_weight + opinion_weight = 1),
  CONSTRAINT assessment_campaign_closed CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
  CONSTRAINT assessment_campaign_is_district CHECK (commgrid.depth(district_code) = 3),
  UNIQUE (district_code, year)
);
CREATE INDEX assessment_campaign_district_code_idx ON assessment_campaign (district_code);
COMMENT ON TABLE assessment_campaign IS
  'Annual bidirectional assessment campaigns (双向考核) of a district; closed campaigns are read-only';
COMMENT ON COLUMN assessment_campaign.campaign_id IS 'identity';
COMMENT ON COLUMN assessment_campaign.district_code IS 'the district';
COMMENT ON COLUMN assessment_campaign.year IS 'the year assessed';
COMMENT ON COLUMN assessment_campaign.name IS 'title, e.g. 2025年度区域化党建双向考核';
COMMENT ON COLUMN assessment_campaign.status IS 'open, or closed (then nothing of it may change)';
COMMENT ON COLUMN assessment_campaign.unit_target_weight IS
  'share of a unit''s annual target assessment given by its co-building score (0.10: a score of 100 brings 10 points)';
COMMENT ON COLUMN assessment_campaign.subdistrict_weight IS 'weight of the subdistrict''s rating in a community''s combined score';
COMMENT ON COLUMN assessment_campaign.opinion_weight IS 'weight of the units'' opinion in a community''s combined score (the two weights sum to 1)';
COMMENT ON COLUMN assessment_campaign.opinion_trim IS 'how many highest and lowest unit opinions are dropped before averaging (trimmed_mean)';
COMMENT ON COLUMN assessment_campaign.closed_at IS 'when it was closed';

CREATE TABLE assessment_indicator (
  indicator_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id  bigint NOT NULL REFERENCES assessment_campaign ON DELETE CASCADE,
  direction    smallint NOT NULL CHECK (direction IN (1, 2)),
  rater_kind   text NOT NULL CHECK (rater_kind IN ('community', 'subdistrict', 'unit')),
  code         text NOT NULL CHECK (btrim(code) <> ''),
  name         text NOT NULL CHECK (btrim(name) <> ''),
  weight       numeric NOT NULL CHECK (weight > 0),
  max_score    numeric NOT NULL CHECK (max_score > 0),
  CONSTRAINT assessment_indicator_direction CHECK (
    (direction = 1 AND rater_kind = 'community') OR (direction = 2 AND rater_kind IN ('subdistrict', 'unit'))),
  UNIQUE (campaign_id, code)
);
CREATE INDEX assessment_indicator_campaign_idx ON assessment_indicator (campaign_id, rater_kind);
COMMENT ON TABLE assessment_indicator IS
  'Indicator sets of a campaign, one per rater kind: community (direction 1, rates units), subdistrict and unit (direction 2, rate communities)';
COMMENT ON COLUMN assessment_indicator.indicator_id IS 'identity';
COMMENT ON COLUMN assessment_indicator.campaign_id IS 'the campaign';
COMMENT ON COLUMN assessment_indicator.direction IS '1: community rates unit; 2: subdistrict rates community, units give opinions';
COMMENT ON COLUMN assessment_indicator.rater_kind IS 'who rates with it: community (direction 1), subdistrict or unit (direction 2)';
COMMENT ON COLUMN assessment_indicator.code IS 'short code, unique in the campaign';
COMMENT ON COLUMN assessment_indicator.name IS 'what is rated';
COMMENT ON COLUMN assessment_indicator.weight IS 'weight within its set (any positive scale; totals are normalised to 100)';
COMMENT ON COLUMN assessment_indicator.max_score IS 'scores run from 0 to max_score';

CREATE TABLE assessment_grade (
  campaign_id bigint NOT NULL REFERENCES assessment_campaign ON DELETE CASCADE,
  grade       text NOT NULL CHECK (btrim(grade) <> ''),
  min_score   numeric NOT NULL CHECK (min_score >= 0 AND min_score <= 100),
  PRIMARY KEY (campaign_id, grade),
  UNIQUE (campaign_id, min_score)
);
COMMENT ON TABLE assessment_grade IS
  'Grade thresholds of a campaign (default 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 ≥ 0): a score gets the grade with the highest threshold it reaches';
COMMENT ON COLUMN assessment_grade.campaign_id IS 'the campaign';
COMMENT ON COLUMN assessment_grade.grade IS 'grade name';
COMMENT ON COLUMN assessment_grade.min_score IS 'lowest score (0-100) with this grade';

CREATE TABLE assessment_rating (
  rating_id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  campaign_id    bigint NOT NULL REFERENCES assessment_campaign,
  indicator_id   bigint NOT NULL REFERENCES assessment_indicator,
  direction      smallint NOT NULL,
  rater_code     gridcode,
  rater_unit_id  bigint REFERENCES unit,
  ratee_unit_id  bigint REFERENCES unit,
  ratee_code     gridcode,
  score          numeric NOT NULL,
  ratee_share    float8,
  entered_by     bigint NOT NULL REFERENCES resident (resident_id),
  entered_at     timestamptz NOT NULL DEFAULT now(),
  note           text,
  community_code gridcode NOT NULL,
  unit_id        bigint REFERENCES unit,
  CONSTRAINT assessment_rating_one_rater CHECK ((rater_code IS NULL) <> (rater_unit_id IS NULL)),
  CONSTRAINT assessment_rating_one_ratee CHECK ((ratee_code IS NULL) <> (ratee_unit_id IS NULL)),
  CONSTRAINT assessment_rating_once UNIQUE NULLS NOT DISTINCT
    (indicator_id, rater_code, rater_unit_id, ratee_code, ratee_unit_id)
);
CREATE INDEX assessment_rating_community_code_idx ON assessment_rating (community_code);
CREATE INDEX assessment_rating_unit_idx ON assessment_rating (unit_id);
CREATE INDEX assessment_rating_campaign_idx ON assessment_rating (campaign_id, direction);
COMMENT ON TABLE assessment_rating IS
  'One score per rater, ratee and indicator; checked for scope, range and recusal, frozen when the campaign closes, every change kept in assessment_rating_history';
COMMENT ON COLUMN assessment_rating.rating_id IS 'identity';
COMMENT ON COLUMN assessment_rating.campaign_id IS 'the campaign (filled in from the indicator)';
COMMENT ON COLUMN assessment_rating.indicator_id IS 'the indicator';
COMMENT ON COLUMN assessment_rating.direction IS '1 or 2 (filled in from the indicator)';
COMMENT ON COLUMN assessment_rating.rater_code IS 'the rating community (direction 1) or subdistrict (direction 2)';
COMMENT ON COLUMN assessment_rating.rater_unit_id IS 'the unit giving its opinion (direction 2)';
COMMENT ON COLUMN assessment_rating.ratee_unit_id IS 'the unit rated (direction 1)';
COMMENT ON COLUMN assessment_rating.ratee_code IS 'the community rated (direction 2)';
COMMENT ON COLUMN assessment_rating.score IS 'from 0 to the indicator''s max_score';
COMMENT ON COLUMN assessment_rating.ratee_share IS
  'direction 1: the share of the unit''s campus in the rating community when the rating was entered (filled in), so a closed campaign''s results stay as they were when units or boundaries move';
COMMENT ON COLUMN assessment_rating.entered_by IS 'the person who entered (or last changed) it; must not hold posts on both sides (回避)';
COMMENT ON COLUMN assessment_rating.entered_at IS 'when it was entered or last changed';
COMMENT ON COLUMN assessment_rating.note IS 'remark';
COMMENT ON COLUMN assessment_rating.community_code IS 'scope: the rating community (direction 1) or the rated community (direction 2)';
COMMENT ON COLUMN assessment_rating.unit_id IS 'scope: the unit concerned, rated (direction 1) or giving its opinion; NULL for a subdistrict''s rating';

CREATE TABLE assessment_rating_history (
  history_id     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  rating_id      bigint NOT NULL,
  action         text NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  campaign_id    bigint NOT NULL,
  indicator_id   bigint NOT NULL,
  rater_code     gridcode,
  rater_unit_id  bigint,
  ratee_unit_id  bigint,
  ratee_code     gridcode,
  old_score      numeric,
  new_score      numeric,
  changed_by     bigint,
  db_user        name NOT NULL DEFAULT current_user,
  changed_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
  community_code gridcode NOT NULL,
  unit_id        bigint
);
CREATE INDEX assessment_rating_history_community_code_idx ON assessment_rating_history (community_code);
CREATE INDEX assessment_rating_history_unit_idx ON assessment_rating_history (unit_id);
CREATE INDEX assessment_rating_history_rating_idx ON assessment_rating_history (rating_id, history_id);
COMMENT ON TABLE assessment_rating_history IS
  'Audit history of assessment_rating: one row per insert, update and delete; append-only';
COMMENT ON COLUMN assessment_rating_history.history_id IS 'identity, in order of change';
COMMENT ON COLUMN assessment_rating_history.rating_id IS 'the rating changed';
COMMENT ON COLUMN assessment_rating_history.action IS 'insert, update or delete';
COMMENT ON COLUMN assessment_rating_history.campaign_id IS 'the campaign';
COMMENT ON COLUMN assessment_rating_history.indicator_id IS 'the indicator (after the change; before it for a delete)';
COMMENT ON COLUMN assessment_rating_history.rater_code IS 'rating community or subdistrict';
COMMENT ON COLUMN assessment_rating_history.rater_unit_id IS 'rating unit';
COMMENT ON COLUMN assessment_rating_history.ratee_unit_id IS 'rated unit';
COMMENT ON COLUMN assessment_rating_history.ratee_code IS 'rated community';
COMMENT ON COLUMN assessment_rating_history.old_score IS 'score before (NULL for an insert)';
COMMENT ON COLUMN assessment_rating_history.new_score IS 'score after (NULL for a delete)';
COMMENT ON COLUMN assessment_rating_history.changed_by IS
  'person: entered_by of the new row; for a delete the setting commgrid.person_id, if set';
COMMENT ON COLUMN assessment_rating_history.db_user IS 'database role that made the change (current_user of the statement)';
COMMENT ON COLUMN assessment_rating_history.changed_at IS 'when';
COMMENT ON COLUMN assessment_rating_history.community_code IS 'scope, as in the rating';
COMMENT ON COLUMN assessment_rating_history.unit_id IS 'scope, as in the rating';

-- A closed campaign is read-only: its row, indicators, grades and ratings.
CREATE FUNCTION assessment_refuse_closed(campaign bigint, what text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  c commgrid.assessment_campaign;
BEGIN
  SELECT * INTO c FROM commgrid.assessment_campaign WHERE campaign_id = campaign;
  IF FOUND AND c.status = 'closed' THEN
    RAISE EXCEPTION 'campaign "%" is closed', c.name
      USING ERRCODE = '55000',
            DETAIL = format('The %s cannot change: the %s campaign of %s is closed and read-only.', what, c.year, c.district_code),
            HINT = 'A closed campaign''s results are final; correct them in the next campaign.';
  END IF;
END $$;
COMMENT ON FUNCTION assessment_refuse_closed(bigint, text) IS
  'Raises 55000 when the campaign is closed; called by the triggers of everything that belongs to a campaign';

CREATE FUNCTION assessment_campaign_guard() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  IF TG_TABLE_NAME = 'assessment_campaign' THEN
    IF TG_OP = 'UPDATE' THEN
      IF OLD.status = 'closed' THEN
        PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'campaign');
      END IF;
      IF NEW.status = 'closed' AND NEW.closed_at IS NULL THEN
        NEW.closed_at := now();
      END IF;
      RETURN NEW;
    END IF;
    PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'campaign');
    RETURN OLD;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, replace(TG_TABLE_NAME, 'assessment_', ''));
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    PERFORM commgrid.assessment_refuse_closed(NEW.campaign_id, replace(TG_TABLE_NAME, 'assessment_', ''));
    RETURN NEW;
  END IF;
  RETURN OLD;
END $$;
COMMENT ON FUNCTION assessment_campaign_guard() IS
  'Trigger: nothing of a closed campaign may change; closing stamps closed_at';

CREATE TRIGGER assessment_campaign_guard BEFORE UPDATE OR DELETE ON assessment_campaign
  FOR EACH ROW EXECUTE FUNCTION assessment_campaign_guard();
CREATE TRIGGER assessment_indicator_guard BEFORE INSERT OR UPDATE OR DELETE ON assessment_indicator
  FOR EACH ROW EXECUTE FUNCTION assessment_campaign_guard();
CREATE TRIGGER assessment_grade_guard BEFORE INSERT OR UPDATE OR DELETE ON assessment_grade
  FOR EACH ROW EXECUTE FUNCTION assessment_campaign_guard();

-- Every new campaign starts with the usual four grades.
CREATE FUNCTION assessment_default_grades() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  INSERT INTO commgrid.assessment_grade (campaign_id, grade, min_score)
  VALUES (NEW.campaign_id, '优秀', 90), (NEW.campaign_id, '良好', 80),
         (NEW.campaign_id, '合格', 60), (NEW.campaign_id, '不合格', 0);
  RETURN NULL;
END $$;
COMMENT ON FUNCTION assessment_default_grades() IS
  'Trigger: gives a new campaign the grades 优秀 ≥ 90, 良好 ≥ 80, 合格 ≥ 60, 不合格 ≥ 0 (edit them while it is open)';
CREATE TRIGGER assessment_default_grades AFTER INSERT ON assessment_campaign
  FOR EACH ROW EXECUTE FUNCTION assessment_default_grades();

-- The integrity rules of a rating, in the order they are checked.
CREATE FUNCTION assessment_rating_check() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  i commgrid.assessment_indicator;
  on_day date;
  rater_text text;
  ratee_text text;
  recuse bool;
BEGIN
  -- the role making the change, for the audit trigger, which runs as the owner
  PERFORM set_config('commgrid.rating_role', current_user, true);
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM commgrid.assessment_refuse_closed(OLD.campaign_id, 'rating');
    IF TG_OP = 'DELETE' THEN
      RETURN OLD;
    END IF;
  END IF;

  SELECT * INTO i FROM commgrid.assessment_indicator WHERE indicator_id = NEW.indicator_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'indicator % does not exist', NEW.indicator_id USING ERRCODE = '23503';
  END IF;
  NEW.campaign_id := i.campaign_id;
  NEW.direction := i.direction;
  PERFORM commgrid.assessment_refuse_closed(NEW.campaign_id, 'rating');
  IF TG_OP = 'UPDATE' THEN
    NEW.entered_at := now();
  END IF;
  on_day := NEW.entered_at::date;

  -- who rates whom: the shape the indicator's rater kind asks for
  IF i.rater_kind = 'community' THEN
    IF NEW.rater_code IS NULL OR commgrid.depth(NEW.rater_code) <> 5 OR NEW.ratee_unit_id IS NULL THEN
      RAISE EXCEPTION 'indicator % (%) is rated by a community about a unit', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 1: set rater_code to the community and ratee_unit_id to the unit.';
    END IF;
    rater_text := format('community %s', NEW.rater_code);
    ratee_text := commgrid.unit_label(NEW.ratee_unit_id);
    NEW.community_code := NEW.rater_code;
    NEW.unit_id := NEW.ratee_unit_id;
  ELSIF i.rater_kind = 'subdistrict' THEN
    IF NEW.rater_code IS NULL OR commgrid.depth(NEW.rater_code) <> 4
       OR NEW.ratee_code IS NULL OR commgrid.depth(NEW.ratee_code) <> 5 THEN
      RAISE EXCEPTION 'indicator % (%) is rated by a subdistrict about a community', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 2: set rater_code to the subdistrict and ratee_code to the community.';
    END IF;
    rater_text := format('subdistrict %s', NEW.rater_code);
    ratee_text := format('community %s', NEW.ratee_code);
    NEW.community_code := NEW.ratee_code;
    NEW.unit_id := NULL;
  ELSE
    IF NEW.rater_unit_id IS NULL OR NEW.ratee_code IS NULL OR commgrid.depth(NEW.ratee_code) <> 5 THEN
      RAISE EXCEPTION 'indicator % (%) is an opinion of a unit about a community', i.code, i.name
        USING ERRCODE = '23514',
              DETAIL = 'Direction 2: set rater_unit_id to the unit and ratee_code to the community.';
    END IF;
    rater_text := commgrid.unit_label(NEW.rater_unit_id);
    ratee_text := format('community %s', NEW.ratee_code);
    NEW.community_code := NEW.ratee_code;
    NEW.unit_id := NEW.rater_unit_id;
  END IF;

  -- rule 1: a rater rates only ratees in its scope
  IF (i.rater_kind = 'community' AND NOT EXISTS (
        SELECT 1 FROM commgrid.unit_community uc
         WHERE uc.unit_id = NEW.ratee_unit_id AND uc.community_code = NEW.rater_code))
     OR (i.rater_kind = 'subdistrict' AND commgrid.parent(NEW.ratee_code) <> NEW.rater_code)
     OR (i.rater_kind = 'unit' AND NOT EXISTS (
        SELECT 1 FROM commgrid.unit_community uc
         WHERE uc.unit_id = NEW.rater_unit_id AND uc.community_code = NEW.ratee_code)) THEN
    RAISE EXCEPTION '% may not rate %: out of its scope', rater_text, ratee_text
      USING ERRCODE = '23514',
            DETAIL = CASE i.rater_kind
                       WHEN 'community' THEN 'A community rates only the units that co-build with it (unit_community).'
                       WHEN 'subdistrict' THEN format('A subdistrict rates only its own communities; %s belongs to %s.',
                                                     NEW.ratee_code, commgrid.parent(NEW.ratee_code))
                       ELSE 'A unit gives its opinion only on the communities it co-builds with (unit_community).' END;
  END IF;

  IF i.rater_kind = 'community' THEN
    SELECT uc.share INTO NEW.ratee_share FROM commgrid.unit_community uc
     WHERE uc.unit_id = NEW.ratee_unit_id AND uc.community_code = NEW.rater_code;
  ELSE
    NEW.ratee_share := NULL;
  END IF;

  -- rule 2: a score stays within the indicator's range
  IF NEW.score < 0 OR NEW.score > i.max_score THEN
    RAISE EXCEPTION 'score % is outside the range of indicator % (%)', NEW.score, i.code, i.name
      USING ERRCODE = '23514',
            DETAIL = format('Scores of indicator %s run from 0 to %s.', i.code, i.max_score);
  END IF;

  -- rule 3: one rating per rater, ratee and indicator (the unique constraint backs this up
  -- against concurrent inserts)
  IF EXISTS (SELECT 1 FROM commgrid.assessment_rating r
              WHERE r.indicator_id = NEW.indicator_id
                AND r.rater_code IS NOT DISTINCT FROM NEW.rater_code
                AND r.rater_unit_id IS NOT DISTINCT FROM NEW.rater_unit_id
                AND r.ratee_code IS NOT DISTINCT FROM NEW.ratee_code
                AND r.ratee_unit_id IS NOT DISTINCT FROM NEW.ratee_unit_id
                AND r.rating_id <> NEW.rating_id) THEN
    RAISE EXCEPTION '% has already rated % on indicator %', rater_text, ratee_text, i.code
      USING ERRCODE = '23505',
            DETAIL = 'There is one rating per rater, ratee and indicator in a campaign.',
            HINT = 'Update the existing rating instead; the change is kept in assessment_rating_history.';
  END IF;

  -- rule 4: recusal (回避) of a person holding posts on both sides, on the day the rating is
  -- dated or on the day it is written (so back-dating cannot dodge it)
  SELECT bool_or(CASE i.rater_kind
    WHEN 'community' THEN commgrid.holds_post_in_community(NEW.entered_by, NEW.rater_code, d)
                      AND commgrid.holds_post_in_unit(NEW.entered_by, NEW.ratee_unit_id, d)
    WHEN 'subdistrict' THEN commgrid.holds_post_in_subdistrict(NEW.entered_by, NEW.rater_code, d)
                      AND commgrid.holds_post_in_community(NEW.entered_by, NEW.ratee_code, d)
    ELSE commgrid.holds_post_in_unit(NEW.entered_by, NEW.rater_unit_id, d)
                      AND commgrid.holds_post_in_community(NEW.entered_by, NEW.ratee_code, d) END)
    INTO recuse
    FROM (VALUES (on_day), (current_date)) days(d);
  IF recuse THEN
    RAISE EXCEPTION 'person % must recuse (回避) from rating % for %', NEW.entered_by, ratee_text, rater_text
      USING ERRCODE = '23514',
            DETAIL = format('Person %s holds posts both in %s and in %s (cross-appointment, joint-meeting seat, Party head or convener) on the day of the rating or today.',
                            NEW.entered_by, rater_text, ratee_text),
            HINT = 'Another person of the rating organisation must enter this rating.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION assessment_rating_check() IS
  'Trigger: a rating must fit its indicator''s rater kind, stay in the rater''s scope and the indicator''s range, be the only one per rater/ratee/indicator, not be entered by a person holding posts on both sides, and not touch a closed campaign';

CREATE TRIGGER assessment_rating_check BEFORE INSERT OR UPDATE OR DELETE ON assessment_rating
  FOR EACH ROW EXECUTE FUNCTION assessment_rating_check();

-- Keep every change of a rating.
CREATE FUNCTION assessment_rating_audit() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
DECLARE
  r commgrid.assessment_rating;
BEGIN
  r := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  INSERT INTO commgrid.assessment_rating_history
    (rating_id, action, campaign_id, indicator_id, rater_code, rater_unit_id, ratee_unit_id, ratee_code,
     old_score, new_score, changed_by, db_user, community_code, unit_id)
  VALUES (r.rating_id, lower(TG_OP), r.campaign_id, r.indicator_id, r.rater_code, r.rater_unit_id,
          r.ratee_unit_id, r.ratee_code,
          CASE WHEN TG_OP <> 'INSERT' THEN OLD.score END,
          CASE WHEN TG_OP <> 'DELETE' THEN NEW.score END,
          CASE WHEN TG_OP = 'DELETE' THEN nullif(current_setting('commgrid.person_id', true), '')::bigint
               ELSE NEW.entered_by END,
          coalesce(nullif(current_setting('commgrid.rating_role', true), ''), session_user)::name,
          r.community_code, r.unit_id);
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION assessment_rating_audit() FROM PUBLIC;
COMMENT ON FUNCTION assessment_rating_audit() IS
  'Trigger: appends every insert, update and delete of a rating to assessment_rating_history (as the owner, so no role needs, or gets, the right to write history itself)';
CREATE TRIGGER assessment_rating_audit AFTER INSERT OR UPDATE OR DELETE ON assessment_rating
  FOR EACH ROW EXECUTE FUNCTION assessment_rating_audit();

CREATE FUNCTION assessment_history_append_only() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public AS $$
BEGIN
  RAISE EXCEPTION 'assessment_rating_history is append-only'
    USING ERRCODE = '55000',
          DETAIL = format('%s refused: the audit history of ratings is never changed or deleted.', TG_OP);
END $$;
COMMENT ON FUNCTION assessment_history_append_only() IS 'Trigger: refuses to change or delete audit history';
CREATE TRIGGER assessment_history_append_only BEFORE UPDATE OR DELETE ON assessment_rating_history
  FOR EACH ROW EXECUTE FUNCTION assessment_history_append_only();

-- The grade of a score under a campaign's thresholds.
CREATE FUNCTION assessment_grade_of(campaign bigint, score float8) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, commgrid, public AS $$
  SELECT g.grade FROM commgrid.assessment_grade g
   WHERE g.campaign_id = campaign AND g.min_score <= score
   ORDER BY g.min_score DESC LIMIT 1
$$;
COMMENT ON FUNCTION assessment_grade_of(bigint, float8) IS
  'The grade with the highest threshold the score reaches in the campaign; NULL below every threshold';

-- Each rater's total for each ratee: indicators not rated count 0.
CREATE VIEW assessment_rater_total AS
WITH pairs AS (
  SELECT DISTINCT r.campaign_id, r.direction, i.rater_kind, r.rater_code, r.rater_unit_id,
         r.ratee_unit_id, r.ratee_code, r.community_code, r.unit_id
    FROM commgrid.assessment_rating r JOIN commgrid.assessment_indicator i USING (indicator_id)
)
SELECT p.campaign_id, p.direction, p.rater_kind, p.rater_code, p.rater_unit_id, p.ratee_unit_id, p.ratee_code,
       commgrid.weighted_mean(coalesce(100 * r.score / i.max_score, 0)::float8, i.weight::float8) AS total,
       count(r.rating_id)::int AS indicators_rated, count(*)::int AS indicators,
       count(r.rating_id) = count(*) AS complete,
       max(r.ratee_share) AS ratee_share,
       p.community_code, p.unit_id
  FROM pairs p
  JOIN commgrid.assessment_indicator i ON i.campaign_id = p.campaign_id AND i.rater_kind = p.rater_kind
  LEFT JOIN commgrid.assessment_rating r
         ON r.indicator_id = i.indicator_id
        AND r.rater_code IS NOT DISTINCT FROM p.rater_code AND r.rater_unit_id IS NOT DISTINCT FROM p.rater_unit_id
        AND r.ratee_code IS NOT DISTINCT FROM p.ratee_code AND r.ratee_unit_id IS NOT DISTINCT FROM p.ratee_unit_id
 GROUP BY p.campaign_id, p.direction, p.rater_kind, p.rater_code, p.rater_unit_id, p.ratee_unit_id, p.ratee_code,
          p.community_code, p.unit_id;
COMMENT ON VIEW assessment_rater_total IS
  'A rater''s total (0-100) for a ratee: 100 · Σ w·s/max / Σ w over its indicator set, an indicator not rated counting 0; ratee_share is the unit''s campus share in the rating community (direction 1)';

-- Direction 1: each unit's co-building score, target points, grade and rank among units of its kind.
CREATE VIEW assessment_unit_result AS
WITH scored AS (
  SELECT t.campaign_id, t.ratee_unit_id AS unit_id,
         commgrid.weighted_mean(t.total, t.ratee_share) AS score,
         count(*)::int AS communities_rating,
         bool_and(t.complete) AS complete
    FROM commgrid.assessment_rater_total t
   WHERE t.rater_kind = 'community'
   GROUP BY t.campaign_id, t.ratee_unit_id
)
SELECT s.campaign_id, c.year, s.unit_id, u.name AS unit_name, u.kind, u.community_code,
       s.score, s.communities_rating, s.complete,
       s.score * c.unit_target_weight::float8 AS target_points,
       commgrid.assessment_grade_of(s.campaign_id, s.score) AS grade,
       rank() OVER (PARTITION BY s.campaign_id, u.kind ORDER BY s.score DESC)::int AS rank_in_kind,
       count(*) OVER (PARTITION BY s.campaign_id, u.kind)::int AS units_in_kind
  FROM scored s
  JOIN commgrid.assessment_campaign c ON c.campaign_id = s.campaign_id
  JOIN commgrid.unit u ON u.unit_id = s.unit_id;
COMMENT ON VIEW assessment_unit_result IS
  'Direction 1 result per unit: score = weighted_mean of the rating communities'' totals by campus share (as entered with the ratings); target_points = score × unit_target_weight (what enters the unit''s annual target assessment); grade; rank among rated units of the same kind';

-- Direction 2: each community's subdistrict score, opinion score, combined score, grade and rank
-- among the communities of its subdistrict.
CREATE VIEW assessment_community_result AS
WITH parts AS (
  SELECT t.campaign_id, t.ratee_code AS community_code,
         avg(t.total) FILTER (WHERE t.rater_kind = 'subdistrict') AS subdistrict_score,
         commgrid.trimmed_mean(t.total, c.opinion_trim) FILTER (WHERE t.rater_kind = 'unit') AS opinion_score,
         count(*) FILTER (WHERE t.rater_kind = 'unit')::int AS opinions,
         bool_and(t.complete) AS complete
    FROM commgrid.assessment_rater_total t
    JOIN commgrid.assessment_campaign c ON c.campaign_id = t.campaign_id
   WHERE t.direction = 2
   GROUP BY t.campaign_id, t.ratee_code
), combined AS (
  SELECT p.*, (SELECT commgrid.weighted_mean(x.score, x.weight)
                 FROM (VALUES (p.subdistrict_score, c.subdistrict_weight::float8),
                              (p.opinion_score, c.opinion_weight::float8)) x(score, weight)) AS combined_score,
         c.year
    FROM parts p JOIN commgrid.assessment_campaign c ON c.campaign_id = p.campaign_id
)
SELECT b.campaign_id, b.year, b.community_code, a.name AS community_name, commgrid.parent(b.community_code) AS subdistrict_code,
       b.subdistrict_score, b.opinion_score, b.opinions, b.combined_score, b.complete,
       commgrid.assessment_grade_of(b.campaign_id, b.combined_score) AS grade,
       rank() OVER (PARTITION BY b.campaign_id, commgrid.parent(b.community_code) ORDER BY b.combined_score DESC)::int
         AS rank_in_subdistrict,
       count(*) OVER (PARTITION BY b.campaign_id, commgrid.parent(b.community_code))::int AS communities_in_subdistrict
  FROM combined b
  JOIN commgrid.area a ON a.code = b.community_code;
COMMENT ON VIEW assessment_community_result IS
  'Direction 2 result per community: the subdistrict''s total, the trimmed_mean of its units'' opinions (campaign.opinion_trim), their weighted_mean with the campaign''s weights (a missing part drops out), grade, rank among rated communities of the same subdistrict';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX assessment_rating_entered_by_idx ON assessment_rating (entered_by);
CREATE INDEX assessment_rating_ratee_unit_id_idx ON assessment_rating (ratee_unit_id);
CREATE INDEX assessment_rating_rater_unit_id_idx ON assessment_rating (rater_unit_id);
-- Reports for BI tools: plain-typed views (text, int, numeric, bool, date only) over the
-- co-building and assessment model.  Scores are rounded to 2 decimals here; the exact float8
-- values are in assessment_unit_result and assessment_community_result.

CREATE VIEW unit_scorecard AS
WITH yr AS (
  SELECT c.campaign_id, c.year, c.district_code, make_date(c.year, 1, 1) AS first_day, make_date(c.year, 12, 31) AS last_day
    FROM commgrid.assessment_campaign c
)
SELECT y.campaign_id, y.year, u.unit_id, u.name AS unit_name, u.uscc::text AS uscc,
       u.kind, vk.label AS kind_label, u.affiliation, va.label AS affiliation_label, u.rank, vr.label AS rank_label,
       u.community_code::text AS community_code, a.name AS community_name,
       (SELECT count(*) FROM commgrid.unit_community uc WHERE uc.unit_id = u.unit_id)::int AS cobuilding_communities,
       (u.party_secretary_id IS NOT NULL AND EXISTS (
          SELECT 1 FROM commgrid.joint_meeting_member m
           WHERE m.community_code = u.community_code AND m.person_id = u.party_secretary_id
             AND m.starts <= y.last_day AND (m.ends IS NULL OR m.ends >= y.first_day))) AS party_head_in_joint_meeting,
       (SELECT count(*) FROM commgrid.cross_appointment x
         WHERE x.unit_id = u.unit_id AND x.starts <= y.last_day AND (x.ends IS NULL OR x.ends >= y.first_day))::int
         AS cross_appointments,
       (SELECT count(*) FROM commgrid.cobuilding_attendance at
          JOIN commgrid.cobuilding_meeting mt ON mt.meeting_id = at.meeting_id
         WHERE mt.held_on BETWEEN y.first_day AND y.last_day
           AND at.person_id IN (SELECT m.person_id FROM commgrid.joint_meeting_member m WHERE m.unit_id = u.unit_id)
       )::int AS meetings_attended,
       (SELECT count(*) FROM commgrid.cobuilding_resource r
         WHERE r.unit_id = u.unit_id AND r.published_on BETWEEN y.first_day AND y.last_day)::int AS resources_offered,
       (SELECT count(*) FROM commgrid.cobuilding_project p
         WHERE p.unit_id = u.unit_id AND p.status = 'completed' AND p.ends BETWEEN y.first_day AND y.last_day)::int
         AS projects_completed,
       coalesce((SELECT sum(s.hours) FROM commgrid.service_record s
                  WHERE s.unit_id = u.unit_id AND s.served_on BETWEEN y.first_day AND y.last_day), 0)::numeric
         AS service_hours,
       round(res.score::numeric, 2) AS score,
       res.grade,
       res.rank_in_kind,
       res.units_in_kind,
       round(res.target_points::numeric, 2) AS target_points
  FROM yr y
  JOIN commgrid.unit u ON u.community_code <@ y.district_code
  LEFT JOIN commgrid.area a ON a.code = u.community_code
  LEFT JOIN commgrid.unit_vocabulary vk ON vk.field = 'kind' AND vk.code = u.kind
  LEFT JOIN commgrid.unit_vocabulary va ON va.field = 'affiliation' AND va.code = u.affiliation
  LEFT JOIN commgrid.unit_vocabulary vr ON vr.field = 'rank' AND vr.code = u.rank
  LEFT JOIN commgrid.assessment_unit_result res ON res.campaign_id = y.campaign_id AND res.unit_id = u.unit_id;
COMMENT ON VIEW unit_scorecard IS
  'BI: per campaign and unit of its district, the unit''s co-building in the year (communities, joint-meeting seat, cross-appointments, meetings attended, resources, completed projects, service hours) and its direction-1 result (score, grade, rank in kind, points for the annual target assessment)';

CREATE VIEW community_unit_opinion AS
SELECT t.campaign_id, c.year, t.ratee_code::text AS community_code, a.name AS community_name,
       t.rater_unit_id AS unit_id, u.name AS unit_name, u.kind, round(t.total::numeric, 2) AS opinion_total,
       t.indicators_rated, t.indicators, t.complete
  FROM commgrid.assessment_rater_total t
  JOIN commgrid.assessment_campaign c ON c.campaign_id = t.campaign_id
  JOIN commgrid.area a ON a.code = t.ratee_code
  JOIN commgrid.unit u ON u.unit_id = t.rater_unit_id
 WHERE t.rater_kind = 'unit';
COMMENT ON VIEW community_unit_opinion IS
  'BI: each unit''s opinion total (0-100) on each community it co-builds with, per campaign';

CREATE VIEW community_assessment AS
SELECT r.campaign_id, r.year, r.community_code::text AS community_code, r.community_name,
       r.subdistrict_code::text AS subdistrict_code, s.name AS subdistrict_name,
       round(r.subdistrict_score::numeric, 2) AS subdistrict_score,
       round(r.opinion_score::numeric, 2) AS opinion_score,
       r.opinions,
       (SELECT min(o.opinion_total) FROM commgrid.community_unit_opinion o
         WHERE o.campaign_id = r.campaign_id AND o.community_code = r.community_code::text) AS lowest_opinion,
       (SELECT max(o.opinion_total) FROM commgrid.community_unit_opinion o
         WHERE o.campaign_id = r.campaign_id AND o.community_code = r.community_code::text) AS highest_opinion,
       round(r.combined_score::numeric, 2) AS combined_score,
       r.grade, r.rank_in_subdistrict, r.communities_in_subdistrict, r.complete
  FROM commgrid.assessment_community_result r
  LEFT JOIN commgrid.area s ON s.code = r.subdistrict_code;
COMMENT ON VIEW community_assessment IS
  'BI: per campaign and community, the subdistrict''s score, the units'' opinion score (trimmed mean; with count, lowest, highest), the combined score, grade and rank in the subdistrict';

CREATE VIEW who_sits_at_whose_table AS
SELECT uc.community_code::text AS community_code, a.name AS community_name,
       a.parent::text AS subdistrict_code,
       u.affiliation, va.label AS affiliation_label, u.rank, vr.label AS rank_label, u.kind, vk.label AS kind_label,
       count(*)::int AS units,
       count(*) FILTER (WHERE uc.is_home)::int AS home_units,
       count(*) FILTER (WHERE EXISTS (
         SELECT 1 FROM commgrid.joint_meeting_member m
          WHERE m.community_code = uc.community_code AND m.person_id = u.party_secretary_id
            AND commgrid.period_in_force(m.starts, m.ends, current_date)))::int AS heads_at_table,
       string_agg(u.name, '、' ORDER BY u.name) AS unit_names
  FROM commgrid.unit_community uc
  JOIN commgrid.unit u ON u.unit_id = uc.unit_id
  JOIN commgrid.area a ON a.code = uc.community_code
  LEFT JOIN commgrid.unit_vocabulary vk ON vk.field = 'kind' AND vk.code = u.kind
  LEFT JOIN commgrid.unit_vocabulary va ON va.field = 'affiliation' AND va.code = u.affiliation
  LEFT JOIN commgrid.unit_vocabulary vr ON vr.field = 'rank' AND vr.code = u.rank
 GROUP BY uc.community_code, a.name, a.parent, u.affiliation, va.label, va.sort_order, u.rank, vr.label, vr.sort_order,
          u.kind, vk.label, vk.sort_order;
COMMENT ON VIEW who_sits_at_whose_table IS
  'BI: per community, the units co-building with it by affiliation × rank × kind (the report''s third problem), with how many are based there and how many Party heads sit at its joint meeting today';
-- What pg_dump keeps of the co-building and assessment model: every table of users' rows and
-- the sequences behind their ids (the vocabulary the script itself fills is left out).
-- Restore with session_replication_role = replica, as README's "Backup" says, so that the
-- rules for new rows (closed campaigns, recusal, unit ties) do not judge restored history.
SELECT pg_catalog.pg_extension_config_dump('unit', '');
SELECT pg_catalog.pg_extension_config_dump('unit_unit_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('unit_community', '');
SELECT pg_catalog.pg_extension_config_dump('leader', '');
SELECT pg_catalog.pg_extension_config_dump('leader_leader_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('contact_point', '');
SELECT pg_catalog.pg_extension_config_dump('contact_point_contact_point_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('area_responsibility', '');
SELECT pg_catalog.pg_extension_config_dump('area_responsibility_responsibility_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting_member', '');
SELECT pg_catalog.pg_extension_config_dump('joint_meeting_member_member_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_meeting', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_meeting_meeting_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_attendance', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resolution', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resolution_resolution_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cross_appointment', '');
SELECT pg_catalog.pg_extension_config_dump('cross_appointment_appointment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_need', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_need_need_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resource', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_resource_resource_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_project', '');
SELECT pg_catalog.pg_extension_config_dump('cobuilding_project_project_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('unit_report', '');
SELECT pg_catalog.pg_extension_config_dump('unit_report_unit_report_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('member_report', '');
SELECT pg_catalog.pg_extension_config_dump('member_report_member_report_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('service_record', '');
SELECT pg_catalog.pg_extension_config_dump('service_record_service_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_campaign', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_campaign_campaign_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_indicator', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_indicator_indicator_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_grade', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating_rating_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating_history', '');
SELECT pg_catalog.pg_extension_config_dump('assessment_rating_history_history_id_seq', '');
-- Jurisdiction security: group roles, the jurisdiction mapping and row-level security.
--
-- Roles belong to the cluster and the extension to one database, so this script creates no
-- role: the administrator calls commgrid.create_roles() once per cluster (and again in each
-- database that has the extension, to grant there).  Every table with per-area data is
-- registered with commgrid.secure_table(), which enables row-level security with the one
-- jurisdiction policy; commgrid.security_findings lists any table that escaped the rule.

-- Which areas each login role may reach: one or more gridcodes, a district, township,
-- community or grid; everything under a code is inside it.
CREATE TABLE jurisdiction (
  role_name  name NOT NULL,
  scope      gridcode NOT NULL REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_name, scope)
);
CREATE INDEX jurisdiction_scope_idx ON jurisdiction (scope);
COMMENT ON TABLE jurisdiction IS
  'Jurisdiction of each login role: the gridcodes it may read and write (every code under them included); change it with grant_jurisdiction / revoke_jurisdiction';
COMMENT ON COLUMN jurisdiction.role_name IS 'Login role (current_user) the scope belongs to';
COMMENT ON COLUMN jurisdiction.scope IS
  'An area code: a district for a district administrator, a township for township staff, a community for community staff, a grid for a grid worker';
COMMENT ON COLUMN jurisdiction.granted_by IS 'Session role that granted the scope';
COMMENT ON COLUMN jurisdiction.granted_at IS 'When the scope was granted';

-- user data: pg_dump saves the mapping with the database
SELECT pg_catalog.pg_extension_config_dump('jurisdiction', '');

-- A role sees only its own rows: the policies of other tables read this one as the caller.
ALTER TABLE jurisdiction ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON jurisdiction FOR SELECT USING (role_name = current_user);

-- The caller's scopes, sorted; NULL when it has none.  Policies call it through a scalar
-- subquery, so it runs once per statement as an InitPlan; PL/pgSQL keeps its plan across
-- statements (a SQL function would be planned again in every statement).
CREATE FUNCTION jurisdiction_scopes() RETURNS gridcode[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid AS $$
DECLARE
  scopes commgrid.gridcode[];
BEGIN
  SELECT array_agg(j.scope ORDER BY j.scope) INTO scopes
  FROM commgrid.jurisdiction j WHERE j.role_name = current_user;
  RETURN scopes;
END $$;
COMMENT ON FUNCTION jurisdiction_scopes() IS
  'The current role''s jurisdiction codes (NULL when it has none)';

-- The lowest code that covers all the caller's scopes: the common ancestor of the first and
-- the last in code order.  The policies test `col <@ envelope` first: the gridcode support
-- function turns it into a B-tree range scan with the envelope as its parameter.
CREATE FUNCTION jurisdiction_envelope() RETURNS gridcode
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid AS $$
DECLARE
  lo commgrid.gridcode;
  hi commgrid.gridcode;
BEGIN
  SELECT j.scope INTO lo FROM commgrid.jurisdiction j
  WHERE j.role_name = current_user ORDER BY j.scope LIMIT 1;
  IF lo IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT j.scope INTO hi FROM commgrid.jurisdiction j
  WHERE j.role_name = current_user ORDER BY j.scope DESC LIMIT 1;
  FOR d IN REVERSE least(commgrid.depth(lo), commgrid.depth(hi))..1 LOOP
    IF commgrid.ancestor(lo, d) OPERATOR(commgrid.=) commgrid.ancestor(hi, d) THEN
      RETURN commgrid.ancestor(lo, d);
    END IF;
  END LOOP;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION jurisdiction_envelope() IS
  'The lowest area code covering all of the current role''s jurisdiction (NULL when it has none or it spans provinces)';

-- Which resident units each unit liaison speaks for: the liaison reaches only these units'
-- co-building data and assessments.
CREATE TABLE liaison_unit (
  role_name  name NOT NULL,
  unit_id    bigint NOT NULL REFERENCES unit ON DELETE CASCADE,
  granted_by name NOT NULL DEFAULT session_user,
  granted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role_name, unit_id)
);
COMMENT ON TABLE liaison_unit IS
  'The resident units each unit liaison (login role) acts for; change it with grant_liaison / revoke_liaison';
COMMENT ON COLUMN liaison_unit.role_name IS 'Login role (current_user) of the liaison';
COMMENT ON COLUMN liaison_unit.unit_id IS 'The resident unit';
COMMENT ON COLUMN liaison_unit.granted_by IS 'Session role that granted it';
COMMENT ON COLUMN liaison_unit.granted_at IS 'When it was granted';
SELECT pg_catalog.pg_extension_config_dump('liaison_unit', '');
ALTER TABLE liaison_unit ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_rows ON liaison_unit FOR SELECT USING (role_name = current_user);

-- The caller's units, sorted; NULL when it has none (an InitPlan in the liaison policies).
CREATE FUNCTION liaison_units() RETURNS bigint[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid AS $$
DECLARE
  units bigint[];
BEGIN
  SELECT array_agg(l.unit_id ORDER BY l.unit_id) INTO units
  FROM commgrid.liaison_unit l WHERE l.role_name = current_user;
  RETURN units;
END $$;
COMMENT ON FUNCTION liaison_units() IS
  'The resident units the current role is liaison for (NULL when none)';

-- The six group roles, by their short names (the role is commgrid_<short name>).  The
-- minimum depth is the highest level a member's jurisdiction may name.
CREATE TABLE security_role (
  short_name text PRIMARY KEY,
  min_scope_depth int CHECK (min_scope_depth BETWEEN 3 AND 6),
  description text NOT NULL
);
INSERT INTO security_role VALUES
  ('district_admin', 3, 'District administrator: reads and writes the whole district, grants jurisdictions, reads the audit log'),
  ('township_staff', 4, 'Subdistrict or town staff: reads and writes their township'),
  ('community_staff', 5, 'Community staff: reads and writes their community'),
  ('grid_worker', 6, 'Grid worker: reads and writes their grids'),
  ('unit_liaison', NULL, 'Resident unit liaison: their own unit''s co-building data and assessments only'),
  ('bi_reader', NULL, 'BI reader: the masked and aggregate bi_* views only, never a base table');
COMMENT ON TABLE security_role IS
  'The group roles create_roles() makes (commgrid_<short_name>), and the highest level each may be given as jurisdiction';
COMMENT ON COLUMN security_role.short_name IS 'Role name without the commgrid_ prefix';
COMMENT ON COLUMN security_role.min_scope_depth IS
  'Smallest gridcode depth a member''s jurisdiction may name (3 district … 6 grid); NULL: no area jurisdiction';
COMMENT ON COLUMN security_role.description IS 'What members of the role may do';

-- Every table under the jurisdiction rule, with who may read and write it.  grant_privileges()
-- grants from here, so a table added later needs only its row (through secure_table).
CREATE TABLE secured_table (
  table_name    regclass PRIMARY KEY,
  scope_columns name[],
  readers      text[] NOT NULL,
  writers      text[] NOT NULL,
  unit_columns name[],
  liaison_writes boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE secured_table IS
  'Every table of the extension that roles may reach: its gridcode scope columns (NULL: reference data, no per-area rows) and the group roles (short names) that read and write it';
COMMENT ON COLUMN secured_table.table_name IS 'The table';
COMMENT ON COLUMN secured_table.scope_columns IS
  'The gridcode column(s) the jurisdiction policy tests with <@ (a row is reachable through any of them); NULL for reference data without per-area rows';
COMMENT ON COLUMN secured_table.readers IS
  'Roles granted SELECT on the columns not marked [personal: restricted] (those only through the audited staff functions)';
COMMENT ON COLUMN secured_table.writers IS 'Roles granted INSERT, UPDATE and DELETE';
COMMENT ON COLUMN secured_table.unit_columns IS
  'Resident unit id column(s): a unit liaison reaches the rows of its own units (commgrid.liaison_unit) through them';
COMMENT ON COLUMN secured_table.liaison_writes IS
  'May a unit liaison also insert, update and delete its own units'' rows (through the first unit column)?';

-- Security-definer functions that hand personal data to staff: granted to every staff role;
-- each checks the caller's jurisdiction itself and writes a READ row to the audit log.
CREATE TABLE staff_function (
  function_name name PRIMARY KEY,
  description   text NOT NULL
);
COMMENT ON TABLE staff_function IS
  'Security-definer staff functions (by name) granted to the staff roles; each audits its reads';
COMMENT ON COLUMN staff_function.function_name IS 'Function name in schema commgrid';
COMMENT ON COLUMN staff_function.description IS 'What personal data it returns';

-- Does a role exist and belong (directly or not) to a commgrid group role?
CREATE FUNCTION is_member_of(member name, short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || short_name)
     AND EXISTS (SELECT 1 FROM pg_roles WHERE rolname = member)
     AND pg_has_role(member, 'commgrid_' || short_name, 'MEMBER')
$$;
COMMENT ON FUNCTION is_member_of(name, text) IS
  'Is the role a member of commgrid_<short_name>? (false when either role does not exist)';

-- The role a statement really runs for, seen from inside a security-definer function:
-- current_user there is the owner, but SET ROLE is kept in the role setting.
CREATE FUNCTION acting_role() RETURNS name
LANGUAGE sql STABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT COALESCE(NULLIF(current_setting('role'), 'none'), session_user)::name
$$;
COMMENT ON FUNCTION acting_role() IS
  'The role in effect for the session (SET ROLE, else the login role): current_user as seen outside any security-definer function';

-- Grants for one registered table to the group roles that exist; idempotent.
CREATE FUNCTION grant_table_privileges(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  t commgrid.secured_table;
  r text;
  cols text;
BEGIN
  SELECT * INTO STRICT t FROM commgrid.secured_table WHERE table_name = tbl;
  SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) INTO cols
  FROM pg_attribute
  WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
    AND COALESCE(col_description(tbl, attnum), '') NOT LIKE '[personal: restricted]%';
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || short_name)
  LOOP
    EXECUTE format('REVOKE ALL ON %s FROM %I', tbl, r);
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.readers) x
           WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    IF EXISTS (SELECT 1 FROM pg_attribute
               WHERE attrelid = tbl AND attnum > 0 AND NOT attisdropped
                 AND col_description(tbl, attnum) LIKE '[personal: restricted]%') THEN
      EXECUTE format('GRANT SELECT (%s) ON %s TO %I', cols, tbl, r);
    ELSE
      EXECUTE format('GRANT SELECT ON %s TO %I', tbl, r);
    END IF;
  END LOOP;
  FOR r IN SELECT 'commgrid_' || x FROM unnest(t.writers) x
           WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    EXECUTE format('GRANT INSERT, UPDATE, DELETE ON %s TO %I', tbl, r);
  END LOOP;
END $$;
COMMENT ON FUNCTION grant_table_privileges(regclass) IS
  'Grant a secured table to its readers (columns not marked [personal]) and writers; run by secure_table and grant_privileges';

-- Put a table under the jurisdiction rule: row-level security with a policy that lets a role
-- reach a row only when one of its scope columns lies under one of the role's jurisdiction
-- codes, for reading and for the new row of an INSERT or UPDATE.  With no scope column the
-- table is reference data: registered and granted, without row-level security.
CREATE FUNCTION secure_table(tbl regclass, scope_columns name[],
                             readers text[], writers text[],
                             unit_columns name[] DEFAULT NULL,
                             liaison_writes boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  col name;
  check_expr text;
BEGIN
  FOREACH col IN ARRAY COALESCE(scope_columns, '{}') LOOP
    IF NOT EXISTS (SELECT 1 FROM pg_attribute
                   WHERE attrelid = tbl AND attname = col AND NOT attisdropped
                     AND atttypid = 'commgrid.gridcode'::regtype) THEN
      RAISE EXCEPTION 'table % has no gridcode column %', tbl, col
        USING ERRCODE = '22023', HINT = 'A scope column must be of type commgrid.gridcode.';
    END IF;
  END LOOP;
  IF EXISTS (SELECT 1 FROM unnest(readers || writers) x
             WHERE x NOT IN (SELECT short_name FROM commgrid.security_role)) THEN
    RAISE EXCEPTION 'unknown role in % or %', readers, writers
      USING ERRCODE = '22023',
            HINT = 'Use the short names in commgrid.security_role, e.g. grid_worker.';
  END IF;
  INSERT INTO commgrid.secured_table
    VALUES (tbl, scope_columns, readers, writers, unit_columns, liaison_writes)
    ON CONFLICT (table_name) DO UPDATE
    SET scope_columns = EXCLUDED.scope_columns, readers = EXCLUDED.readers,
        writers = EXCLUDED.writers, unit_columns = EXCLUDED.unit_columns,
        liaison_writes = EXCLUDED.liaison_writes;
  IF cardinality(scope_columns) > 0 THEN
    SELECT string_agg(format(
             '(%1$I OPERATOR(commgrid.<@) (SELECT commgrid.jurisdiction_envelope()) AND '
             '%1$I OPERATOR(commgrid.<@) ANY ((SELECT commgrid.jurisdiction_scopes())::commgrid.gridcode[]))',
             c), ' OR ')
      INTO check_expr FROM unnest(scope_columns) c;
    EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
    EXECUTE format('DROP POLICY IF EXISTS jurisdiction ON %s', tbl);
    EXECUTE format('CREATE POLICY jurisdiction ON %s USING (%s) WITH CHECK (%s)',
                   tbl, check_expr, check_expr);
    EXECUTE format('COMMENT ON POLICY jurisdiction ON %s IS %L', tbl,
                   format('Rows whose %s lies in the current role''s jurisdiction (commgrid.jurisdiction)',
                          array_to_string(scope_columns, ' or ')));
  END IF;
  IF cardinality(unit_columns) > 0 THEN
    SELECT string_agg(format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', c), ' OR ')
      INTO check_expr FROM unnest(unit_columns) c;
    EXECUTE format('DROP POLICY IF EXISTS own_unit ON %s', tbl);
    EXECUTE format('CREATE POLICY own_unit ON %s FOR SELECT USING (%s)', tbl, check_expr);
    EXECUTE format('COMMENT ON POLICY own_unit ON %s IS %L', tbl,
                   'A unit liaison reads the rows of its own units (commgrid.liaison_unit)');
    IF liaison_writes THEN
      check_expr := format('%I = ANY ((SELECT commgrid.liaison_units())::bigint[])', unit_columns[1]);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_insert ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_update ON %s', tbl);
      EXECUTE format('DROP POLICY IF EXISTS own_unit_delete ON %s', tbl);
      EXECUTE format('CREATE POLICY own_unit_insert ON %s FOR INSERT WITH CHECK (%s)', tbl, check_expr);
      EXECUTE format('CREATE POLICY own_unit_update ON %s FOR UPDATE USING (%s) WITH CHECK (%s)',
                     tbl, check_expr, check_expr);
      EXECUTE format('CREATE POLICY own_unit_delete ON %s FOR DELETE USING (%s)', tbl, check_expr);
    END IF;
  END IF;
  PERFORM commgrid.grant_table_privileges(tbl);
END $$;
COMMENT ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) IS
  'Put a table under the jurisdiction rule: enable row-level security, add the jurisdiction policy on its gridcode column(s) and the unit liaison''s policies on its unit column(s), register and grant it; with no scope column, register and grant reference data';

-- Grants that do not depend on one table: schema, jurisdiction, audit, staff functions.
CREATE FUNCTION grant_privileges() RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  r text;
  t text;
BEGIN
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || short_name)
  LOOP
    EXECUTE format('GRANT USAGE ON SCHEMA commgrid TO %I', r);
    IF r <> 'commgrid_bi_reader' THEN
      EXECUTE format('GRANT SELECT ON commgrid.jurisdiction, commgrid.liaison_unit TO %I', r);
    END IF;
  END LOOP;
  FOR t IN SELECT table_name::text FROM commgrid.secured_table ORDER BY 1 LOOP
    PERFORM commgrid.grant_table_privileges(t::regclass);
  END LOOP;
  -- sequences behind serial keys, for the roles that insert
  FOR r IN SELECT DISTINCT 'commgrid_' || x FROM commgrid.secured_table, unnest(writers) x
           WHERE EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || x)
  LOOP
    EXECUTE format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA commgrid TO %I', r);
  END LOOP;
  IF commgrid.role_exists('district_admin') THEN
    EXECUTE 'GRANT EXECUTE ON FUNCTION commgrid.grant_jurisdiction(name, commgrid.gridcode), '
            'commgrid.revoke_jurisdiction(name, commgrid.gridcode), '
            'commgrid.grant_liaison(name, bigint), commgrid.revoke_liaison(name, bigint) '
            'TO commgrid_district_admin';
    EXECUTE 'GRANT SELECT ON commgrid.audit_log TO commgrid_district_admin';
  END IF;
  -- staff functions: security definer, each checks the caller's jurisdiction and audits
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE min_scope_depth IS NOT NULL AND commgrid.role_exists(short_name)
  LOOP
    FOR t IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
               AND p.proname IN (SELECT function_name FROM commgrid.staff_function)
    LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', t, r);
    END LOOP;
  END LOOP;
  -- views that run with the caller's rights (row-level security applies through them)
  FOR r IN SELECT 'commgrid_' || short_name FROM commgrid.security_role
           WHERE min_scope_depth IS NOT NULL AND commgrid.role_exists(short_name)
  LOOP
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind = 'v'
               AND c.relname NOT LIKE 'bi\_%'
               AND 'security_invoker=true' = ANY (COALESCE(c.reloptions, '{}'))
    LOOP
      EXECUTE format('GRANT SELECT ON %s TO %I', t, r);
    END LOOP;
  END LOOP;
  -- BI: the bi_* views and nothing else
  IF commgrid.role_exists('bi_reader') THEN
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
               AND c.relname LIKE 'bi\_%'
    LOOP
      EXECUTE format('GRANT SELECT ON %s TO commgrid_bi_reader', t);
    END LOOP;
    -- the security-definer row functions behind them
    FOR t IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
               AND p.proname LIKE 'bi\_%'
    LOOP
      EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO commgrid_bi_reader', t);
    END LOOP;
  END IF;
END $$;
COMMENT ON FUNCTION grant_privileges() IS
  'Grant the extension''s objects to the commgrid group roles that exist; idempotent, run by create_roles()';

CREATE FUNCTION role_exists(short_name text) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'commgrid_' || short_name)
$$;
COMMENT ON FUNCTION role_exists(text) IS 'Does the group role commgrid_<short_name> exist?';

-- Set once per cluster by the administrator: roles are cluster-wide, so the install script
-- leaves them alone.  Idempotent; in another database with the extension it only grants.
CREATE FUNCTION create_roles() RETURNS SETOF name
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  r commgrid.security_role;
BEGIN
  FOR r IN SELECT * FROM commgrid.security_role ORDER BY short_name LOOP
    IF NOT commgrid.role_exists(r.short_name) THEN
      EXECUTE format('CREATE ROLE %I NOLOGIN', 'commgrid_' || r.short_name);
      EXECUTE format('COMMENT ON ROLE %I IS %L', 'commgrid_' || r.short_name,
                     'pg_commgrid: ' || r.description);
    END IF;
    RETURN NEXT ('commgrid_' || r.short_name)::name;
  END LOOP;
  PERFORM commgrid.grant_privileges();
END $$;
COMMENT ON FUNCTION create_roles() IS
  'Create the commgrid_* group roles that are missing (once per cluster, needs CREATEROLE) and grant this database''s objects to them; safe to run again';

-- Give a login role a scope.  A district administrator may grant within their own
-- jurisdiction; the scope must be no higher than the role's group allows.
CREATE FUNCTION grant_jurisdiction(member name, area_code gridcode) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
DECLARE
  actor name := commgrid.acting_role();
  min_depth int;
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = actor) THEN
    IF NOT commgrid.is_member_of(actor, 'district_admin') THEN
      RAISE EXCEPTION 'role % may not grant jurisdiction', actor
        USING ERRCODE = '42501', HINT = 'Only district administrators grant jurisdiction.';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commgrid.jurisdiction j
                   WHERE j.role_name = actor AND area_code OPERATOR(commgrid.<@) j.scope) THEN
      RAISE EXCEPTION 'area % is outside the jurisdiction of %', area_code, actor
        USING ERRCODE = '42501';
    END IF;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = member) THEN
    RAISE EXCEPTION 'role "%" does not exist', member USING ERRCODE = '42704';
  END IF;
  SELECT min(r.min_scope_depth) INTO min_depth FROM commgrid.security_role r
  WHERE r.min_scope_depth IS NOT NULL AND commgrid.is_member_of(member, r.short_name);
  IF min_depth IS NULL THEN
    RAISE EXCEPTION 'role % belongs to no staff role', member
      USING ERRCODE = '22023',
            HINT = 'Grant it commgrid_district_admin, commgrid_township_staff, commgrid_community_staff or commgrid_grid_worker first.';
  END IF;
  IF commgrid.depth(area_code) < min_depth THEN
    RAISE EXCEPTION 'area % is a %, too high for role %', area_code, commgrid.level(area_code), member
      USING ERRCODE = '22023',
            DETAIL = format('The role''s staff group may be given areas of depth %s or deeper.', min_depth);
  END IF;
  INSERT INTO commgrid.jurisdiction (role_name, scope) VALUES (member, area_code)
    ON CONFLICT DO NOTHING;
END $$;
REVOKE EXECUTE ON FUNCTION grant_jurisdiction(name, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION grant_jurisdiction(name, gridcode) IS
  'Give a login role an area of jurisdiction (superuser, or a district administrator within their own district)';

CREATE FUNCTION revoke_jurisdiction(member name, area_code gridcode) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = actor) THEN
    IF NOT commgrid.is_member_of(actor, 'district_admin') THEN
      RAISE EXCEPTION 'role % may not revoke jurisdiction', actor USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM commgrid.jurisdiction j
                   WHERE j.role_name = actor AND area_code OPERATOR(commgrid.<@) j.scope) THEN
      RAISE EXCEPTION 'area % is outside the jurisdiction of %', area_code, actor
        USING ERRCODE = '42501';
    END IF;
  END IF;
  DELETE FROM commgrid.jurisdiction j WHERE j.role_name = member AND j.scope = area_code;
  RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION revoke_jurisdiction(name, gridcode) FROM PUBLIC;
COMMENT ON FUNCTION revoke_jurisdiction(name, gridcode) IS
  'Take an area of jurisdiction from a login role; true when it had it';

-- Make a login role the liaison of a resident unit.  A district administrator may do it for
-- units of communities in their own jurisdiction.
CREATE FUNCTION grant_liaison(member name, unit bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
DECLARE
  actor name := commgrid.acting_role();
  home commgrid.gridcode;
BEGIN
  SELECT u.community_code INTO home FROM commgrid.unit u WHERE u.unit_id = unit;
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = actor) THEN
    IF NOT commgrid.is_member_of(actor, 'district_admin') THEN
      RAISE EXCEPTION 'role % may not grant liaison rights', actor
        USING ERRCODE = '42501', HINT = 'Only district administrators grant liaison rights.';
    END IF;
    IF home IS NULL OR NOT EXISTS (SELECT 1 FROM commgrid.jurisdiction j
                                   WHERE j.role_name = actor AND home OPERATOR(commgrid.<@) j.scope) THEN
      RAISE EXCEPTION 'unit % is outside the jurisdiction of %', unit, actor USING ERRCODE = '42501';
    END IF;
  END IF;
  IF NOT commgrid.is_member_of(member, 'unit_liaison') THEN
    RAISE EXCEPTION 'role % is not a unit liaison', member
      USING ERRCODE = '22023', HINT = 'Grant it commgrid_unit_liaison first.';
  END IF;
  INSERT INTO commgrid.liaison_unit (role_name, unit_id) VALUES (member, unit)
    ON CONFLICT DO NOTHING;
END $$;
REVOKE EXECUTE ON FUNCTION grant_liaison(name, bigint) FROM PUBLIC;
COMMENT ON FUNCTION grant_liaison(name, bigint) IS
  'Make a login role the liaison of a resident unit (superuser, or a district administrator for units in their district)';

CREATE FUNCTION revoke_liaison(member name, unit bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = actor)
     AND NOT commgrid.is_member_of(actor, 'district_admin') THEN
    RAISE EXCEPTION 'role % may not revoke liaison rights', actor USING ERRCODE = '42501';
  END IF;
  DELETE FROM commgrid.liaison_unit l WHERE l.role_name = member AND l.unit_id = unit;
  RETURN FOUND;
END $$;
REVOKE EXECUTE ON FUNCTION revoke_liaison(name, bigint) FROM PUBLIC;
COMMENT ON FUNCTION revoke_liaison(name, bigint) IS 'Take a resident unit from a liaison; true when it had it';

REVOKE EXECUTE ON FUNCTION secure_table(regclass, name[], text[], text[], name[], boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION grant_table_privileges(regclass) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION grant_privileges() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION create_roles() FROM PUBLIC;

-- Mark personal data in the column comments, keeping the owner's text after the marker.
-- [personal] columns are masked or aggregated for BI; [personal: restricted] ones (ID
-- numbers, phones, addresses, home locations) are not granted to any role either: staff
-- read them only through the audited staff functions.
CREATE FUNCTION mark_personal(tbl regclass, columns name[], restricted boolean DEFAULT false)
RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  col name;
  num int;
  old text;
  marker text := CASE WHEN restricted THEN '[personal: restricted] ' ELSE '[personal] ' END;
BEGIN
  FOREACH col IN ARRAY columns LOOP
    SELECT attnum INTO num FROM pg_attribute
    WHERE attrelid = tbl AND attname = col AND attnum > 0 AND NOT attisdropped;
    IF num IS NULL THEN
      RAISE EXCEPTION 'table % has no column %', tbl, col USING ERRCODE = '42703';
    END IF;
    old := regexp_replace(COALESCE(col_description(tbl, num), ''), '^\[personal[^]]*\] ', '');
    EXECUTE format('COMMENT ON COLUMN %s.%I IS %L', tbl, col, marker || old);
  END LOOP;
  IF EXISTS (SELECT 1 FROM commgrid.secured_table WHERE table_name = tbl) THEN
    PERFORM commgrid.grant_table_privileges(tbl);
  END IF;
END $$;
REVOKE EXECUTE ON FUNCTION mark_personal(regclass, name[], boolean) FROM PUBLIC;
COMMENT ON FUNCTION mark_personal(regclass, name[], boolean) IS
  'Mark columns as personal data in their comments ([personal] or, restricted to staff functions, [personal: restricted])';

-- foreign keys get an index, so deleting the referenced row never scans this table
CREATE INDEX liaison_unit_unit_id_idx ON liaison_unit (unit_id);
-- Audit: every change to residents, members and ratings, and every read of personal data
-- through a staff function, in an append-only log.  Written only by security-definer
-- triggers and functions of the extension; no role has INSERT, UPDATE, DELETE or TRUNCATE
-- on it, and triggers refuse UPDATE, DELETE and TRUNCATE even to its owner.

CREATE TABLE audit_log (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at           timestamptz NOT NULL DEFAULT clock_timestamp(),
  session_role name NOT NULL,
  acting_role  name NOT NULL,
  action       text NOT NULL CHECK (action IN ('INSERT', 'UPDATE', 'DELETE', 'READ', 'BULK INSERT', 'BULK UPDATE', 'BULK DELETE')),
  table_name   text NOT NULL,
  row_key      jsonb,
  old_values   jsonb,
  new_values   jsonb,
  via          text,
  xact_id      bigint NOT NULL DEFAULT txid_current()
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE INDEX audit_log_row_idx ON audit_log (table_name, row_key);
COMMENT ON TABLE audit_log IS
  'Append-only audit: who changed or read what and when; old and new values of each change';
COMMENT ON COLUMN audit_log.id IS 'Order of writing';
COMMENT ON COLUMN audit_log.at IS 'Clock time of the change or read';
COMMENT ON COLUMN audit_log.session_role IS 'session_user: the login role';
COMMENT ON COLUMN audit_log.acting_role IS
  'The role in effect (current_user outside security-definer functions, i.e. after SET ROLE)';
COMMENT ON COLUMN audit_log.action IS
  'INSERT, UPDATE, DELETE, READ (a staff function returned personal data), or BULK … (a superuser load with commgrid.audit = off)';
COMMENT ON COLUMN audit_log.table_name IS 'Schema-qualified table changed or read';
COMMENT ON COLUMN audit_log.row_key IS 'Primary key of the row, as a JSON object';
COMMENT ON COLUMN audit_log.old_values IS
  '[personal] The row before an UPDATE or DELETE (may hold restricted personal data: readable by district administrators only)';
COMMENT ON COLUMN audit_log.new_values IS
  '[personal] The row after an INSERT or UPDATE; for a BULK action the row count (district administrators only)';
COMMENT ON COLUMN audit_log.via IS 'Trigger or staff function that wrote the entry';
COMMENT ON COLUMN audit_log.xact_id IS 'Transaction id, to group the entries of one transaction';

-- user data: pg_dump saves the log and its id sequence with the database
SELECT pg_catalog.pg_extension_config_dump('audit_log', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('commgrid.audit_log', 'id'), '');

-- Append-only even for the owner: a superuser must drop this trigger on purpose to purge.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
  RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP
    USING ERRCODE = '42501',
          HINT = 'Audit entries can be neither changed nor removed.';
END $$;
COMMENT ON FUNCTION audit_log_refuse_change() IS
  'Trigger: refuse UPDATE, DELETE and TRUNCATE on the audit log';
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- The key columns of a row, out of its JSON form.
CREATE FUNCTION audit_key(row_json jsonb, key_columns text[]) RETURNS jsonb
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT jsonb_object_agg(k, row_json -> k) FROM unnest(key_columns) k
$$;
COMMENT ON FUNCTION audit_key(jsonb, text[]) IS 'The key columns of a row, as a JSON object';

-- Statement-level trigger over the transition tables: one set-based insert per statement,
-- so a bulk change stays fast.  A superuser's bulk load may set commgrid.audit = off:
-- it is then recorded as one BULK entry with the row count.  Nobody else can skip it.
CREATE FUNCTION audit_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
DECLARE
  keys text[] := TG_ARGV;
  tbl text := format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME);
  who name := session_user;
  actor name := commgrid.acting_role();
  n bigint;
BEGIN
  IF current_setting('commgrid.audit', true) = 'off'
     AND (SELECT rolsuper FROM pg_roles WHERE rolname = actor) THEN
    IF TG_OP = 'DELETE' THEN
      SELECT count(*) INTO n FROM old_rows;
    ELSE
      SELECT count(*) INTO n FROM new_rows;
    END IF;
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, new_values, via)
    VALUES (who, actor, 'BULK ' || TG_OP, tbl, jsonb_build_object('rows', n), TG_NAME);
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, new_values, via)
    SELECT who, actor, 'INSERT', tbl, commgrid.audit_key(j, keys), j, TG_NAME
    FROM (SELECT to_jsonb(r) AS j FROM new_rows r) x;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, old_values, via)
    SELECT who, actor, 'DELETE', tbl, commgrid.audit_key(j, keys), j, TG_NAME
    FROM (SELECT to_jsonb(r) AS j FROM old_rows r) x;
  ELSE
    INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, old_values, new_values, via)
    SELECT who, actor, 'UPDATE', tbl, COALESCE(n.k, o.k), o.j, n.j, TG_NAME
    FROM (SELECT to_jsonb(r) AS j, commgrid.audit_key(to_jsonb(r), keys) AS k FROM old_rows r) o
    FULL JOIN (SELECT to_jsonb(r) AS j, commgrid.audit_key(to_jsonb(r), keys) AS k FROM new_rows r) n
      ON n.k = o.k
    WHERE o.j IS DISTINCT FROM n.j;
  END IF;
  RETURN NULL;
END $$;
COMMENT ON FUNCTION audit_change() IS
  'Statement trigger: write each inserted, updated or deleted row (old and new values) to the audit log; arguments are the key columns';

-- Attach the audit triggers to a table, keyed by its primary key.
CREATE FUNCTION audit_table(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid AS $$
DECLARE
  keys text;
  op text;
BEGIN
  SELECT string_agg(quote_literal(a.attname), ', ' ORDER BY k.ord) INTO keys
  FROM pg_index i
  CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
  WHERE i.indrelid = tbl AND i.indisprimary;
  IF keys IS NULL THEN
    RAISE EXCEPTION 'table % has no primary key to audit by', tbl USING ERRCODE = '22023';
  END IF;
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', 'audit_' || op, tbl);
    EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS %I '
                   'FOR EACH STATEMENT EXECUTE FUNCTION commgrid.audit_change(%s)',
                   'audit_' || op, upper(op), tbl,
                   CASE op WHEN 'delete' THEN 'OLD' WHEN 'insert' THEN 'NEW'
                           ELSE 'OLD TABLE AS old_rows NEW' END,
                   CASE op WHEN 'delete' THEN 'old_rows' ELSE 'new_rows' END,
                   keys);
  END LOOP;
END $$;
REVOKE EXECUTE ON FUNCTION audit_table(regclass) FROM PUBLIC;
COMMENT ON FUNCTION audit_table(regclass) IS
  'Record every change to a table in the audit log (statement triggers keyed by its primary key)';

-- A staff function's read of personal data; called only from inside security-definer
-- staff functions (no role may execute it).
CREATE FUNCTION audit_read(tbl regclass, row_key jsonb, via text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, commgrid AS $$
  INSERT INTO commgrid.audit_log (session_role, acting_role, action, table_name, row_key, via)
  VALUES (session_user, commgrid.acting_role(), 'READ',
          (SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
           JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl),
          row_key, via)
$$;
REVOKE EXECUTE ON FUNCTION audit_read(regclass, jsonb, text) FROM PUBLIC;
COMMENT ON FUNCTION audit_read(regclass, jsonb, text) IS
  'Record that a staff function returned a row''s personal data (internal to the staff functions)';

-- The check every staff function makes before returning personal data: the acting role
-- must be staff and the row's area inside its jurisdiction.  One message for "missing" and
-- "elsewhere", so a probe learns nothing.
CREATE FUNCTION check_staff_reach(area_code gridcode, what text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, commgrid AS $$
DECLARE
  actor name := commgrid.acting_role();
BEGIN
  IF (SELECT rolsuper FROM pg_roles WHERE rolname = actor) THEN
    IF area_code IS NOT NULL THEN
      RETURN;
    END IF;
  ELSIF area_code IS NOT NULL AND EXISTS (
      SELECT 1 FROM commgrid.jurisdiction j
      WHERE j.role_name = actor AND area_code OPERATOR(commgrid.<@) j.scope)
    AND EXISTS (SELECT 1 FROM commgrid.security_role r
                WHERE r.min_scope_depth IS NOT NULL AND commgrid.is_member_of(actor, r.short_name)) THEN
    RETURN;
  END IF;
  RAISE EXCEPTION '% is not in the jurisdiction of %', what, actor
    USING ERRCODE = '42501',
          HINT = 'Staff functions return personal data only for rows in the caller''s jurisdiction.';
END $$;
REVOKE EXECUTE ON FUNCTION check_staff_reach(gridcode, text) FROM PUBLIC;
COMMENT ON FUNCTION check_staff_reach(gridcode, text) IS
  'Raise 42501 unless the acting role is staff and the area is in its jurisdiction (internal to the staff functions)';
REVOKE EXECUTE ON FUNCTION audit_change() FROM PUBLIC;
-- Masking for BI: the BI reader reads only the bi_* views, which show aggregates or masked
-- values in plain PostgreSQL types (text, integer, numeric), never an exact home location.
-- The views run with their owner's rights, so the BI reader needs no base table at all.

-- Keep the first 3 and last 4 characters of a phone number: 13812341234 → 138****1234.
-- Shorter values are starred whole: too little is left to hide anything otherwise.
CREATE FUNCTION mask_phone(phone text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN char_length(phone) >= 8
              THEN left(phone, 3) || repeat('*', char_length(phone) - 7) || right(phone, 4)
              ELSE repeat('*', char_length(phone)) END
$$;
COMMENT ON FUNCTION mask_phone(text) IS
  'Masked phone number for BI: first 3 and last 4 characters kept (138****1234); fewer than 8 characters are starred whole';

-- The area tree for BI tools: codes as text, sizes, no geometry.
CREATE VIEW bi_area AS
SELECT a.code::text AS code, a.name, a.kind, a.parent::text AS parent_code,
       commgrid.depth(a.code) AS depth,
       round((ST_Area(a.boundary::geography) / 1e6)::numeric, 3) AS area_km2
FROM commgrid.area a;
COMMENT ON VIEW bi_area IS 'BI: administrative areas (district to grid) with their size, no boundary';
COMMENT ON COLUMN bi_area.code IS 'Area gridcode as text';
COMMENT ON COLUMN bi_area.name IS 'Area name';
COMMENT ON COLUMN bi_area.kind IS 'district, subdistrict, town, community, village or grid';
COMMENT ON COLUMN bi_area.parent_code IS 'Parent area gridcode as text';
COMMENT ON COLUMN bi_area.depth IS 'Depth: 3 district, 4 township, 5 community, 6 grid';
COMMENT ON COLUMN bi_area.area_km2 IS 'Area in km², from the boundary';

-- Keep the first character of a name (the family name, for most Chinese names): 张三丰 → 张**.
CREATE FUNCTION mask_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog AS $$
  SELECT CASE WHEN char_length(name) <= 1 THEN repeat('*', char_length(name))
              ELSE left(name, 1) || repeat('*', char_length(name) - 1) END
$$;
COMMENT ON FUNCTION mask_name(text) IS
  'Masked name for BI: the first character kept, the rest starred (张三丰 → 张**)';

-- The community and grid summaries of the people model, for BI: aggregates in plain types.
-- They nest security_invoker views (member_of_record, org_compliance), and PostgreSQL checks
-- a view nested in a security_invoker view as the querying role even under an owner's-rights
-- view; so BI reads them through security-definer row functions, which run them as the owner
-- over the whole district.
CREATE FUNCTION bi_community_summary_rows() RETURNS SETOF community_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
  SELECT * FROM commgrid.community_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_community_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_community_summary_rows() IS
  'The rows of bi_community_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_community_summary AS
SELECT * FROM commgrid.bi_community_summary_rows();
COMMENT ON VIEW bi_community_summary IS
  'BI: one row per urban community (commgrid.community_summary): counts only, plain types';

CREATE FUNCTION bi_grid_summary_rows() RETURNS SETOF grid_summary
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
  SELECT * FROM commgrid.grid_summary
$$;
REVOKE EXECUTE ON FUNCTION bi_grid_summary_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_grid_summary_rows() IS
  'The rows of bi_grid_summary, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_grid_summary AS
SELECT s.grid_code, s.grid_name, s.community_code, s.community_name, s.party_group_name,
       s.party_group_has_leader, s.households, s.residents, s.vulnerable_residents, s.empty_nest_elderly,
       s.members_placed, s.staff, s.full_time_staff, s.compliance_problems
FROM commgrid.bi_grid_summary_rows() s;
COMMENT ON VIEW bi_grid_summary IS
  'BI: one row per grid (commgrid.grid_summary): counts only, plain types';

-- One row per resident with every identifier masked and no home location: the grid only.
CREATE VIEW bi_resident AS
SELECT r.resident_id,
       commgrid.mask_name(r.name) AS name,
       commgrid.mask(r.idcard) AS idcard,
       commgrid.mask_phone(r.phone) AS phone,
       commgrid.sex(r.idcard) AS sex,
       commgrid.age(r.idcard) AS age,
       r.grid_code::text AS grid_code,
       r.community_code::text AS community_code,
       r.empty_nest_elderly
FROM commgrid.resident r;
COMMENT ON VIEW bi_resident IS
  'BI: residents with masked name, ID number and phone, sex and age, and only the grid (no address or location)';
COMMENT ON COLUMN bi_resident.resident_id IS 'Stable person id (carries nothing personal itself)';
COMMENT ON COLUMN bi_resident.name IS 'Masked name: first character and stars';
COMMENT ON COLUMN bi_resident.idcard IS 'Masked ID number (commgrid.mask): first 6 and last 4 characters';
COMMENT ON COLUMN bi_resident.phone IS 'Masked phone (commgrid.mask_phone): 138****1234';
COMMENT ON COLUMN bi_resident.sex IS 'Sex, from the ID number';
COMMENT ON COLUMN bi_resident.age IS 'Age today, from the ID number';
COMMENT ON COLUMN bi_resident.grid_code IS 'Grid of the household, as text: the finest location BI sees';
COMMENT ON COLUMN bi_resident.community_code IS 'Community of the grid, as text';
COMMENT ON COLUMN bi_resident.empty_nest_elderly IS 'Empty-nest elderly (空巢老人)';
-- Staff functions: the only way to a person's restricted personal data (ID number, phone,
-- address, exact location).  Each is security definer with its path pinned, checks that the
-- acting role is staff and the person lies in its jurisdiction (one 42501 for missing and
-- elsewhere alike), and writes a READ entry to the audit log before returning.

CREATE FUNCTION resident_card(id bigint)
RETURNS TABLE (resident_id bigint, name text, idcard idcard, sex text, birth_date date,
               phone text, household_id bigint, address text, grid_code gridcode,
               community_code gridcode, vulnerable_kinds text[], empty_nest_elderly boolean,
               living_alone boolean, disability boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
#variable_conflict use_column
DECLARE
  area_code commgrid.gridcode;
BEGIN
  SELECT r.grid_code INTO area_code FROM commgrid.resident r WHERE r.resident_id = id;
  PERFORM commgrid.check_staff_reach(area_code, format('resident %s', id));
  PERFORM commgrid.audit_read('commgrid.resident', jsonb_build_object('resident_id', id),
                              'resident_card');
  RETURN QUERY
  SELECT r.resident_id, r.name, r.idcard, commgrid.sex(r.idcard), commgrid.birth_date(r.idcard),
         r.phone, r.household_id, h.address, r.grid_code, r.community_code,
         r.vulnerable_kinds, r.empty_nest_elderly, r.living_alone, r.disability
  FROM commgrid.resident r JOIN commgrid.household h ON h.household_id = r.household_id
  WHERE r.resident_id = id;
END $$;
REVOKE EXECUTE ON FUNCTION resident_card(bigint) FROM PUBLIC;
COMMENT ON FUNCTION resident_card(bigint) IS
  'Staff function: one resident''s full record with ID number, phone and address, for staff whose jurisdiction holds the resident; audited';

CREATE FUNCTION household_card(id bigint)
RETURNS TABLE (household_id bigint, address text, longitude float8, latitude float8,
               grid_code gridcode, community_code gridcode, residents bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public AS $$
#variable_conflict use_column
DECLARE
  area_code commgrid.gridcode;
BEGIN
  SELECT h.grid_code INTO area_code FROM commgrid.household h WHERE h.household_id = id;
  PERFORM commgrid.check_staff_reach(area_code, format('household %s', id));
  PERFORM commgrid.audit_read('commgrid.household', jsonb_build_object('household_id', id),
                              'household_card');
  RETURN QUERY
  SELECT h.household_id, h.address, ST_X(h.location), ST_Y(h.location), h.grid_code,
         h.community_code,
         (SELECT count(*) FROM commgrid.resident r WHERE r.household_id = h.household_id)
  FROM commgrid.household h
  WHERE h.household_id = id;
END $$;
REVOKE EXECUTE ON FUNCTION household_card(bigint) FROM PUBLIC;
COMMENT ON FUNCTION household_card(bigint) IS
  'Staff function: a household''s address and exact location, for staff whose jurisdiction holds it; audited';

INSERT INTO staff_function VALUES
  ('resident_card', 'A resident''s ID number, phone, address and vulnerabilities'),
  ('household_card', 'A household''s address and exact location');
-- The jurisdiction rule applied to every table of the extension.  THE RULE FOR NEW TABLES:
--   * a table with per-area rows has a gridcode column and gets a secure_table line here
--     with its scope column(s) and the roles that read and write it;
--   * a table of reference data (no per-area rows, nothing personal) gets a secure_table
--     line with NULL scope columns, so its readers are granted SELECT;
--   * personal columns are marked with mark_personal (restricted: ID numbers, phones,
--     addresses, exact locations, which staff read only through the audited staff functions);
--   * tables of residents, members and ratings get audit_table.
-- commgrid.security_findings lists every table and function that breaks the rule; the
-- regression test security_catalog fails on any.

-- personal data, before the grants that depend on it
SELECT commgrid.mark_personal('commgrid.resident', '{name}');
SELECT commgrid.mark_personal('commgrid.resident', '{idcard, phone}', restricted => true);
SELECT commgrid.mark_personal('commgrid.household', '{address, location}', restricted => true);
SELECT commgrid.mark_personal('commgrid.grid_staff', '{name, phone}');
SELECT commgrid.mark_personal('commgrid.floating_member', '{certificate_no}', restricted => true);

-- The area registry: every staff role reads the whole tree (the map is not personal and the
-- assignment of points to grids needs it); only district and township staff change it, and
-- only inside their jurisdiction.
SELECT commgrid.secure_table('commgrid.area', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff}');
CREATE POLICY staff_read ON area FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area IS
  'Every role granted SELECT reads the whole area tree; writes stay inside the jurisdiction';

-- People: households and residents are kept by every staff level down to the grid worker.
SELECT commgrid.secure_table('commgrid.household', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff, grid_worker}');
SELECT commgrid.secure_table('commgrid.resident', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff, grid_worker}');
-- Party organisations and members: kept by community staff and above; a grid worker reads
-- the Party group and the members placed in their grids.
SELECT commgrid.secure_table('commgrid.party_org', '{community_code, grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_org_committee', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_member', '{community_code, grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.floating_member', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.party_dues', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.grid_staff', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{district_admin, township_staff, community_staff}');

-- The boundary history of the areas: read like the areas themselves, written only by the
-- engine's security-definer trigger.
SELECT commgrid.secure_table('commgrid.area_boundary_history', '{code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
CREATE POLICY staff_read ON area_boundary_history FOR SELECT USING (true);
COMMENT ON POLICY staff_read ON area_boundary_history IS
  'Every role granted SELECT reads the whole boundary history, as it reads the area tree';

-- Resident units and co-building (community level: grid workers do not see them).  A unit
-- liaison reads its own units' rows and keeps its own units' resources, reports, services
-- and opinions of the community.
SELECT commgrid.secure_table('commgrid.unit', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.unit_community', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.leader', '{area_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.contact_point', '{community_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.area_responsibility', '{area_code, community_code}',
  '{district_admin, township_staff, community_staff}', '{district_admin, township_staff}');
SELECT commgrid.secure_table('commgrid.joint_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.joint_meeting_member', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.cobuilding_meeting', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_attendance', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_resolution', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{responsible_unit_id}');
SELECT commgrid.secure_table('commgrid.cross_appointment', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.cobuilding_need', '{community_code}',
  '{district_admin, township_staff, community_staff}',
  '{district_admin, township_staff, community_staff}');
SELECT commgrid.secure_table('commgrid.cobuilding_resource', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.cobuilding_project', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff}', '{unit_id}');
SELECT commgrid.secure_table('commgrid.unit_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.member_report', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
SELECT commgrid.secure_table('commgrid.service_record', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}', true);
-- Bidirectional assessment: ratings are scoped by the community (rating or rated); a liaison
-- reads the ratings about its unit and enters its unit's opinion of the community.  The
-- rating history is written by the ratings' trigger with the writer's rights.
SELECT commgrid.secure_table('commgrid.assessment_rating', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{unit_id}');
-- a liaison writes only its unit's opinion of the community (the unit is the rater), never the
-- community's rating of the unit
CREATE POLICY own_unit_opinion_insert ON assessment_rating FOR INSERT
  WITH CHECK (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
CREATE POLICY own_unit_opinion_update ON assessment_rating FOR UPDATE
  USING (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]))
  WITH CHECK (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
CREATE POLICY own_unit_opinion_delete ON assessment_rating FOR DELETE
  USING (rater_unit_id = ANY ((SELECT commgrid.liaison_units())::bigint[]));
COMMENT ON POLICY own_unit_opinion_insert ON assessment_rating IS
  'A unit liaison enters its own unit''s opinion of the community (rater_unit_id), never a rating of its unit';
-- the history is written only by assessment_rating_audit(), which runs as the owner: no role
-- writes it directly, so nobody can plant a change that never happened
SELECT commgrid.secure_table('commgrid.assessment_rating_history', '{community_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{}', '{unit_id}', false);

-- Reference data the staff's queries and views read.
SELECT commgrid.secure_table('commgrid.boundary_generation', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.secure_table('commgrid.compliance_setting', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.secure_table('commgrid.assigned_table', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.secure_table('commgrid.unit_vocabulary', NULL,
  '{district_admin, township_staff, community_staff, grid_worker, unit_liaison}', '{district_admin}');
-- the assessment's campaigns, indicators and grades are the district's rules, read by all
SELECT commgrid.secure_table('commgrid.assessment_campaign', '{district_code}',
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');
CREATE POLICY all_read ON assessment_campaign FOR SELECT USING (true);
COMMENT ON POLICY all_read ON assessment_campaign IS
  'Every role granted SELECT reads the campaigns; the district administrator changes only their district''s';
SELECT commgrid.secure_table('commgrid.assessment_indicator', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');
SELECT commgrid.secure_table('commgrid.assessment_grade', NULL,
  '{district_admin, township_staff, community_staff, unit_liaison}', '{district_admin}');

-- Views for staff run with the caller's rights, so row-level security applies through them;
-- grant_privileges grants every such view to the staff roles.
ALTER VIEW compliance_kind SET (security_invoker = true);

-- Trigger functions cannot be called directly, but nothing security-definer stays open.
REVOKE EXECUTE ON FUNCTION area_bump_generation() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION area_record_history() FROM PUBLIC;

-- Who was given which jurisdiction or unit, and every change to residents, members and
-- ratings, is audited.
SELECT commgrid.audit_table('commgrid.jurisdiction');
SELECT commgrid.audit_table('commgrid.resident');
SELECT commgrid.audit_table('commgrid.party_member');
SELECT commgrid.audit_table('commgrid.floating_member');
SELECT commgrid.audit_table('commgrid.liaison_unit');
SELECT commgrid.audit_table('commgrid.assessment_rating');
-- Hardening check: what breaks the security rules, as rows.  The regression test
-- security_catalog asserts it is empty, so a table or function added later that breaks a
-- rule fails the build until it is fixed (see sql/88_policies.sql for the table rule).
CREATE VIEW security_findings AS
-- a table with per-area data (a gridcode column) outside row-level security
SELECT 'table without row-level security'::text AS finding, c.oid::regclass::text AS object,
       'has gridcode column(s) ' || string_agg(a.attname::text, ', ' ORDER BY a.attnum) AS detail
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND a.atttypid = 'commgrid.gridcode'::regtype
  AND NOT (c.relrowsecurity
           AND (c.oid IN (SELECT table_name FROM commgrid.secured_table)
                OR c.oid = 'commgrid.jurisdiction'::regclass))
GROUP BY c.oid
UNION ALL
-- a table nobody classified: neither secured, nor reference data, nor the security tables
SELECT 'table not classified', c.oid::regclass::text,
       'register it with secure_table (scope columns, or NULL for reference data)'
FROM pg_class c
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND c.oid NOT IN (SELECT table_name FROM commgrid.secured_table)
  AND c.oid NOT IN ('commgrid.jurisdiction'::regclass, 'commgrid.audit_log'::regclass,
                    'commgrid.liaison_unit'::regclass,
                    'commgrid.secured_table'::regclass, 'commgrid.security_role'::regclass,
                    'commgrid.staff_function'::regclass)
UNION ALL
-- a security-definer function that does not pin search_path
SELECT 'security definer without search_path', p.oid::regprocedure::text,
       'SECURITY DEFINER functions must SET search_path'
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) cfg WHERE cfg LIKE 'search_path=%')
UNION ALL
-- a SQL or PL/pgSQL function whose body is resolved at call time with the caller's path
SELECT 'function without pinned search_path', p.oid::regprocedure::text,
       'language ' || l.lanname || ': SET search_path, or write the SQL body as BEGIN ATOMIC'
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
WHERE p.pronamespace = 'commgrid'::regnamespace AND l.lanname IN ('sql', 'plpgsql')
  AND p.prosqlbody IS NULL
  AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) cfg WHERE cfg LIKE 'search_path=%')
UNION ALL
-- a security-definer function anybody may call
SELECT 'security definer executable by PUBLIC', p.oid::regprocedure::text,
       'REVOKE EXECUTE … FROM PUBLIC and grant it to the roles that need it'
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.prosecdef
  AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) x
                                   WHERE x.grantee = 0 AND x.privilege_type = 'EXECUTE'))
UNION ALL
-- a BI view column in a type a BI tool may not know
SELECT 'BI view column of a non-plain type', c.oid::regclass::text,
       a.attname || ' is ' || format_type(a.atttypid, a.atttypmod)
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
  AND c.relname LIKE 'bi\_%' AND t.typnamespace <> 'pg_catalog'::regnamespace
UNION ALL
-- restricted personal data readable directly by a role of the extension (only the staff
-- functions give it)
SELECT 'restricted personal column readable by ' || r.rolname, c.oid::regclass::text, a.attname::text
FROM pg_class c
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
CROSS JOIN pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p')
  AND (col_description(c.oid, a.attnum) LIKE '[personal: restricted]%'
       OR (c.oid = 'commgrid.audit_log'::regclass AND a.attname IN ('old_values', 'new_values')))
  AND r.rolname LIKE 'commgrid\_%'
  AND has_column_privilege(r.oid, c.oid, a.attnum, 'SELECT')
  AND NOT (r.rolname = 'commgrid_district_admin' AND c.oid = 'commgrid.audit_log'::regclass)
UNION ALL
-- a view with its owner's rights (bypassing row-level security) open to a staff role
SELECT 'owner-rights view readable by ' || r.rolname, c.oid::regclass::text,
       'set security_invoker = true, or make it a bi_* view'
FROM pg_class c, pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('v', 'm')
  AND c.relname NOT LIKE 'bi\_%' AND r.rolname LIKE 'commgrid\_%'
  AND NOT ('security_invoker=true' = ANY (COALESCE(c.reloptions, '{}')))
  AND has_table_privilege(r.oid, c.oid, 'SELECT')
UNION ALL
-- the BI reader may read nothing but the bi_* views
SELECT 'BI reader can read base relation', c.oid::regclass::text, c.relkind::text
FROM pg_class c, pg_roles r
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
  AND c.relname NOT LIKE 'bi\_%' AND r.rolname = 'commgrid_bi_reader'
  AND has_table_privilege(r.oid, c.oid, 'SELECT');
COMMENT ON VIEW security_findings IS
  'Breaches of the security rules (tables outside row-level security, unpinned search_path, personal columns readable, non-plain BI columns); must be empty';
REVOKE ALL ON security_findings FROM PUBLIC;
