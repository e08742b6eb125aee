-- Malformed and oversized input to every C input function: random characters, random
-- bytes, very long strings, embedded NUL bytes and invalid UTF-8.  Each value either parses
-- to a value whose text form parses back to itself, or is refused with the right SQLSTATE;
-- nothing else (no crash, no other error).  The libFuzzer harness (make fuzz) does the same
-- with millions of inputs outside the server.
SET search_path = commgrid, public;
BEGIN;
-- the outcome of casting text to a type: 'ok' (and it round-trips) or the SQLSTATE
CREATE FUNCTION pg_temp.try_input(t regtype, input text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v text;
  again text;
BEGIN
  EXECUTE format('SELECT (%L::%s)::text', input, t) INTO v;
  EXECUTE format('SELECT (%L::%s)::text', v, t) INTO again;
  RETURN CASE WHEN again = v THEN 'ok' ELSE 'NOT ROUND-TRIP: ' || v END;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
-- the same from raw bytes, through the UTF-8 decoder as a client's bytes would go
CREATE FUNCTION pg_temp.try_bytes(t regtype, input bytea) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  s text;
BEGIN
  s := convert_from(input, 'UTF8');
  RETURN pg_temp.try_input(t, s);
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;

-- the input types of the extension with a C parser
CREATE TEMP TABLE input_type (t regtype PRIMARY KEY);
INSERT INTO input_type
SELECT t.oid::regtype FROM pg_type t JOIN pg_proc p ON p.oid = t.typinput
JOIN pg_language l ON l.oid = p.prolang
WHERE t.typnamespace = 'commgrid'::regnamespace AND t.typtype = 'b' AND l.lanname = 'c';
SELECT t FROM input_type ORDER BY t::text;

SELECT setseed(0.330106);
-- 20,000 random strings over digits, separators, letters, CJK and fullwidth digits
CREATE TEMP TABLE random_text AS
SELECT i, string_agg(substr('0123456789-- X3１２中区', (random() * 18)::int + 1, 1), '') AS s
FROM generate_series(1, 20000) i, generate_series(1, (random() * 20)::int + 1) j
GROUP BY i;
SELECT t, pg_temp.try_input(t, s) AS outcome, count(*)
FROM input_type, random_text GROUP BY 1, 2 ORDER BY t::text, 2;

-- 5,000 random byte strings of 1 to 40 bytes: most are not UTF-8 (22021 before any parser)
CREATE TEMP TABLE random_bytes AS
SELECT i, decode(string_agg(lpad(to_hex((random() * 255)::int), 2, '0'), ''), 'hex') AS b
FROM generate_series(1, 5000) i, generate_series(1, (random() * 39)::int + 1) j
GROUP BY i;
SELECT t, pg_temp.try_bytes(t, b) AS outcome, count(*)
FROM input_type, random_bytes GROUP BY 1, 2 ORDER BY t::text, 2;

-- valid codes with noise around them, and other types' valid values
SELECT t, x.n, pg_temp.try_input(t, v) AS outcome
FROM input_type,
     (VALUES (1, '330106001001001'), (2, '33 0106'), (3, '330106001001001 '), (4, ' 330106'),
             (5, '330106001001001' || chr(12288)), (6, '３３０１０６'), (7, '33' || chr(8203) || '0106'),
             (8, '11010519491231002X'), (9, '91350100M000100Y43'), (10, '')) x(n, v)
ORDER BY t::text, x.n;

-- very long strings: a megabyte of digits, of separators, of multibyte characters
SELECT t, pg_temp.try_input(t, repeat('1', 1000000)) AS digits,
       pg_temp.try_input(t, '33' || repeat(' ', 1000000)) AS spaces,
       pg_temp.try_input(t, repeat('中', 300000)) AS cjk,
       pg_temp.try_input(t, repeat('-', 1000000)) AS dashes
FROM input_type ORDER BY t::text;

-- an embedded NUL never reaches a parser: the text and decoder layers refuse it
SELECT pg_temp.try_bytes(t, '\x3333003031'::bytea) AS nul_in_bytes,
       pg_temp.try_bytes(t, '\x33c3'::bytea) AS truncated_utf8,
       pg_temp.try_bytes(t, '\x33ff30'::bytea) AS invalid_utf8,
       pg_temp.try_bytes(t, '\xeda080'::bytea) AS surrogate
FROM input_type ORDER BY t::text;
SELECT chr(0);
ROLLBACK;
