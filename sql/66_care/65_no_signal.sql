-- no_signal: a bound, tracking device silent longer than care_setting.no_signal_intervals of
-- its reporting interval raises one no_signal alarm per silence (cleared by its next message,
-- care_ingest).  Meant for pg_cron, e.g. every minute:
--   SELECT cron.schedule('care-no-signal', '* * * * *', 'SELECT commgrid.care_check_no_signal()');
CREATE FUNCTION care_check_no_signal(at timestamptz DEFAULT now()) RETURNS int
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  raised int;
BEGIN
  WITH silent AS (
    UPDATE commgrid.care_device_state s SET no_signal_since = s.last_seen_at
    FROM commgrid.care_device d, commgrid.care_setting c
    WHERE d.device_id = s.device_id AND s.tracking AND d.retired_at IS NULL
      AND s.last_seen_at IS NOT NULL AND s.no_signal_since IS NULL
      AND s.last_seen_at < at - c.no_signal_intervals * d.interval_s * interval '1 second'
    RETURNING s.device_id, s.resident_id, s.grid_code, s.last_lon, s.last_lat)
  INSERT INTO commgrid.care_alarm (kind, device_id, resident_id, grid_code, location, position_assumed)
  SELECT 'no_signal', device_id, resident_id, grid_code,
         CASE WHEN last_lon IS NOT NULL THEN st_setsrid(st_makepoint(last_lon, last_lat), 4490) END,
         last_lon IS NOT NULL
  FROM silent;
  GET DIAGNOSTICS raised = ROW_COUNT;
  RETURN raised;
END $$;
REVOKE EXECUTE ON FUNCTION care_check_no_signal(timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION care_check_no_signal(timestamptz) IS
  'Raise no_signal for each tracking device silent longer than no_signal_intervals reporting intervals (once per silence); returns how many. Run by pg_cron';
