-- What a BI reader can learn (issue 9 items 7 and 9), district 350103 with two townships:
-- residents only as groups of at least k by grid, sex and age band; the reconstruction
-- attempt of the issue (the same query at two TimeZone settings) and other tricks narrow
-- nobody down; phones keep too few digits; the district's figures reach BI as plain bi_*
-- views.  Rolled back.
SET search_path = commgrid, public;
BEGIN;
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse
\set QUIET on
SET client_min_messages = warning;
-- sequences are not rolled back: security_cleanup.psql restores them before the ROLLBACK
CREATE TEMP TABLE security_sequence_state AS
SELECT format('%I.%I', schemaname, sequencename) AS seq, last_value, start_value
FROM pg_sequences WHERE schemaname = 'commgrid';
SELECT count(*) AS group_roles FROM commgrid.create_roles() \gset
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 26.0, x1, 26.4, 4490)
FROM (VALUES
  ('350103', '统计区', 'district', 119.0, 119.4),
  ('350103001', '丙街道', 'subdistrict', 119.0, 119.2),
  ('350103002', '丁镇', 'town', 119.2, 119.4),
  ('350103001001', '丙一社区', 'community', 119.0, 119.2),
  ('350103002001', '丁一社区', 'community', 119.2, 119.4),
  ('350103001001001', '丙一第1网格', 'grid', 119.0, 119.1),
  ('350103001001002', '丙一第2网格', 'grid', 119.1, 119.2),
  ('350103002001001', '丁一第1网格', 'grid', 119.2, 119.4)
) a(code, name, kind, x0, x1)
ORDER BY code;
INSERT INTO household (household_id, address, location)
SELECT 350103000000 + n, '统计路' || n || '号',
       ST_SetSRID(ST_MakePoint((ARRAY[119.05, 119.15, 119.3])[n], 26.2), 4490)
FROM generate_series(1, 3) n;
-- birthdays today and tomorrow in Shanghai, so that age() on the dates of two time zones
-- differs for some of them: the issue's attack.  Grid 1: 6 men reaching 35 this year, 5 women
-- reaching 34 and one man reaching 65; grid 2: two women reaching 44; 丁一: five women reaching 72
-- (a day later in the year at most: the same bands on 31 December).
CREATE TEMP TABLE shanghai AS SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS today;
INSERT INTO resident (resident_id, idcard, name, phone, household_id)
SELECT 350103000000 + n,
       make_idcard('350103', (s.today + (n % 2) - make_interval(years => x.years))::date, x.seq + 2 * n),
       '统计居民' || n, '1391234' || lpad(n::text, 4, '0'), 350103000000 + x.household
FROM shanghai s, generate_series(1, 19) n,
     LATERAL (SELECT CASE WHEN n <= 6 THEN 35 WHEN n <= 11 THEN 34 WHEN n = 12 THEN 65
                          WHEN n <= 14 THEN 44 ELSE 72 END AS years,
                     CASE WHEN n <= 6 OR n = 12 THEN 1 ELSE 0 END AS seq,
                     CASE WHEN n <= 12 THEN 1 WHEN n <= 14 THEN 2 ELSE 3 END AS household) x;
CREATE ROLE r350103_bi IN ROLE commgrid_bi_reader;
CREATE ROLE r350103_admin IN ROLE commgrid_district_admin;
SELECT commgrid.grant_jurisdiction('r350103_admin', '350103') \gset
RESET client_min_messages;
\set QUIET off

-- the residents as the BI reader sees them: no row per person, groups of at least k = 5
SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type
FROM pg_attribute a WHERE a.attrelid = 'commgrid.bi_resident'::regclass AND a.attnum > 0 ORDER BY a.attnum;
SET ROLE r350103_bi;
SELECT * FROM bi_resident WHERE community_code LIKE '350103%' ORDER BY 1, 3, 4;
RESET ROLE;

-- the issue's attack: the same query at two TimeZone settings.  age() on each zone's date
-- tells some of these residents apart (their birthday falls between the two dates) ...
SELECT count(*) > 0 AS old_rule_splits_someone
FROM resident
WHERE resident_id BETWEEN 350103000001 AND 350103000019
  AND age(idcard, (now() AT TIME ZONE 'Pacific/Kiritimati')::date)
      <> age(idcard, (now() AT TIME ZONE 'Etc/GMT+12')::date);
-- ... bi_resident is the same in both: nothing to difference
CREATE TEMP TABLE seen_at (zone text, grid_code text, sex text, age_band text, residents int);
GRANT ALL ON seen_at TO PUBLIC;
SET ROLE r350103_bi;
SET TimeZone = 'Pacific/Kiritimati';
INSERT INTO seen_at SELECT 'UTC+14', * FROM (SELECT grid_code, sex, age_band, residents FROM bi_resident) x;
SET TimeZone = 'Etc/GMT+12';
INSERT INTO seen_at SELECT 'UTC-12', * FROM (SELECT grid_code, sex, age_band, residents FROM bi_resident) x;
RESET TimeZone;
RESET ROLE;
SELECT count(*) AS rows_seen_in_one_zone_only
FROM ((SELECT grid_code, sex, age_band, residents FROM seen_at WHERE zone = 'UTC+14'
       EXCEPT ALL SELECT grid_code, sex, age_band, residents FROM seen_at WHERE zone = 'UTC-12')
      UNION ALL
      (SELECT grid_code, sex, age_band, residents FROM seen_at WHERE zone = 'UTC-12'
       EXCEPT ALL SELECT grid_code, sex, age_band, residents FROM seen_at WHERE zone = 'UTC+14')) d;

-- other tricks.  A function of its own in the WHERE clause sees only the groups shown (a
-- security barrier: no resident row, no small group reaches it)
CREATE TEMP TABLE peeked (grid_code text, sex text, age_band text);
GRANT ALL ON peeked TO PUBLIC;
CREATE FUNCTION public.r350103_peek(g text, s text, b text) RETURNS boolean LANGUAGE sql COST 0.0000001 AS $$
  INSERT INTO peeked VALUES (g, s, b) RETURNING true
$$;
SET ROLE r350103_bi;
SELECT count(*) FROM bi_resident WHERE public.r350103_peek(grid_code, sex, age_band) AND grid_code LIKE '350103%';
RESET ROLE;
SELECT p.grid_code, p.sex, p.age_band, count(*) AS calls,
       (SELECT count(*) FROM resident r
        WHERE r.grid_code::text = p.grid_code AND sex(r.idcard) = p.sex AND age_band(r.idcard) = p.age_band) AS group_size
FROM peeked p GROUP BY 1, 2, 3 ORDER BY 1, 2, 3;
-- narrowing by a condition on the view: a group of one never shows, whatever is asked
SET ROLE r350103_bi;
SELECT count(*) AS lone_man_of_65 FROM bi_resident WHERE grid_code = '350103001001001' AND age_band = '60-69';
SELECT count(*) AS small_groups FROM bi_resident WHERE residents < 5;
-- k cannot be lowered by BI, nor by a district administrator
UPDATE masking_setting SET value = 1 WHERE name = 'bi_min_group_size';
RESET ROLE;
SET ROLE r350103_admin;
UPDATE masking_setting SET value = 1 WHERE name = 'bi_min_group_size';
RESET ROLE;
-- differencing against the grid summary tells how many residents sit in hidden groups
-- (grid 2: 2; grid 1: the man of 65), never who they are
SET ROLE r350103_bi;
SELECT g.grid_code, g.residents AS residents_in_grid,
       g.residents - coalesce((SELECT sum(b.residents) FROM bi_resident b WHERE b.grid_code = g.grid_code), 0)
         AS in_hidden_groups
FROM bi_grid_summary g WHERE g.grid_code LIKE '350103%' ORDER BY 1;
RESET ROLE;
-- the extension's owner sets k: at 2, grid 2's two women show; the man of 65 still does not
UPDATE masking_setting SET value = 2 WHERE name = 'bi_min_group_size';
SET ROLE r350103_bi;
SELECT * FROM bi_resident WHERE community_code LIKE '350103%' ORDER BY 1, 3, 4;
RESET ROLE;
UPDATE masking_setting SET value = 5 WHERE name = 'bi_min_group_size';
-- no BI view has a column about a person: no name, ID number, phone, birth date or age, no
-- person id (names of areas, organisations and units only: bi_area.name is the area's)
SELECT c.relname, a.attname
FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
WHERE c.relnamespace = 'commgrid'::regnamespace AND c.relname LIKE 'bi\_%'
  AND (a.attname ~ '(idcard|phone|birth|person|resident_id|secretary_id|address|location)'
       OR a.attname IN ('name', 'age'))
ORDER BY 1, 2;

-- phones: a mobile keeps 7 of 11 digits, an 8-digit landline only its last 2 (with its area
-- code, 4 of its 8 local digits)
SELECT p, mask_phone(p) AS masked, length(regexp_replace(mask_phone(p), '[^0-9]', '', 'g')) AS digits_kept
FROM (VALUES ('13812341234'), ('87654321'), ('0591-87654321'), ('1234567')) x(p);

-- the district's figures for BI: the report (also through district_report), compliance counts
SET ROLE r350103_bi;
SELECT line, indicator, value FROM bi_district_report
WHERE district_code = '350103' AND indicator IN ('townships', 'townships: subdistrict', 'townships: town',
                                                 'resident population', 'grids', 'residents unassigned')
ORDER BY line;
SELECT count(*) AS lines FROM district_report('350103');
SELECT area_code, area_name, kind, problems FROM bi_org_compliance
WHERE area_code LIKE '350103%' ORDER BY 1, 3;
SELECT count(*) FROM area;
RESET ROLE;
SELECT (SELECT array_agg(ROW(indicator, value, unit) ORDER BY line) FROM bi_district_report WHERE district_code = '350103')
     = (SELECT array_agg(ROW(indicator, value, unit)) FROM area_report('350103')) AS bi_report_is_area_report;

-- counts of a sensitive kind per grid (bi_grid_summary): shown only when at least k.  Grid 1:
-- 6 vulnerable residents of 12; grid 2 (one household of 2): 1 on the minimum living
-- allowance and empty-nest (hidden: it would name that household); 丁一: 5 vulnerable.  Only
-- grid 2 is hidden in the district, so the district's total (bi_district_report) minus the
-- shown counts would give it back: grid 1's 6 (6 residents outside it, 丁一 none) is hidden
-- as well; the 7 left for grids 1 and 2 fit grid 2 having 0, 1 or 2.  Empty-nest
-- elderly: 丁一's 5 shown, grid 1's 0 and grid 2's 1 hidden (two hidden, nothing more to hide).
\set QUIET on
UPDATE resident SET vulnerable_kinds = '{minimum_living_allowance}'
WHERE resident_id IN (350103000001, 350103000002, 350103000003, 350103000004, 350103000005,
                      350103000006, 350103000013, 350103000015, 350103000016, 350103000017,
                      350103000018, 350103000019);
UPDATE resident SET empty_nest_elderly = true
WHERE resident_id IN (350103000013, 350103000015, 350103000016, 350103000017, 350103000018, 350103000019);
\set QUIET off
TRUNCATE peeked;
CREATE FUNCTION public.r350103_peek_count(g text, n bigint) RETURNS boolean LANGUAGE sql COST 0.0000001 AS $$
  INSERT INTO peeked VALUES (g, 'vulnerable', n::text) RETURNING true
$$;
SET ROLE r350103_bi;
SELECT grid_code, households, residents, vulnerable_residents, empty_nest_elderly
FROM bi_grid_summary WHERE grid_code LIKE '350103%' ORDER BY 1;
SELECT value AS district_vulnerable,
       value - (SELECT sum(vulnerable_residents) FROM bi_grid_summary WHERE grid_code LIKE '350103%')
         AS in_hidden_grids
FROM bi_district_report WHERE district_code = '350103' AND indicator = 'vulnerable residents';
-- a function of its own sees only what the view shows (a security barrier)
SELECT count(*) FROM bi_grid_summary WHERE public.r350103_peek_count(grid_code, vulnerable_residents)
  AND grid_code LIKE '350103%';
RESET ROLE;
SELECT grid_code, age_band AS vulnerable_seen FROM peeked ORDER BY 1;
-- a new grid without residents hides nothing (its 0 is known from residents): grid 2 is still
-- the only grid hidden, and grid 1's count stays hidden with it
\set QUIET on
INSERT INTO area (code, name, kind, boundary)
VALUES ('350103002001002', '丁一第2网格', 'grid', ST_MakeEnvelope(119.39, 26.39, 119.4, 26.4, 4490));
\set QUIET off
SET ROLE r350103_bi;
SELECT grid_code, residents, vulnerable_residents FROM bi_grid_summary WHERE grid_code LIKE '350103%' ORDER BY 1;
RESET ROLE;

\i test/fixtures/security_cleanup.psql
\set QUIET on
SET client_min_messages = warning;
ROLLBACK;
RESET client_min_messages;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'r350103\_%';
