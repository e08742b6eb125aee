-- imei: the IMEI of a wearable device (15 digits, Luhn check digit), validated on input and
-- stored in 8 bytes (the first 14 digits as an int8, pass-by-value), as idcard is.  The check
-- digit is recomputed on output, so the int8 order is the order of the text and comparison,
-- hashing and sorting reuse PostgreSQL's int8 functions.

CREATE TYPE imei;

CREATE FUNCTION imei_in(cstring) RETURNS imei
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION imei_out(imei) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION imei_recv(internal) RETURNS imei
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION imei_send(imei) RETURNS bytea
  AS 'int8send' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE imei (
  INPUT = imei_in,
  OUTPUT = imei_out,
  RECEIVE = imei_recv,
  SEND = imei_send,
  LIKE = pg_catalog.int8,
  CATEGORY = 'U'
);
COMMENT ON TYPE imei IS
  'IMEI of a device (3GPP TS 23.003): 8-digit type allocation code, 6-digit serial, Luhn check digit; stored as the first 14 digits in 8 bytes';
COMMENT ON FUNCTION imei_in(cstring) IS
  'Text input of imei: exactly 15 digits with a valid Luhn check digit; 22P02 naming the bad character or the check digit';
COMMENT ON FUNCTION imei_out(imei) IS 'Text output of imei: the 15 digits, check digit recomputed';
COMMENT ON FUNCTION imei_recv(internal) IS 'Binary input of imei: the first 14 digits as an int64, range-checked (22P03)';
COMMENT ON FUNCTION imei_send(imei) IS 'Binary output of imei: the first 14 digits as an int64 (int8send)';

CREATE CAST (text AS imei) WITH INOUT AS IMPLICIT;
CREATE CAST (varchar AS imei) WITH INOUT AS IMPLICIT;
CREATE CAST (imei AS text) WITH INOUT AS ASSIGNMENT;
CREATE CAST (imei AS varchar) WITH INOUT AS ASSIGNMENT;

-- comparison: int8's own functions, which are leakproof (row-level security keeps using indexes)
CREATE FUNCTION imei_eq(imei, imei) RETURNS bool
  AS 'int8eq' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_ne(imei, imei) RETURNS bool
  AS 'int8ne' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_lt(imei, imei) RETURNS bool
  AS 'int8lt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_le(imei, imei) RETURNS bool
  AS 'int8le' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_gt(imei, imei) RETURNS bool
  AS 'int8gt' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_ge(imei, imei) RETURNS bool
  AS 'int8ge' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_cmp(imei, imei) RETURNS int4
  AS 'btint8cmp' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_sortsupport(internal) RETURNS void
  AS 'btint8sortsupport' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE;
-- hashing must never change between releases: Citus places shards by it
CREATE FUNCTION imei_hash(imei) RETURNS int4
  AS 'hashint8' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION imei_hash_extended(imei, int8) RETURNS int8
  AS 'hashint8extended' LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;

CREATE OPERATOR = (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_eq,
  COMMUTATOR = =, NEGATOR = <>, RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES);
CREATE OPERATOR <> (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_ne,
  COMMUTATOR = <>, NEGATOR = =, RESTRICT = neqsel, JOIN = neqjoinsel);
CREATE OPERATOR < (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_lt,
  COMMUTATOR = >, NEGATOR = >=, RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR <= (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_le,
  COMMUTATOR = >=, NEGATOR = >, RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR > (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_gt,
  COMMUTATOR = <, NEGATOR = <=, RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR >= (
  LEFTARG = imei, RIGHTARG = imei, FUNCTION = imei_ge,
  COMMUTATOR = <=, NEGATOR = <, RESTRICT = scalargesel, JOIN = scalargejoinsel);

CREATE OPERATOR CLASS imei_ops DEFAULT FOR TYPE imei USING btree AS
  OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
  FUNCTION 1 imei_cmp(imei, imei),
  FUNCTION 2 imei_sortsupport(internal);
CREATE OPERATOR CLASS imei_hash_ops DEFAULT FOR TYPE imei USING hash AS
  OPERATOR 1 =,
  FUNCTION 1 imei_hash(imei),
  FUNCTION 2 imei_hash_extended(imei, int8);
COMMENT ON FUNCTION imei_eq(imei, imei) IS 'Implementation of = for imei (int8eq, leakproof)';
COMMENT ON FUNCTION imei_ne(imei, imei) IS 'Implementation of <> for imei (int8ne, leakproof)';
COMMENT ON FUNCTION imei_lt(imei, imei) IS 'Implementation of < for imei: the order of the canonical text';
COMMENT ON FUNCTION imei_le(imei, imei) IS 'Implementation of <= for imei (int8le, leakproof)';
COMMENT ON FUNCTION imei_gt(imei, imei) IS 'Implementation of > for imei (int8gt, leakproof)';
COMMENT ON FUNCTION imei_ge(imei, imei) IS 'Implementation of >= for imei (int8ge, leakproof)';
COMMENT ON FUNCTION imei_cmp(imei, imei) IS 'B-tree support: three-way comparison of two numbers (btint8cmp)';
COMMENT ON FUNCTION imei_sortsupport(internal) IS 'B-tree sort support: int8''s fast comparator';
COMMENT ON FUNCTION imei_hash(imei) IS 'Hash support: hashint8 of the first 14 digits, stable across releases';
COMMENT ON FUNCTION imei_hash_extended(imei, int8) IS 'Hash support: seeded 64-bit hashint8extended of the first 14 digits';
COMMENT ON OPERATOR = (imei, imei) IS 'same number?';
COMMENT ON OPERATOR <> (imei, imei) IS 'different numbers?';
COMMENT ON OPERATOR < (imei, imei) IS 'before, in the order of the canonical text?';
COMMENT ON OPERATOR <= (imei, imei) IS 'before or equal, in the order of the canonical text?';
COMMENT ON OPERATOR > (imei, imei) IS 'after, in the order of the canonical text?';
COMMENT ON OPERATOR >= (imei, imei) IS 'after or equal, in the order of the canonical text?';

CREATE FUNCTION is_valid_imei(text) RETURNS bool
  AS 'MODULE_PATHNAME', 'imei_is_valid' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION is_valid_imei(text) IS
  'Would the text be accepted as an imei? For loaders that set bad rows aside instead of failing';
CREATE FUNCTION tac(imei) RETURNS text
  AS 'MODULE_PATHNAME', 'imei_tac' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION tac(imei) IS 'Type allocation code (digits 1-8): the maker and model of the device';
