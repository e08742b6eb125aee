-- The area registry: one row per administrative area, from the province down to the grid.
-- The parent is derived from the code, so the tree can never disagree with the codes.
-- Province, city and district are roots (parent NULL): a database may hold one district
-- without its city, or a whole city; below them every area's parent must be registered.

CREATE TABLE area (
  code     gridcode PRIMARY KEY,
  name     text NOT NULL CHECK (btrim(name) <> ''),
  kind     text NOT NULL,
  parent   gridcode GENERATED ALWAYS AS
             (CASE WHEN commgrid.kind_depth(kind) <= commgrid.level_depth('district') THEN NULL
                   ELSE commgrid.parent(code) END) STORED
             REFERENCES area (code) ON UPDATE RESTRICT ON DELETE RESTRICT,
  boundary geometry,
  -- the depth-4 kinds are not tied to the township digits (001-099 subdistrict, 100-199 town,
  -- 200-399 rural_township, 400-599 township_unit): a town made a subdistrict keeps its code
  -- until the statistics office renumbers it, and the registry records what the area is.
  -- kind_depth is NULL for a name that is no kind, which fails the check too.
  CONSTRAINT area_kind_fits_level CHECK (commgrid.kind_depth(kind) IS NOT DISTINCT FROM commgrid.depth(code)),
  -- the forms geometry_columns recognises, so GIS tools see MultiPolygon / 4490
  CONSTRAINT enforce_srid_boundary CHECK (st_srid(boundary) = 4490),
  CONSTRAINT enforce_geotype_boundary CHECK (geometrytype(boundary) = 'MULTIPOLYGON'),
  CONSTRAINT enforce_dims_boundary CHECK (st_ndims(boundary) = 2)
);
CREATE INDEX area_parent_idx ON area (parent);
CREATE INDEX area_boundary_idx ON area USING gist (boundary);

COMMENT ON TABLE area IS
  'Administrative areas from the province down to the grid, with their current boundaries (CGCS2000)';
COMMENT ON COLUMN area.code IS 'The area''s gridcode; its depth must fit the kind';
COMMENT ON COLUMN area.name IS 'Chinese name, e.g. 回兴街道';
COMMENT ON COLUMN area.kind IS
  'province (depth 1), city (2), district (3, any county-level unit), subdistrict 街道, town 镇, rural_township 乡/民族乡/苏木 or township_unit 类似乡级单位 (4), community or village (5), grid (6)';
COMMENT ON COLUMN area.parent IS
  'The area one level up, derived from the code (for a township of a city without counties, the city); it must exist; NULL for a province, city or district, which may be registered without the areas above them';
COMMENT ON COLUMN area.boundary IS
  'Boundary, MultiPolygon in EPSG:4490 (CGCS2000 longitude/latitude); 4326 input is transformed, invalid shapes are refused';

-- Normalise and check a boundary as commgrid.area stores it: SRID, dimensions, type, range
-- and validity.  The one check for every way a boundary is written (the trigger below and
-- commgrid.redraw), so both give the same SQLSTATE and message for the same fault.
CREATE FUNCTION area_boundary_checked(code gridcode, boundary geometry) RETURNS geometry
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  g geometry := boundary;
BEGIN
  IF g IS NULL THEN
    RETURN NULL;
  END IF;
  IF ST_IsEmpty(g) THEN
    RAISE EXCEPTION 'boundary of area % is empty', code
      USING ERRCODE = '22023', HINT = 'Store NULL for an area whose boundary is not known.';
  END IF;
  IF ST_SRID(g) NOT IN (4326, 4490) THEN
    RAISE EXCEPTION 'boundary of area % has SRID %', code, ST_SRID(g)
      USING ERRCODE = '22023',
            DETAIL = format('Boundaries are stored in EPSG:4490 (CGCS2000); SRID %s is neither 4490 nor 4326.', ST_SRID(g)),
            HINT = 'Transform it with ST_Transform(geom, 4490), or set the SRID with ST_SetSRID if it is already longitude/latitude.';
  END IF;
  IF ST_NDims(g) <> 2 THEN
    RAISE EXCEPTION 'boundary of area % has % dimensions', code, ST_NDims(g)
      USING ERRCODE = '22023', HINT = 'Drop Z and M with ST_Force2D.';
  END IF;
  IF GeometryType(g) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
    RAISE EXCEPTION 'boundary of area % is a %, not a polygon', code, GeometryType(g)
      USING ERRCODE = '22023';
  END IF;
  -- longitude/latitude only: one stray vertex far outside would make every backend's
  -- locate() index cover it (a NaN vertex is refused below, as an invalid coordinate)
  IF NOT (ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 AND ST_YMax(g) <= 90) THEN
    RAISE EXCEPTION 'boundary of area % has coordinates outside longitude/latitude', code
      USING ERRCODE = '22023',
            DETAIL = format('Its bounding box is x %s to %s, y %s to %s; longitude must lie in [-180, 180] and latitude in [-90, 90].',
                            ST_XMin(g), ST_XMax(g), ST_YMin(g), ST_YMax(g)),
            HINT = 'Boundaries are longitude/latitude in degrees (EPSG:4490 or 4326); transform projected coordinates first.';
  END IF;
  IF ST_SRID(g) = 4326 THEN
    g := ST_Transform(g, 4490);
  END IF;
  g := ST_Multi(g);
  -- ST_IsValidDetail, unlike ST_IsValid, raises no NOTICE of its own
  IF NOT (ST_IsValidDetail(g)).valid THEN
    RAISE EXCEPTION 'boundary of area % is not a valid polygon', code
      USING ERRCODE = '23514', DETAIL = left(ST_IsValidReason(g), 200),
            HINT = 'ST_MakeValid can repair it; check the result before storing it.';
  END IF;
  RETURN g;
END $$;
COMMENT ON FUNCTION area_boundary_checked(gridcode, geometry) IS
  'The boundary as commgrid.area stores it (MultiPolygon, EPSG:4490; 4326 is transformed), or an error: 22023 for an empty boundary, another SRID, Z or M, a type other than (Multi)Polygon or coordinates outside ±180/±90; 23514 for an invalid shape';

CREATE FUNCTION area_check_boundary() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp AS $$
BEGIN
  NEW.boundary := commgrid.area_boundary_checked(NEW.code, NEW.boundary);
  RETURN NEW;
END $$;
COMMENT ON FUNCTION area_check_boundary() IS
  'Trigger on commgrid.area: stores the boundary as area_boundary_checked returns it (MultiPolygon, EPSG:4490) or refuses it';

CREATE TRIGGER area_check_boundary BEFORE INSERT OR UPDATE OF boundary ON area
  FOR EACH ROW EXECUTE FUNCTION area_check_boundary();

-- Boundaries decide whose data a role reaches (locate() places households, residents and
-- units by them), so staff change them only through commgrid.redraw, which checks them
-- against the parent and the siblings.  Direct writes stay with the table's owner (loading
-- boundaries; commgrid.coverage_problems checks them afterwards) and superusers.
CREATE FUNCTION area_boundary_writer(role_name name) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
  SELECT COALESCE((SELECT r.rolsuper OR pg_catalog.pg_has_role(r.oid, c.relowner, 'USAGE')
                     FROM pg_catalog.pg_roles r, pg_catalog.pg_class c
                    WHERE r.rolname = role_name AND c.oid = 'commgrid.area'::pg_catalog.regclass), false)
$$;
COMMENT ON FUNCTION area_boundary_writer(name) IS
  'May the role write boundaries and codes of commgrid.area directly (superuser, or has the table owner''s rights)? Everybody else goes through commgrid.redraw';

CREATE FUNCTION area_boundary_by_redraw() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
BEGIN
  -- deleting an area with a boundary takes its ground out of the tiling that redraw keeps
  -- whole (a township's staff left a gap in its community, where new households belong to
  -- no grid): the direct writers' alone, as the boundary itself
  IF TG_OP = 'DELETE' THEN
    IF OLD.boundary IS NULL OR commgrid.area_boundary_writer(current_user) THEN
      RETURN OLD;
    END IF;
    RAISE EXCEPTION 'role % may not delete area %, which has a boundary', current_user, OLD.code
      USING ERRCODE = '42501',
            DETAIL = 'Its ground would belong to no area of its level: staff change boundaries only through commgrid.redraw, which keeps the children of an area tiling it.',
            HINT = 'Ask the district to remove the area (and to redraw its neighbours over its ground).';
  END IF;
  IF TG_OP = 'INSERT' AND NEW.boundary IS NULL THEN
    RETURN NEW;
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.code OPERATOR(commgrid.=) OLD.code
     AND NEW.boundary IS NOT DISTINCT FROM OLD.boundary THEN
    RETURN NEW;
  END IF;
  -- current_user, not the session's role: inside commgrid.redraw it is the owner
  IF commgrid.area_boundary_writer(current_user) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'role % may not change the boundary or code of area % directly', current_user,
                  CASE TG_OP WHEN 'INSERT' THEN NEW.code ELSE OLD.code END
    USING ERRCODE = '42501',
          DETAIL = 'Staff change boundaries only through commgrid.redraw, which keeps every area inside its parent and free of overlaps.',
          HINT = 'Insert a new area without a boundary, then give it one with commgrid.redraw(codes, boundaries), together with the neighbours it takes ground from.';
END $$;
COMMENT ON FUNCTION area_boundary_by_redraw() IS
  'Trigger: refuses (42501) an INSERT with a boundary, an UPDATE of boundary or code, or the DELETE of an area with a boundary, by a role that is not a direct boundary writer (see area_boundary_writer)';

-- named to fire before area_check_boundary: the privilege is checked before the shape
CREATE TRIGGER area_boundary_by_redraw BEFORE INSERT OR UPDATE OF code, boundary OR DELETE ON area
  FOR EACH ROW EXECUTE FUNCTION area_boundary_by_redraw();

-- A clearer refusal than the foreign key's when an area still has children.
CREATE FUNCTION area_refuse_orphans() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
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
COMMENT ON FUNCTION area_refuse_orphans() IS
  'Trigger on commgrid.area: refuses (23503) to delete an area that still has child areas, naming how many';

CREATE TRIGGER area_refuse_orphans BEFORE DELETE ON area
  FOR EACH ROW EXECUTE FUNCTION area_refuse_orphans();

-- pg_dump keeps the registry's rows (restore them as docs/design/backup-restore.md says)
SELECT pg_catalog.pg_extension_config_dump('area', '');
