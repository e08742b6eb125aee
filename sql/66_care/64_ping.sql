-- Pings: what the devices report, partitioned by district day (Asia/Shanghai) on fixed_at.
-- Loaded by COPY or INSERT, single or batched; the C trigger care_ingest (src/care_ingest.c)
-- runs on each row: it drops duplicates, converts GCJ-02 to 4490, filters the fix for the
-- fences (order, cell, accuracy, jump), moves the fence state and raises alarms.  Alarms
-- (sos, fall, removed, power_off) bypass every filter.
-- Each backend takes 1,000 ids at a time: at 300 pings a second from several gateway sessions,
-- a value fetched from the sequence's page for every ping (its buffer lock, and a WAL record
-- every 32) is work on the hot path.  Ids are unique, not in arrival order across sessions.
CREATE SEQUENCE care_ping_id_seq CACHE 1000;
COMMENT ON SEQUENCE care_ping_id_seq IS 'Ids of care_ping (cached 1,000 per backend: unique, not in arrival order across sessions)';
CREATE TABLE care_ping (
  ping_id        bigint NOT NULL DEFAULT nextval('commgrid.care_ping_id_seq'),
  -- no foreign key: its check (a query and a row lock on care_device per ping) halved the
  -- ingest rate; care_ingest refuses an unknown device (23503) under the lock of its state
  -- row, and care_device_keep_pings refuses to delete a device that has pings
  device_id      bigint NOT NULL,
  fixed_at       timestamptz NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  message        text NOT NULL DEFAULT 'position' CHECK (message IN ('position', 'heartbeat', 'alarm')),
  location       geometry,
  coord_system   text NOT NULL DEFAULT 'wgs84' CHECK (coord_system IN ('wgs84', 'cgcs2000', 'gcj02')),
  fix_source     text NOT NULL DEFAULT 'gps' CHECK (fix_source IN ('gps', 'wifi', 'cell', 'none')),
  geo_provider   text,
  accuracy_m     real CHECK (accuracy_m >= 0),
  battery        smallint CHECK (battery BETWEEN 0 AND 100),
  sos            boolean NOT NULL DEFAULT false,
  fall           boolean NOT NULL DEFAULT false,
  removed        boolean NOT NULL DEFAULT false,
  power_off      boolean NOT NULL DEFAULT false,
  invalid_fix    boolean NOT NULL DEFAULT false,
  -- set by care_ingest
  resident_id    bigint,
  grid_code      gridcode,
  status         text NOT NULL DEFAULT 'pending',
  position_assumed boolean NOT NULL DEFAULT false,
  -- an Amap-resolved Wi-Fi or cell fix is GCJ-02
  CONSTRAINT care_ping_provider_system CHECK (geo_provider IS DISTINCT FROM 'amap' OR coord_system = 'gcj02'),
  CONSTRAINT enforce_srid_location CHECK (st_srid(location) = 4490),
  CONSTRAINT enforce_geotype_location CHECK (geometrytype(location) = 'POINT'),
  -- Two indexes, the reads ingest and staff make: a device's pings in time (the duplicate
  -- test, a device's newest ping) and a wearer's (care_track).  Every index costs every ping
  -- (a third of a COPY was index insertions), so there is none for a ping by its id alone
  -- (an alarm names its device and fixed_at too) nor by grid (a read by grid scans the day
  -- partitions its period touches).
  PRIMARY KEY (device_id, fixed_at, ping_id)
) PARTITION BY RANGE (fixed_at);
CREATE INDEX care_ping_resident_idx ON care_ping (resident_id, fixed_at);
CREATE TABLE care_ping_default PARTITION OF care_ping DEFAULT;
COMMENT ON TABLE care_ping_default IS 'Pings of days without their own partition (care_ping_create_partitions makes the coming days)';
COMMENT ON TABLE care_ping IS 'What wearable devices report: fixes, heartbeats and alarms; partitioned by district day of fixed_at';
COMMENT ON COLUMN care_ping.ping_id IS 'Stable ping id';
COMMENT ON COLUMN care_ping.device_id IS 'The device';
COMMENT ON COLUMN care_ping.fixed_at IS 'When the device took the fix (device clock); the partition key';
COMMENT ON COLUMN care_ping.received_at IS 'When the server received it';
COMMENT ON COLUMN care_ping.message IS 'position, heartbeat or alarm';
COMMENT ON COLUMN care_ping.location IS 'The fix, a Point in EPSG:4490 once stored (input 4326 or 4490, in coord_system); NULL: no fix';
COMMENT ON COLUMN care_ping.coord_system IS 'The coordinate system the input location was in: wgs84, cgcs2000 or gcj02 (converted on ingest)';
COMMENT ON COLUMN care_ping.fix_source IS 'gps, wifi, cell (LBS, error up to kilometres: never moves fence state) or none';
COMMENT ON COLUMN care_ping.geo_provider IS 'The geolocation service that resolved a Wi-Fi or cell fix (amap: GCJ-02)';
COMMENT ON COLUMN care_ping.accuracy_m IS 'Accuracy in metres as the device reports it';
COMMENT ON COLUMN care_ping.battery IS 'Battery percentage';
COMMENT ON COLUMN care_ping.sos IS 'SOS button pressed (alarm)';
COMMENT ON COLUMN care_ping.fall IS 'Fall detected (alarm)';
COMMENT ON COLUMN care_ping.removed IS 'Device taken off (alarm)';
COMMENT ON COLUMN care_ping.power_off IS 'Device switching off (alarm)';
COMMENT ON COLUMN care_ping.invalid_fix IS 'The device says its coordinates are not a fix';
COMMENT ON COLUMN care_ping.resident_id IS 'The wearer (open binding) when ingested';
COMMENT ON COLUMN care_ping.grid_code IS 'The wearer''s grid: scopes the ping';
COMMENT ON COLUMN care_ping.status IS 'What ingest made of the fix: accepted, out_of_order, cell, inaccurate, jump, no_fix, no_consent';
COMMENT ON COLUMN care_ping.position_assumed IS 'An alarm without a fix: location is the last known position';
SELECT commgrid.secure_table('commgrid.care_ping', '{grid_code}',
  '{district_admin, township_staff, community_staff, grid_worker}', '{}');
SELECT commgrid.mark_personal('commgrid.care_ping', '{location}', restricted => true);
SELECT commgrid.register_dump('commgrid.care_ping');
-- the default partition: under the same rule, granted to no one (read through care_ping)
SELECT commgrid.secure_table('commgrid.care_ping_default', '{grid_code}', '{}', '{}');
-- its columns say what care_ping's say (one text for both)
DO $$
DECLARE
  c record;
BEGIN
  FOR c IN SELECT a.attname, pg_catalog.col_description(a.attrelid, a.attnum) AS txt
           FROM pg_catalog.pg_attribute a
           WHERE a.attrelid = 'commgrid.care_ping'::regclass AND a.attnum > 0 AND NOT a.attisdropped LOOP
    EXECUTE format('COMMENT ON COLUMN commgrid.care_ping_default.%I IS %L', c.attname, c.txt);
  END LOOP;
END $$;
SELECT commgrid.mark_personal('commgrid.care_ping_default', '{location}', restricted => true);
SELECT commgrid.register_dump('commgrid.care_ping_default');
SELECT commgrid.register_dump('commgrid.care_ping_id_seq');

-- The triggers of care_ping run as their owner, as SECURITY DEFINER functions would, but
-- switch the user themselves (src/care_ingest.c, run_as_owner): a definer's SET clause cost a
-- GUC nest level and two search_path settings per ping.  What they do without a query depends
-- on no search path (relations by OID, types from the columns); each query they run has
-- search_path pinned to pg_catalog, commgrid, public, pg_temp, as the SET clause did.
CREATE FUNCTION care_ingest() RETURNS trigger
  AS 'MODULE_PATHNAME', 'care_ingest' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION care_ingest() FROM PUBLIC;
COMMENT ON FUNCTION care_ingest() IS
  'Trigger (C): the ingest path of care_ping: duplicates dropped, GCJ-02 converted, consent, filters, fence hysteresis, alarms (docs/guide/care.md)';
CREATE TRIGGER care_ingest BEFORE INSERT ON care_ping
  FOR EACH ROW EXECUTE FUNCTION care_ingest();
-- Per statement (COPY batch or INSERT): the state rows each device's first ping locked and
-- read are written back once at the end, after the statement's alarms, inserted in one INSERT
-- (docs/guide/care.md, the hot path).
-- A ping inserted straight into a partition fires no statement trigger of care_ping: its
-- state is written with the ping.
CREATE FUNCTION care_ingest_statement() RETURNS trigger
  AS 'MODULE_PATHNAME', 'care_ingest_statement' LANGUAGE C;
REVOKE EXECUTE ON FUNCTION care_ingest_statement() FROM PUBLIC;
COMMENT ON FUNCTION care_ingest_statement() IS
  'Trigger (C): begins (the statement cache opened) and ends (the statement''s alarms inserted, device states written back) a statement of care_ping ingest';
CREATE TRIGGER care_ingest_begin BEFORE INSERT ON care_ping
  FOR EACH STATEMENT EXECUTE FUNCTION care_ingest_statement();
CREATE TRIGGER care_ingest_end AFTER INSERT ON care_ping
  FOR EACH STATEMENT EXECUTE FUNCTION care_ingest_statement();

CREATE FUNCTION care_ingest_cache(OUT devices bigint, OUT bytes bigint)
  AS 'MODULE_PATHNAME', 'care_ingest_cache' LANGUAGE C VOLATILE STRICT;
REVOKE EXECUTE ON FUNCTION care_ingest_cache() FROM PUBLIC;
COMMENT ON FUNCTION care_ingest_cache() IS
  'The fence cache of care_ingest in this backend: devices cached and bytes allocated (the benchmark prints bytes per device)';

-- What the foreign key did for deletes: a device with pings stays.  The state row is locked
-- first, so a ping being ingested (it holds that lock) is committed and seen before the check.
CREATE FUNCTION care_device_keep_pings() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, pg_temp AS $$
BEGIN
  PERFORM 1 FROM commgrid.care_device_state s
  WHERE s.device_id OPERATOR(pg_catalog.=) OLD.device_id FOR UPDATE;
  IF EXISTS (SELECT 1 FROM commgrid.care_ping p WHERE p.device_id OPERATOR(pg_catalog.=) OLD.device_id) THEN
    RAISE EXCEPTION 'device % still has pings', OLD.device_id
      USING ERRCODE = '23503', DETAIL = 'care_ping holds pings of device ' || OLD.device_id || '.',
            HINT = 'Retire it (retired_at) instead; its pings go with their partitions (care_ping_drop_expired).';
  END IF;
  RETURN OLD;
END $$;
REVOKE EXECUTE ON FUNCTION care_device_keep_pings() FROM PUBLIC;
COMMENT ON FUNCTION care_device_keep_pings() IS
  'Trigger: a device that has pings cannot be deleted (23503), as a foreign key of care_ping would say';
CREATE TRIGGER care_device_keep_pings BEFORE DELETE ON care_device
  FOR EACH ROW EXECUTE FUNCTION care_device_keep_pings();

-- The partition of a district day: [00:00, 24:00) Asia/Shanghai.
CREATE FUNCTION care_ping_create_partitions(days int DEFAULT 7, first_day date DEFAULT commgrid.district_today())
RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp
-- secure_table's DROP POLICY IF EXISTS would say NOTICE for each new partition
SET client_min_messages = warning AS $$
DECLARE
  d date;
  made int := 0;
  part text;
BEGIN
  IF days < 1 OR days > 366 THEN
    RAISE EXCEPTION 'days must be between 1 and 366, not %', days USING ERRCODE = '22023';
  END IF;
  FOR i IN 0 .. days - 1 LOOP
    d := first_day + i;
    part := 'care_ping_' || to_char(d, 'YYYYMMDD');
    CONTINUE WHEN to_regclass('commgrid.' || part) IS NOT NULL;
    EXECUTE format('CREATE TABLE commgrid.%I PARTITION OF commgrid.care_ping FOR VALUES FROM (%L) TO (%L)',
                   part, (d::timestamp AT TIME ZONE 'Asia/Shanghai'),
                   ((d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'));
    -- a partition queried directly has no policy of its parent: under the same rule and
    -- granted to no one (read through care_ping)
    PERFORM commgrid.secure_table(format('commgrid.%I', part)::regclass, '{grid_code}', '{}', '{}');
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;
REVOKE EXECUTE ON FUNCTION care_ping_create_partitions(int, date) FROM PUBLIC;
COMMENT ON FUNCTION care_ping_create_partitions(int, date) IS
  'Create the day partitions of care_ping for days district days from first_day (today) that do not exist yet, each under the jurisdiction rule and granted to no one; returns how many were made. Schedule it daily (pg_cron)';

CREATE FUNCTION care_ping_drop_expired(today date DEFAULT commgrid.district_today()) RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, pg_temp AS $$
DECLARE
  keep_from date := today - (SELECT ping_retention_days FROM commgrid.care_setting);
  p record;
  dropped int := 0;
BEGIN
  FOR p IN SELECT c.relname FROM pg_catalog.pg_inherits i
           JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'commgrid.care_ping'::regclass
             AND c.relname ~ '^care_ping_[0-9]{8}$'
             AND to_date(substr(c.relname, 11), 'YYYYMMDD') < keep_from
           ORDER BY c.relname LOOP
    DELETE FROM commgrid.secured_table WHERE table_name = format('commgrid.%I', p.relname)::regclass;
    EXECUTE format('DROP TABLE commgrid.%I', p.relname);
    dropped := dropped + 1;
  END LOOP;
  DELETE FROM commgrid.care_ping_default
  WHERE fixed_at < (keep_from::timestamp AT TIME ZONE 'Asia/Shanghai');
  RETURN dropped;
END $$;
REVOKE EXECUTE ON FUNCTION care_ping_drop_expired(date) FROM PUBLIC;
COMMENT ON FUNCTION care_ping_drop_expired(date) IS
  'Drop the day partitions of care_ping older than care_setting.ping_retention_days (and such rows of the default partition); returns how many partitions were dropped. Schedule it daily (pg_cron)';
