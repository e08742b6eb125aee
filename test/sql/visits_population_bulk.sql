-- The register's rules applied to a whole statement (a district's bulk import, the demo's
-- load): residence events and tenancies loaded by one INSERT ... SELECT give the same rows,
-- statuses and grids as the same data written one row per statement, and a batch with one
-- bad row is refused with the same error as that row alone, leaving the data as it was.
-- On hand-made areas of 430102 (芙蓉区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/visits.sql
\set QUIET on
-- 300 more residents over the seven households (ids 430102000101-400)
INSERT INTO resident (resident_id, name, household_id, registered_on)
SELECT 430102000100 + n, '居民' || (100 + n), 430102000001 + n % 7, date '2015-01-01'
FROM generate_series(1, 300) n;
INSERT INTO rental (rental_id, household_id, landlord_name, registered_on)
SELECT 430102000000 + h, 430102000000 + h, '房东' || h, district_today() - 800
FROM generate_series(1, 7) h;

-- the events: a quarter of the residents none, a quarter a floating arrival, a quarter a
-- floating arrival then a departure to live elsewhere, a quarter a departure then a return
CREATE TEMP TABLE src_event AS
SELECT 430102000100 + n AS resident_id, e.kind, e.status, district_today() - e.days_ago AS on_date, e.origin, e.permit_no
FROM generate_series(1, 300) n
CROSS JOIN LATERAL (VALUES
  (1, 'arrival', 'floating', 10 + n * 3 % 900, '四川省达州市', CASE WHEN n % 8 = 1 THEN 'JZZ430102-' || n END),
  (2, 'arrival', 'floating', 500 + n, '贵州省遵义市', NULL),
  (2, 'departure', 'registered_away', 100 + n % 90, NULL, NULL),
  (3, 'departure', 'registered_away', 400 + n, NULL, NULL),
  (3, 'arrival', 'registered_resident', 50 + n % 40, NULL, NULL)) e(k, kind, status, days_ago, origin, permit_no)
WHERE e.k = n % 4;
-- the tenancies: every fifth resident rented before and rents again; the next one rents now
CREATE TEMP TABLE src_tenancy AS
SELECT 430102000100 + n * 2 + t.i AS tenancy_id, 430102000001 + n % 7 AS rental_id, 430102000100 + n AS resident_id,
       district_today() - t.from_days AS starts_on, district_today() - t.to_days AS ends_on
FROM generate_series(1, 300) n
CROSS JOIN LATERAL (VALUES
  (0, 0, 400 + n % 100, 200 + n % 50), (0, 1, 150, NULL),
  (1, 0, 30 + n % 20, NULL)) t(k, i, from_days, to_days)
WHERE t.k = n % 5;
CREATE FUNCTION pg_temp.register() RETURNS TABLE (resident_id bigint, grid_code gridcode, kind text, status text,
                                                   on_date date, origin text, permit_no text)
LANGUAGE sql AS $$
  SELECT e.resident_id, e.grid_code, e.kind, e.status, e.on_date, e.origin, e.permit_no FROM commgrid.residence_event e
  WHERE e.resident_id > 430102000100
$$;
CREATE FUNCTION pg_temp.population() RETURNS TABLE (resident_id bigint, status text, since date, living_here boolean)
LANGUAGE sql AS $$
  SELECT p.resident_id, p.status, p.since, p.living_here FROM commgrid.actual_population p WHERE p.resident_id > 430102000100
$$;
CREATE FUNCTION pg_temp.tenancies() RETURNS TABLE (tenancy_id bigint, rental_id bigint, resident_id bigint, grid_code gridcode,
                                                   starts_on date, ends_on date)
LANGUAGE sql AS $$
  SELECT t.tenancy_id, t.rental_id, t.resident_id, t.grid_code, t.starts_on, t.ends_on FROM commgrid.tenancy t
  WHERE t.resident_id > 430102000100
$$;
\set QUIET off
SELECT count(*) AS events, count(DISTINCT resident_id) AS residents FROM src_event;
SELECT count(*) AS tenancies, count(*) FILTER (WHERE ends_on IS NULL) AS running FROM src_tenancy;

-- 1. one statement per row, in the order of the days
DO $$
DECLARE e record;
BEGIN
  FOR e IN SELECT * FROM src_event ORDER BY on_date, resident_id LOOP
    INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin, permit_no)
    VALUES (e.resident_id, e.kind, e.status, e.on_date, e.origin, e.permit_no);
  END LOOP;
  FOR e IN SELECT * FROM src_tenancy ORDER BY starts_on, tenancy_id LOOP
    INSERT INTO commgrid.tenancy (tenancy_id, rental_id, resident_id, starts_on, ends_on)
    VALUES (e.tenancy_id, e.rental_id, e.resident_id, e.starts_on, e.ends_on);
  END LOOP;
END $$;
CREATE TEMP TABLE by_row_event AS SELECT * FROM pg_temp.register();
CREATE TEMP TABLE by_row_population AS SELECT * FROM pg_temp.population();
CREATE TEMP TABLE by_row_tenancy AS SELECT * FROM pg_temp.tenancies();
SELECT status, count(*) FROM by_row_population GROUP BY 1 ORDER BY 1;
SELECT grid_code, count(*) FROM by_row_event GROUP BY 1 ORDER BY 1;
DELETE FROM tenancy WHERE resident_id > 430102000100;
DELETE FROM residence_event WHERE resident_id > 430102000100;

-- 2. the same in one statement each, in no particular order
INSERT INTO residence_event (resident_id, kind, status, on_date, origin, permit_no)
SELECT resident_id, kind, status, on_date, origin, permit_no FROM src_event ORDER BY md5(resident_id || kind);
INSERT INTO tenancy (tenancy_id, rental_id, resident_id, starts_on, ends_on)
SELECT tenancy_id, rental_id, resident_id, starts_on, ends_on FROM src_tenancy ORDER BY md5(tenancy_id::text);
-- the same rows, statuses and grids both ways (no difference either way)
SELECT (SELECT count(*) FROM (TABLE by_row_event EXCEPT ALL SELECT * FROM pg_temp.register()) x) AS events_only_by_row,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.register() EXCEPT ALL TABLE by_row_event) x) AS events_only_by_statement,
       (SELECT count(*) FROM (TABLE by_row_population EXCEPT ALL SELECT * FROM pg_temp.population()) x) AS population_only_by_row,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.population() EXCEPT ALL TABLE by_row_population) x) AS population_only_by_statement,
       (SELECT count(*) FROM (TABLE by_row_tenancy EXCEPT ALL SELECT * FROM pg_temp.tenancies()) x) AS tenancies_only_by_row,
       (SELECT count(*) FROM (SELECT * FROM pg_temp.tenancies() EXCEPT ALL TABLE by_row_tenancy) x) AS tenancies_only_by_statement;

-- 3. a batch of 75 good departures with one bad row: the bad row alone and the batch give
-- the same error, and the batch leaves nothing behind.  Bad rows: dated before the person's
-- latest event, in the future, a floating arrival without origin.
CREATE TEMP TABLE good AS
SELECT resident_id, 'departure'::text AS kind, 'departed'::text AS status, district_today() - 1 AS on_date, NULL::text AS origin
FROM src_event WHERE kind = 'arrival' AND status = 'floating' AND resident_id % 4 = 1;
SELECT count(*) AS good_rows FROM good;
SELECT b.what,
       pg_temp.try(format('INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin) VALUES (%s, %L, %L, %L, %L)',
                          b.resident_id, b.kind, b.status, b.on_date, b.origin)) AS alone,
       pg_temp.try(format('INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin) '
                          'SELECT * FROM good UNION ALL VALUES (%s, %L, %L, %L::date, %L)',
                          b.resident_id, b.kind, b.status, b.on_date, b.origin)) AS in_the_batch,
       (SELECT count(*) FROM residence_event WHERE resident_id > 430102000100) AS events_after
FROM (VALUES
  ('before the latest', 430102000102, 'departure', 'departed', district_today() - 700, NULL),
  ('in the future', 430102000103, 'departure', 'departed', district_today() + 1, NULL),
  ('floating without origin', 430102000104, 'arrival', 'floating', district_today(), NULL)
) b(what, resident_id, kind, status, on_date, origin)
ORDER BY 1;
-- two departures of one person in one statement, one of them before the person's arrival:
-- refused (the statement's own rows of a person are ordered by their days)
SELECT pg_temp.try($$INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date)
  VALUES (430102000105, 'departure', 'departed', district_today() - 3), (430102000105, 'departure', 'registered_away', district_today() - 800)$$) AS in_one_statement;
INSERT INTO residence_event (resident_id, kind, status, on_date, origin) SELECT * FROM good;
SELECT status, count(*) FROM pg_temp.population() GROUP BY 1 ORDER BY 1;

-- 4. re-dating: moving the latest event before the person's previous one is refused, in a
-- statement of many rows as alone; moving every latest departure back a day, or a change
-- that keeps the days (the origin, the grid), passes
SELECT pg_temp.try($$UPDATE commgrid.residence_event SET on_date = district_today() - 600
                     WHERE resident_id IN (430102000102, 430102000106) AND kind = 'departure'$$) AS two_moved_before,
       pg_temp.try($$UPDATE commgrid.residence_event SET on_date = district_today() - 600
                     WHERE resident_id = 430102000106 AND kind = 'departure'$$) AS one_moved_before,
       pg_temp.try($$UPDATE commgrid.residence_event SET on_date = on_date - 1
                     WHERE resident_id > 430102000100 AND kind = 'departure' AND status = 'departed'$$) AS latest_a_day_back;
UPDATE residence_event SET origin = origin || '（核实）' WHERE resident_id > 430102000100 AND origin IS NOT NULL;
SELECT count(*) FILTER (WHERE origin LIKE '%（核实）') AS origins_checked,
       count(*) FILTER (WHERE status = 'departed' AND on_date = district_today() - 2) AS departed_day_before_yesterday
FROM residence_event WHERE resident_id > 430102000100;

-- 5. tenancies: a batch with a tenancy overlapping an existing one, or two new tenancies of
-- one tenant that overlap each other, is refused (23P01) like the row alone
SELECT pg_temp.try($$INSERT INTO commgrid.tenancy (tenancy_id, rental_id, resident_id, starts_on)
  SELECT 430102000900 + n, 430102000001 + n % 7, 430102000100 + n, district_today() - 5 FROM generate_series(1, 300) n WHERE n % 5 = 2
  UNION ALL VALUES (430102000899, 430102000006, 430102000105, district_today() - 10)$$) AS overlapping_an_existing,
       pg_temp.try($$INSERT INTO commgrid.tenancy (tenancy_id, rental_id, resident_id, starts_on) VALUES
  (430102000899, 430102000006, 430102000105, district_today() - 10)$$) AS that_row_alone,
       pg_temp.try($$INSERT INTO commgrid.tenancy (tenancy_id, rental_id, resident_id, starts_on, ends_on) VALUES
  (430102000897, 430102000001, 430102000107, district_today() - 90, district_today() - 20),
  (430102000898, 430102000001, 430102000107, district_today() - 30, NULL)$$) AS two_new_overlapping,
       (SELECT count(*) FROM tenancy WHERE resident_id > 430102000100) AS tenancies_after;

-- 6. a grid worker's bulk import into their own grid: the same rules, and their policy; a
-- batch with one resident of another grid (household 7) is refused whole
SET ROLE v430102_grid;
SELECT pg_temp.try($$INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin)
  SELECT r, 'arrival', 'floating', commgrid.district_today(), '湖北省恩施州'
  FROM unnest('{430102000107, 430102000114, 430102000106}'::bigint[]) r$$) AS with_another_grid,
       pg_temp.try($$INSERT INTO commgrid.residence_event (resident_id, kind, status, on_date, origin)
  SELECT r, 'arrival', 'floating', commgrid.district_today(), '湖北省恩施州'
  FROM unnest('{430102000107, 430102000114}'::bigint[]) r$$) AS own_grid;
RESET ROLE;
SELECT grid_code, count(*) FROM residence_event WHERE origin = '湖北省恩施州' GROUP BY 1;
ROLLBACK;
