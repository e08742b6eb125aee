-- The district's calendar.  A day (a birth date, a registration day, "today" in a report) is
-- the date in China Standard Time, whatever the session's TimeZone: a BI session in UTC-5 and
-- the registration desk must agree on which day it is.

CREATE FUNCTION district_date(at timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (at AT TIME ZONE 'Asia/Shanghai')::date;
COMMENT ON FUNCTION district_date(timestamptz) IS
  'The date of a moment in the district (Asia/Shanghai), whatever the session''s TimeZone';

CREATE FUNCTION district_today() RETURNS date
LANGUAGE sql STABLE PARALLEL SAFE
RETURN commgrid.district_date(pg_catalog.now());
COMMENT ON FUNCTION district_today() IS
  'Today in the district (the date in Asia/Shanghai at the start of the transaction): the "today" of every report, default and age';
