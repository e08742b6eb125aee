-- Wearable care (issue 15): the imei type, devices, bindings and consent, the ping ingest
-- path (duplicates, GCJ-02, filters, alarms bypassing them) and the fence rule, on hand-made
-- areas of 460102 (美兰区), all rolled back.
SET search_path = commgrid, public;
BEGIN;
\set QUIET on
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
  (460102000002, '李建国', 460102000002, true),
  (460102000003, '陈桂兰', 460102000001, true);
\set QUIET off

CREATE FUNCTION pg_temp.try(stmt text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text; h text;
BEGIN
  EXECUTE stmt;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
  RETURN SQLSTATE || ': ' || SQLERRM || ' | ' || CASE WHEN d LIKE 'Failing row%' THEN '' ELSE d END || ' | ' || h;
END $$;

-- 1. imei: 15 digits, Luhn check digit, stored in 8 bytes by value
SELECT '490154203237518'::imei AS imei, tac('490154203237518'), pg_column_size('490154203237518'::imei) AS bytes,
       (SELECT typbyval FROM pg_type WHERE oid = 'imei'::regtype) AS by_value;
SELECT is_valid_imei(x), pg_temp.try(format('SELECT %L::commgrid.imei', x)) FROM (VALUES
  ('490154203237518'), ('490154203237519'), ('49015420323751'), ('4901542032375180'),
  ('4901542O3237518'), (' 490154203237518'), ('49015420323751８'), (''), (repeat('9', 80))) v(x);
-- order and hashing are those of the number
SELECT array_agg(i ORDER BY i) FROM (VALUES ('356938035643809'::imei), ('010000000000008'), ('490154203237518')) v(i);
SELECT count(DISTINCT i) FROM (VALUES ('356938035643809'::imei), ('356938035643809'), ('490154203237518')) v(i);
SELECT imei_recv_ok FROM (SELECT '490154203237518'::imei::text = '490154203237518' AS imei_recv_ok) s;

-- 2. devices, bindings and consent
INSERT INTO care_device (device_id, imei, sim, provider, owner_code, interval_s) VALUES
  (460102000001, '490154203237518', '13800000001', '甲公司', '460102002', 30),
  (460102000002, '356938035643809', '13800000002', '乙公司', '460102002', 30),
  (460102000003, '010000000000008', NULL, '乙公司', '460102002', 60);
SELECT pg_temp.try($$INSERT INTO commgrid.care_device (imei, provider) VALUES ('490154203237517', 'x')$$);
INSERT INTO care_binding (binding_id, device_id, resident_id, bound_from, consent_by, consent_at) VALUES
  (460102000001, 460102000001, 460102000001, '2026-11-01 08:00+08', 'person', '2026-11-01 08:00+08');
-- no consent yet: the binding exists, the device does not track
INSERT INTO care_binding (binding_id, device_id, resident_id, bound_from) VALUES
  (460102000002, 460102000002, 460102000002, '2026-11-01 08:00+08');
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.care_binding (device_id, resident_id) VALUES (460102000001, 460102000003)$$),
  ($$INSERT INTO commgrid.care_binding (device_id, resident_id, consent_by, consent_at) VALUES (460102000003, 460102000003, 'guardian', now())$$),
  ($$INSERT INTO commgrid.care_binding (device_id, resident_id, consent_by) VALUES (460102000003, 460102000003, 'neighbour')$$)) v(stmt);
SELECT device_id, owner_code, grid_code FROM care_device ORDER BY device_id;
SELECT device_id, binding_id, resident_id, grid_code, tracking FROM care_device_state
WHERE device_id BETWEEN 460102000001 AND 460102000003 ORDER BY device_id;

-- 3. partitions by district day, and their expiry
SELECT care_ping_create_partitions(3, '2026-12-01');
SELECT care_ping_create_partitions(3, '2026-12-01') AS again;
SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'care_ping'::regclass AND c.relname LIKE 'care_ping_202612%' ORDER BY 1;
SELECT pg_temp.try($$SELECT commgrid.care_ping_create_partitions(0)$$);

-- 4. the fence: a circle of 100 m around the home (outer ring 120 m), active all day
INSERT INTO care_fence (fence_id, resident_id, kind, centre, radius_m) VALUES
  (460102000001, 460102000001, 'circle', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490), 100);
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.care_fence (resident_id, kind, radius_m) VALUES (460102000001, 'circle', 100)$$),
  ($$INSERT INTO commgrid.care_fence (resident_id, kind, area) VALUES (460102000001, 'polygon', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490))$$),
  ($$INSERT INTO commgrid.care_fence (resident_id, kind, centre, radius_m, active_from) VALUES (460102000001, 'circle', ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490), 100, '08:00')$$)) v(stmt);

-- pings 30 s apart, north of the home: 50 m (inside), 300 m (beyond), 110 m (ring), 300 m,
-- 500 m; one batched INSERT, then COPY
CREATE FUNCTION pg_temp.north(metres float8) RETURNS geometry LANGUAGE sql AS
  $$ SELECT ST_SetSRID(ST_MakePoint(110.32, 20.03 + metres / 111194.93), 4326) $$;
INSERT INTO care_ping (device_id, fixed_at, location, accuracy_m, battery) VALUES
  (460102000001, '2026-12-01 09:00:00+08', pg_temp.north(50), 10, 80),
  (460102000001, '2026-12-01 09:00:30+08', pg_temp.north(300), 10, 80),
  (460102000001, '2026-12-01 09:01:00+08', pg_temp.north(110), 10, 80),
  (460102000001, '2026-12-01 09:01:30+08', pg_temp.north(300), 10, 80),
  (460102000001, '2026-12-01 09:02:00+08', pg_temp.north(500), 10, 80),
  -- a duplicate: ignored
  (460102000001, '2026-12-01 09:02:00+08', pg_temp.north(500), 10, 80);
-- filtered fixes: cell at home, inaccurate at home, a 10 km jump, an older fix at home
COPY care_ping (device_id, fixed_at, location, fix_source, accuracy_m, battery) FROM stdin;
460102000001	2026-12-01 09:02:30+08	SRID=4326;POINT(110.32 20.03)	cell	800	79
460102000001	2026-12-01 09:03:00+08	SRID=4326;POINT(110.32 20.03)	gps	500	79
460102000001	2026-12-01 09:03:30+08	SRID=4326;POINT(110.42 20.03)	gps	10	79
460102000001	2026-12-01 09:02:15+08	SRID=4326;POINT(110.32 20.03)	gps	10	79
\.
-- SOS without a fix (0,0), sent twice; then home again; a GCJ-02 Wi-Fi fix from Amap; low battery twice
INSERT INTO care_ping (device_id, fixed_at, message, location, sos, invalid_fix) VALUES
  (460102000001, '2026-12-01 09:04:00+08', 'alarm', 'SRID=4326;POINT(0 0)', true, true),
  (460102000001, '2026-12-01 09:04:00+08', 'alarm', 'SRID=4326;POINT(0 0)', true, true);
INSERT INTO care_ping (device_id, fixed_at, location, accuracy_m) VALUES
  (460102000001, '2026-12-01 09:04:30+08', pg_temp.north(50), 10);
INSERT INTO care_ping (device_id, fixed_at, location, coord_system, fix_source, geo_provider, accuracy_m, battery) VALUES
  (460102000001, '2026-12-01 09:05:00+08', ST_SetSRID(wgs84_to_gcj02(pg_temp.north(20)), 4326), 'gcj02', 'wifi', 'amap', 40, 15),
  (460102000001, '2026-12-01 09:05:30+08', pg_temp.north(20), 'wgs84', 'gps', NULL, 10, 14);
SELECT to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, message, fix_source, status,
       round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490)::geography)) AS from_home_m,
       ST_SRID(location) AS srid, position_assumed, resident_id, grid_code, tableoid::regclass AS part
FROM care_ping WHERE device_id = 460102000001 ORDER BY fixed_at, ping_id;
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, resident_id, grid_code,
       round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490)::geography)) AS from_home_m,
       position_assumed
FROM care_alarm WHERE device_id = 460102000001 ORDER BY alarm_id;
SELECT outside_count, is_out, exit_alarm_id IS NULL AS no_open_exit, battery_low,
       to_char(last_fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS last_fix
FROM care_device_state WHERE device_id = 460102000001;

-- 5. no consent, no tracking: a plain ping is not kept; an SOS is, without a position
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000002, '2026-12-01 09:00:00+08', pg_temp.north(10)),
  (460102000003, '2026-12-01 09:00:00+08', pg_temp.north(10));
INSERT INTO care_ping (device_id, fixed_at, message, location, fall) VALUES
  (460102000002, '2026-12-01 09:01:00+08', 'alarm', pg_temp.north(10), true);
SELECT device_id, message, status, location IS NULL AS no_location, resident_id FROM care_ping
WHERE device_id IN (460102000002, 460102000003) ORDER BY device_id, fixed_at;
SELECT kind, device_id, resident_id, location IS NULL AS no_location, position_assumed FROM care_alarm
WHERE device_id IN (460102000002, 460102000003);
-- consent given: the device tracks from now on
UPDATE care_binding SET consent_by = 'guardian', consent_signer = '李明', consent_at = '2026-12-01 09:30+08'
WHERE binding_id = 460102000002;
INSERT INTO care_ping (device_id, fixed_at, location) VALUES (460102000002, '2026-12-01 09:31:00+08', pg_temp.north(10));
SELECT count(*) AS tracked FROM care_ping WHERE device_id = 460102000002 AND status = 'accepted';

-- 6. bad pings: an unknown device, a location outside longitude/latitude, a projected SRID;
-- a failed statement leaves no ping and no state change
SELECT pg_temp.try(stmt) FROM (VALUES
  ($$INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (999, now(), 'SRID=4326;POINT(110 20)')$$),
  ($$INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (460102000001, '2026-12-01 10:00+08', 'SRID=4326;POINT(200 20)')$$),
  ($$INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (460102000001, '2026-12-01 10:00+08', 'SRID=3857;POINT(200 20)')$$),
  ($$INSERT INTO commgrid.care_ping (device_id, fixed_at, location, geo_provider) VALUES (460102000001, '2026-12-01 10:00+08', 'SRID=4326;POINT(110.32 20.03)', 'amap')$$)) v(stmt);
SELECT count(*) AS pings, max(fixed_at) AT TIME ZONE 'Asia/Shanghai' AS last FROM care_ping WHERE device_id = 460102000001;

-- 7. a polygon fence (distance to the polygon, ring 20 m) with active hours 08:00-20:00
INSERT INTO care_fence (resident_id, kind, area, active_from, active_until) VALUES
  (460102000002, 'polygon', ST_SetSRID(ST_MakeEnvelope(110.319, 20.029, 110.321, 20.031), 4490), '08:00', '20:00');
-- 15 m beyond the edge (ring), 100 m beyond twice (exit), then at 21:00 far away (inactive:
-- nothing), then inside (return)
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000002, '2026-12-01 10:00:00+08', pg_temp.north(111.2 + 15)),
  (460102000002, '2026-12-01 10:00:30+08', pg_temp.north(111.2 + 100)),
  (460102000002, '2026-12-01 10:01:00+08', pg_temp.north(111.2 + 100)),
  (460102000002, '2026-12-01 10:01:30+08', pg_temp.north(111.2 + 120));
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed FROM care_alarm
WHERE device_id = 460102000002 AND kind LIKE 'fence%' ORDER BY alarm_id;
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000002, '2026-12-01 21:00:00+08', pg_temp.north(0)),
  (460102000002, '2026-12-02 08:00:00+08', pg_temp.north(0));
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed FROM care_alarm
WHERE device_id = 460102000002 AND kind LIKE 'fence%' ORDER BY alarm_id;

-- 8. no_signal (run by pg_cron in production; called here): device 1 reports every 30 s and
-- is silent after its last message; 10 intervals later it is reported once
SELECT care_check_no_signal((SELECT last_seen_at FROM care_device_state WHERE device_id = 460102000001) + interval '299 s') AS too_early;
SELECT care_check_no_signal((SELECT last_seen_at FROM care_device_state WHERE device_id = 460102000001) + interval '301 s') AS raised;
SELECT care_check_no_signal((SELECT last_seen_at FROM care_device_state WHERE device_id = 460102000001) + interval '900 s') AS once;
SELECT kind, device_id, position_assumed, round(ST_Distance(location::geography, ST_SetSRID(ST_MakePoint(110.32, 20.03), 4490)::geography)) AS from_home_m
FROM care_alarm WHERE kind = 'no_signal' ORDER BY device_id;

-- 9. left_district: two consecutive accepted fixes outside every district-level area (460102
-- is 110.30-110.40 E here) raise it once per excursion; one fix outside, a cell fix or a jump
-- moves nothing; an accepted fix inside ends the excursion (no alarm)
INSERT INTO care_binding (device_id, resident_id, consent_by, consent_at) VALUES
  (460102000003, 460102000003, 'person', '2026-12-01 10:00+08');
CREATE FUNCTION pg_temp.east(lon float8) RETURNS geometry LANGUAGE sql AS
  $$ SELECT ST_SetSRID(ST_MakePoint(lon, 20.03), 4326) $$;
INSERT INTO care_ping (device_id, fixed_at, location, fix_source, accuracy_m) VALUES
  (460102000003, '2026-12-01 11:00+08', pg_temp.east(110.395), 'gps', 10),
  (460102000003, '2026-12-01 11:10+08', pg_temp.east(110.41), 'gps', 10),
  (460102000003, '2026-12-01 11:20+08', pg_temp.east(110.399), 'gps', 10),
  (460102000003, '2026-12-01 11:30+08', pg_temp.east(110.41), 'gps', 10),
  (460102000003, '2026-12-01 11:35+08', pg_temp.east(110.45), 'cell', 900),
  (460102000003, '2026-12-01 11:40+08', pg_temp.east(110.42), 'gps', 10),
  (460102000003, '2026-12-01 11:50+08', pg_temp.east(110.43), 'gps', 10),
  (460102000003, '2026-12-01 12:00+08', pg_temp.east(110.39), 'gps', 10),
  (460102000003, '2026-12-01 12:10+08', pg_temp.east(110.41), 'gps', 10),
  (460102000003, '2026-12-01 12:20+08', pg_temp.east(110.41), 'gps', 10),
  (460102000003, '2026-12-01 12:30+08', pg_temp.east(110.42), 'gps', 10);
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI') AS fixed, resident_id, grid_code,
       round(ST_X(location)::numeric, 2) AS lon
FROM care_alarm WHERE device_id = 460102000003 ORDER BY alarm_id;
SELECT district_outside_count, left_district FROM care_device_state WHERE device_id = 460102000003;

-- 9a. the hot path: a device's state row is locked and read by its first ping of a statement
-- and written back at the statement's end; fences are cached per backend, reloaded when a
-- change gives the state a new fence_version.  A fence widened to 1 km in this session:
-- two fixes 500 m out are inside it
UPDATE care_fence SET radius_m = 1000 WHERE fence_id = 460102000001;
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000001, '2026-12-01 13:00:00+08', pg_temp.north(500)),
  (460102000001, '2026-12-01 13:00:30+08', pg_temp.north(500));
UPDATE care_fence SET radius_m = 100 WHERE fence_id = 460102000001;
-- back to 100 m: two fixes beyond raise an exit, undone with their savepoint
SAVEPOINT pings;
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000001, '2026-12-01 13:01:00+08', pg_temp.north(500)),
  (460102000001, '2026-12-01 13:01:30+08', pg_temp.north(500));
SELECT count(*) AS exits_in_savepoint FROM care_alarm WHERE device_id = 460102000001 AND fixed_at >= '2026-12-01 13:00+08';
ROLLBACK TO SAVEPOINT pings;
-- the state continues from before the savepoint: one fix beyond, then one straight into the
-- day's partition (no statement trigger of care_ping: its state is written with it), exit
INSERT INTO care_ping (device_id, fixed_at, location) VALUES (460102000001, '2026-12-01 13:02:00+08', pg_temp.north(500));
INSERT INTO care_ping_20261201 (device_id, fixed_at, location) VALUES (460102000001, '2026-12-01 13:02:30+08', pg_temp.north(500));
-- a retransmission of an older ping is looked up and dropped; a newer one is not looked up
INSERT INTO care_ping (device_id, fixed_at, location) VALUES
  (460102000001, '2026-12-01 13:00:00+08', pg_temp.north(500)),
  (460102000001, '2026-12-01 13:03:00+08', pg_temp.north(500));
SELECT to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, status, tableoid::regclass AS part
FROM care_ping WHERE device_id = 460102000001 AND fixed_at >= '2026-12-01 13:00+08' ORDER BY fixed_at;
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed
FROM care_alarm WHERE device_id = 460102000001 AND fixed_at >= '2026-12-01 13:00+08' ORDER BY alarm_id;
SELECT outside_count, is_out, to_char(newest_stored_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS newest_stored
FROM care_device_state WHERE device_id = 460102000001;
-- what the foreign key did: a device with pings is not deleted
SELECT pg_temp.try($$DELETE FROM commgrid.care_device WHERE device_id = 460102000001$$);
-- the fence cache of this backend: the three devices whose accepted fixes met their fences
SELECT devices, bytes > 0 AS has_bytes FROM care_ingest_cache();
-- 9b. many statements of one device in one transaction: the state row's versions fill its page
-- (none can be pruned before the commit), so write-backs stop being HOT and give the new
-- version its index entry (as an UPDATE does); the row is found by the index and by a scan
SELECT pg_stat_get_xact_tuples_updated('care_device_state'::regclass)
       - pg_stat_get_xact_tuples_hot_updated('care_device_state'::regclass) AS not_hot_before,
       (SELECT max(fixed_at) FROM care_ping WHERE device_id = 460102000002) AS t0 \gset
DO $$
BEGIN
  FOR i IN 1..150 LOOP
    INSERT INTO commgrid.care_ping (device_id, fixed_at, location)
    SELECT 460102000002, max(fixed_at) + interval '30 s', pg_temp.north(10)
    FROM commgrid.care_ping WHERE device_id = 460102000002;
  END LOOP;
END $$;
SELECT pg_stat_get_xact_tuples_updated('care_device_state'::regclass)
       - pg_stat_get_xact_tuples_hot_updated('care_device_state'::regclass) > :not_hot_before AS some_not_hot;
SELECT newest_stored_at - :'t0' AS newest_stored, last_fixed_at - :'t0' AS last_fixed
FROM care_device_state WHERE device_id = 460102000002;
SET LOCAL enable_indexscan = off;
SET LOCAL enable_bitmapscan = off;
SELECT count(*) AS rows, max(newest_stored_at) - :'t0' AS newest_stored
FROM care_device_state WHERE device_id = 460102000002;
RESET enable_indexscan;
RESET enable_bitmapscan;
SELECT status, count(*) FROM care_ping WHERE device_id = 460102000002 AND fixed_at > :'t0' GROUP BY 1;

-- 9c. statements of one device around savepoints: one rolled back to its savepoint leaves the
-- state as the statement before it wrote it, and the next continues from there (the low
-- battery of the undone COPY is raised again); a released one is kept; one undone by an
-- exception block after its end is gone with its pings
SELECT max(fixed_at) AT TIME ZONE 'Asia/Shanghai' AS before_9c FROM care_ping WHERE device_id = 460102000002;
CREATE TEMP TABLE state_seen (step text, state text);
INSERT INTO care_ping (device_id, fixed_at, received_at, location, battery) VALUES
  (460102000002, '2026-12-02 09:15:30+08', '2026-12-02 09:15:31+08', pg_temp.north(10), 50);
INSERT INTO state_seen SELECT 'a', s::text FROM care_device_state s WHERE device_id = 460102000002;
SAVEPOINT b;
COPY care_ping (device_id, fixed_at, received_at, location, battery) FROM stdin;
460102000002	2026-12-02 09:16:00+08	2026-12-02 09:16:01+08	SRID=4326;POINT(110.32 20.03009)	10
\.
SELECT battery_low, newest_stored_at AT TIME ZONE 'Asia/Shanghai' AS newest_stored FROM care_device_state WHERE device_id = 460102000002;
ROLLBACK TO SAVEPOINT b;
SELECT (SELECT s::text FROM care_device_state s WHERE device_id = 460102000002) =
       (SELECT state FROM state_seen WHERE step = 'a') AS state_as_after_a;
INSERT INTO care_ping (device_id, fixed_at, received_at, location, battery) VALUES
  (460102000002, '2026-12-02 09:16:30+08', '2026-12-02 09:16:31+08', pg_temp.north(10), 12);
SAVEPOINT d;
INSERT INTO care_ping (device_id, fixed_at, received_at, location, battery) VALUES
  (460102000002, '2026-12-02 09:17:00+08', '2026-12-02 09:17:01+08', pg_temp.north(10), 80);
RELEASE SAVEPOINT d;
INSERT INTO state_seen SELECT 'e', s::text FROM care_device_state s WHERE device_id = 460102000002;
DO $$
BEGIN
  BEGIN
    INSERT INTO commgrid.care_ping (device_id, fixed_at, received_at, location, battery) VALUES
      (460102000002, '2026-12-02 09:17:30+08', '2026-12-02 09:17:31+08', pg_temp.north(10), 5);
    RAISE EXCEPTION 'undone after the statement';
  EXCEPTION WHEN raise_exception THEN NULL;
  END;
END $$;
SELECT (SELECT s::text FROM care_device_state s WHERE device_id = 460102000002) =
       (SELECT state FROM state_seen WHERE step = 'e') AS state_as_after_e;
SELECT to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, status, battery
FROM care_ping WHERE device_id = 460102000002 AND fixed_at > '2026-12-02 09:15+08' ORDER BY fixed_at;
SELECT kind, to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed
FROM care_alarm WHERE device_id = 460102000002 AND fixed_at > '2026-12-02 09:15+08' ORDER BY alarm_id;
SELECT battery_low, to_char(newest_stored_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS newest_stored,
       to_char(last_fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS last_fixed
FROM care_device_state WHERE device_id = 460102000002;
-- two statements of care_ping in one writable CTE: the state is written once, with both
WITH x AS (INSERT INTO care_ping (device_id, fixed_at, received_at, location) VALUES
             (460102000002, '2026-12-02 09:18:00+08', '2026-12-02 09:18:01+08', pg_temp.north(10))),
     y AS (INSERT INTO care_ping (device_id, fixed_at, received_at, location) VALUES
             (460102000002, '2026-12-02 09:18:30+08', '2026-12-02 09:18:31+08', pg_temp.north(10)))
SELECT;
SELECT to_char(newest_stored_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS newest_stored
FROM care_device_state WHERE device_id = 460102000002;
INSERT INTO state_seen SELECT 'f', s::text FROM care_device_state s WHERE device_id = 460102000002;
-- a statement of care_ping nested in another (a function of a writable CTE's rows) that fails
-- and is caught never reaches its end: the outer statement fails too (55000), not ending with
-- its states unwritten; nothing of it stays
CREATE FUNCTION pg_temp.nested_failed_ping() RETURNS int LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (999, now(), 'SRID=4326;POINT(110 20)');
  EXCEPTION WHEN foreign_key_violation THEN NULL;
  END;
  RETURN 1;
END $$;
SELECT pg_temp.try($$WITH p AS (INSERT INTO commgrid.care_ping (device_id, fixed_at, location)
  VALUES (460102000002, '2026-12-02 09:19:00+08', pg_temp.north(10)) RETURNING ping_id)
  SELECT pg_temp.nested_failed_ping() FROM p$$) AS nested_failure;
-- the state row changed by the statement that ingests (a writable CTE, as the owner): the
-- statement fails, after the lock (27000) or at the write-back (55000), and nothing stays
SELECT left(pg_temp.try($$WITH p AS (INSERT INTO commgrid.care_ping (device_id, fixed_at, location)
  VALUES (460102000002, '2026-12-02 09:19:00+08', pg_temp.north(10)) RETURNING device_id)
  UPDATE commgrid.care_device_state s SET battery_low = true FROM p WHERE s.device_id = p.device_id$$), 5) AS changed_after_lock;
SELECT pg_temp.try($$WITH u AS (UPDATE commgrid.care_device_state SET battery_low = true
  WHERE device_id = 460102000002 RETURNING device_id)
  INSERT INTO commgrid.care_ping (device_id, fixed_at, location) SELECT device_id, '2026-12-02 09:19:00+08', pg_temp.north(10) FROM u$$) AS changed_before_lock;
SELECT count(*) AS pings_after_0918 FROM care_ping WHERE device_id = 460102000002 AND fixed_at > '2026-12-02 09:18:30+08';
SELECT (SELECT s::text FROM care_device_state s WHERE device_id = 460102000002) =
       (SELECT state FROM state_seen WHERE step = 'f') AS state_as_after_f;
-- a statement of care_ping nested in another, in a subtransaction that commits (a function
-- with an exception block, run for the outer statement's row): the lookup of state rows that
-- the nested ping opens is the outer statement's, not the subtransaction's, and serves the
-- outer row's device next (nothing handed over at the subtransaction's end, no warning)
CREATE FUNCTION pg_temp.nested_ping(t timestamptz) RETURNS timestamptz LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    INSERT INTO commgrid.care_ping (device_id, fixed_at, location) VALUES (460102000002, t, pg_temp.north(10));
  EXCEPTION WHEN foreign_key_violation THEN NULL;
  END;
  RETURN t;
END $$;
INSERT INTO care_ping (device_id, fixed_at, location)
SELECT 460102000001, pg_temp.nested_ping('2026-12-02 09:19:30+08'), pg_temp.north(10);
SELECT device_id, status, to_char(s.newest_stored_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS newest_stored
FROM care_ping p JOIN care_device_state s USING (device_id)
WHERE p.fixed_at = '2026-12-02 09:19:30+08' ORDER BY device_id;
-- a column of care_device_state dropped and added again keeps the table's OID but not the
-- column's number: ingest, which keeps the numbers per backend, reads and writes the new one
-- (last_seen_at was set by 9b's pings, received now: later than any received_at given here)
SELECT last_seen_at AS seen_before FROM care_device_state WHERE device_id = 460102000002 \gset
SAVEPOINT altered;
ALTER TABLE care_device_state RENAME COLUMN last_seen_at TO last_seen_at_before;
ALTER TABLE care_device_state ADD COLUMN last_seen_at timestamptz;
INSERT INTO care_ping (device_id, fixed_at, received_at, location) VALUES
  (460102000002, '2026-12-02 09:20:00+08', '2026-12-02 09:20:01+08', pg_temp.north(10));
SELECT to_char(last_seen_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS last_seen,
       last_seen_at_before = :'seen_before' AS renamed_column_unchanged
FROM care_device_state WHERE device_id = 460102000002;
ROLLBACK TO SAVEPOINT altered;
INSERT INTO care_ping (device_id, fixed_at, received_at, location) VALUES
  (460102000002, '2026-12-02 09:20:30+08', '2026-12-02 09:20:31+08', pg_temp.north(10));
SELECT to_char(newest_stored_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS newest_stored,
       last_seen_at = :'seen_before' AS last_seen_unchanged
FROM care_device_state WHERE device_id = 460102000002;

-- 9d. the triggers of care_ping are no SECURITY DEFINER functions but run as their owner
-- (run_as_owner), and each query they run has its own search path: a loader that may insert
-- pings and nothing else, on a path leading to look-alikes of the tables ingest reads and
-- writes, ingests an SOS as any loader does; its alarm is care_alarm's, audited as the
-- loader's, and the look-alikes are not touched
CREATE ROLE r460102_loader BYPASSRLS;
GRANT USAGE ON SCHEMA commgrid TO r460102_loader;
GRANT INSERT ON care_ping TO r460102_loader;
GRANT USAGE ON SEQUENCE care_ping_id_seq TO r460102_loader;
CREATE SCHEMA r460102_lookalike;
CREATE TABLE r460102_lookalike.care_alarm (LIKE commgrid.care_alarm);
CREATE TABLE r460102_lookalike.care_setting (jump_speed_kmh float8, accuracy_limit_m float8, low_battery_percent int);
INSERT INTO r460102_lookalike.care_setting VALUES (1, 1, 100);
GRANT ALL ON SCHEMA r460102_lookalike TO r460102_loader;
GRANT ALL ON ALL TABLES IN SCHEMA r460102_lookalike TO r460102_loader;
SET ROLE r460102_loader;
SET search_path = r460102_lookalike, pg_catalog, commgrid, public;
SELECT pg_temp.try($$SELECT count(*) FROM commgrid.care_device_state$$) AS loader_reads_states;
INSERT INTO commgrid.care_ping (device_id, fixed_at, message, location, accuracy_m, battery, sos) VALUES
  (460102000001, '2026-12-02 09:21:00+08', 'alarm', 'SRID=4326;POINT(110.32 20.03)', 10, 90, true);
RESET ROLE;
SET search_path = commgrid, public;
SELECT status, resident_id, grid_code FROM care_ping
WHERE device_id = 460102000001 AND fixed_at = '2026-12-02 09:21:00+08';
SELECT a.kind, a.position_assumed, l.acting_role, l.action
FROM care_alarm a
JOIN audit_log l ON l.table_name = 'commgrid.care_alarm' AND l.row_key ->> 'alarm_id' = a.alarm_id::text
WHERE a.device_id = 460102000001 AND a.fixed_at = '2026-12-02 09:21:00+08';
SELECT (SELECT count(*) FROM r460102_lookalike.care_alarm) AS lookalike_alarms,
       (SELECT jump_speed_kmh FROM r460102_lookalike.care_setting) AS lookalike_setting;
SELECT p.proname, p.prosecdef, p.proconfig, has_function_privilege('public', p.oid, 'EXECUTE') AS public_executes
FROM pg_proc p
WHERE p.pronamespace = 'commgrid'::regnamespace AND p.proname IN ('care_ingest', 'care_ingest_statement')
ORDER BY p.proname;
-- granted to PUBLIC by mistake, they are a finding of the hardening check, as a definer would be
SAVEPOINT grant_public;
GRANT EXECUTE ON FUNCTION care_ingest(), care_ingest_statement() TO PUBLIC;
SELECT finding, object, detail FROM security_findings WHERE finding LIKE 'owner-rights%' ORDER BY object;
ROLLBACK TO SAVEPOINT grant_public;
SELECT count(*) AS owner_rights_findings FROM security_findings WHERE finding LIKE 'owner-rights%';

-- 9e. the triggers act as their owner, so they run on care_ping alone: attached to another
-- table (by a role someone granted EXECUTE) they refuse before doing anything (42501)
CREATE TABLE r460102_lookalike.other_ping (LIKE commgrid.care_ping);
CREATE TRIGGER other_ingest BEFORE INSERT ON r460102_lookalike.other_ping
  FOR EACH ROW EXECUTE FUNCTION commgrid.care_ingest();
CREATE TRIGGER other_ingest_begin BEFORE INSERT ON r460102_lookalike.other_ping
  FOR EACH STATEMENT EXECUTE FUNCTION commgrid.care_ingest_statement();
SAVEPOINT other;
INSERT INTO r460102_lookalike.other_ping (ping_id, device_id, fixed_at, location)
VALUES (1, 460102000001, '2026-12-02 09:22:00+08', 'SRID=4326;POINT(110.32 20.03)');
ROLLBACK TO SAVEPOINT other;
DROP TRIGGER other_ingest_begin ON r460102_lookalike.other_ping;
INSERT INTO r460102_lookalike.other_ping (ping_id, device_id, fixed_at, location)
VALUES (1, 460102000001, '2026-12-02 09:22:00+08', 'SRID=4326;POINT(110.32 20.03)');
ROLLBACK TO SAVEPOINT other;
SELECT count(*) AS other_pings FROM r460102_lookalike.other_ping;

-- 9f. what ingest sets reaches the stored row however the row comes: by INSERT and COPY
-- (care_ingest sets the columns in the executor's row in place), by an INSERT straight into
-- a partition, and with another BEFORE row trigger firing after care_ingest (given a new row)
CREATE FUNCTION pg_temp.stamp_battery() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.battery := 42;
  RETURN NEW;
END $$;
INSERT INTO care_ping (device_id, fixed_at, received_at, location, accuracy_m) VALUES
  (460102000001, '2026-12-02 09:23:00+08', '2026-12-02 09:23:01+08', 'SRID=4326;POINT(110.32 20.03)', 10)
RETURNING status, resident_id, grid_code, ST_SRID(location) AS srid;
INSERT INTO care_ping_20261202 (device_id, fixed_at, received_at, location, accuracy_m) VALUES
  (460102000001, '2026-12-02 09:23:30+08', '2026-12-02 09:23:31+08', 'SRID=4326;POINT(110.32 20.03)', 10);
CREATE TRIGGER zz_stamp BEFORE INSERT ON care_ping FOR EACH ROW EXECUTE FUNCTION pg_temp.stamp_battery();
COPY care_ping (device_id, fixed_at, received_at, location, accuracy_m) FROM stdin;
460102000001	2026-12-02 09:24:00+08	2026-12-02 09:24:01+08	SRID=4326;POINT(110.32 20.03)	10
\.
DROP TRIGGER zz_stamp ON care_ping;
SELECT to_char(fixed_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI:SS') AS fixed, status, resident_id, grid_code,
       ST_SRID(location) AS srid, battery, tableoid::regclass AS part
FROM care_ping WHERE device_id = 460102000001 AND fixed_at BETWEEN '2026-12-02 09:23+08' AND '2026-12-02 09:24+08'
ORDER BY fixed_at;

-- 9g. the reads ingest and care_track make find their pings by an index, whatever the size of
-- the day (a track read by scanning the days it covers took seconds a day at the district's
-- 26 million pings a day); with sequential scans off, so that the tiny test partitions say
-- which index each read can use
SET LOCAL enable_seqscan = off;
SET LOCAL enable_bitmapscan = off;
EXPLAIN (COSTS OFF) SELECT 1 FROM care_ping p WHERE p.resident_id = 460102000001
  AND p.fixed_at >= '2026-12-02 09:00+08' AND p.fixed_at < '2026-12-02 10:00+08';
EXPLAIN (COSTS OFF) SELECT 1 FROM care_ping p WHERE p.device_id = 460102000001
  AND p.fixed_at = '2026-12-02 09:23:00+08' AND p.message = 'position';
RESET enable_seqscan;
RESET enable_bitmapscan;
SELECT indexrelid::regclass AS index, pg_get_indexdef(indexrelid) AS definition
FROM pg_index WHERE indrelid = 'care_ping'::regclass ORDER BY 1::text;

-- 10. retention: partitions older than the limit are dropped
UPDATE care_setting SET ping_retention_days = 30;
SELECT care_ping_drop_expired('2027-01-01') AS dropped;
SELECT count(*) AS left_202612 FROM pg_class WHERE relname LIKE 'care_ping_202612%' AND relkind = 'r';
ROLLBACK;
