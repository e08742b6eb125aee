-- The demo district's wearable care (issue 15): 9,000 × scale devices bound to empty-nest
-- elderly residents with their consent, a 200 m home fence each, yesterday's pings (one per
-- device every 15 minutes, a reduced volume: the devices report every 30 s), some of them
-- going out for an afternoon, two SOS calls, and a history of lost-person cases that gives the
-- report's 137 found and 69 rescued (person-times) at any scale.  psql variables :scale, :seed.
SET search_path = commgrid, public;
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SET client_min_messages = warning;
SET commgrid.audit = off;
\set QUIET on
\set district '500112'
BEGIN;
SELECT setseed((:seed % 1000003) / 1000003.0) AS seeded \gset
SELECT round(9000 * :scale)::int AS n_devices, district_today() - 1 AS yesterday \gset
SELECT care_ping_create_partitions(2, :'yesterday') AS partitions \gset

-- devices: IMEIs 86… with their Luhn digit, held by the district, two providers
INSERT INTO care_device (imei, sim, provider, owner_code, interval_s, registered_at)
SELECT (SELECT b || c FROM generate_series(0, 9) c WHERE is_valid_imei(b || c))::imei,
       '139' || lpad(n::text, 8, '0'), (ARRAY['甲公司', '乙公司'])[1 + n % 2], :'district', 30,
       now() - interval '400 days'
FROM generate_series(1, :n_devices) n, LATERAL (SELECT '86' || lpad(n::text, 12, '0') AS b) x;

-- bound to empty-nest elderly residents with a home, each with the person's consent
CREATE TEMP TABLE demo_wearer AS
SELECT d.device_id, w.resident_id, w.lon, w.lat, w.n
FROM (SELECT device_id, row_number() OVER (ORDER BY device_id) AS n FROM care_device) d
JOIN (SELECT r.resident_id, ST_X(h.location) AS lon, ST_Y(h.location) AS lat,
             row_number() OVER (ORDER BY hashint8(r.resident_id + :seed), r.resident_id) AS n
      FROM resident r JOIN household h ON h.household_id = r.household_id
      WHERE r.empty_nest_elderly AND h.location IS NOT NULL AND h.grid_code <@ :'district'::gridcode) w
  ON w.n = d.n;
INSERT INTO care_binding (device_id, resident_id, bound_from, consent_by, consent_at)
SELECT device_id, resident_id, now() - interval '300 days', 'person', now() - interval '300 days'
FROM demo_wearer ORDER BY device_id;
INSERT INTO care_fence (resident_id, kind, centre, radius_m)
SELECT resident_id, 'circle', ST_SetSRID(ST_MakePoint(lon, lat), 4490), 200 FROM demo_wearer;

-- yesterday's pings, every 15 minutes: a jitter of up to 60 m around home; one wearer in
-- twenty walks 1.5 km away from 14:00 to 16:00 (fence_exit, then fence_return); battery
-- runs down from 100 % and one in fifty ends below 15 % (low_battery)
INSERT INTO care_ping (device_id, fixed_at, received_at, location, accuracy_m, battery)
SELECT w.device_id, t, t + interval '2 s',
       ST_SetSRID(ST_MakePoint(
         w.lon + (random() - 0.5) * 0.0012 + CASE WHEN w.n % 20 = 0 AND t >= at2 AND t < at2 + interval '2 hours' THEN 0.015 ELSE 0 END,
         w.lat + (random() - 0.5) * 0.0010), 4326),
       5 + floor(random() * 30), greatest(0, 100 - CASE WHEN w.n % 50 = 0 THEN 90 ELSE 40 END * i / 95)
FROM demo_wearer w,
     LATERAL (SELECT :'yesterday'::timestamp AT TIME ZONE 'Asia/Shanghai' AS day0) d,
     LATERAL (SELECT d.day0 + interval '14 hours' AS at2) a,
     LATERAL (SELECT i, d.day0 + i * interval '15 minutes' AS t FROM generate_series(0, 95) i) s
ORDER BY w.device_id, t;
-- two SOS calls without a fix: they take the last known position
INSERT INTO care_ping (device_id, fixed_at, message, location, sos, invalid_fix)
SELECT device_id, (:'yesterday'::timestamp AT TIME ZONE 'Asia/Shanghai') + interval '23 hours 50 minutes', 'alarm',
       'SRID=4326;POINT(0 0)', true, true
FROM demo_wearer WHERE n IN (1, 2);

-- the lost-person history (2019 to last month): 137 persons found, 69 of them needing a
-- rescue, reported by family, police or staff; a person may be lost more than once (人次)
INSERT INTO care_case (resident_id, reported_by, reporter, police_case_no, reported_at, search_notes,
                       found_at, found_place, rescue_needed)
SELECT w.resident_id, src, CASE src WHEN 'family' THEN '家属' WHEN 'police' THEN '派出所' ELSE '网格员' END,
       CASE WHEN src = 'police' THEN 'J5001120' || lpad(k::text, 6, '0') END,
       rep, '网格员、志愿者分片搜寻', rep + (20 + floor(random() * 400)) * interval '1 minute',
       (ARRAY['公园', '菜市场', '公交站', '江边', '邻近小区'])[1 + k % 5], k <= 69
FROM generate_series(1, 137) k
JOIN demo_wearer w ON w.n = 1 + (k * 7) % (SELECT count(*) FROM demo_wearer)
CROSS JOIN LATERAL (SELECT (ARRAY['family', 'police', 'staff'])[1 + k % 3] AS src,
  make_date(2019, 1, 1)::timestamp AT TIME ZONE 'Asia/Shanghai'
    + (k - 1) * (date_trunc('month', now()) - interval '1 month' - make_date(2019, 1, 1)::timestamp AT TIME ZONE 'Asia/Shanghai') / 137
    AS rep) r;
-- the responses to yesterday's alarms a person must answer: raised 5 s after the fix (the day
-- is history here), acknowledged within 1-4 minutes, reached within 8-30, closed within 20-60;
-- one in ten closed as a false alarm
UPDATE care_alarm a SET raised_at = a.fixed_at + interval '5 s',
       acknowledged_at = a.fixed_at + interval '5 s' + (60 + floor(random() * 180)) * interval '1 s',
       acknowledged_by = 'demo_operator',
       arrived_at = a.fixed_at + interval '5 s' + (480 + floor(random() * 1320)) * interval '1 s',
       resolved_at = a.fixed_at + interval '5 s' + (1800 + floor(random() * 1800)) * interval '1 s',
       false_alarm = a.alarm_id % 10 = 0
WHERE a.kind NOT IN ('low_battery', 'fence_return') AND a.fixed_at IS NOT NULL;
COMMIT;
ANALYZE care_ping;
\set QUIET off

\echo == wearable care: figures of area_report beside those of the demo
SELECT l.indicator, l.value AS report, x.own, l.unit
FROM area_report(:'district') l
JOIN (VALUES
  ('care devices in service', (SELECT count(*) FROM care_device WHERE retired_at IS NULL)),
  ('care devices worn this month', (SELECT count(*) FROM care_device_state
                                    WHERE last_fixed_at >= date_trunc('month', district_today())::timestamp AT TIME ZONE 'Asia/Shanghai')),
  ('care alarms this year', (SELECT count(*) FROM care_alarm WHERE kind NOT IN ('low_battery', 'fence_return')
                             AND fixed_at >= date_trunc('year', district_today())::timestamp AT TIME ZONE 'Asia/Shanghai')),
  ('lost elderly found', 137),
  ('lost elderly rescued in an emergency', 69)) x(indicator, own) ON x.indicator = l.indicator;
\echo == yesterday: pings by status, alarms by kind
SELECT status, count(*) AS pings FROM care_ping GROUP BY 1 ORDER BY 1;
SELECT kind, count(*) AS alarms, count(*) FILTER (WHERE position_assumed) AS position_assumed
FROM care_alarm GROUP BY 1 ORDER BY 1;
\echo == lost-person cases: person-times and minutes to find
SELECT sum(cases) AS cases, sum(found) AS found, sum(rescued) AS rescued, sum(missing) AS missing,
       round(avg(median_minutes_to_find)) AS mean_monthly_median_minutes, max(max_minutes_to_find) AS longest_minutes
FROM care_case_summary;
\echo == response times (care_response_times): grids and communities, medians in minutes
SELECT level, count(*) AS areas, sum(alarms) AS alarms, sum(acknowledged) AS acknowledged, sum(resolved) AS resolved,
       round(avg(median_minutes_to_acknowledge), 1) AS mean_median_ack, round(avg(median_minutes_to_arrive), 1) AS mean_median_arrive,
       round(avg(median_minutes_to_resolve), 1) AS mean_median_resolve, sum(lost_found) AS found,
       round(avg(median_minutes_to_find)) AS mean_median_find
FROM care_response_times WHERE area_code <@ :'district' GROUP BY level ORDER BY level DESC;
\echo == response times in area_report: medians of the whole district (alarms of this year; to find: all cases)
SELECT l.indicator, l.value, l.unit
FROM area_report(:'district') WITH ORDINALITY l(indicator, value, unit, n)
WHERE l.indicator LIKE '%median minutes%' OR l.indicator LIKE '%false alarms%' ORDER BY l.n;
\echo == the map: features of the district
SELECT json_array_length(care_positions(:'district')->'features') AS map_features;
