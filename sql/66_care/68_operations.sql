-- What the purchasing subdistrict audits: per holder, provider and district month, the devices
-- in service, those worn, the alarms and the share of closed alarms that were false.  A report
-- view (owner's rights, rows of the caller's jurisdiction by the holder's code); counts only.
-- A row for every month a holder had devices of a provider in service, up to this district
-- month, worn or not: a holder's stock nobody wears (a district's or a township's reserve)
-- sends no fix and raises no alarm, and the rows once came only from fixes and alarms, so the
-- devices in a drawer, the share the audit looks for, were never counted.
--   in service: registered before the month ended, not retired before it began;
--   worn: sent at least one accepted fix in the month (a device in a drawer sends none);
--   alarms: the kinds a person must answer (not low_battery, not fence_return), by the month
--   of the fix that raised them, else of when they were raised;
--   false_alarm_rate: false alarms / closed alarms (NULL: none closed).
-- The false-alarm share: of the closed alarms, those closed as false (3 decimals; NULL when
-- none is closed).  One rule for care_operations and area_report's care lines.
CREATE FUNCTION care_false_alarm_rate(false_alarms bigint, closed bigint) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN round(false_alarms::numeric / NULLIF(closed, 0), 3);
COMMENT ON FUNCTION care_false_alarm_rate(bigint, bigint) IS
  'False alarms / closed alarms, 3 decimals; NULL when none is closed';

CREATE VIEW care_operations WITH (security_barrier) AS
WITH in_service AS (
  SELECT d.owner_code, d.provider, m.month::date AS month, count(*) AS devices
  FROM commgrid.care_device d,
       LATERAL generate_series(date_trunc('month', d.registered_at AT TIME ZONE 'Asia/Shanghai'),
                               date_trunc('month', LEAST(d.retired_at, pg_catalog.now()) AT TIME ZONE 'Asia/Shanghai'),
                               interval '1 month') m(month)
  GROUP BY 1, 2, 3),
worn AS (
  SELECT d.owner_code, d.provider,
         date_trunc('month', p.fixed_at AT TIME ZONE 'Asia/Shanghai')::date AS month,
         count(DISTINCT p.device_id) AS devices
  FROM commgrid.care_ping p JOIN commgrid.care_device d ON d.device_id = p.device_id
  WHERE p.status = 'accepted'
  GROUP BY 1, 2, 3),
alarm AS (
  SELECT d.owner_code, d.provider,
         date_trunc('month', COALESCE(a.fixed_at, a.raised_at) AT TIME ZONE 'Asia/Shanghai')::date AS month,
         count(*) AS alarms, count(*) FILTER (WHERE a.resolved_at IS NOT NULL) AS closed,
         count(*) FILTER (WHERE a.false_alarm) AS false_alarms
  FROM commgrid.care_alarm a JOIN commgrid.care_device d ON d.device_id = a.device_id
  WHERE commgrid.care_alarm_needs_response(a.kind)
  GROUP BY 1, 2, 3),
k AS (
  SELECT owner_code, provider, month FROM in_service
  UNION
  SELECT owner_code, provider, month FROM worn
  UNION
  SELECT owner_code, provider, month FROM alarm)
SELECT k.owner_code AS area_code, k.provider, k.month,
       COALESCE(s.devices, 0) AS devices_in_service,
       COALESCE(w.devices, 0) AS devices_worn,
       COALESCE(a.alarms, 0) AS alarms,
       COALESCE(a.false_alarms, 0) AS false_alarms,
       commgrid.care_false_alarm_rate(a.false_alarms, a.closed) AS false_alarm_rate
FROM k
LEFT JOIN in_service s ON s.owner_code = k.owner_code AND s.provider = k.provider AND s.month = k.month
LEFT JOIN worn w ON w.owner_code = k.owner_code AND w.provider = k.provider AND w.month = k.month
LEFT JOIN alarm a ON a.owner_code = k.owner_code AND a.provider = k.provider AND a.month = k.month
WHERE commgrid.reaches(k.owner_code, (SELECT commgrid.reach_scopes()));
COMMENT ON VIEW care_operations IS
  'Wearable care operations per holder, provider and district month (every month with devices in service up to this one, worn or not): devices in service and worn, alarms, false alarms and their share of closed alarms; rows of the caller''s jurisdiction';
COMMENT ON COLUMN care_operations.area_code IS 'The holder of the devices (care_device.owner_code): filter with area_code <@ code';
COMMENT ON COLUMN care_operations.provider IS 'The supplier whose service runs the devices';
COMMENT ON COLUMN care_operations.month IS 'First day of the district month (Asia/Shanghai)';
COMMENT ON COLUMN care_operations.devices_in_service IS 'Devices registered before the month ended and not retired before it began';
COMMENT ON COLUMN care_operations.devices_worn IS 'Devices that sent at least one accepted fix in the month';
COMMENT ON COLUMN care_operations.alarms IS 'Alarms a person must answer (not low_battery, not fence_return) of the month';
COMMENT ON COLUMN care_operations.false_alarms IS 'Of those, closed as false alarms';
COMMENT ON COLUMN care_operations.false_alarm_rate IS 'false_alarms / closed alarms, 3 decimals; NULL when none is closed';
