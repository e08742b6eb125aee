-- idcard: the citizen ID type (GB 11643-1999)
SET search_path = commgrid, public;

-- the standard's test vector, X in either case, and the legacy 15-digit form upgraded
SELECT '11010519491231002X'::idcard AS upper_x,
       '11010519491231002x'::idcard AS lower_x,
       '110105491231002'::idcard AS legacy;
SELECT '110105491231002'::idcard = '11010519491231002X'::idcard AS legacy_equals_upgraded;
-- each of the 11 check characters
SELECT v::idcard, right(v::idcard::text, 1) AS check_character
FROM (VALUES ('320508198001010016'), ('320508198001010032'), ('320508198001010040'),
             ('320508198001010059'), ('320508198001010067'), ('320508198001010075'),
             ('320508198001010083'), ('320508198001010091'), ('320508198001010104'),
             ('320508198001010198'), ('11010519491231002X')) t(v)
ORDER BY 2;

-- what the number says
SELECT birth_date(i), sex(i), age(i, '2016-06-30'), region(i), level(region(i)), mask(i)
FROM (VALUES ('11010519491231002X'::idcard), ('320508198001010091'::idcard)) t(i)
ORDER BY i;
-- the age turns on the birthday; born 29 February: a year older on 1 March in common years
-- (a text literal needs a cast: pg_catalog.age(timestamp, timestamp) competes)
SELECT age(i, '2016-12-30') AS day_before, age(i, '2016-12-31') AS birthday,
       age(i, '1949-12-31') AS born
FROM (SELECT '11010519491231002X'::idcard i) t;
SELECT age(i, '2017-02-28') AS feb28, age(i, '2017-03-01') AS mar1, age(i, '2020-02-29') AS leap
FROM (SELECT '320508200002290013'::idcard i) t;
-- not yet born: NULL, never an error (a report over many people must not fail for one)
SELECT age('11010519491231002X'::idcard, '1949-12-30') IS NULL AS not_born_yet;
SELECT age('11010519491231002X'::idcard, 'infinity');
-- the default is today in the district (Asia/Shanghai), whatever the session's TimeZone
SET TimeZone = 'Pacific/Pago_Pago';
SELECT age('11010519491231002X'::idcard) = extract(year FROM age(district_today(), '1949-12-31'))::int AS default_today,
       age(make_idcard('110105', district_today(), 2)) AS born_today_in_the_district;
RESET TimeZone;

-- every kind of bad input names the part that is wrong
SELECT ''::idcard;
SELECT '11010519491231002'::idcard;
SELECT '11010519491231002X0'::idcard;
SELECT '1101051949123100X2'::idcard;
SELECT '11010549123100X'::idcard;
SELECT '11010519491231002Y'::idcard;
SELECT '110105 19491231002X'::idcard;
SELECT ' 11010519491231002X'::idcard;
SELECT '1101051949123100２X'::idcard;
SELECT '11010519491231002X中'::idcard;
SELECT '990105194912310021'::idcard;
SELECT '000105194912310021'::idcard;
SELECT '110005194912310021'::idcard;
SELECT '110100194912310021'::idcard;
SELECT '110105194913310021'::idcard;
SELECT '110105194902300021'::idcard;
SELECT '110105190002290021'::idcard;
SELECT '110105491331002'::idcard;
SELECT '110105179912310021'::idcard;
SELECT '110105220001010021'::idcard;
SELECT '110105194912310021'::idcard;
SELECT '110105194912310020'::idcard;
-- the SQLSTATE is 22P02
DO $$
BEGIN
  PERFORM '110105194912310021'::idcard;
EXCEPTION WHEN invalid_text_representation THEN
  RAISE NOTICE 'caught %', SQLSTATE;
END $$;
-- loaders can test without failing
SELECT v, is_valid_idcard(v)
FROM (VALUES ('11010519491231002X'), ('110105491231002'), ('110105194912310021'),
             ('abc'), ('')) t(v)
ORDER BY v;
-- 2000-02-29 exists (divisible by 400), 1900-02-29 does not (above)
SELECT '320508200002290013'::idcard;

-- casts: text to idcard implicitly, idcard to text on assignment
CREATE TEMP TABLE idcard_cast (t text, v varchar(18));
INSERT INTO idcard_cast VALUES ('11010519491231002X'::idcard, '110105491231002'::idcard);
SELECT t, v FROM idcard_cast;
SELECT birth_date('110105491231002');
DROP TABLE idcard_cast;

-- binary round trip, and binary input is validated
SELECT idcard_send('11010519491231002X') AS send;
CREATE TEMP TABLE idcard_bin (i idcard);
INSERT INTO idcard_bin VALUES ('11010519491231002X'), ('320508198001010091');
-- (through a private file that the reading side removes)
SELECT format('cat > /tmp/commgrid_idcard_%s.bin', pg_backend_pid()) AS binfile_write,
       format('cat /tmp/commgrid_idcard_%1$s.bin; rm -f /tmp/commgrid_idcard_%1$s.bin', pg_backend_pid()) AS binfile_read \gset
COPY idcard_bin TO PROGRAM :'binfile_write' WITH (FORMAT binary);
TRUNCATE idcard_bin;
COPY idcard_bin FROM PROGRAM :'binfile_read' WITH (FORMAT binary);
SELECT i FROM idcard_bin ORDER BY i;
DROP TABLE idcard_bin;
-- a binary value with an impossible county is refused: 990105... sent as int8
CREATE TEMP TABLE idcard_bin_int (i int8);
INSERT INTO idcard_bin_int VALUES (99010519491231002);
COPY idcard_bin_int TO PROGRAM :'binfile_write' WITH (FORMAT binary);
CREATE TEMP TABLE idcard_bin (i idcard);
COPY idcard_bin FROM PROGRAM :'binfile_read' WITH (FORMAT binary);
DROP TABLE idcard_bin, idcard_bin_int;

-- ordering is the canonical text's order; B-tree and hash indexes and joins work
CREATE TEMP TABLE idcard_ord (i idcard);
INSERT INTO idcard_ord
SELECT v FROM (VALUES ('320508198001010091'), ('11010519491231002X'), ('110105491231002'),
                      ('320508198001010032'), ('110105194912310011')) t(v);
SELECT i, i::text <= lead(i::text) OVER (ORDER BY i) AS text_order_agrees
FROM idcard_ord ORDER BY i;
SELECT count(DISTINCT i) AS distinct_values FROM idcard_ord;
CREATE INDEX ON idcard_ord (i);
CREATE INDEX ON idcard_ord USING hash (i);
SET enable_seqscan = off;
SELECT i FROM idcard_ord WHERE i = '110105491231002';
SET enable_seqscan = on;
SET enable_mergejoin = off;
SET enable_nestloop = off;
SELECT count(*) AS hash_join_matches FROM idcard_ord a JOIN idcard_ord b USING (i);
RESET enable_mergejoin;
RESET enable_nestloop;
SELECT idcard_hash('11010519491231002X') = hashint8(11010519491231002) AS hash_is_int8_hash;
DROP TABLE idcard_ord;

-- built from its parts, with the check computed
SELECT make_idcard('110105', '1949-12-31', 2) AS vector,
       make_idcard(region(i), birth_date(i), 9) AS rebuilt
FROM (SELECT '320508198001010091'::idcard i) t;
SELECT make_idcard('1101', '1949-12-31', 2);
SELECT make_idcard('990101', '1949-12-31', 2);
SELECT make_idcard('110105', '1949-12-31', 1000);
SELECT make_idcard('110105', '1799-12-31', 1);
SELECT make_idcard('110105', 'infinity', 1);
