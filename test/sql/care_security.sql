-- Wearable care (issue 15) as each role, honest and hostile: who sees which devices, bindings,
-- fences, pings and alarms; positions only through the audited staff functions (care_track,
-- care_positions); responses only through care_alarm_respond; partitions closed to direct
-- access; BI counts only.  District 460102, all rolled back.
SET search_path = commgrid, public;
BEGIN;
\set QUIET on
-- sequences are not rolled back: kept here, restored before the ROLLBACK
CREATE TEMP TABLE security_sequence_state AS
SELECT format('%I.%I', schemaname, sequencename) AS seq, last_value, start_value
FROM pg_sequences WHERE schemaname = 'commgrid';
SELECT count(*) AS group_roles FROM commgrid.create_roles() \gset
INSERT INTO area (code, name, kind, boundary)
SELECT code, name, kind, ST_MakeEnvelope(x0, 20.00, x1, 20.06, 4490)
FROM (VALUES
  ('460102', '美兰区', 'district', 110.30, 110.40),
  ('460102001', '海甸街道', 'subdistrict', 110.30, 110.40),
  ('460102001001', '海甸社区', 'community', 110.30, 110.40),
  ('460102001001001', '海甸第1网格', 'grid', 110.30, 110.35),
  ('460102001001002', '海甸第2网格', 'grid', 110.35, 110.40)
) a(code, name, kind, x0, x1) ORDER BY code;
INSERT INTO household (household_id, address, location) VALUES
  (460102000001, '海甸一路1号', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490)),
  (460102000002, '海甸二路2号', ST_SetSRID(ST_MakePoint(110.37, 20.03), 4490));
INSERT INTO resident (resident_id, name, household_id, empty_nest_elderly) VALUES
  (460102000001, '王秀英', 460102000001, true),
  (460102000002, '李建国', 460102000002, true);
-- devices 1 and 2 worn in grids 1 and 2 (consented), device 3 in the subdistrict's stock
INSERT INTO care_device (device_id, imei, provider, owner_code, registered_at) VALUES
  (460102000001, '490154203237518', '甲公司', '460102001', '2026-10-01 08:00+08'),
  (460102000002, '356938035643809', '乙公司', '460102001', '2026-10-01 08:00+08'),
  (460102000003, '010000000000008', '乙公司', '460102001', '2026-10-01 08:00+08');
INSERT INTO care_binding (device_id, resident_id, bound_from, consent_by, consent_at) VALUES
  (460102000001, 460102000001, '2026-11-01 08:00+08', 'person', '2026-11-01 08:00+08'),
  (460102000002, 460102000002, '2026-11-01 08:00+08', 'person', '2026-11-01 08:00+08');
INSERT INTO care_fence (resident_id, kind, centre, radius_m) VALUES
  (460102000001, 'circle', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490), 100),
  (460102000002, 'circle', ST_SetSRID(ST_MakePoint(110.37, 20.03), 4490), 100);
SELECT care_ping_create_partitions(1, '2026-12-01');
INSERT INTO care_ping (device_id, fixed_at, location, accuracy_m, battery) VALUES
  (460102000001, '2026-12-01 09:00:00+08', 'SRID=4326;POINT(110.32 20.0301)', 10, 80),
  (460102000001, '2026-12-01 09:00:30+08', 'SRID=4326;POINT(110.32 20.0302)', 10, 80),
  (460102000001, '2026-12-01 09:01:00+08', 'SRID=4326;POINT(110.32 20.0303)', 10, 80),
  (460102000002, '2026-12-01 09:00:00+08', 'SRID=4326;POINT(110.37 20.0301)', 10, 70);
INSERT INTO care_ping (device_id, fixed_at, message, location, sos) VALUES
  (460102000002, '2026-12-01 09:01:00+08', 'alarm', 'SRID=4326;POINT(110.37 20.0302)', true);
CREATE ROLE r460102_admin IN ROLE commgrid_district_admin;
CREATE ROLE r460102_town IN ROLE commgrid_township_staff;
CREATE ROLE r460102_grid IN ROLE commgrid_grid_worker;
CREATE ROLE r460102_grid2 IN ROLE commgrid_grid_worker;
CREATE ROLE r460102_bi IN ROLE commgrid_bi_reader;
CREATE ROLE r460102_nobody;
SELECT commgrid.grant_jurisdiction('r460102_admin', '460102'),
       commgrid.grant_jurisdiction('r460102_town', '460102001'),
       commgrid.grant_jurisdiction('r460102_grid', '460102001001001'),
       commgrid.grant_jurisdiction('r460102_grid2', '460102001001002') \gset
\set QUIET off
\set ON_ERROR_ROLLBACK on
\set VERBOSITY terse

-- a statement as a role: the row count (or the one value a SELECT returns), else the SQLSTATE
CREATE FUNCTION pg_temp.as_role(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  v text;
  n bigint;
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  IF stmt ~* '^\s*select' THEN
    EXECUTE stmt INTO v;
  ELSE
    EXECUTE stmt;
    GET DIAGNOSTICS n = ROW_COUNT;
    v := n::text;
  END IF;
  RESET ROLE;
  RETURN v;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE;
END $$;
CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN SQLSTATE || ': ' || SQLERRM || CASE WHEN d LIKE 'Failing row%' THEN '' ELSE ' | ' || d END;
END $$;
CREATE TEMP VIEW care_role AS
SELECT * FROM (VALUES (1, 'r460102_admin'), (2, 'r460102_town'), (3, 'r460102_grid'),
                      (4, 'r460102_grid2'), (5, 'r460102_bi'), (6, 'r460102_nobody')) r(ord, r);

-- 1. rows each role sees (the grid workers their own people's; the stock device its holder's)
SELECT t, string_agg(pg_temp.as_role(r, format('SELECT count(*) FROM commgrid.%I', t)), ' ' ORDER BY ord)
         AS "admin town grid grid2 bi nobody"
FROM (VALUES ('care_device'), ('care_binding'), ('care_fence'), ('care_ping'), ('care_alarm'),
             ('care_device_state'), ('care_setting')) t(t), care_role
GROUP BY t ORDER BY t;

-- 2. positions and the SIM numbers (they ring the wearer) are restricted columns: nobody
-- reads them from the tables
SELECT r, pg_temp.as_role(r, 'SELECT count(location) FROM commgrid.care_ping') AS ping_location,
       pg_temp.as_role(r, 'SELECT count(location) FROM commgrid.care_alarm') AS alarm_location,
       pg_temp.as_role(r, 'SELECT count(centre) FROM commgrid.care_fence') AS fence_centre,
       pg_temp.as_role(r, 'SELECT count(last_lon) FROM commgrid.care_device_state') AS last_position,
       pg_temp.as_role(r, 'SELECT count(sim) FROM commgrid.care_device') AS sim
FROM care_role ORDER BY ord;

-- 3. partitions: queried through care_ping they keep its policy; directly, no role has any
-- privilege on them (a partition made by care_ping_create_partitions or the default one)
SELECT r, pg_temp.as_role(r, 'SELECT count(*) FROM commgrid.care_ping_20261201') AS day_partition,
       pg_temp.as_role(r, 'SELECT count(*) FROM commgrid.care_ping_default') AS default_partition
FROM care_role ORDER BY ord;
SELECT relname, relacl IS NULL AS owner_only, relrowsecurity AS rls FROM pg_class
WHERE relname IN ('care_ping_20261201', 'care_ping_default') ORDER BY relname;
SELECT finding, object FROM security_findings WHERE object LIKE '%care%';

-- 4. the track: audited staff function, the jurisdiction checked
SELECT r, pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_track(460102000001, '2026-12-01 00:00+08', '2026-12-02 00:00+08')$$) AS track_1,
       pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_track(460102000002, '2026-12-01 00:00+08', '2026-12-02 00:00+08')$$) AS track_2
FROM care_role ORDER BY ord;
SELECT to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, round(longitude::numeric, 4) AS lon,
       round(latitude::numeric, 4) AS lat, status, alarm
FROM care_track(460102000002, '2026-12-01 00:00+08', '2026-12-02 00:00+08');
SELECT acting_role, action, table_name, row_key ->> 'resident_id' AS resident, via, scope_code
FROM audit_log WHERE via = 'care_track' ORDER BY id;
-- bad periods: 22023 with the rule
SELECT pg_temp.as_role('r460102_grid', $$SELECT count(*) FROM commgrid.care_track(460102000001, '2026-12-02', '2026-12-01')$$) AS reversed,
       pg_temp.as_role('r460102_grid', $$SELECT count(*) FROM commgrid.care_track(460102000001, '2026-10-01', '2026-12-01')$$) AS two_months,
       pg_temp.as_role('r460102_grid', $$SELECT count(*) FROM commgrid.care_track(460102999999, '2026-12-01', '2026-12-02')$$) AS no_such_resident;

-- 5. the map: the features of an area in the caller's jurisdiction, masked names, audited
SELECT r, pg_temp.as_role(r, $$SELECT json_array_length(commgrid.care_positions('460102001') -> 'features')$$) AS subdistrict,
       pg_temp.as_role(r, $$SELECT json_array_length(commgrid.care_positions('460102001001001') -> 'features')$$) AS grid_1,
       pg_temp.as_role(r, $$SELECT json_array_length(commgrid.care_positions('460102001001002') -> 'features')$$) AS grid_2
FROM care_role ORDER BY ord;
SET LOCAL TimeZone = 'Asia/Shanghai';
SELECT jsonb_pretty(care_positions('460102001001002')::jsonb);
RESET TimeZone;
SELECT acting_role, scope_code FROM audit_log WHERE via = 'care_positions' ORDER BY id;
-- 5a. an alarm's person and place through care_alarm_card (what the NOTIFY payload has only
-- with the preload, §5b), in the caller's jurisdiction (one 42501 for elsewhere and missing),
-- audited
SELECT r, pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_alarm_card((SELECT min(alarm_id) FROM commgrid.care_alarm WHERE kind = 'sos'))$$) AS sos_card,
       pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_alarm_card(460102999999)$$) AS no_such_alarm
FROM care_role ORDER BY ord;
SELECT kind, device_id, sim, name, grid_code, round(longitude::numeric, 4) AS lon, round(latitude::numeric, 4) AS lat, position_assumed
FROM care_alarm_card((SELECT min(alarm_id) FROM care_alarm WHERE kind = 'sos'));
SELECT acting_role, action, table_name, scope_code FROM audit_log WHERE via = 'care_alarm_card' ORDER BY id;
-- 5b. who may LISTEN (with the preload, src/care_listen.c): commgrid_care_alarm, every alarm of
-- the database, for the owner's systems only; an area's channel for staff whose jurisdiction
-- holds the area; each LISTEN allowed audited
SELECT care_alarm_listen_guarded() AS guarded;
SELECT r, pg_temp.as_role(r, 'LISTEN commgrid_care_alarm') AS every_alarm,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102') AS district,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102001001001') AS grid1,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102001001002') AS grid2,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460105') AS other_district,
       pg_temp.as_role(r, 'LISTEN "COMMGRID_CARE_ALARM"') AS other_channel
FROM care_role ORDER BY ord;
SELECT c, pg_temp.try(format('LISTEN %I', c))
FROM unnest(ARRAY['commgrid_care_alarm', 'commgrid_care_alarm_460102001', 'commgrid_care_alarm_460102000',
                  'commgrid_care_alarm_4601020', 'commgrid_care_alarm_x', 'commgrid_care_alarm_']) c;
-- the other groups: community staff on their community (and not the district); a unit's
-- liaison and a social worker, whose reach is no area, nowhere
CREATE ROLE r460102_comm IN ROLE commgrid_community_staff;
CREATE ROLE r460102_liaison IN ROLE commgrid_unit_liaison;
CREATE ROLE r460102_social IN ROLE commgrid_social_worker;
SELECT commgrid.grant_jurisdiction('r460102_comm', '460102001001') \gset
SELECT r, pg_temp.as_role(r, 'LISTEN commgrid_care_alarm') AS every_alarm,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102') AS district,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102001001') AS community,
       pg_temp.as_role(r, 'LISTEN commgrid_care_alarm_460102001001002') AS grid2
FROM unnest(ARRAY['r460102_comm', 'r460102_liaison', 'r460102_social']) r;
-- in a READ ONLY transaction (PostgreSQL allows LISTEN there; JDBC readOnly=true): the same
-- answers, the allowed ones traced in the server log instead of audit_log (its LOG line is
-- checked in security_audit_durable)
-- (a subtransaction's end puts back the read-only state it began with, psql's savepoint per
-- statement included: the function makes the transaction read only inside the statement)
CREATE FUNCTION pg_temp.as_role_read_only(r name, stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL transaction_read_only = on;
  RETURN pg_temp.as_role(r, stmt)
         || CASE WHEN current_setting('transaction_read_only')::boolean THEN '' ELSE ' (read write!)' END;
END $$;
SAVEPOINT read_only;
SELECT r, pg_temp.as_role_read_only(r, 'LISTEN commgrid_care_alarm') AS every_alarm,
       pg_temp.as_role_read_only(r, 'LISTEN commgrid_care_alarm_460102') AS district,
       pg_temp.as_role_read_only(r, 'LISTEN commgrid_care_alarm_460102001001') AS community,
       pg_temp.as_role_read_only(r, 'LISTEN commgrid_care_alarm_460102001001002') AS grid2,
       pg_temp.as_role_read_only(r, 'LISTEN commgrid_care_alarm_460105') AS other_district
FROM (SELECT r FROM care_role UNION ALL SELECT unnest(ARRAY['r460102_comm', 'r460102_liaison', 'r460102_social'])) r
ORDER BY r;
ROLLBACK TO SAVEPOINT read_only;
SELECT acting_role, row_key->>'listen' AS channel, scope_code FROM audit_log WHERE via = 'LISTEN' ORDER BY id;

-- 6. responses: through care_alarm_respond in the jurisdiction; no direct writes to alarms;
-- a step is recorded once (the township's second acknowledgement is refused, 55000, and the
-- grid worker's stays: test/specs/care_respond_race.spec for two at once)
SELECT pg_temp.as_role('r460102_grid', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'acknowledged')$$) AS other_grid,
       pg_temp.as_role('r460102_grid2', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'acknowledged')$$) AS own_grid,
       pg_temp.as_role('r460102_town', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'acknowledged')$$) AS second_ack,
       pg_temp.as_role('r460102_grid2', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'done')$$) AS bad_step,
       pg_temp.as_role('r460102_bi', $$SELECT commgrid.care_alarm_respond(1, 'acknowledged')$$) AS bi;
SELECT kind, acknowledged_by, acknowledged_at IS NOT NULL AS acknowledged FROM care_alarm ORDER BY alarm_id;
SELECT pg_temp.as_role('r460102_grid2', $$UPDATE commgrid.care_alarm SET resolved_at = now()$$) AS update_alarm,
       pg_temp.as_role('r460102_grid2', $$DELETE FROM commgrid.care_alarm$$) AS delete_alarm,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_alarm (kind, device_id, grid_code) VALUES ('sos', 460102000002, '460102001001002')$$) AS forge_alarm;

-- 7. hostile writes: pings are the gateway's; a binding moved to another grid stays in its
-- person's grid; the other grid's rows are not touched; a stock device is the administrator's
SELECT pg_temp.as_role('r460102_grid', $$INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (460102000001, now(), 'SRID=4326;POINT(110.32 20.03)')$$) AS grid_pings,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_binding SET grid_code = '460102001001002'$$) AS move_binding,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_fence SET radius_m = 5000 WHERE resident_id = 460102000002$$) AS other_fence,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_binding SET consent_withdrawn_at = now() WHERE resident_id = 460102000002$$) AS other_consent,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_device SET retired_at = now()$$) AS retire_device,
       pg_temp.as_role('r460102_town', $$UPDATE commgrid.care_setting SET jump_speed_kmh = 1$$) AS settings;
-- a fence's grid written by hand is put back to its person's: township staff moved 甲's home
-- polygon into grid 2, before that grid's worker
SELECT pg_temp.as_role('r460102_town', $$UPDATE commgrid.care_fence SET grid_code = '460102001001002' WHERE resident_id = 460102000001$$) AS move_fence;
SELECT DISTINCT f.grid_code = r.grid_code AS persons_grid FROM care_fence f JOIN resident r USING (resident_id) WHERE f.resident_id = 460102000001;
-- a device's two scopes are held apart: its grid is its binding's (a typed one is put back),
-- and the district's administrator may not hand a worn device to another district's stock
SELECT pg_temp.as_role('r460102_admin', $$UPDATE commgrid.care_device SET owner_code = '460103001' WHERE device_id = 460102000001$$) AS to_other_district,
       pg_temp.as_role('r460102_admin', $$UPDATE commgrid.care_device SET grid_code = '460103001001001' WHERE device_id = 460102000002$$) AS typed_grid,
       pg_temp.as_role('r460102_admin', $$UPDATE commgrid.care_device SET owner_code = '460102001001' WHERE device_id = 460102000003$$) AS to_own_community;
SELECT device_id, owner_code, grid_code FROM care_device ORDER BY device_id;
UPDATE care_device SET owner_code = '460102001' WHERE device_id = 460102000003;
-- a binding takes its resident's grid, never a typed one: the grid worker of grid 1 binding the
-- stock device to grid 2's resident under its own grid (which would put that person's pings on
-- its map), or moving its own binding to grid 2's resident, is refused; nothing was bound
SELECT pg_temp.as_role('r460102_grid', $$INSERT INTO commgrid.care_binding (device_id, resident_id, grid_code, consent_by, consent_at) VALUES (460102000003, 460102000002, '460102001001001', 'person', now())$$) AS bind_other_resident,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_binding SET resident_id = 460102000002$$) AS rebind_other_resident;
SELECT device_id, resident_id, grid_code FROM care_binding ORDER BY device_id;
SELECT device_id, grid_code FROM care_device ORDER BY device_id;
-- nor does it bind a device it may not see, to its own grid's resident either: the subdistrict's
-- stock device was taken (the device, its IMEI and its pings became the grid's), grid 2's worn
-- one answered with its unique index (so it existed and was worn); each is now refused as a
-- device that does not exist
CREATE FUNCTION pg_temp.as_role_told(r name, stmt text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('SET LOCAL ROLE %I', r);
  EXECUTE stmt;
  RESET ROLE;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9]{12}', 'N', 'g');
END $$;
SELECT d AS device, pg_temp.as_role_told('r460102_grid', format(
         'INSERT INTO commgrid.care_binding (device_id, resident_id, consent_by, consent_at) VALUES (%s, 460102000001, ''person'', now())', d)) AS bind
FROM (VALUES ('stock 460102000003'), ('worn elsewhere 460102000002'), ('missing 460102000099')) v(x),
     LATERAL (SELECT split_part(x, ' ', -1) AS d) i;
SELECT device_id, resident_id, grid_code FROM care_binding ORDER BY device_id;

-- 9. the operations report per holder, provider and month: the holder's staff read it
SELECT pg_temp.as_role('r460102_grid2', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'resolved', true, '误按')$$) AS resolved_false,
       pg_temp.as_role('r460102_town', $$SELECT commgrid.care_alarm_respond((SELECT min(alarm_id) FROM commgrid.care_alarm), 'resolved', false)$$) AS resolved_again;
-- every month a holder has devices in service is a row, worn or not (up to this month: the
-- test looks at October to December 2026): the subdistrict's devices entered service on
-- 1 October and were first worn in December; the district keeps two of 丙公司 in stock since
-- 15 November, one retired on 20 November, which no one wears (they were never counted; undone
-- after this section)
SAVEPOINT district_stock;
INSERT INTO care_device (device_id, imei, provider, owner_code, registered_at, retired_at) VALUES
  (460102000004, '356938035643817', '丙公司', '460102', '2026-11-15 08:00+08', NULL),
  (460102000005, '356938035643825', '丙公司', '460102', '2026-11-15 08:00+08', '2026-11-20 08:00+08');
SELECT area_code, provider, month, devices_in_service, devices_worn, alarms, false_alarms, false_alarm_rate
FROM care_operations WHERE area_code <@ '460102' AND month <= '2026-12-01' ORDER BY area_code, provider, month;
-- the holder's staff read its rows: the district's stock the district's administrator only
SELECT r, pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_operations WHERE area_code <@ '460102' AND month <= '2026-12-01'$$) AS operations_rows,
       pg_temp.as_role(r, $$SELECT sum(devices_in_service) FROM commgrid.care_operations WHERE area_code = '460102' AND month = '2026-12-01'$$) AS district_stock_december
FROM care_role ORDER BY ord;
ROLLBACK TO SAVEPOINT district_stock;

-- 10. lost-person cases: opened by the grid worker of the person (its grid set from the person,
-- not typed), from the alarm or a report; counted in person-times with the time to find
SELECT pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_case (resident_id, reported_by, alarm_id, reported_at, found_at, found_place, rescue_needed)
  SELECT 460102000002, 'alarm', min(alarm_id), '2026-12-01 09:05+08', '2026-12-01 10:35+08', '海甸二路公园', true FROM commgrid.care_alarm$$) AS from_alarm,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_case (resident_id, reported_by, reporter, police_case_no, reported_at, found_at, found_place, rescue_needed)
  VALUES (460102000002, 'police', '海甸派出所', 'J4601020000001', '2026-12-03 18:00+08', '2026-12-03 18:30+08', '海甸岛东部', false)$$) AS from_police,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_case (resident_id, reported_by, reporter, reported_at) VALUES (460102000001, 'family', '女儿', '2026-12-04 08:00+08')$$) AS other_grid,
       pg_temp.as_role('r460102_grid', $$INSERT INTO commgrid.care_case (resident_id, reported_by, reporter, reported_at) VALUES (460102000001, 'family', '女儿', '2026-12-04 08:00+08')$$) AS own_grid,
       pg_temp.as_role('r460102_grid', $$UPDATE commgrid.care_case SET grid_code = '460102001001002'$$) AS moved_case;
-- the grid worker's update ran, but the case stays in its person's grid
SELECT resident_id, grid_code, reported_by FROM care_case ORDER BY case_id;
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.care_case (resident_id, reported_by, reported_at) VALUES (460102000001, 'police', now())$$),
  ($$INSERT INTO commgrid.care_case (resident_id, reported_by, reported_at) VALUES (460102000001, 'alarm', now())$$),
  ($$INSERT INTO commgrid.care_case (resident_id, reported_by, reported_at, found_at, rescue_needed) VALUES (460102000001, 'family', now(), now(), false)$$)) v(stmt);
SELECT grid_code, month, cases, found, rescued, missing, median_minutes_to_find, max_minutes_to_find
FROM care_case_summary WHERE grid_code <@ '460102' ORDER BY grid_code, month;
SELECT r, pg_temp.as_role(r, $$SELECT sum(cases) FROM commgrid.care_case_summary WHERE grid_code <@ '460102'$$) AS cases
FROM care_role ORDER BY ord;

-- 11. the call centre: ordered contacts, the operator's call, the escalation chain
SELECT pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_contact (resident_id, position, name, relation, phone, consent_at) VALUES
  (460102000002, 1, '李梅', '女儿', '13900000001', '2026-11-01 08:00+08'), (460102000002, 2, '张伯', '邻居', '13900000002', NULL)$$) AS contacts,
       pg_temp.as_role('r460102_grid', $$INSERT INTO commgrid.care_contact (resident_id, position, name, relation, phone) VALUES (460102000002, 3, '王某', '朋友', '13900000003')$$) AS other_grid,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_call (alarm_id, started_at, answered_at, ended_at, outcome) SELECT min(alarm_id), '2026-12-01 09:01:20+08', NULL, '2026-12-01 09:02:00+08', 'escalated' FROM commgrid.care_alarm$$) AS call,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_escalation (alarm_id, step, target, contact_id, called_at, reached)
  SELECT min(a.alarm_id), 1, 'contact', (SELECT contact_id FROM commgrid.care_contact WHERE position = 1), '2026-12-01 09:02+08', false FROM commgrid.care_alarm a$$) AS step_1,
       pg_temp.as_role('r460102_grid2', $$INSERT INTO commgrid.care_escalation (alarm_id, step, target, called_at, reached)
  SELECT (SELECT min(alarm_id) FROM commgrid.care_alarm), v.s, v.t, v.c::timestamptz, true
  FROM (VALUES (2, 'grid_worker', '2026-12-01 09:04+08'), (3, '120', '2026-12-01 09:10+08')) v(s, t, c)$$) AS steps_2_3;
SELECT regexp_replace(pg_temp.try(stmt), '(alarm|contact) [0-9]+', '\1 #', 'g') AS refused FROM (VALUES
  ($$INSERT INTO commgrid.care_escalation (alarm_id, step, target, contact_id, reached) SELECT min(alarm_id), 4, 'contact', (SELECT contact_id FROM commgrid.care_contact WHERE position = 1), true FROM commgrid.care_alarm$$),
  ($$INSERT INTO commgrid.care_escalation (alarm_id, step, target, contact_id, reached) SELECT min(alarm_id), 0, 'contact', (SELECT contact_id FROM commgrid.care_contact WHERE position = 2), true FROM commgrid.care_alarm$$),
  ($$INSERT INTO commgrid.care_contact (resident_id, position, name, relation, phone) VALUES (460102000002, 1, '重复', '儿子', '13900000009')$$)) v(stmt);
SELECT c.operator, c.outcome, c.grid_code, e.step, e.target, e.reached, e.grid_code = c.grid_code AS same_grid
FROM care_call c JOIN care_escalation e USING (alarm_id) ORDER BY e.step;
SELECT r, pg_temp.as_role(r, 'SELECT count(*) FROM commgrid.care_contact') AS contacts,
       pg_temp.as_role(r, 'SELECT count(*) FROM commgrid.care_escalation') AS steps
FROM care_role ORDER BY ord;
-- the contacts' phones are restricted, as a resident's: not from the table, only through
-- care_contacts, in the person's jurisdiction (one 42501 for elsewhere and missing), audited
SELECT r, pg_temp.as_role(r, 'SELECT count(phone) FROM commgrid.care_contact') AS phone_from_table,
       pg_temp.as_role(r, 'SELECT string_agg(phone, '','' ORDER BY position) FROM commgrid.care_contacts(460102000002)') AS contacts_2,
       pg_temp.as_role(r, 'SELECT count(*) FROM commgrid.care_contacts(460102999999)') AS no_such_resident
FROM care_role ORDER BY ord;
SELECT acting_role, action, table_name, row_key, scope_code FROM audit_log WHERE via = 'care_contacts' ORDER BY id;

-- 12. response times per grid and community: the SOS of grid 2 (set here to 2, 15 and 40
-- minutes after it was raised) and a fall in grid 1 (5 minutes to acknowledge, not reached
-- yet), beside the lost-person cases of 10; a grid worker reads its grid's rows, not its
-- community's; BI reads nothing
UPDATE care_alarm SET raised_at = '2026-12-01 09:01:05+08', acknowledged_at = '2026-12-01 09:03:05+08',
  arrived_at = '2026-12-01 09:16:05+08', resolved_at = '2026-12-01 09:41:05+08' WHERE kind = 'sos';
INSERT INTO care_alarm (kind, device_id, resident_id, grid_code, raised_at, acknowledged_at, acknowledged_by) VALUES
  ('fall', 460102000001, 460102000001, '460102001001001', '2026-12-01 10:00+08', '2026-12-01 10:05+08', 'r460102_grid');
SELECT area_code, level, month, alarms, acknowledged, arrived, resolved, false_alarms,
       median_minutes_to_acknowledge AS ack, median_minutes_to_arrive AS arrive, median_minutes_to_resolve AS resolve,
       max_minutes_to_acknowledge AS max_ack, lost_cases, lost_found, median_minutes_to_find AS find, max_minutes_to_find AS max_find
FROM care_response_times WHERE area_code <@ '460102' ORDER BY level DESC, area_code, month;
SELECT r, pg_temp.as_role(r, $$SELECT string_agg(format('%s %s %s', level, area_code, alarms), '; ' ORDER BY level DESC, area_code)
                                FROM commgrid.care_response_times WHERE month = '2026-12-01'$$) AS rows
FROM care_role ORDER BY ord;

-- 8. BI: counts per grid and hour, nothing else, and no grid-hour of fewer than k devices
-- (bi_min_group_size): each grid here has one wearer, whose SOS at 09:00 a row of grid 2
-- would show; with k = 1 the rows appear (an alarm's device counts though it sent no ping that hour)
SELECT pg_temp.as_role('r460102_bi', 'SELECT string_agg(format(''%s %s %s/%s/%s'', area_code, hour, devices, pings, alarms), ''; '' ORDER BY area_code, hour) FROM commgrid.bi_care_activity WHERE area_code LIKE ''460102%''') AS bi,
       pg_temp.as_role('r460102_grid', 'SELECT count(*) FROM commgrid.bi_care_activity') AS grid_reads_bi;
UPDATE masking_setting SET value = 1 WHERE name = 'bi_min_group_size';
SELECT pg_temp.as_role('r460102_bi', 'SELECT string_agg(format(''%s %s %s/%s/%s'', area_code, hour, devices, pings, alarms), ''; '' ORDER BY area_code, hour) FROM commgrid.bi_care_activity WHERE area_code LIKE ''460102%''') AS bi_k_1;
UPDATE masking_setting SET value = 5 WHERE name = 'bi_min_group_size';

-- 13. the response times in area_report (lines 406-410, from care_response_event as the
-- view; after 8, which counts alarms by hour): the alarms above moved into this year (the
-- same minutes), beside an SOS of last year in grid 2 (99/100/120 minutes, closed as real)
-- that the year's lines leave out, and a case of last year found after 500 minutes that the
-- all-time median to find takes in.  Community:
-- medians 3.5, 15, 40; 1 false of 1 closed; cases found after 30, 90 and 500 minutes.
-- Grid 1: the fall only (nothing reached or closed yet), its case not found: NULLs.
SELECT (date_trunc('year', district_today())::timestamp AT TIME ZONE 'Asia/Shanghai') AS year_start \gset
UPDATE care_alarm SET raised_at = raised_at + (:'year_start'::timestamptz + interval '30 days' - '2026-12-01 00:00+08'),
  fixed_at = fixed_at + (:'year_start'::timestamptz + interval '30 days' - '2026-12-01 00:00+08'),
  acknowledged_at = acknowledged_at + (:'year_start'::timestamptz + interval '30 days' - '2026-12-01 00:00+08'),
  arrived_at = arrived_at + (:'year_start'::timestamptz + interval '30 days' - '2026-12-01 00:00+08'),
  resolved_at = resolved_at + (:'year_start'::timestamptz + interval '30 days' - '2026-12-01 00:00+08');
INSERT INTO care_alarm (kind, device_id, resident_id, grid_code, raised_at, acknowledged_at, acknowledged_by,
                        arrived_at, resolved_at, false_alarm) VALUES
  ('sos', 460102000002, 460102000002, '460102001001002', :'year_start'::timestamptz - interval '1 day',
   :'year_start'::timestamptz - interval '1 day' + interval '99 minutes', 'r460102_grid2',
   :'year_start'::timestamptz - interval '1 day' + interval '100 minutes',
   :'year_start'::timestamptz - interval '1 day' + interval '120 minutes', false);
INSERT INTO care_case (resident_id, reported_by, reporter, reported_at, found_at, found_place, rescue_needed) VALUES
  (460102000002, 'family', '儿子', :'year_start'::timestamptz - interval '2 days',
   :'year_start'::timestamptz - interval '2 days' + interval '500 minutes', '海甸三路', false);
SELECT a.code, r.indicator, r.value, r.unit
FROM (VALUES ('460102001001'), ('460102001001001'), ('460102001001002')) a(code)
CROSS JOIN LATERAL area_report(a.code::gridcode) WITH ORDINALITY r(indicator, value, unit, n)
WHERE r.indicator LIKE 'care alarms%' OR r.indicator LIKE 'lost elderly%' ORDER BY a.code, r.n;
-- as each role (the five lines): the district's to its admin and to BI (area_report's rule:
-- BI reads district figures), the community's to its staff, a grid's to its worker only
SELECT r, pg_temp.as_role(r, $$SELECT string_agg(r.value::text, ' ' ORDER BY r.n)
                                FROM commgrid.area_report('460102') WITH ORDINALITY r(indicator, value, unit, n)
                                WHERE r.indicator LIKE '%median minutes%' OR r.indicator LIKE '%false alarms%'$$) AS district,
       pg_temp.as_role(r, $$SELECT string_agg(r.value::text, ' ' ORDER BY r.n)
                                FROM commgrid.area_report('460102001001') WITH ORDINALITY r(indicator, value, unit, n)
                                WHERE r.indicator LIKE '%median minutes%' OR r.indicator LIKE '%false alarms%'$$) AS community,
       pg_temp.as_role(r, $$SELECT string_agg(COALESCE(r.value::text, '-'), ' ' ORDER BY r.n)
                                FROM commgrid.area_report('460102001001002') WITH ORDINALITY r(indicator, value, unit, n)
                                WHERE r.indicator LIKE '%median minutes%' OR r.indicator LIKE '%false alarms%'$$) AS grid_2
FROM care_role ORDER BY ord;

-- 14. a person who moves takes their care along: household 1 (王秀英, device 1) moved into
-- grid 2 by the engine; the binding, the device, its state and the fence follow, so the map
-- of grid 1 no longer shows her live position to grid 1's worker (care_track already refused
-- it) and grid 2's does; her pings stay where they were taken, and a ping after the move is
-- grid 2's
-- (an unresolved low-battery alarm of hers in grid 1 first: it stays there too)
INSERT INTO care_alarm (kind, device_id, resident_id, grid_code, raised_at)
VALUES ('low_battery', 460102000001, 460102000001, '460102001001001', '2026-12-01 09:02+08');
UPDATE household SET location = ST_SetSRID(ST_MakePoint(110.38, 20.03), 4490) WHERE household_id = 460102000001;
INSERT INTO care_ping (device_id, fixed_at, location, accuracy_m, battery) VALUES
  (460102000001, '2026-12-01 09:30:00+08', 'SRID=4326;POINT(110.38 20.0301)', 10, 80);
SELECT (SELECT grid_code FROM resident WHERE resident_id = 460102000001) AS resident,
       (SELECT grid_code FROM care_binding WHERE resident_id = 460102000001 AND bound_until IS NULL) AS binding,
       (SELECT grid_code FROM care_device WHERE device_id = 460102000001) AS device,
       (SELECT grid_code FROM care_device_state WHERE device_id = 460102000001) AS state,
       (SELECT string_agg(DISTINCT grid_code::text, ',') FROM care_fence WHERE resident_id = 460102000001) AS fence,
       (SELECT string_agg(DISTINCT grid_code::text, ',') FROM care_ping WHERE device_id = 460102000001) AS pings;
SELECT r, pg_temp.as_role(r, $$SELECT json_array_length(commgrid.care_positions('460102001001001') -> 'features')$$) AS grid_1_map,
       pg_temp.as_role(r, $$SELECT json_array_length(commgrid.care_positions('460102001001002') -> 'features')$$) AS grid_2_map,
       pg_temp.as_role(r, $$SELECT count(*) FROM commgrid.care_track(460102000001, '2026-12-01 00:00+08', '2026-12-02 00:00+08')$$) AS track_1
FROM care_role WHERE r IN ('r460102_grid', 'r460102_grid2') ORDER BY ord;
-- the track shows grid 2's worker only the pings taken in grid 2 (it showed the three taken
-- in grid 1 before she moved: where she had been, a jurisdiction it does not hold); the
-- township and the district, who hold both grids, see all four
SELECT r, pg_temp.as_role(r, $$SELECT string_agg(to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS'), ' ' ORDER BY fixed_at)
                                FROM commgrid.care_track(460102000001, '2026-12-01 00:00+08', '2026-12-02 00:00+08')$$) AS track_1
FROM care_role WHERE r IN ('r460102_admin', 'r460102_town', 'r460102_grid2') ORDER BY ord;
-- so does the map's list of her unresolved alarms: grid 1's low battery is not grid 2's
SELECT r, pg_temp.as_role(r, $$SELECT f -> 'properties' ->> 'alarms' FROM json_array_elements(commgrid.care_positions('460102001') -> 'features') f
                                WHERE (f ->> 'id')::bigint = 460102000001$$) AS town_map,
       pg_temp.as_role(r, $$SELECT f -> 'properties' ->> 'alarms' FROM json_array_elements(commgrid.care_positions('460102001001002') -> 'features') f
                                WHERE (f ->> 'id')::bigint = 460102000001$$) AS grid_2_map
FROM care_role WHERE r IN ('r460102_admin', 'r460102_town', 'r460102_grid2') ORDER BY ord;

\i test/fixtures/security_cleanup.psql
ROLLBACK;
