-- Keeping assignments right: a trigger that sets a row's area code from its location,
-- and the registry of tables that use it (redraw() reassigns their rows).

CREATE FUNCTION assign_location() RETURNS trigger
  AS 'MODULE_PATHNAME', 'commgrid_assign_location' LANGUAGE C;
COMMENT ON FUNCTION assign_location() IS
  'BEFORE INSERT OR UPDATE row trigger; arguments (location column, code column, level): sets the code column to commgrid.locate(location, level) on INSERT and when the location changes';

-- The one rule for a location column of the extension's tables (households, grid staff,
-- units): a point stored in EPSG:4490, 4326 transformed, anything else refused with 22023, with
-- locate()'s own messages for what locate() refuses.  The checks are in C (the reader locate()
-- uses), so a trigger's WHEN clause can run them for every row at next to no cost.
CREATE FUNCTION location_needs_transform(location geometry) RETURNS bool
  AS 'MODULE_PATHNAME', 'commgrid_location_needs_transform' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION location_needs_transform(geometry) IS
  'The checks of stored_location: raises 22023 for anything but a non-empty 2D point in EPSG:4490 or 4326 with finite longitude/latitude (locate()''s messages, and "location is empty", "location has 3 dimensions", "location is not in longitude/latitude"); true for 4326, false for 4490';

CREATE FUNCTION stored_location(location geometry) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  IF commgrid.location_needs_transform(location) THEN
    RETURN ST_Transform(location, 4490);
  END IF;
  RETURN location;
END $$;
COMMENT ON FUNCTION stored_location(geometry) IS
  'The location as the extension''s tables store it (Point, EPSG:4490; 4326 is transformed), or an error, 22023: another SRID, not a point, a non-finite coordinate (locate()''s errors), empty, Z or M, outside ±180/±90';

-- Households and grid staff store their location by that rule: the trigger's WHEN clause runs
-- the checks on every row and fires the transform for a 4326 point only.  It is named to fire
-- before commgrid_assign_location (same-event triggers fire in name order), so the engine
-- locates the point as stored.
CREATE FUNCTION store_location() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  NEW.location := commgrid.stored_location(NEW.location);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION store_location() IS
  'Trigger: location := commgrid.stored_location(location) (EPSG:4490; 4326 transformed; anything else refused with 22023); fired WHEN commgrid.location_needs_transform(location), which refuses the rest';

CREATE TABLE assigned_table (
  tbl             regclass PRIMARY KEY,
  location_column name NOT NULL,
  code_column     name NOT NULL,
  level           text NOT NULL CHECK (commgrid.level_kinds(level) IS NOT NULL),
  registered_at   timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE assigned_table IS
  'Tables whose rows carry an area code kept from their location by commgrid.assign_location(); commgrid.redraw() reassigns their rows';
COMMENT ON COLUMN assigned_table.tbl IS 'The table';
COMMENT ON COLUMN assigned_table.location_column IS 'Its point column (geometry, EPSG:4490 or 4326)';
COMMENT ON COLUMN assigned_table.code_column IS 'Its gridcode column, set from the location';
COMMENT ON COLUMN assigned_table.level IS 'The level of the code: grid, community, township, county, city or province (or a kind of that level)';
COMMENT ON COLUMN assigned_table.registered_at IS 'When the table was registered';
-- reference data the staff's queries read
SELECT commgrid.secure_table('commgrid.assigned_table', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}',
  '{}');
-- pg_dump keeps the users' registrations, not the extension's own tables (its script registers those)
SELECT commgrid.register_dump('commgrid.assigned_table', $$WHERE NOT EXISTS (
  SELECT FROM pg_catalog.pg_depend d JOIN pg_catalog.pg_extension e ON e.oid = d.refobjid
  WHERE e.extname = 'pg_commgrid' AND d.deptype = 'e'
    AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = tbl)$$);

CREATE FUNCTION register_assigned_table(tbl regclass, location_column name, code_column name,
                                        level text DEFAULT 'grid') RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  loc_type oid;
  code_type oid;
  n bigint;
BEGIN
  IF level IS NULL
     OR commgrid.level_kinds(level) IS NULL THEN
    RAISE EXCEPTION 'unknown level "%"', commgrid.echo_value(level)
      USING ERRCODE = '22023',
            HINT = commgrid.level_hint();
  END IF;
  IF (SELECT relkind FROM pg_catalog.pg_class WHERE oid = tbl) NOT IN ('r', 'p') THEN
    RAISE EXCEPTION '"%" is not a table', tbl
      USING ERRCODE = '42809', DETAIL = 'Only ordinary and partitioned tables can be assigned.';
  END IF;
  SELECT atttypid INTO loc_type FROM pg_catalog.pg_attribute
   WHERE attrelid = tbl AND attname = location_column AND attnum > 0 AND NOT attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of table % does not exist', location_column, tbl
      USING ERRCODE = '42703', DETAIL = 'It was given as the location column.';
  END IF;
  SELECT atttypid INTO code_type FROM pg_catalog.pg_attribute
   WHERE attrelid = tbl AND attname = code_column AND attnum > 0 AND NOT attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of table % does not exist', code_column, tbl
      USING ERRCODE = '42703', DETAIL = 'It was given as the code column.';
  END IF;
  IF loc_type <> (SELECT atttypid FROM pg_catalog.pg_attribute
                   WHERE attrelid = 'commgrid.area'::regclass AND attname = 'boundary') THEN
    RAISE EXCEPTION 'location column "%" of table % has type %, not geometry', location_column, tbl, format_type(loc_type, NULL)
      USING ERRCODE = '42804';
  END IF;
  IF NOT commgrid.is_gridcode_type(code_type) THEN  -- or a level domain (the trigger applies its check)
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
  -- the rows already there, under the boundary lock (a concurrent redraw cannot skip them)
  PERFORM commgrid.boundary_share_lock();
  EXECUTE format('UPDATE %s SET %I = commgrid.locate(%I, %L) WHERE %I IS DISTINCT FROM commgrid.locate(%I, %L)',
                 tbl, code_column, location_column, level, code_column, location_column, level);
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
COMMENT ON FUNCTION register_assigned_table(regclass, name, name, text) IS
  'Registers a table whose code column is kept from its location column: checks the columns, creates the trigger commgrid_assign_location, assigns the rows already there (returns how many changed), and lets commgrid.redraw() reassign them';

CREATE FUNCTION unregister_assigned_table(tbl regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  DELETE FROM commgrid.assigned_table a WHERE a.tbl = unregister_assigned_table.tbl;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'table % is not registered', tbl USING ERRCODE = '22023';
  END IF;
  EXECUTE format('DROP TRIGGER IF EXISTS commgrid_assign_location ON %s', tbl);
END $$;
COMMENT ON FUNCTION unregister_assigned_table(regclass) IS
  'Undoes commgrid.register_assigned_table: drops the trigger and the registration; the codes stay as they are';

-- A registration dies with its table (or its location or code column): otherwise redraw()
-- would try to reassign a table that no longer exists.  An event trigger, because a DROP
-- fires no trigger on the dropped table; as the owner, since whoever drops their own table
-- may not write the registry.
CREATE FUNCTION assigned_table_forget_dropped() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  DELETE FROM commgrid.assigned_table a
   USING pg_catalog.pg_event_trigger_dropped_objects() d
   WHERE d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass
     AND d.objid OPERATOR(pg_catalog.=) a.tbl::pg_catalog.oid
     AND (d.objsubid OPERATOR(pg_catalog.=) 0
          OR d.address_names[3] OPERATOR(pg_catalog.=) ANY (ARRAY[a.location_column, a.code_column]::pg_catalog.text[]));
END $$;
REVOKE EXECUTE ON FUNCTION assigned_table_forget_dropped() FROM PUBLIC;
COMMENT ON FUNCTION assigned_table_forget_dropped() IS
  'Event trigger (sql_drop): removes the assigned_table registration of a dropped table, or of a table whose location or code column was dropped';
CREATE EVENT TRIGGER commgrid_assigned_table_forget_dropped ON sql_drop
  EXECUTE FUNCTION assigned_table_forget_dropped();
COMMENT ON EVENT TRIGGER commgrid_assigned_table_forget_dropped IS
  'Keeps commgrid.assigned_table free of dropped tables and columns';
