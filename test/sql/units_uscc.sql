-- uscc: published valid codes, every kind of bad input with its message, storage, order, index use.
SET search_path = commgrid, public;

-- codes published as valid (Wikipedia's example, hutool's and other validators' tests); all
-- pass both the GB 11714 organisation-code check and the GB 32100 final check
SELECT c, c::uscc AS stored, uscc_part(c::uscc, 'registration_authority') AS authority,
       uscc_part(c::uscc, 'organization_type') AS type, uscc_part(c::uscc, 'region') AS region,
       uscc_part(c::uscc, 'organization_code') AS organization_code,
       uscc_registration_authority_name(c::uscc) AS authority_name
FROM (VALUES ('91350100M000100Y43'), ('91310110666007217T'), ('91310115591693856A'),
             ('91510100350611266D'), ('91510100MA6BKY6U36'), ('91350500676532779B')) t(c)
ORDER BY c;
-- white space around it and lower case are accepted; output is canonical
SELECT '  91350100m000100y43 '::uscc;
-- stored in 9 bytes; sent in binary as its 18 characters
SELECT pg_column_size('91350100M000100Y43'::uscc) AS bytes;
SELECT encode(uscc_send('91350100M000100Y43'), 'escape') AS sent;

-- bad input: wrong length, a character outside the alphabet (in each part), a letter in the
-- region, non-ASCII, a wrong organisation check, a wrong final check
SELECT '91350100M000100Y4'::uscc;
SELECT '91350100M000100Y433'::uscc;
SELECT ''::uscc;
SELECT 'I1350100M000100Y43'::uscc;
SELECT '9S350100M000100Y43'::uscc;
SELECT '91350100M00O100Y43'::uscc;
SELECT '91350100M000100Y4Z'::uscc;
SELECT '913501A0M000100Y43'::uscc;
SELECT '91350100M000100Y4-'::uscc;
SELECT '91350100M000100社43'::uscc;
SELECT '9135010０M000100Y43'::uscc;
SELECT '91350100M000100Y53'::uscc;
SELECT '91350100M000100Y42'::uscc;
-- two codes from early pilot areas that do not follow the standard's check are refused
SELECT '91350211M00013FA1N'::uscc;
SELECT uscc_is_valid('91350100M0001TGQXM') AS pilot, uscc_is_valid('91350100M000100Y43') AS valid,
       uscc_is_valid('junk') AS junk;
SELECT uscc_part('91350100M000100Y43', 'checksum');

-- every single-character change of a valid code is caught (31 alphabet characters at 18 positions)
SELECT count(*) AS variants, count(*) FILTER (WHERE uscc_is_valid(v)) AS accepted
FROM (SELECT overlay('91350100M000100Y43' placing a from p for 1) AS v
      FROM generate_series(1, 18) p,
           regexp_split_to_table('0123456789ABCDEFGHJKLMNPQRTUWXY', '') a) t
WHERE v <> '91350100M000100Y43';

-- order is the order of the text, in the B-tree and in sorts; hashing agrees with equality
BEGIN;
CREATE TABLE units_uscc_t (code uscc PRIMARY KEY);
INSERT INTO units_uscc_t VALUES ('91510100350611266D'), ('91350100M000100Y43'), ('91310110666007217T'),
  ('91310115591693856A'), ('91510100MA6BKY6U36'), ('91350500676532779B');
SELECT array_agg(code ORDER BY code)::text = array_agg(code::text ORDER BY code::text)::text AS text_order FROM units_uscc_t;
SAVEPOINT dup;
INSERT INTO units_uscc_t VALUES ('91350100m000100y43');
ROLLBACK TO dup;
SET LOCAL enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT * FROM units_uscc_t WHERE code = '91350100M000100Y43';
SELECT code FROM units_uscc_t WHERE code >= '91350100M000100Y43' AND code < '91510100350611266D' ORDER BY code;
SELECT uscc_hash('91350100M000100Y43') = uscc_hash('91350100m000100y43 ') AS same_hash,
       uscc_hash('91350100M000100Y43') <> uscc_hash('91310110666007217T') AS different_hash;
ROLLBACK;

-- make_uscc computes both check characters from the parts
SELECT make_uscc('9', '1', '350100', 'M000100Y') AS built, make_uscc('1', '1', '500112', 'mb1a2c3d') AS lower_case_body;
SELECT make_uscc('9', '1', '3501', 'M000100Y');
SELECT make_uscc('9', '1', '35010A', 'M000100Y');
SELECT make_uscc('9', 'S', '350100', 'M000100Y');
