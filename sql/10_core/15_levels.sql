-- The area levels: names, depths and kinds.  One table in C (src/locate.c, level_names) is the
-- source; these functions read it, so the CHECKs, the domains below, level_kinds,
-- register_assigned_table, locate() and the assign trigger cannot disagree.  IMMUTABLE, so
-- CHECKs, domains and generated columns may call them.

CREATE FUNCTION area_levels() RETURNS TABLE (level text, depth int, is_kind boolean)
  AS 'MODULE_PATHNAME', 'commgrid_area_levels' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 12;
COMMENT ON FUNCTION area_levels() IS
  'The level names commgrid.locate and the other level arguments accept, with their depth (1 province … 6 grid) and whether the name is also a commgrid.area kind; the first name of each depth is the level''s own name (commgrid.level gives it)';

CREATE FUNCTION level_depth(level text) RETURNS int
  AS 'MODULE_PATHNAME', 'commgrid_level_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION level_depth(text) IS
  'The depth of a level name (grid 6, community or village 5, township or a township kind 4, county or district 3, city 2, province 1); 22023 for an unknown name, with the accepted names in the hint';

CREATE FUNCTION level_hint() RETURNS text
  AS 'MODULE_PATHNAME', 'commgrid_level_hint' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION level_hint() IS
  'The hint of the "unknown level" error (22023): the level names and kinds commgrid.level_depth accepts';

CREATE FUNCTION kind_depth(kind text) RETURNS int
  AS 'MODULE_PATHNAME', 'commgrid_kind_depth' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION kind_depth(text) IS
  'The depth a commgrid.area kind must have (province 1, city 2, district 3, subdistrict/town/rural_township/township_unit 4, community/village 5, grid 6); NULL for a name that is not a kind';

-- The area kinds of a level name, as commgrid.locate accepts them: every kind of its depth
CREATE FUNCTION level_kinds(level text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (SELECT array_agg(k.level ORDER BY k.n)
          FROM commgrid.area_levels() WITH ORDINALITY AS k (level, depth, is_kind, n)
         WHERE k.is_kind
           AND k.depth = (SELECT l.depth FROM commgrid.area_levels() AS l WHERE l.level = level_kinds.level));
COMMENT ON FUNCTION level_kinds(text) IS
  'The commgrid.area kinds of a level name (grid, community, township, county, city, province, or a kind itself: every kind of the same depth); NULL for an unknown name';

CREATE FUNCTION code_is_level(code gridcode, level text) RETURNS boolean
  AS 'MODULE_PATHNAME', 'commgrid_code_is_level' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION code_is_level(gridcode, text) IS
  'True when the code is of the level (depth commgrid.level_depth(level)), else 23514 naming the code, its level and the digits a code of the level has; the check of the level domains';

-- Columns that hold the code of one level.  A domain, not a CHECK per table: the rule is
-- written once, and a wrong code fails (23514) when it is converted, before generated
-- columns derive anything from it.  code_is_level raises the error itself, so that it
-- names the code (a domain's own message names only the constraint).
CREATE DOMAIN grid_code AS gridcode
  CONSTRAINT grid_code_level CHECK (commgrid.code_is_level(VALUE, 'grid'));
COMMENT ON DOMAIN grid_code IS 'The gridcode of a grid (15 digits, depth 6)';
CREATE DOMAIN community_code AS gridcode
  CONSTRAINT community_code_level CHECK (commgrid.code_is_level(VALUE, 'community'));
COMMENT ON DOMAIN community_code IS 'The gridcode of a community or village (12 digits, depth 5)';
CREATE DOMAIN district_code AS gridcode
  CONSTRAINT district_code_level CHECK (commgrid.code_is_level(VALUE, 'district'));
COMMENT ON DOMAIN district_code IS 'The gridcode of a district or another county-level unit (6 digits, depth 3)';

-- A column of one of these domains is a gridcode column for every rule that looks for one
-- (scope columns, assigned code columns, the hardening check).
CREATE FUNCTION is_gridcode_type(typ oid) RETURNS boolean
LANGUAGE sql STABLE STRICT PARALLEL SAFE
RETURN typ = 'commgrid.gridcode'::pg_catalog.regtype
    OR EXISTS (SELECT FROM pg_catalog.pg_type t
               WHERE t.oid = typ AND t.typbasetype = 'commgrid.gridcode'::pg_catalog.regtype);
COMMENT ON FUNCTION is_gridcode_type(oid) IS
  'Is the type commgrid.gridcode or a domain over it (grid_code, community_code, district_code)?';
