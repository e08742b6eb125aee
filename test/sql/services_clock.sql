-- The two clocks (district 420102): service_deadline at every boundary of 上不过午,下不过夜,
-- in sessions in UTC and America/New_York; other classes; the working-day calendar with 调休;
-- working_time_between and add_working_time; set_calendar_year's checks; and the C against
-- a PL/pgSQL reference over 100,000 random instants (1,000,000 in test/bench/services_clock.sql).
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
-- each boundary, given in Shanghai local time; the answer shown in Shanghai local time
CREATE TEMP TABLE boundary (local_time timestamp, expected timestamp);
INSERT INTO boundary VALUES
  ('2026-03-02 00:00:00', '2026-03-02 12:00'),           -- midnight: night window, due noon
  ('2026-03-02 06:59:59', '2026-03-02 12:00'),
  ('2026-03-02 07:00:00', '2026-03-02 12:00'),
  ('2026-03-02 11:59:59.999999', '2026-03-02 12:00'),
  ('2026-03-02 12:00:00', '2026-03-03 00:00'),
  ('2026-03-02 21:59:59', '2026-03-03 00:00'),
  ('2026-03-02 22:00:00', '2026-03-03 12:00'),
  ('2026-03-02 23:59:59.999999', '2026-03-03 12:00'),
  ('2026-02-17 15:00:00', '2026-02-18 00:00'),           -- 春节: the rule runs every day
  ('2026-12-31 23:30:00', '2027-01-01 12:00');           -- across the year
SELECT local_time, commgrid.service_deadline(local_time AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS due,
       commgrid.service_deadline(local_time AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' = expected AS ok
FROM boundary ORDER BY local_time;
-- the same instants in a New York session: the same deadlines
SET TimeZone = 'America/New_York';
SELECT count(*) AS boundaries,
       count(*) FILTER (WHERE commgrid.service_deadline(local_time AT TIME ZONE 'Asia/Shanghai')
                              = expected AT TIME ZONE 'Asia/Shanghai') AS same_in_new_york
FROM boundary;
SELECT commgrid.service_deadline('2026-03-02 10:00-05') AS ny_10am_is_23h_in_shanghai;
SET TimeZone = 'UTC';
-- urgent: 2 hours; working_3: three working days on the calendar
SELECT commgrid.service_deadline('2026-03-02 03:00+08', 'urgent') AS urgent,
       commgrid.service_deadline('2026-02-13 10:00+08', 'working_3') AT TIME ZONE 'Asia/Shanghai' AS working_3_over_spring_festival;
-- a grace period and a moved night window are rows, and the C sees the change at once
UPDATE commgrid.service_class SET grace = '15 minutes', night_start = '23:00', night_end = '06:00' WHERE name = 'standard';
SELECT t AS local_time, commgrid.service_deadline(t AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' AS due
FROM unnest(ARRAY['2026-03-02 11:44:59', '2026-03-02 11:45', '2026-03-02 22:30', '2026-03-02 23:50', '2026-03-02 06:00']::timestamp[]) t;
ROLLBACK;
BEGIN;
-- bad input
SELECT commgrid.service_deadline(now(), 'fast');
ROLLBACK;
BEGIN;
SELECT commgrid.service_deadline('infinity');
ROLLBACK;

-- the calendar: 2013-2026 shipped; make-up days are weekends; holiday weekdays per year
SELECT min(notice_year), max(notice_year), count(DISTINCT notice_year) AS years,
       count(*) FILTER (WHERE working) AS makeup_days,
       count(*) FILTER (WHERE working AND extract(isodow FROM day) < 6) AS makeup_on_weekdays
FROM commgrid.working_calendar;
SELECT notice_year, count(*) FILTER (WHERE NOT working AND extract(isodow FROM day) < 6) AS weekdays_off,
       count(*) FILTER (WHERE working) AS weekends_worked,
       (SELECT count(*) FROM generate_series(make_date(notice_year, 1, 1), make_date(notice_year, 12, 31), '1 day') d
        WHERE commgrid.is_working_day(d::date)) AS working_days_in_year
FROM commgrid.working_calendar GROUP BY notice_year ORDER BY notice_year;
-- 调休: a Saturday that works, a Monday that rests
SELECT d, to_char(d, 'Dy') AS dow, commgrid.is_working_day(d) AS working
FROM unnest(ARRAY[date '2026-02-14', '2026-02-23', '2026-02-28', '2026-10-10', '2024-05-11', '2024-06-10', '2020-02-01', '2015-09-03']) d;
-- working time across the 2026 Spring Festival and the 2024 May Day run
SELECT commgrid.working_time_between('2026-02-13 12:00+08', '2026-02-25 12:00+08') AS spring_festival,
       commgrid.working_time_between('2026-02-25 12:00+08', '2026-02-13 12:00+08') AS backwards,
       commgrid.working_time_between('2024-04-30 18:00+08', '2024-05-06 09:00+08') AS may_day,
       commgrid.add_working_time('2026-02-13 12:00+08', '7 days') AT TIME ZONE 'Asia/Shanghai' AS seven_working_days,
       commgrid.add_working_time('2024-04-30 18:00+08', '1 day') AT TIME ZONE 'Asia/Shanghai' AS one_after_may_day;
-- round trip: working time to the deadline is the span
SELECT count(*) AS instants,
       count(*) FILTER (WHERE commgrid.working_time_between(t, commgrid.add_working_time(t, '7 days')) = interval '7 days') AS round_trips
FROM (SELECT timestamptz '2013-01-01 00:00+08' + random() * interval '5000 days' AS t
      FROM generate_series(1, 2000)) s;
BEGIN;
SELECT commgrid.add_working_time(now(), '1 month');
ROLLBACK;

-- set_calendar_year: a new year, and what it refuses
BEGIN;
SELECT commgrid.set_calendar_year(2027, '测试通知', ARRAY[
  ROW('春节', daterange('2027-02-05', '2027-02-11', '[]'), '{2027-02-13}')::commgrid.official_holiday]) AS rows_2027;
SELECT commgrid.is_working_day('2027-02-08') AS mon_2027_02_08, commgrid.is_working_day('2027-02-13') AS sat_2027_02_13;
-- replaced, not added to
SELECT commgrid.set_calendar_year(2027, '测试通知(修订)', ARRAY[
  ROW('春节', daterange('2027-02-06', '2027-02-12', '[]'), '{}')::commgrid.official_holiday]) AS rows_2027_again;
SELECT count(*) FROM commgrid.working_calendar WHERE notice_year = 2027;
ROLLBACK;
BEGIN;
SELECT commgrid.set_calendar_year(2027, 'x', ARRAY[
  ROW('春节', daterange('2027-02-05', '2027-02-11', '[]'), '{2027-02-10}')::commgrid.official_holiday]);
ROLLBACK;
BEGIN;
SELECT commgrid.set_calendar_year(2027, 'x', ARRAY[
  ROW('春节', daterange('2028-02-05', '2028-02-11', '[]'), '{}')::commgrid.official_holiday]);
ROLLBACK;
BEGIN;
SELECT commgrid.set_calendar_year(2027, 'x', ARRAY[
  ROW('春节', daterange('2027-02-06', '2027-02-12', '[]'), '{2027-02-06}')::commgrid.official_holiday]);
ROLLBACK;
BEGIN;
SELECT commgrid.set_calendar_year(2027, '', '{}');
ROLLBACK;

-- the C against the PL/pgSQL reference: 100,000 random instants 2013-2027 (the benchmark runs
-- 1,000,000), at microsecond resolution, plus every whole minute of one day
\i test/fixtures/services_reference.sql
SELECT count(*) AS instants,
       count(*) FILTER (WHERE commgrid.service_deadline(t) IS DISTINCT FROM pg_temp.reference_deadline(t)) AS differences
FROM (SELECT timestamptz '2013-01-01 00:00+08' + random() * interval '5475 days' AS t
      FROM generate_series(1, 100000)) s;
SELECT count(*) AS minutes,
       count(*) FILTER (WHERE commgrid.service_deadline(t) IS DISTINCT FROM pg_temp.reference_deadline(t)) AS differences
FROM generate_series(timestamptz '2026-03-02 00:00+08', '2026-03-03 00:00+08', '1 minute') t;
