-- The identifier of a thing (部件标识码) in CJ/T 214 / GB/T 30428.2: 16 digits, the 6-digit
-- county-level division code (GB/T 2260) + the 2-digit major class + the 2-digit minor class
-- + a 6-digit serial number.  There is no check digit.  Checked part by part on input, as
-- the other identifiers are, with the part that is wrong named in the error.

CREATE FUNCTION component_code_valid(code text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  IF code IS NULL THEN
    RETURN true;
  END IF;
  IF code !~ '^[0-9]{16}$' THEN
    RAISE EXCEPTION 'invalid component identifier "%"', commgrid.echo_value(code)
      USING ERRCODE = '22P02',
            DETAIL = format('It has %s characters; an identifier is 16 digits.', length(code)),
            HINT = 'County code (6) + major class (2) + minor class (2) + serial (6), e.g. 4301020101000001.';
  END IF;
  IF substr(code, 1, 2)::int NOT BETWEEN 11 AND 82 OR substr(code, 5, 2) = '00' THEN
    RAISE EXCEPTION 'invalid component identifier "%"', code
      USING ERRCODE = '22P02',
            DETAIL = format('Digits 1-6 (%s) are not a county-level division code.', substr(code, 1, 6)),
            HINT = 'The first six digits are the GB/T 2260 code of the county or district.';
  END IF;
  IF substr(code, 7, 2) = '00' OR substr(code, 9, 2) = '00' THEN
    RAISE EXCEPTION 'invalid component identifier "%"', code
      USING ERRCODE = '22P02',
            DETAIL = format('Digits 7-10 (%s) are not a major and minor class.', substr(code, 7, 4)),
            HINT = 'Classes are numbered from 01 (commgrid.element_type).';
  END IF;
  IF substr(code, 11, 6) = '000000' THEN
    RAISE EXCEPTION 'invalid component identifier "%"', code
      USING ERRCODE = '22P02',
            DETAIL = 'Digits 11-16 (the serial number) are 000000.',
            HINT = 'Serial numbers start at 000001.';
  END IF;
  RETURN true;
END $$;
COMMENT ON FUNCTION component_code_valid(text) IS
  'Is the text a well-formed thing identifier (16 digits: county code, major class, minor class, serial)? Raises 22P02 naming the wrong part otherwise';

CREATE DOMAIN component_code AS text CONSTRAINT component_code_valid CHECK (commgrid.component_code_valid(VALUE));
COMMENT ON DOMAIN component_code IS
  'Thing identifier of CJ/T 214 / GB/T 30428.2: 6-digit county code + 2-digit major class + 2-digit minor class + 6-digit serial (16 digits, no check digit)';
