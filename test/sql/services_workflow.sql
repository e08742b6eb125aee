-- Requests and their workflow (district 420102): intake with GCJ-02 / BD-09 / 4326 points,
-- grid assignment and deadlines fixed at intake, the state machine as each role, the errors
-- (55000 illegal move, 23514 broken rule), the append-only events, and row-level security.
\set VERBOSITY default
BEGIN;
SET TimeZone = 'UTC';
-- request ids of this test's own (the restart is undone by the ROLLBACK; earlier tests' draws are not)
ALTER SEQUENCE commgrid.service_request_request_id_seq RESTART WITH 420102000001;
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
CREATE ROLE r420102_comm IN ROLE commgrid_community_staff;
CREATE ROLE r420102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r420102_grid2 IN ROLE commgrid_grid_worker;
SELECT commgrid.grant_jurisdiction('r420102_centre', '420102') IS NULL AS granted,
       commgrid.grant_jurisdiction('r420102_comm', '420102001001') IS NULL,
       commgrid.grant_jurisdiction('r420102_grid', '420102001001001') IS NULL,
       commgrid.grant_jurisdiction('r420102_grid2', '420102001001002') IS NULL;
SELECT commgrid.grant_privileges() IS NULL AS privileges;

-- intake: a resident's app sends GCJ-02; the engine assigns the grid; deadlines from the category
SET ROLE r420102_grid;
SELECT commgrid.submit_request('010102', 'complaint', '夜间施工噪声', commgrid.wgs84_to_gcj02(ST_SetSRID(ST_MakePoint(114.25, 30.6), 4326)),
  coordinate_system => 'gcj02', channel => 'app', requester_kind => 'contact', contact_name => '张先生', requested_at => '2026-03-02 11:59:59+08') AS gcj_request \gset
SELECT commgrid.submit_request('010101', 'help', '垃圾未清运', commgrid.wgs84_to_bd09(ST_SetSRID(ST_MakePoint(114.26, 30.6), 4326)),
  coordinate_system => 'BD-09', channel => 'phone', requester_kind => 'contact', contact_phone => '13800001111',
  requested_at => '2026-02-13 22:30+08') AS bd_request \gset
RESET ROLE;
SELECT request_id = :gcj_request AS gcj, grid_code, status, handling_level,
       round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(114.25 + (request_id - :gcj_request) * 0.01, 30.6), 4490)::geography)::numeric, 2) AS metres_off,
       response_due AT TIME ZONE 'Asia/Shanghai' AS response_due,
       resolution_due AT TIME ZONE 'Asia/Shanghai' AS resolution_due
FROM commgrid.service_request WHERE request_id IN (:gcj_request, :bd_request) ORDER BY request_id;
SELECT request_id = :gcj_request AS gcj, action, from_status, to_status, actor FROM commgrid.request_event
WHERE request_id IN (:gcj_request, :bd_request) ORDER BY event_id;

-- bad intake
SAVEPOINT s;
SELECT commgrid.submit_request('010100', 'help', 'x', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490));
ROLLBACK TO s;
SELECT commgrid.submit_request('010101', 'help', 'x', ST_MakePoint(114.25, 30.6), coordinate_system => 'mars');
ROLLBACK TO s;
SELECT commgrid.submit_request('010101', 'help', 'x', ST_MakePoint(114.25, 30.6));
ROLLBACK TO s;
SELECT commgrid.submit_request('010101', 'gossip', 'x', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490), requested_at => '2026-03-02 08:00+08');
ROLLBACK TO s;
SELECT commgrid.submit_request('010101', 'help', 'x', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490), channel => 'hotline_12345', requested_at => '2026-03-02 08:00+08');
ROLLBACK TO s;
-- WGS-84 given directly is transformed by the location rule
SELECT commgrid.submit_request('010101', 'help', '4326', ST_SetSRID(ST_MakePoint(114.35, 30.6), 4326),
  coordinate_system => 'wgs84', requested_at => '2026-03-02 08:00+08') AS wgs_request \gset
SELECT grid_code, ST_SRID(location) FROM commgrid.service_request WHERE request_id = :wgs_request;
ROLLBACK TO s;

-- the happy path: the grid worker signs for, works and resolves; community staff verify;
-- the centre asks satisfaction and closes
SET ROLE r420102_grid;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'sign_for', '2026-03-02 12:10+08');
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'start', '2026-03-02 14:00+08');
INSERT INTO commgrid.request_event (request_id, action, at, note) VALUES (:gcj_request, 'resolve', '2026-03-03 10:00+08', '已协调施工方停止夜间作业');
-- the handler may not verify their own work
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:gcj_request, 'verify');
ROLLBACK TO s;
RESET ROLE;
SET ROLE r420102_comm;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'verify', '2026-03-03 15:00+08');
RESET ROLE;
SET ROLE r420102_grid;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, satisfaction) VALUES (:gcj_request, 'ask_satisfaction', 'satisfied');
ROLLBACK TO s;
RESET ROLE;
SET ROLE r420102_centre;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'close', '2026-03-04 09:00+08');
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, at, satisfaction) VALUES (:gcj_request, 'ask_satisfaction', '2026-03-04 08:00+08', 'not_asked');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, at, satisfaction) VALUES (:gcj_request, 'ask_satisfaction', '2026-03-04 09:00+08', 'dissatisfied');
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'close', '2026-03-04 09:05+08');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, at, decision, note) VALUES (:gcj_request, 'review', '2026-03-04 10:00+08', 'explain', '施工许可合法,已解释');
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:gcj_request, 'close', '2026-03-04 10:05+08');
-- closed is final
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:gcj_request, 'resolve');
ROLLBACK TO s;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:gcj_request, 'fly');
ROLLBACK TO s;
RESET ROLE;
SELECT status, handler, handling_level, resolved_level, satisfaction,
       responded_at <= response_due AS responded_on_time, resolved_at <= resolution_due AS resolved_on_time,
       closed_at AT TIME ZONE 'Asia/Shanghai' AS closed
FROM commgrid.service_request WHERE request_id = :gcj_request;
SELECT action, from_status, to_status, actor, at AT TIME ZONE 'Asia/Shanghai' AS at, satisfaction, decision
FROM commgrid.request_event WHERE request_id = :gcj_request ORDER BY event_id;

-- events are append-only; the request moves only through events
SAVEPOINT s;
UPDATE commgrid.request_event SET note = 'x' WHERE request_id = :gcj_request;
ROLLBACK TO s;
DELETE FROM commgrid.request_event WHERE request_id = :gcj_request;
ROLLBACK TO s;
UPDATE commgrid.service_request SET status = 'submitted' WHERE request_id = :gcj_request;
ROLLBACK TO s;
UPDATE commgrid.service_request SET response_due = response_due + interval '1 day' WHERE request_id = :gcj_request;
ROLLBACK TO s;
-- the marker of the event path counts only inside it: a grid worker who sets it himself still
-- cannot close a request by an UPDATE (it could, and the request's clock stopped)
SET ROLE r420102_grid;
SET commgrid.applying_event = :'bd_request';
UPDATE commgrid.service_request SET status = 'closed', closed_at = now() WHERE request_id = :bd_request;
ROLLBACK TO s;
SELECT current_user, status FROM commgrid.service_request WHERE request_id = :bd_request;
DELETE FROM commgrid.service_request WHERE request_id = :gcj_request;
ROLLBACK TO s;
-- an event out of order
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'sign_for', '2026-02-01 00:00+08');
ROLLBACK TO s;

-- return, reassign, extension, redo, parking, merging, refusal, escalation
SET ROLE r420102_grid;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'sign_for', '2026-02-14 08:00+08');
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:bd_request, 'return');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, at, new_deadline, note)
VALUES (:bd_request, 'request_extension', '2026-02-14 09:00+08', '2026-03-31 18:00+08', '需协调环卫公司');
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:bd_request, 'approve_extension');
ROLLBACK TO s;
RESET ROLE;
SET ROLE r420102_comm;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'approve_extension', '2026-02-14 10:00+08');
-- escalation is a person's decision, recorded; it must go up
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, handling_level) VALUES (:bd_request, 'escalate', 'grid');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, at, handling_level, note) VALUES (:bd_request, 'escalate', '2026-02-14 11:00+08', 'community', '涉及多个小区');
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'park', '2026-02-14 12:00+08');
ROLLBACK TO s;
RESET ROLE;
SET ROLE r420102_grid;
INSERT INTO commgrid.request_event (request_id, action, at, note, review_on) VALUES (:bd_request, 'park', '2026-02-14 12:00+08', '节后处理', '2026-02-24');
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'resume', '2026-02-24 09:00+08');
INSERT INTO commgrid.request_event (request_id, action, at, note) VALUES (:bd_request, 'resolve', '2026-02-24 15:00+08', '已清运');
RESET ROLE;
SET ROLE r420102_centre;
INSERT INTO commgrid.request_event (request_id, action, at) VALUES (:bd_request, 'verify', '2026-02-24 16:00+08');
INSERT INTO commgrid.request_event (request_id, action, at, satisfaction) VALUES (:bd_request, 'ask_satisfaction', '2026-02-24 17:00+08', 'dissatisfied');
INSERT INTO commgrid.request_event (request_id, action, at, decision, note) VALUES (:bd_request, 'review', '2026-02-24 18:00+08', 'redo', '重办');
RESET ROLE;
SELECT status, handling_level, resolved_level, satisfaction, parked_until,
       extended_due AT TIME ZONE 'Asia/Shanghai' AS extended_due,
       resolution_due AT TIME ZONE 'Asia/Shanghai' AS resolution_due_at_intake
FROM commgrid.service_request WHERE request_id = :bd_request;

-- a duplicate merged into the earlier request; a refusal needs its rule; referral to a department
SET ROLE r420102_grid;
SELECT commgrid.submit_request('010101', 'help', '又是垃圾', ST_SetSRID(ST_MakePoint(114.26, 30.6), 4490), requested_at => '2026-02-15 09:00+08') AS dup \gset
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, merged_into) VALUES (:bd_request, 'merge', :dup);
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, merged_into) VALUES (:dup, 'merge', :bd_request);
SELECT commgrid.submit_request('010201', 'report', '路面塌陷', ST_SetSRID(ST_MakePoint(114.27, 30.6), 4490), requested_at => '2026-03-01 09:00+08') AS road \gset
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:road, 'not_accept');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, handling_level, note) VALUES (:road, 'dispute', NULL, '属市政部门职责');
RESET ROLE;
SET ROLE r420102_centre;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action, handling_level) VALUES (:road, 'rule_dispute', 'grid');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, handling_level) VALUES (:road, 'rule_dispute', 'department');
INSERT INTO commgrid.request_event (request_id, action, department) VALUES (:road, 'refer', '区城管局');
RESET ROLE;
SELECT request_id = :dup AS dup, status, merged_into = :bd_request AS into_earlier, handling_level, referred_department
FROM commgrid.service_request WHERE request_id IN (:dup, :road) ORDER BY request_id;

-- row-level security: each grid worker their grid; community staff both
SET ROLE r420102_grid2;
SELECT count(*) AS grid2_sees FROM commgrid.service_request;
SAVEPOINT s;
INSERT INTO commgrid.request_event (request_id, action) VALUES (:bd_request, 'start');
ROLLBACK TO s;
-- a submit again is refused alike, before its error could name the other grid's request state
INSERT INTO commgrid.request_event (request_id, action) VALUES (:bd_request, 'submit');
ROLLBACK TO s;
-- its own request merged into the other grid's earlier one: refused alike (the merge rule
-- would tell whether that request exists, is earlier and is not merged or refused)
SELECT commgrid.submit_request('010101', 'help', '垃圾', ST_SetSRID(ST_MakePoint(114.35, 30.6), 4490)) AS grid2_request \gset
INSERT INTO commgrid.request_event (request_id, action, merged_into) VALUES (:grid2_request, 'merge', :bd_request);
ROLLBACK TO s;
-- a request that does not exist is refused as the other grid's is (the policy's refusal of
-- the event row, and the foreign key, told the two apart), for a move and a merge
INSERT INTO commgrid.request_event (request_id, action) VALUES (420102999999, 'start');
ROLLBACK TO s;
INSERT INTO commgrid.request_event (request_id, action, merged_into) VALUES (420102999999, 'merge', :bd_request);
ROLLBACK TO s;
SELECT contact_phone FROM commgrid.service_request;
ROLLBACK TO s;
RESET ROLE;
SET ROLE r420102_comm;
SELECT count(*) AS community_sees, count(DISTINCT grid_code) AS grids FROM commgrid.service_request;
RESET ROLE;
-- nor does a request enter with its workflow done: a grid worker's INSERT with a status, a
-- closing time and what was done starts submitted, with none of them (service_request_intake;
-- last, as it takes a request id)
SET ROLE r420102_grid;
INSERT INTO commgrid.service_request (category_code, nature, description, location, channel, requester_kind, contact_name,
                                      requested_at, status, resolved_at, closed_at, resolution)
VALUES ('010101', 'help', '路灯不亮', ST_SetSRID(ST_MakePoint(114.25, 30.6), 4490), 'phone', 'contact', '李女士',
        '2026-03-02 09:00+08', 'closed', now(), now(), '已修复')
RETURNING status, resolved_at, closed_at, resolution;
ROLLBACK TO s;
ROLLBACK;
