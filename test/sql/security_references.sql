-- A row a writer names must answer alike whether it lies elsewhere or does not exist: a plain
-- foreign key accepts a row the writer may not see where a missing one gets 23503, so stepping
-- ids told which exist elsewhere, and let a community file rows about another district's
-- people.  As each writing role, a row elsewhere and a missing one, side by side, on the tables
-- whose keys the attack of 2026-12-03 (F5) found open.
SET search_path = commgrid, public;
BEGIN;
\i test/fixtures/security.psql
\set VERBOSITY terse

-- As the writers, a row elsewhere and a missing one answer alike (42501, naming only the id
-- the writer gave), and a row of the writer's own reach is taken.  Residents 8 and 9 live in
-- 乙镇, outside every writer below; 330106000099 does not exist.
\set ON_ERROR_ROLLBACK on
\set QUIET on
INSERT INTO organiser (organiser_id, name, kind, community_code) VALUES
  (330106000001, '甲一社区志愿服务站', 'service_station', '330106001001'),
  (330106000002, '乙一社区志愿服务站', 'service_station', '330106002001');
INSERT INTO activity (activity_id, organiser_id, kind, title, location, starts_at, ends_at) VALUES
  (330106000001, 330106000001, 'free_repair', '家电义务维修', pg_temp.grid_point(1),
   '2026-05-08 09:00+08', '2026-05-08 11:00+08');
INSERT INTO care_device (device_id, imei, provider, owner_code) VALUES
  (330106000001, '490154203237518', '甲公司', '330106001'),
  (330106000002, '356938035643809', '乙公司', '330106002');
INSERT INTO care_alarm (alarm_id, kind, device_id, resident_id, grid_code) VALUES
  (330106000001, 'sos', 330106000001, 330106000001, '330106001001001'),
  (330106000002, 'fall', 330106000001, 330106000002, '330106001001001'),
  (330106000003, 'sos', 330106000002, 330106000008, '330106002001001');
\set QUIET off

-- a request's requester (any staff who files requests; here the grid worker and community staff)
SET LOCAL ROLE r330106_grid;
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000008);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000099);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(1), requester_kind => 'resident', resident_id => 330106000001) > 0 AS filed;
UPDATE service_request SET resident_id = 330106000008 WHERE resident_id = 330106000001;
UPDATE service_request SET resident_id = 330106000099 WHERE resident_id = 330106000001;
-- a change that leaves the requester alone is not checked again
UPDATE service_request SET description = '夜间噪声' WHERE resident_id = 330106000001;
RESET ROLE;
SET LOCAL ROLE r330106_comm;
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(2), requester_kind => 'resident', resident_id => 330106000006);
SELECT submit_request('010102', 'complaint', '噪声', pg_temp.grid_point(2), requester_kind => 'resident', resident_id => 330106000099);
RESET ROLE;
SELECT count(*) AS requests_filed FROM service_request WHERE resident_id BETWEEN 330106000001 AND 330106000099;

-- a volunteer's attendance (hours credited to the person's love-bank account), as community
-- staff and township staff: resident 6 lives in 甲二, outside the community, inside the township
SET LOCAL ROLE r330106_comm;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000006);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000099);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000002);
UPDATE activity_attendance SET resident_id = 330106000008 WHERE activity_id = 330106000001;
RESET ROLE;
SET LOCAL ROLE r330106_town;
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000008);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000099);
INSERT INTO activity_attendance (activity_id, resident_id) VALUES (330106000001, 330106000006);
RESET ROLE;
SELECT resident_id - 330106000000 AS volunteer, community_code FROM activity_attendance
WHERE activity_id = 330106000001 ORDER BY 1;

-- an activity's organiser, as community staff: 乙一's station and a missing one alike
SET LOCAL ROLE r330106_comm;
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000002, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000099, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
INSERT INTO activity (organiser_id, kind, title, location, starts_at, ends_at)
VALUES (330106000001, 'free_repair', '义剪', pg_temp.grid_point(1), '2026-06-01 09:00+08', '2026-06-01 11:00+08');
UPDATE activity SET organiser_id = 330106000002 WHERE activity_id = 330106000001;
RESET ROLE;
SELECT organiser_id - 330106000000 AS organiser, count(*) FROM activity
WHERE organiser_id BETWEEN 330106000001 AND 330106000099 GROUP BY 1 ORDER BY 1;

-- a lost-person case opened from an alarm, as the grid worker: 乙's alarm and a missing one
-- alike; its own grid's alarm is taken for the wearer, refused for another person
SET LOCAL ROLE r330106_grid;
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000003, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000099, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000002, now());
INSERT INTO care_case (resident_id, reported_by, alarm_id, reported_at) VALUES (330106000001, 'alarm', 330106000001, now());
UPDATE care_case SET alarm_id = 330106000003 WHERE alarm_id = 330106000001;
UPDATE care_case SET resident_id = 330106000002 WHERE alarm_id = 330106000001;
RESET ROLE;
SELECT resident_id - 330106000000 AS lost, alarm_id - 330106000000 AS alarm, grid_code FROM care_case
WHERE alarm_id IS NOT NULL ORDER BY 1;
\set ON_ERROR_ROLLBACK off

\i test/fixtures/security_cleanup.psql
ROLLBACK;
SELECT count(*) AS leftover_roles FROM pg_roles WHERE rolname LIKE 'commgrid\_%' OR rolname LIKE 'r33010_\_%';
