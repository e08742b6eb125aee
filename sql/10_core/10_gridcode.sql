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
  'Administrative area code: province 2, city 4, county 6 (GB/T 2260), township 9, community 12 (statistical division code), grid 15 digits; trailing zero segments name a higher level; a township of a city without counties has the county segment 00 (441900003)';
COMMENT ON FUNCTION gridcode_in(cstring) IS
  'Text input of gridcode: digits, optionally separated by - or a space at level boundaries; 22P02 naming the bad position or segment';
COMMENT ON FUNCTION gridcode_out(gridcode) IS 'Text output of gridcode: the canonical unpadded digits';
COMMENT ON FUNCTION gridcode_recv(internal) IS
  'Binary input of gridcode: the code padded to 15 digits as an int64, validated (22P03)';
COMMENT ON FUNCTION gridcode_send(gridcode) IS 'Binary output of gridcode: the code padded to 15 digits as an int64 (int8send)';

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
COMMENT ON FUNCTION gridcode_contains(gridcode, gridcode) IS 'Implementation of @>: is the left code the right one or its ancestor?';
COMMENT ON FUNCTION gridcode_contained(gridcode, gridcode) IS 'Implementation of <@: is the left code the right one or its descendant?';
COMMENT ON FUNCTION gridcode_contains_support(internal) IS
  'Planner support of @>: turns x @> code into the B-tree range code BETWEEN x AND subtree_last(x)';
COMMENT ON FUNCTION gridcode_contained_support(internal) IS
  'Planner support of <@: turns code <@ x into the B-tree range code BETWEEN x AND subtree_last(x)';
COMMENT ON FUNCTION gridcode_eq(gridcode, gridcode) IS 'Implementation of = for gridcode (int8eq, leakproof)';
COMMENT ON FUNCTION gridcode_ne(gridcode, gridcode) IS 'Implementation of <> for gridcode (int8ne, leakproof)';
COMMENT ON FUNCTION gridcode_lt(gridcode, gridcode) IS 'Implementation of < for gridcode: depth-first order, a parent just before its descendants';
COMMENT ON FUNCTION gridcode_le(gridcode, gridcode) IS 'Implementation of <= for gridcode (int8le, leakproof)';
COMMENT ON FUNCTION gridcode_gt(gridcode, gridcode) IS 'Implementation of > for gridcode (int8gt, leakproof)';
COMMENT ON FUNCTION gridcode_ge(gridcode, gridcode) IS 'Implementation of >= for gridcode (int8ge, leakproof)';
COMMENT ON FUNCTION gridcode_cmp(gridcode, gridcode) IS 'B-tree support: three-way comparison of two codes (btint8cmp)';
COMMENT ON FUNCTION gridcode_sortsupport(internal) IS 'B-tree sort support: int8''s fast comparator';
COMMENT ON FUNCTION gridcode_hash(gridcode) IS 'Hash support: hashint8 of the padded code, stable across releases (a Citus distribution key may be a gridcode)';
COMMENT ON FUNCTION gridcode_hash_extended(gridcode, int8) IS 'Hash support: seeded 64-bit hashint8extended of the padded code';
COMMENT ON OPERATOR = (gridcode, gridcode) IS 'same code?';
COMMENT ON OPERATOR <> (gridcode, gridcode) IS 'different codes?';
COMMENT ON OPERATOR < (gridcode, gridcode) IS 'before, in depth-first order (a parent sorts just before its descendants)?';
COMMENT ON OPERATOR <= (gridcode, gridcode) IS 'before or equal, in depth-first order?';
COMMENT ON OPERATOR > (gridcode, gridcode) IS 'after, in depth-first order?';
COMMENT ON OPERATOR >= (gridcode, gridcode) IS 'after or equal, in depth-first order?';

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
COMMENT ON FUNCTION parent(gridcode) IS
  'The code one level up; NULL for a province; for a township of a city without counties (county segment 00) the city';

CREATE FUNCTION ancestor(gridcode, depth int) RETURNS gridcode
  AS 'MODULE_PATHNAME', 'gridcode_ancestor_sql' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ancestor(gridcode, int) IS
  'The ancestor at a depth from 1 to the code''s own depth (the code itself at its own depth); at depth 3 below a city without counties, the city (depth 2)';

CREATE FUNCTION padded(gridcode, digits int DEFAULT 12) RETURNS text
  AS 'MODULE_PATHNAME', 'gridcode_padded' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION padded(gridcode, int) IS
  'The code zero-padded to 2, 4, 6, 9, 12 or 15 digits; 12 gives the statistical division code form';

-- min and max: int8's own functions, so they run in parallel (and on Citus) as int8's do;
-- SORTOP lets the planner answer them from a B-tree index
CREATE FUNCTION gridcode_smaller(gridcode, gridcode) RETURNS gridcode
  AS 'int8smaller' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gridcode_smaller(gridcode, gridcode) IS 'The smaller of two codes (the state function of min)';
CREATE FUNCTION gridcode_larger(gridcode, gridcode) RETURNS gridcode
  AS 'int8larger' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION gridcode_larger(gridcode, gridcode) IS 'The larger of two codes (the state function of max)';
CREATE AGGREGATE min(gridcode) (
  SFUNC = gridcode_smaller, STYPE = gridcode, COMBINEFUNC = gridcode_smaller,
  SORTOP = <, PARALLEL = SAFE);
COMMENT ON AGGREGATE min(gridcode) IS 'The smallest code (depth-first order: an ancestor before its descendants)';
CREATE AGGREGATE max(gridcode) (
  SFUNC = gridcode_larger, STYPE = gridcode, COMBINEFUNC = gridcode_larger,
  SORTOP = >, PARALLEL = SAFE);
COMMENT ON AGGREGATE max(gridcode) IS 'The largest code (depth-first order)';
