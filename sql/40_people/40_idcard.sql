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
COMMENT ON FUNCTION idcard_in(cstring) IS
  'Text input of idcard: 18 characters or a legacy 15-digit number (upgraded); 22P02 naming the wrong part';
COMMENT ON FUNCTION idcard_out(idcard) IS 'Text output of idcard: the canonical 18 characters, check character recomputed, X upper case';
COMMENT ON FUNCTION idcard_recv(internal) IS 'Binary input of idcard: the first 17 digits as an int64, validated (22P03)';
COMMENT ON FUNCTION idcard_send(idcard) IS 'Binary output of idcard: the first 17 digits as an int64 (int8send)';

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
COMMENT ON FUNCTION idcard_eq(idcard, idcard) IS 'Implementation of = for idcard (int8eq, leakproof)';
COMMENT ON FUNCTION idcard_ne(idcard, idcard) IS 'Implementation of <> for idcard (int8ne, leakproof)';
COMMENT ON FUNCTION idcard_lt(idcard, idcard) IS 'Implementation of < for idcard: the order of the canonical text';
COMMENT ON FUNCTION idcard_le(idcard, idcard) IS 'Implementation of <= for idcard (int8le, leakproof)';
COMMENT ON FUNCTION idcard_gt(idcard, idcard) IS 'Implementation of > for idcard (int8gt, leakproof)';
COMMENT ON FUNCTION idcard_ge(idcard, idcard) IS 'Implementation of >= for idcard (int8ge, leakproof)';
COMMENT ON FUNCTION idcard_cmp(idcard, idcard) IS 'B-tree support: three-way comparison of two numbers (btint8cmp)';
COMMENT ON FUNCTION idcard_sortsupport(internal) IS 'B-tree sort support: int8''s fast comparator';
COMMENT ON FUNCTION idcard_hash(idcard) IS 'Hash support: hashint8 of the first 17 digits, stable across releases';
COMMENT ON FUNCTION idcard_hash_extended(idcard, int8) IS 'Hash support: seeded 64-bit hashint8extended of the first 17 digits';
COMMENT ON OPERATOR = (idcard, idcard) IS 'same number?';
COMMENT ON OPERATOR <> (idcard, idcard) IS 'different numbers?';
COMMENT ON OPERATOR < (idcard, idcard) IS 'before, in the order of the canonical text?';
COMMENT ON OPERATOR <= (idcard, idcard) IS 'before or equal, in the order of the canonical text?';
COMMENT ON OPERATOR > (idcard, idcard) IS 'after, in the order of the canonical text?';
COMMENT ON OPERATOR >= (idcard, idcard) IS 'after or equal, in the order of the canonical text?';

-- what the number says
CREATE FUNCTION birth_date(idcard) RETURNS date
  AS 'MODULE_PATHNAME', 'idcard_birth_date' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION birth_date(idcard) IS 'Birth date (digits 7-14)';

CREATE FUNCTION sex(idcard) RETURNS text
  AS 'MODULE_PATHNAME', 'idcard_sex' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION sex(idcard) IS 'male or female: the parity of the sequence''s last digit (digit 17, odd = male)';

-- IMMUTABLE: the result depends only on the two arguments.  The default (today in the
-- district) is evaluated at the call site, so age(id) is stable there and cannot go into an
-- index.  A date before the birth date gives NULL, never an error: a report over many people
-- must not fail for one (the resident table refuses birth dates after registration anyway).
CREATE FUNCTION age(idcard, at date DEFAULT commgrid.district_today()) RETURNS int
  AS 'MODULE_PATHNAME', 'idcard_age' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION age(idcard, date) IS
  'Age in whole years on a date (today in the district by default); born 29 February, a year older on 1 March in common years; NULL for a date before birth (not yet born)';

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
