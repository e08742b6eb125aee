-- Errors about bad input: each with the SQLSTATE of its kind, a detail naming the bad part,
-- and never an echo of a huge input.  District 350102 (鼓楼区), all rolled back.
SET search_path = commgrid, public;
BEGIN;

-- a statement's outcome: 'ok', or SQLSTATE, message and detail of its refusal
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  msg text;
  detail text;
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ': ' || msg || coalesce(' / ' || nullif(detail, ''), '');
END $$;

-- assign_location declared with 2 arguments: a trigger protocol violation (39P01), as an
-- AFTER or statement trigger is
CREATE TABLE input_errors_t (location geometry, grid gridcode);
CREATE TRIGGER assign BEFORE INSERT ON input_errors_t
  FOR EACH ROW EXECUTE FUNCTION assign_location('location', 'grid');
SELECT pg_temp.try($$INSERT INTO input_errors_t VALUES ('SRID=4490;POINT(119.3 26.08)')$$) AS two_arguments;

-- make_uscc counts characters, not bytes
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT make_uscc('é', '1', '350100', 'M000100Y')$$),
  ($$SELECT make_uscc('9', '1', '35010é', 'M000100Y')$$),
  ($$SELECT make_uscc('9', '1', '350100', 'M00010é')$$),
  ($$SELECT make_uscc('éé', '1', '350100', 'M000100Y')$$),
  ($$SELECT make_uscc('9', '1', '350100', 'M000100社')$$)
) t(stmt);

-- a code whose region names no province is refused (22P02), the all-zero code first
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT '000000000000000000'::uscc$$),
  ($$SELECT make_uscc('9', '1', '990000', 'M000100Y')$$),
  ($$SELECT make_uscc('9', '1', '100000', 'M000100Y')$$),
  ($$SELECT make_uscc('9', '1', '820000', 'M000100Y')$$)
) t(stmt);
SELECT uscc_is_valid('000000000000000000') AS all_zero_valid;

-- a 100 kB input is quoted cut to 64 characters and "..." (the whole message stays short)
SELECT left(r, 140) AS refusal, length(r) < 400 AS short
FROM (SELECT pg_temp.try(stmt) AS r FROM (VALUES
  ($$SELECT repeat('9', 100000)::uscc$$),
  ($$SELECT repeat('1', 100000)::idcard$$),
  ($$SELECT uscc_part('91350100M000100Y43', repeat('部', 100000))$$),
  ($$SELECT locate('SRID=4490;POINT(119.3 26.08)', repeat('x', 100000))$$),
  ($$SELECT * FROM footprint_shares('SRID=4490;POLYGON((119 26,119.1 26,119.1 26.1,119 26))', repeat('x', 100000))$$),
  ($$SELECT convert_coordinates('SRID=4326;POINT(119.3 26.08)', repeat('x', 100000), 'gcj02')$$)
) t(stmt)) x;
-- the cut falls between characters, and short values are quoted whole
SELECT echo_value(repeat('部', 70)) = repeat('部', 64) || '...' AS cut_between_characters,
       echo_value(repeat('a', 64)) = repeat('a', 64) AS exactly_64_kept, echo_value('') AS empty;

-- locate_nearest refuses a point off the globe instead of clamping it to the date line
INSERT INTO area (code, name, kind, boundary)
VALUES ('350102', '鼓楼区', 'district', ST_MakeEnvelope(119.25, 26.05, 119.32, 26.12, 4490));
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$SELECT * FROM locate_nearest('SRID=4490;POINT(1000 1000)', 'Infinity', 'county')$$),
  ($$SELECT * FROM locate_nearest('SRID=4326;POINT(119.3 -91)', 'Infinity', 'county')$$)
) t(stmt);
SELECT code, round(distance_m) AS distance_m
FROM locate_nearest('SRID=4490;POINT(119.33 26.08)', 5000, 'county');
ROLLBACK;
