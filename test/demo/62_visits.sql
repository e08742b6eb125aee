-- The demo district's grid work (issue 13): a year of household visits reaching 100 %, a
-- return visit within the interval for every vulnerable resident, must-visit tasks raised
-- and closed, this year's public-security survey, the element catalogue grown to 500+ types
-- with the district's own classes, and 200,000 things at scale 1 located by the engine.  psql variables :scale and :seed.
-- Visits fall between 1 January (Asia/Shanghai) and now, so the run's day decides the spread.
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET work_mem = '256MB';
SET commgrid.audit = off;
\set QUIET on
\set district '500112'
BEGIN;
SELECT setseed((:seed % 1000003) / 1000003.0) AS seeded \gset
SELECT make_date(extract(year FROM district_today())::int, 1, 1)::timestamp AT TIME ZONE 'Asia/Shanghai' AS year_start \gset

-- the actual population: one resident in ten arrived as floating population this year or
-- earlier, one in fifty lives elsewhere (人户分离); one household in twenty rents its dwelling.
-- One statement each, as a district's bulk import: the register checks each statement's
-- rows as a set (residence_event_check_order, tenancy_check_overlap).
SELECT clock_timestamp() AS t0 \gset
INSERT INTO residence_event (resident_id, kind, status, on_date, origin)
SELECT resident_id, 'arrival', 'floating', district_today() - floor(random() * 1000)::int,
       (ARRAY['四川省达州市', '贵州省遵义市', '湖北省恩施州', '四川省南充市', '重庆市外区县'])[1 + floor(random() * 5)::int]
FROM resident WHERE random() < 0.10;
INSERT INTO residence_event (resident_id, kind, status, on_date)
SELECT resident_id, 'departure', 'registered_away', district_today() - floor(random() * 300)::int
FROM resident r WHERE random() < 0.02 AND NOT EXISTS (SELECT 1 FROM residence_event e WHERE e.resident_id = r.resident_id);
INSERT INTO rental (household_id, landlord_name, registered_on)
SELECT household_id, '房东' || household_id, district_today() - floor(random() * 700)::int
FROM household WHERE random() < 0.05;
INSERT INTO tenancy (rental_id, resident_id, starts_on)
SELECT l.rental_id, r.resident_id, l.registered_on FROM rental l JOIN resident r USING (household_id);
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS population_seconds,
       (SELECT count(*) FROM residence_event) AS population_events, (SELECT count(*) FROM tenancy) AS population_tenancies \gset

-- every household: one in-person visit this year by a staff member of its grid; one in
-- twenty was first found nobody home
CREATE TEMP TABLE demo_staff AS
SELECT grid_code, array_agg(staff_id ORDER BY staff_id) AS staff FROM grid_staff GROUP BY grid_code;
CREATE TEMP TABLE demo_visit AS
SELECT h.household_id, s.staff[1 + floor(random() * cardinality(s.staff))::int] AS staff_id,
       :'year_start'::timestamptz + random() * (now() - interval '1 hour' - :'year_start'::timestamptz) AS at,
       random() < 0.05 AS missed_first
FROM household h JOIN demo_staff s USING (grid_code);
SELECT clock_timestamp() AS t0 \gset
INSERT INTO visit (household_id, staff_id, visited_at, kind, mode, outcome)
SELECT household_id, staff_id, at - interval '2 days', 'routine', 'in_person', 'nobody_home'
FROM demo_visit WHERE missed_first AND at - interval '2 days' > :'year_start'::timestamptz;
INSERT INTO visit (household_id, staff_id, visited_at, kind, mode, outcome, seen, asked)
SELECT household_id, staff_id, at, 'routine', 'in_person', 'visited', '居住环境整洁', '询问家庭近况和诉求'
FROM demo_visit;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS visit_seconds \gset

-- every vulnerable resident: a return visit within their interval (by phone where allowed)
INSERT INTO visit (resident_id, staff_id, visited_at, kind, mode, outcome)
SELECT d.resident_id, s.staff[1], now() - interval '1 hour' - random() * make_interval(days => d.interval_days - 1),
       'return', CASE WHEN i.remote THEN 'phone' ELSE 'in_person' END, 'visited'
FROM return_visit_due() d JOIN demo_staff s USING (grid_code)
CROSS JOIN LATERAL (SELECT bool_and(x.remote_counts) AS remote FROM return_interval x
                    JOIN resident r ON r.resident_id = d.resident_id
                    WHERE x.category = ANY (r.vulnerable_kinds)
                       OR (x.category = 'empty_nest_elderly' AND r.empty_nest_elderly)
                       OR (x.category = 'living_alone' AND r.living_alone)
                       OR (x.category = 'disability' AND r.disability)) i;

-- must-visit situations: one household in 200 this year, each visited within its interval
INSERT INTO must_visit_task (situation, household_id, raised_on)
SELECT (ARRAY(SELECT kind FROM must_visit_kind WHERE NOT special_category ORDER BY kind))[1 + floor(random() * 15)::int],
       h.household_id,
       district_date(:'year_start'::timestamptz) + floor(random() * (district_today() - district_date(:'year_start'::timestamptz)))::int
FROM household h WHERE random() < 0.005;
INSERT INTO visit (household_id, staff_id, visited_at, kind, mode, outcome, task_id, heard)
SELECT t.household_id, s.staff[1], LEAST(t.raised_on::timestamp AT TIME ZONE 'Asia/Shanghai' + interval '10 hours', now() - interval '1 minute'),
       'must_visit', 'in_person', 'visited', t.task_id, '了解情况，协调帮扶'
FROM must_visit_task t JOIN demo_staff s USING (grid_code)
WHERE t.closed_on IS NULL;

-- the public-security survey of this year: a third party asks 300-600 residents in each
-- community; about 98 % answer that they feel safe (the report: at least 97 %)
INSERT INTO security_survey (community_code, year, surveyor, sample_size, answers)
SELECT code, extract(year FROM district_today())::int, '区统计局调查队', n,
       ARRAY[floor((n - a4 - a5) * 0.55)::int, floor((n - a4 - a5) * 0.30)::int,
             n - a4 - a5 - floor((n - a4 - a5) * 0.55)::int - floor((n - a4 - a5) * 0.30)::int, a4, a5]
FROM (SELECT code, n, floor(n * (0.004 + random() * 0.016))::int AS a4, floor(n * random() * 0.008)::int AS a5
      FROM (SELECT a.code, 300 + floor(random() * 301)::int AS n FROM area a
            WHERE a.kind = 'community' AND a.code <@ :'district'::gridcode) c) s;

-- the district's own classes: 49 minor classes (51-99) in each thing class and 15 in each
-- event class, so the catalogue holds more than 500 types
INSERT INTO element_type (type_code, aspect, major_code, major_name, minor_code, minor_name, source)
SELECT a || ':' || m.major_code || n, a, m.major_code, m.major_name, n::text, m.major_name || '（区自定）' || n, 'district'
FROM (SELECT DISTINCT aspect AS a, major_code, major_name FROM element_type WHERE aspect IN ('thing', 'event')) m
CROSS JOIN LATERAL generate_series(51, CASE m.a WHEN 'thing' THEN 99 ELSE 65 END) n;

-- 200,000 things at scale 1: manhole covers, lamps, hydrants, cameras and bins, located by
-- the engine as they are inserted
SELECT round(200000 * :scale)::int AS n_things \gset
CREATE TEMP TABLE demo_thing AS
SELECT row_number() OVER () AS n, ST_SetSRID(d.geom, 4490) AS shape
FROM area a, ST_Dump(ST_GeneratePoints(a.boundary, :n_things, :seed)) d WHERE a.code = :'district';
SELECT clock_timestamp() AS t0 \gset
INSERT INTO element (type_code, component_code, shape, department, owner, maintainer)
SELECT 'thing:' || k.class, :'district' || k.class || lpad(t.n::text, 6, '0'), t.shape, k.department, k.owner, k.owner
FROM demo_thing t
JOIN (VALUES (0, '0101', '区水务局', '自来水公司'), (1, '0102', '区水务局', '排水公司'),
             (2, '0118', '区城管局', '路灯所'), (3, '0114', '区消防救援大队', '区消防救援大队'),
             (4, '0217', '区公安分局', '区公安分局'), (5, '0302', '区城管局', '环卫所')) k(i, class, department, owner)
  ON k.i = t.n % 6;
SELECT round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1) AS element_seconds \gset
COMMIT;
\set QUIET off

-- coverage beside the report's figures (入户率 100 %, 困难群体回访率 100 %, 安全感 ≥ 97 %)
SELECT r.indicator, r.value, r.unit, f.report AS in_the_report
FROM area_report(:'district') r
LEFT JOIN (VALUES ('household visit rate (入户率)', '100'), ('return visit rate (困难群体回访率)', '100'),
                  ('compliance: must-visit tasks overdue', '0'),
                  ('feel safe (安全感率, latest survey; target 97 %)', '≥ 97')) f(indicator, report) USING (indicator)
WHERE r.indicator ~ '入户|回访|visited|never|vulnerable|must-visit|floating population|人户分离|rented|安全感';
SELECT count(*) AS communities_surveyed, sum(sample_size) AS respondents,
       round(sum(feels_safe_percent * sample_size) / sum(sample_size), 2) AS feels_safe_percent,
       round(sum(index_score * sample_size) / sum(sample_size), 2) AS index_score,
       count(*) FILTER (WHERE meets_target) AS communities_at_97
FROM security_index WHERE year = extract(year FROM district_today());
SELECT count(*) AS element_types, count(*) FILTER (WHERE source = 'district') AS district_types,
       (SELECT count(*) FROM element) AS things, (SELECT count(*) FROM element WHERE grid_code IS NULL) AS things_outside_grids
FROM element_type;
SELECT :population_events AS residence_events, :population_tenancies AS tenancies, :population_seconds AS population_load_seconds,
       :visit_seconds AS household_visit_load_seconds, :element_seconds AS element_load_seconds;
