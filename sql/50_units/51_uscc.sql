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
COMMENT ON OPERATOR = (uscc, uscc) IS 'same code?';
COMMENT ON OPERATOR <> (uscc, uscc) IS 'different codes?';
COMMENT ON OPERATOR < (uscc, uscc) IS 'before, in the order of the canonical text?';
COMMENT ON OPERATOR <= (uscc, uscc) IS 'before or equal, in the order of the canonical text?';
COMMENT ON OPERATOR > (uscc, uscc) IS 'after, in the order of the canonical text?';
COMMENT ON OPERATOR >= (uscc, uscc) IS 'after or equal, in the order of the canonical text?';

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
