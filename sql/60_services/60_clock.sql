-- The two clocks of the mass-work system.  The response clock is the service-time rule
-- 上不过午,下不过夜 (class 'standard') and other classes as rows; the resolution clock counts
-- working time on the official working-day calendar.  Both in C (src/service_clock.c), in
-- Asia/Shanghai local time whatever the session's TimeZone.  The C keeps a copy of both
-- tables per backend; a statement trigger on each tells every backend to read them again.

CREATE TABLE service_class (
  name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
  kind        text NOT NULL CHECK (kind IN ('service_time', 'hours', 'working_days')),
  amount      int CHECK (amount > 0),
  night_start time,
  night_end   time,
  grace       interval NOT NULL DEFAULT '0'
              CHECK (grace >= interval '0' AND grace < interval '12 hours'),
  description text NOT NULL,
  CONSTRAINT service_class_amount CHECK ((kind = 'service_time') = (amount IS NULL)),
  CONSTRAINT service_class_night CHECK ((night_start IS NULL) = (night_end IS NULL)),
  CONSTRAINT service_class_night_only_service_time CHECK (kind = 'service_time' OR night_start IS NULL)
);
COMMENT ON TABLE service_class IS
  'Response-time classes for commgrid.service_deadline: the service-time rule (上不过午,下不过夜), N hours, or N working days on commgrid.working_calendar';
COMMENT ON COLUMN service_class.name IS 'Class name, e.g. standard, urgent';
COMMENT ON COLUMN service_class.kind IS 'service_time (before noon: noon; from noon: midnight; night window: next noon), hours (amount hours, every day) or working_days (amount working days)';
COMMENT ON COLUMN service_class.amount IS 'Hours or working days; NULL for service_time';
COMMENT ON COLUMN service_class.night_start IS 'service_time: start of the night window (local time); a request raised in it is due at the next noon';
COMMENT ON COLUMN service_class.night_end IS 'service_time: end of the night window (exclusive)';
COMMENT ON COLUMN service_class.grace IS 'service_time: a request raised within this span before noon is due at midnight, and within it before midnight at the next noon (default none, as the rule is written)';
COMMENT ON COLUMN service_class.description IS 'What the class is for';
SELECT commgrid.secure_table('commgrid.service_class', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.service_class');

INSERT INTO service_class (name, kind, amount, night_start, night_end, description) VALUES
  ('standard', 'service_time', NULL, '22:00', '07:00', '上不过午,下不过夜: raised before noon, acted on by noon; from noon, by midnight; at night (22:00-07:00), by the next noon; every day of the year'),
  ('urgent', 'hours', 2, NULL, NULL, 'Urgent matters: acted on within 2 hours, day and night'),
  ('working_3', 'working_days', 3, NULL, NULL, 'Matters a department answers within 3 working days');

-- The working-day calendar: only the exceptions to Monday-Friday, as the State Council's
-- yearly notice (国务院办公厅关于部分节假日安排的通知) gives them: official days off (a Monday
-- can be one) and make-up working days (调休: a Saturday or Sunday can be one).
CREATE TABLE working_calendar (
  day         date PRIMARY KEY,
  working     boolean NOT NULL,
  holiday     text NOT NULL CHECK (btrim(holiday) <> ''),
  notice_year int NOT NULL CHECK (notice_year BETWEEN 1999 AND 2200),
  source      text NOT NULL
);
CREATE INDEX working_calendar_notice_year_idx ON working_calendar (notice_year);
COMMENT ON TABLE working_calendar IS
  'Exceptions to the Monday-Friday week from the State Council''s yearly holiday notices: days off (working = false) and make-up working days (调休, working = true); shipped for 2013 onward, a year added with set_calendar_year';
COMMENT ON COLUMN working_calendar.day IS 'The day (Asia/Shanghai)';
COMMENT ON COLUMN working_calendar.working IS 'true: a make-up working day on a weekend; false: an official day off';
COMMENT ON COLUMN working_calendar.holiday IS 'The holiday it belongs to, e.g. 春节';
COMMENT ON COLUMN working_calendar.notice_year IS 'The year of the notice (元旦 of a year can start on 30 or 31 December of the year before)';
COMMENT ON COLUMN working_calendar.source IS 'The notice it comes from';
SELECT commgrid.secure_table('commgrid.working_calendar', NULL,
  '{district_admin, township_staff, community_staff, grid_worker}', '{district_admin}');
SELECT commgrid.register_dump('commgrid.working_calendar');

CREATE FUNCTION service_rules_changed() RETURNS trigger
  AS 'MODULE_PATHNAME', 'service_rules_changed' LANGUAGE C;
COMMENT ON FUNCTION service_rules_changed() IS
  'Trigger: every backend reads service_class and working_calendar again (relcache invalidation)';
CREATE TRIGGER service_class_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON service_class
  FOR EACH STATEMENT EXECUTE FUNCTION service_rules_changed();
CREATE TRIGGER working_calendar_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON working_calendar
  FOR EACH STATEMENT EXECUTE FUNCTION service_rules_changed();

CREATE FUNCTION service_deadline(requested_at timestamptz, sla_class text DEFAULT 'standard')
RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'service_deadline' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION service_deadline(timestamptz, text) IS
  'Response deadline of a request raised at requested_at under a class of commgrid.service_class; standard (上不过午,下不过夜, Asia/Shanghai): before 12:00 due 12:00, from 12:00 due 24:00, in the night window 22:00-07:00 due the next 12:00, every day; 22023 for an unknown class';

CREATE FUNCTION working_time_between(a timestamptz, b timestamptz) RETURNS interval
  AS 'MODULE_PATHNAME', 'working_time_between' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION working_time_between(timestamptz, timestamptz) IS
  'Time from a to b that falls on working days of commgrid.working_calendar (Asia/Shanghai days, 24 hours each); negative when b is before a';

CREATE FUNCTION add_working_time(from_time timestamptz, span interval) RETURNS timestamptz
  AS 'MODULE_PATHNAME', 'add_working_time' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION add_working_time(timestamptz, interval) IS
  'The instant when span of working time (working_time_between) has passed after from_time: the resolution deadline of a limit in working days; 22023 for months or a negative span';

CREATE FUNCTION is_working_day(day date) RETURNS boolean
  AS 'MODULE_PATHNAME', 'is_working_day' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION is_working_day(date) IS
  'Is the day a working day: the calendar''s exception, or else Monday to Friday';

CREATE TYPE official_holiday AS (name text, days daterange, makeup_days date[]);
COMMENT ON TYPE official_holiday IS
  'One holiday of a State Council notice: its name, its days off (inclusive range) and its make-up working days';
COMMENT ON COLUMN official_holiday.name IS 'The holiday, e.g. 春节';
COMMENT ON COLUMN official_holiday.days IS 'Its days off, e.g. daterange(''2026-02-15'', ''2026-02-23'', ''[]'')';
COMMENT ON COLUMN official_holiday.makeup_days IS 'Its make-up working days (调休上班), weekend days only';

-- A year's notice in one call, replacing what the calendar held for that notice: a wrong
-- calendar silently moves every deadline, so each day is checked before anything is written.
CREATE FUNCTION set_calendar_year(notice_year int, source text, holidays official_holiday[])
RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  h commgrid.official_holiday;
  d date;
  first_day date := make_date(notice_year, 1, 1) - 7;
  last_day date := make_date(notice_year, 12, 31);
  n int;
BEGIN
  IF notice_year IS NULL OR notice_year NOT BETWEEN 1999 AND 2200 OR source IS NULL OR btrim(source) = ''
     OR cardinality(holidays) IS NULL THEN
    RAISE EXCEPTION 'a calendar year needs a year, a source and its holidays'
      USING ERRCODE = '22023',
            DETAIL = format('Year %s, source %s, %s holidays.', notice_year,
                            commgrid.echo_value(source), coalesce(cardinality(holidays), 0)),
            HINT = 'Give the year of the State Council notice (1999-2200), the notice''s title and at least one holiday.';
  END IF;
  FOREACH h IN ARRAY holidays LOOP
    IF h.name IS NULL OR btrim(h.name) = '' OR h.days IS NULL OR isempty(h.days)
       OR lower(h.days) < first_day OR upper(h.days) - 1 > last_day THEN
      RAISE EXCEPTION 'holiday % of the % notice is not in that year', commgrid.echo_value(h.name), notice_year
        USING ERRCODE = '22023',
              DETAIL = format('Days off %s; a notice covers %s to %s.', h.days, first_day, last_day),
              HINT = 'Give a named, non-empty range of days, e.g. daterange(''2026-02-15'', ''2026-02-23'', ''[]'').';
    END IF;
    FOREACH d IN ARRAY coalesce(h.makeup_days, '{}') LOOP
      IF extract(isodow FROM d) < 6 OR d < first_day OR d > last_day THEN
        RAISE EXCEPTION 'make-up working day % of % is not a weekend day of the year', d, h.name
          USING ERRCODE = '22023',
                DETAIL = format('%s is a %s.', d, to_char(d, 'FMDay')),
                HINT = 'A make-up working day (调休上班) is a Saturday or a Sunday that becomes a working day.';
      END IF;
    END LOOP;
  END LOOP;
  SELECT count(*) INTO n FROM (
    SELECT x.day FROM unnest(holidays) h2, generate_series(lower(h2.days), upper(h2.days) - 1, '1 day') x(day)
    UNION ALL
    SELECT m FROM unnest(holidays) h3, unnest(h3.makeup_days) m) all_days
  GROUP BY all_days.day HAVING count(*) > 1 LIMIT 1;
  IF FOUND THEN
    RAISE EXCEPTION 'a day is named twice in the % notice', notice_year
      USING ERRCODE = '22023', HINT = 'A day is either a day off or a make-up working day, once.';
  END IF;
  DELETE FROM commgrid.working_calendar w WHERE w.notice_year = set_calendar_year.notice_year;
  INSERT INTO commgrid.working_calendar (day, working, holiday, notice_year, source)
  SELECT x.day::date, false, h2.name, set_calendar_year.notice_year, set_calendar_year.source
  FROM unnest(holidays) h2, generate_series(lower(h2.days), upper(h2.days) - 1, '1 day') x(day)
  UNION ALL
  SELECT m, true, h3.name, set_calendar_year.notice_year, set_calendar_year.source
  FROM unnest(holidays) h3, unnest(h3.makeup_days) m;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$;
REVOKE EXECUTE ON FUNCTION set_calendar_year(int, text, official_holiday[]) FROM PUBLIC;
COMMENT ON FUNCTION set_calendar_year(int, text, official_holiday[]) IS
  'Add (or replace) one year of the official calendar from its State Council notice: each holiday''s days off and make-up working days (weekends only); 22023 names the bad day; returns the rows written';

-- The official calendar 2013-2026 (国务院办公厅关于YYYY年部分节假日安排的通知).  2015 has the
-- one-off 抗战胜利70周年 days; 2020's Spring Festival is the notice as extended to 2 February
-- (国办发明电〔2020〕1号), which also cancelled the make-up day of 1 February.
SELECT commgrid.set_calendar_year(2013,
  '国务院办公厅关于2013年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2013-01-01', '2013-01-03', '[]'), '{2013-01-05,2013-01-06}')::commgrid.official_holiday,
  ROW('春节', daterange('2013-02-09', '2013-02-15', '[]'), '{2013-02-16,2013-02-17}')::commgrid.official_holiday,
  ROW('清明节', daterange('2013-04-04', '2013-04-06', '[]'), '{2013-04-07}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2013-04-29', '2013-05-01', '[]'), '{2013-04-27,2013-04-28}')::commgrid.official_holiday,
  ROW('端午节', daterange('2013-06-10', '2013-06-12', '[]'), '{2013-06-08,2013-06-09}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2013-09-19', '2013-09-21', '[]'), '{2013-09-22}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2013-10-01', '2013-10-07', '[]'), '{2013-09-29,2013-10-12}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2014,
  '国务院办公厅关于2014年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2014-01-01', '2014-01-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2014-01-31', '2014-02-06', '[]'), '{2014-01-26,2014-02-08}')::commgrid.official_holiday,
  ROW('清明节', daterange('2014-04-05', '2014-04-07', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2014-05-01', '2014-05-03', '[]'), '{2014-05-04}')::commgrid.official_holiday,
  ROW('端午节', daterange('2014-05-31', '2014-06-02', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2014-09-06', '2014-09-08', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2014-10-01', '2014-10-07', '[]'), '{2014-09-28,2014-10-11}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2015,
  '国务院办公厅关于2015年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2015-01-01', '2015-01-03', '[]'), '{2015-01-04}')::commgrid.official_holiday,
  ROW('春节', daterange('2015-02-18', '2015-02-24', '[]'), '{2015-02-15,2015-02-28}')::commgrid.official_holiday,
  ROW('清明节', daterange('2015-04-04', '2015-04-06', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2015-05-01', '2015-05-03', '[]'), '{}')::commgrid.official_holiday,
  ROW('端午节', daterange('2015-06-20', '2015-06-22', '[]'), '{}')::commgrid.official_holiday,
  ROW('抗战胜利70周年纪念日', daterange('2015-09-03', '2015-09-05', '[]'), '{2015-09-06}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2015-09-26', '2015-09-27', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2015-10-01', '2015-10-07', '[]'), '{2015-10-10}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2016,
  '国务院办公厅关于2016年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2016-01-01', '2016-01-03', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2016-02-07', '2016-02-13', '[]'), '{2016-02-06,2016-02-14}')::commgrid.official_holiday,
  ROW('清明节', daterange('2016-04-02', '2016-04-04', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2016-04-30', '2016-05-02', '[]'), '{}')::commgrid.official_holiday,
  ROW('端午节', daterange('2016-06-09', '2016-06-11', '[]'), '{2016-06-12}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2016-09-15', '2016-09-17', '[]'), '{2016-09-18}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2016-10-01', '2016-10-07', '[]'), '{2016-10-08,2016-10-09}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2017,
  '国务院办公厅关于2017年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2016-12-31', '2017-01-02', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2017-01-27', '2017-02-02', '[]'), '{2017-01-22,2017-02-04}')::commgrid.official_holiday,
  ROW('清明节', daterange('2017-04-02', '2017-04-04', '[]'), '{2017-04-01}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2017-04-29', '2017-05-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('端午节', daterange('2017-05-28', '2017-05-30', '[]'), '{2017-05-27}')::commgrid.official_holiday,
  ROW('国庆节、中秋节', daterange('2017-10-01', '2017-10-08', '[]'), '{2017-09-30}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2018,
  '国务院办公厅关于2018年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2017-12-30', '2018-01-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2018-02-15', '2018-02-21', '[]'), '{2018-02-11,2018-02-24}')::commgrid.official_holiday,
  ROW('清明节', daterange('2018-04-05', '2018-04-07', '[]'), '{2018-04-08}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2018-04-29', '2018-05-01', '[]'), '{2018-04-28}')::commgrid.official_holiday,
  ROW('端午节', daterange('2018-06-16', '2018-06-18', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2018-09-22', '2018-09-24', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2018-10-01', '2018-10-07', '[]'), '{2018-09-29,2018-09-30}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2019,
  '国务院办公厅关于2019年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2018-12-30', '2019-01-01', '[]'), '{2018-12-29}')::commgrid.official_holiday,
  ROW('春节', daterange('2019-02-04', '2019-02-10', '[]'), '{2019-02-02,2019-02-03}')::commgrid.official_holiday,
  ROW('清明节', daterange('2019-04-05', '2019-04-07', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2019-05-01', '2019-05-04', '[]'), '{2019-04-28,2019-05-05}')::commgrid.official_holiday,
  ROW('端午节', daterange('2019-06-07', '2019-06-09', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2019-09-13', '2019-09-15', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2019-10-01', '2019-10-07', '[]'), '{2019-09-29,2019-10-12}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2020,
  '国务院办公厅关于2020年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2020-01-01', '2020-01-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2020-01-24', '2020-02-02', '[]'), '{2020-01-19}')::commgrid.official_holiday,
  ROW('清明节', daterange('2020-04-04', '2020-04-06', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2020-05-01', '2020-05-05', '[]'), '{2020-04-26,2020-05-09}')::commgrid.official_holiday,
  ROW('端午节', daterange('2020-06-25', '2020-06-27', '[]'), '{2020-06-28}')::commgrid.official_holiday,
  ROW('国庆节、中秋节', daterange('2020-10-01', '2020-10-08', '[]'), '{2020-09-27,2020-10-10}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2021,
  '国务院办公厅关于2021年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2021-01-01', '2021-01-03', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2021-02-11', '2021-02-17', '[]'), '{2021-02-07,2021-02-20}')::commgrid.official_holiday,
  ROW('清明节', daterange('2021-04-03', '2021-04-05', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2021-05-01', '2021-05-05', '[]'), '{2021-04-25,2021-05-08}')::commgrid.official_holiday,
  ROW('端午节', daterange('2021-06-12', '2021-06-14', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2021-09-19', '2021-09-21', '[]'), '{2021-09-18}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2021-10-01', '2021-10-07', '[]'), '{2021-09-26,2021-10-09}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2022,
  '国务院办公厅关于2022年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2022-01-01', '2022-01-03', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2022-01-31', '2022-02-06', '[]'), '{2022-01-29,2022-01-30}')::commgrid.official_holiday,
  ROW('清明节', daterange('2022-04-03', '2022-04-05', '[]'), '{2022-04-02}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2022-04-30', '2022-05-04', '[]'), '{2022-04-24,2022-05-07}')::commgrid.official_holiday,
  ROW('端午节', daterange('2022-06-03', '2022-06-05', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2022-09-10', '2022-09-12', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2022-10-01', '2022-10-07', '[]'), '{2022-10-08,2022-10-09}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2023,
  '国务院办公厅关于2023年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2022-12-31', '2023-01-02', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2023-01-21', '2023-01-27', '[]'), '{2023-01-28,2023-01-29}')::commgrid.official_holiday,
  ROW('清明节', daterange('2023-04-05', '2023-04-05', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2023-04-29', '2023-05-03', '[]'), '{2023-04-23,2023-05-06}')::commgrid.official_holiday,
  ROW('端午节', daterange('2023-06-22', '2023-06-24', '[]'), '{2023-06-25}')::commgrid.official_holiday,
  ROW('中秋节、国庆节', daterange('2023-09-29', '2023-10-06', '[]'), '{2023-10-07,2023-10-08}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2024,
  '国务院办公厅关于2024年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2024-01-01', '2024-01-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2024-02-10', '2024-02-17', '[]'), '{2024-02-04,2024-02-18}')::commgrid.official_holiday,
  ROW('清明节', daterange('2024-04-04', '2024-04-06', '[]'), '{2024-04-07}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2024-05-01', '2024-05-05', '[]'), '{2024-04-28,2024-05-11}')::commgrid.official_holiday,
  ROW('端午节', daterange('2024-06-08', '2024-06-10', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2024-09-15', '2024-09-17', '[]'), '{2024-09-14}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2024-10-01', '2024-10-07', '[]'), '{2024-09-29,2024-10-12}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2025,
  '国务院办公厅关于2025年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2025-01-01', '2025-01-01', '[]'), '{}')::commgrid.official_holiday,
  ROW('春节', daterange('2025-01-28', '2025-02-04', '[]'), '{2025-01-26,2025-02-08}')::commgrid.official_holiday,
  ROW('清明节', daterange('2025-04-04', '2025-04-06', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2025-05-01', '2025-05-05', '[]'), '{2025-04-27}')::commgrid.official_holiday,
  ROW('端午节', daterange('2025-05-31', '2025-06-02', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节、中秋节', daterange('2025-10-01', '2025-10-08', '[]'), '{2025-09-28,2025-10-11}')::commgrid.official_holiday]);
SELECT commgrid.set_calendar_year(2026,
  '国务院办公厅关于2026年部分节假日安排的通知', ARRAY[
  ROW('元旦', daterange('2026-01-01', '2026-01-03', '[]'), '{2026-01-04}')::commgrid.official_holiday,
  ROW('春节', daterange('2026-02-15', '2026-02-23', '[]'), '{2026-02-14,2026-02-28}')::commgrid.official_holiday,
  ROW('清明节', daterange('2026-04-04', '2026-04-06', '[]'), '{}')::commgrid.official_holiday,
  ROW('劳动节', daterange('2026-05-01', '2026-05-05', '[]'), '{2026-05-09}')::commgrid.official_holiday,
  ROW('端午节', daterange('2026-06-19', '2026-06-21', '[]'), '{}')::commgrid.official_holiday,
  ROW('中秋节', daterange('2026-09-25', '2026-09-27', '[]'), '{}')::commgrid.official_holiday,
  ROW('国庆节', daterange('2026-10-01', '2026-10-07', '[]'), '{2026-09-20,2026-10-10}')::commgrid.official_holiday]);
