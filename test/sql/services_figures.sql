-- Mass-work figures (district 420102): service_figures per grid, community and township and
-- month, area_report's lines, and what each role sees of them.
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
SELECT count(*) > 0 AS roles FROM commgrid.create_roles();
INSERT INTO commgrid.area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 30.5, x1, 30.7, 4490)
FROM (VALUES
  ('420102', '测试江岸区', 'district', 114.20, 114.40),
  ('420102001', '甲街道', 'subdistrict', 114.20, 114.40),
  ('420102001001', '甲一社区', 'community', 114.20, 114.40),
  ('420102001001001', '甲一第1网格', 'grid', 114.20, 114.30),
  ('420102001001002', '甲一第2网格', 'grid', 114.30, 114.40)) a(code, name, kind, x0, x1)
ORDER BY code;
CREATE ROLE r420102_centre IN ROLE commgrid_district_admin;
CREATE ROLE r420102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r420102_grid2 IN ROLE commgrid_grid_worker;
SELECT commgrid.grant_jurisdiction('r420102_centre', '420102') IS NULL AS granted,
       commgrid.grant_jurisdiction('r420102_grid', '420102001001001') IS NULL,
       commgrid.grant_jurisdiction('r420102_grid2', '420102001001002') IS NULL;
SELECT commgrid.grant_privileges() IS NULL AS privileges;
-- March 2026, grid 1: four requests (one a hard case), three resolved in the grid, one returned
-- and still open; grid 2: one request escalated to the community and resolved there
CREATE TEMP TABLE req (n int, id bigint);
INSERT INTO req SELECT n, commgrid.submit_request(
    CASE WHEN n = 5 THEN '030102' ELSE '010101' END, 'help', '测试' || n,
    ST_SetSRID(ST_MakePoint(CASE WHEN n = 5 THEN 114.35 ELSE 114.25 END, 30.6), 4490),
    requester_kind => 'contact', contact_name => '居民' || n,
    requested_at => timestamptz '2026-03-02 09:00+08' + (n - 1) * interval '10 minutes', hard_case => n = 1)
FROM generate_series(1, 5) n;
GRANT SELECT ON req TO PUBLIC;
SET ROLE r420102_grid;
INSERT INTO commgrid.request_event (request_id, action, at)
SELECT id, 'sign_for', timestamptz '2026-03-02 11:00+08' + n * interval '1 minute' FROM req WHERE n <= 4 ORDER BY n;
INSERT INTO commgrid.request_event (request_id, action, at, note)
SELECT id, 'resolve', timestamptz '2026-03-02 11:30+08' + n * interval '10 minutes', '已处理' FROM req WHERE n <= 3 ORDER BY n;
INSERT INTO commgrid.request_event (request_id, action, at, note)
SELECT id, 'return', '2026-03-02 12:00+08', '不属网格职责' FROM req WHERE n = 4;
RESET ROLE;
SET ROLE r420102_centre;
INSERT INTO commgrid.request_event (request_id, action, at)
SELECT id, 'verify', '2026-03-03 09:00+08' FROM req WHERE n <= 3 ORDER BY n;
INSERT INTO commgrid.request_event (request_id, action, at, satisfaction)
SELECT id, 'ask_satisfaction', '2026-03-03 10:00+08', CASE n WHEN 1 THEN 'satisfied' WHEN 2 THEN 'basically_satisfied' ELSE 'unreachable' END
FROM req WHERE n <= 3 ORDER BY n;
INSERT INTO commgrid.request_event (request_id, action, at) SELECT id, 'close', '2026-03-03 11:00+08' FROM req WHERE n <= 3 ORDER BY n;
INSERT INTO commgrid.request_event (request_id, action, at, handling_level, note)
SELECT id, 'escalate', '2026-03-02 13:10+08', 'community', '邻里纠纷需社区调解' FROM req WHERE n = 5;
INSERT INTO commgrid.request_event (request_id, action, at) SELECT id, 'sign_for', '2026-03-02 13:20+08' FROM req WHERE n = 5;
INSERT INTO commgrid.request_event (request_id, action, at, note) SELECT id, 'resolve', '2026-03-04 13:00+08', '调解成功' FROM req WHERE n = 5;
RESET ROLE;
-- the first signing for and the returns the events keep on the request, against the events
SELECT count(*) AS requests,
       count(*) FILTER (WHERE s.first_signed_at IS DISTINCT FROM
                          (SELECT min(e.at) FROM commgrid.request_event e WHERE e.request_id = s.request_id AND e.action = 'sign_for')
                        OR s.returned <> EXISTS (SELECT 1 FROM commgrid.request_event e
                                                 WHERE e.request_id = s.request_id AND e.action = 'return')) AS differing,
       count(*) FILTER (WHERE s.returned) AS returned
FROM commgrid.service_request s WHERE s.request_id IN (SELECT id FROM req);
SELECT area_level, area_code, month, raised, hard_cases, resolved, open, parked, completion_rate,
       response_on_time_rate, resolution_on_time_rate, median_sign_for_hours, return_rate, extension_rate,
       median_resolve_hours, p90_resolve_hours, resolved_in_grid_share, resolved_in_community_share,
       satisfaction_rate_asked, satisfaction_rate_closed
FROM commgrid.service_figures WHERE area_code LIKE '420102%' ORDER BY area_level, area_code;
-- repeat requests (100 m, 30 days): 2-4 repeat 1 (same category, same point); 5 another category;
-- a sixth, 010101 at 150 m from them, is no repeat until the radius is 200 m
SELECT area_level, area_code, month, raised, repeats
FROM commgrid.service_figures WHERE area_code LIKE '420102%' ORDER BY area_level, area_code;
SELECT r.request_id - (SELECT min(id) FROM req) + 1 AS n, r.category_code, r.grid_code,
       r.earlier_request_id - (SELECT min(id) FROM req) + 1 AS repeats_n, r.distance_m
FROM commgrid.service_repeat_request r WHERE r.grid_code LIKE '420102%' ORDER BY 1;
-- category x grid x month trends, and their BI counterpart: the same counts, but a category
-- never public (a report about a person, a family dispute) only where a grid-month has at least
-- k requests (bi_min_group_size)
SELECT t.category_code, c.public, t.grid_code, t.community_code, t.month, t.requests, t.hard_cases, t.resolved, t.repeats
FROM commgrid.service_category_trend t JOIN commgrid.service_category c ON c.code = t.category_code
WHERE t.grid_code LIKE '420102%' ORDER BY 1, 3;
WITH staff AS (
  SELECT t.* FROM commgrid.service_category_trend t JOIN commgrid.service_category c ON c.code = t.category_code
  WHERE t.grid_code LIKE '420102%'
    AND (c.public OR t.requests >= (SELECT value FROM commgrid.masking_setting WHERE name = 'bi_min_group_size'))),
bi AS (SELECT * FROM commgrid.bi_service_category_trend WHERE grid_code LIKE '420102%')
SELECT (SELECT count(*) FROM bi) AS bi_rows,
       (SELECT count(*) FROM ((TABLE staff EXCEPT TABLE bi) UNION ALL (TABLE bi EXCEPT TABLE staff)) d) AS bi_rows_differing,
       (SELECT count(*) FROM commgrid.service_category_trend WHERE grid_code LIKE '420102%') - (SELECT count(*) FROM bi) AS left_out_for_bi;
SAVEPOINT repeat6;
INSERT INTO req SELECT 6, commgrid.submit_request('010101', 'help', '测试6',
    ST_SetSRID(ST_MakePoint(114.25 + 150 / (111320 * cos(radians(30.6))), 30.6), 4490),
    requester_kind => 'anonymous', requested_at => '2026-03-20 09:00+08');
SELECT count(*) AS repeats_100m FROM commgrid.service_repeat_request WHERE grid_code LIKE '420102%';
-- a new rule is for the requests that come in from then on: 6 stays judged under 100 m until
-- the owner applies the rule to the period (recompute_repeats: the six requests change rule)
UPDATE commgrid.service_setting SET value = 200 WHERE name = 'repeat_radius_m';
SELECT count(*) AS repeats_after_new_rule FROM commgrid.service_repeat_request WHERE grid_code LIKE '420102%';
SELECT commgrid.recompute_repeats('2026-03-01 00:00+08', '2026-04-01 00:00+08') AS rejudged;
SELECT r.request_id - (SELECT min(id) FROM req) + 1 AS n, r.earlier_request_id - (SELECT min(id) FROM req) + 1 AS repeats_n,
       round(r.distance_m) AS distance_m, r.radius_m, r.days
FROM commgrid.service_repeat_request r WHERE r.request_id = (SELECT id FROM req WHERE n = 6);
UPDATE commgrid.service_setting SET value = 10 WHERE name = 'repeat_days';
SELECT commgrid.recompute_repeats('2026-03-01 00:00+08', '2026-04-01 00:00+08') AS rejudged;
SELECT count(*) AS repeats_10_days FROM commgrid.service_repeat_request WHERE grid_code LIKE '420102%';
SAVEPOINT s;
SELECT commgrid.recompute_repeats('2026-04-01', '2026-03-01');
ROLLBACK TO s;
SAVEPOINT s;
UPDATE commgrid.service_setting SET value = 0 WHERE name = 'repeat_days';
ROLLBACK TO s;
ROLLBACK TO repeat6;
SELECT indicator, value, unit FROM commgrid.area_report('420102') WHERE indicator LIKE 'mass work:%';
-- hotspots: the four requests of grid 1 stand at one point, grid 2's alone (min_points 2)
SELECT cluster_id, requests, dominant_category, ST_AsText(hull) AS hull
FROM commgrid.request_hotspots('420102', '2026-03-01', '2026-04-01', NULL, 100, 2);
SELECT count(*) AS with_min_points_5 FROM commgrid.request_hotspots('420102', '2026-03-01', '2026-04-01', '01', 100, 5);
SAVEPOINT s;
SELECT * FROM commgrid.request_hotspots('420102', '2026-04-01', '2026-03-01');
ROLLBACK TO s;
-- each role its own: grid 2's worker sees grid 2 only
SET ROLE r420102_grid2;
SELECT area_level, area_code, raised FROM commgrid.service_figures ORDER BY area_level, area_code;
SELECT indicator, value FROM commgrid.area_report('420102001001002') WHERE indicator LIKE 'mass work:%' ORDER BY indicator LIMIT 2;
SELECT category_code, grid_code, requests FROM commgrid.service_category_trend ORDER BY 1, 2;
SELECT count(*) AS grid2_repeats FROM commgrid.service_repeat_request;
-- a repeat across the border: grid 2's request 20 m from an earlier one of grid 1 is grid 2's
-- repeat, but the earlier request (its id, time and distance) is grid 1's, and grid 2's worker
-- is not told them; the centre is
RESET ROLE;
SAVEPOINT border;
INSERT INTO req SELECT 6 + n, commgrid.submit_request('010101', 'help', '边界' || n, ST_SetSRID(ST_MakePoint(114.2999 + 0.0002 * n, 30.6), 4490),
    requester_kind => 'anonymous', requested_at => timestamptz '2026-03-05 09:00+08' + n * interval '1 day')
FROM generate_series(0, 1) n;
SET ROLE r420102_grid2;
SELECT r.request_id - (SELECT min(id) FROM req) + 1 AS n, r.grid_code, r.earlier_request_id, r.earlier_requested_at, r.distance_m
FROM commgrid.service_repeat_request r;
SET ROLE r420102_centre;
SELECT r.request_id - (SELECT min(id) FROM req) + 1 AS n, r.grid_code, r.earlier_request_id - (SELECT min(id) FROM req) + 1 AS repeats_n,
       r.earlier_requested_at AT TIME ZONE 'Asia/Shanghai' AS earlier_at, round(r.distance_m) AS distance_m
FROM commgrid.service_repeat_request r WHERE r.request_id = (SELECT id FROM req WHERE n = 7);
RESET ROLE;
ROLLBACK TO SAVEPOINT border;
SET ROLE r420102_grid2;
SAVEPOINT s;
SELECT count(*) FROM commgrid.bi_service_category_trend;
ROLLBACK TO s;
SAVEPOINT s;
SELECT count(*) FROM commgrid.service_request_repeat;
ROLLBACK TO s;
SELECT count(*) AS grid2_hotspots FROM commgrid.request_hotspots('420102', '2026-03-01', '2026-04-01', NULL, 100, 1);
SAVEPOINT s;
SELECT count(*) FROM commgrid.service_request_measure;
ROLLBACK TO s;
RESET ROLE;
-- (last: the request takes an id, which would shift the relative numbers above)
SAVEPOINT not_public;
-- an application for the minimum living allowance (低保申请, never public) in grid 2: staff see
-- its grid-month, BI does not (1 request, fewer than k = 5)
INSERT INTO req SELECT 100, commgrid.submit_request('020201', 'help', '申请低保',
    ST_SetSRID(ST_MakePoint(114.35, 30.6), 4490), requester_kind => 'anonymous', requested_at => '2026-03-05 09:00+08');
SELECT category_code, requests FROM commgrid.service_category_trend WHERE category_code = '020201';
SELECT count(*) AS bi_rows_of_the_application FROM commgrid.bi_service_category_trend WHERE category_code = '020201';
ROLLBACK TO SAVEPOINT not_public;
ROLLBACK;
