-- How errors quote what the caller gave: at most 64 characters, the cut marked with "...".
-- The C input functions use the same code (src/echo.h), so one rule holds everywhere.

CREATE FUNCTION echo_value(value text) RETURNS text
  AS 'MODULE_PATHNAME', 'commgrid_echo_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION echo_value(text) IS
  'A value as an error message quotes it: the first 64 characters, and "..." when it was longer (a 100 kB input never fills a message)';
