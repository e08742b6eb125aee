-- Wearable care's lines of area_report (sql/40_people/48_district_report.sql): the report's
-- "more than 9,000 devices worn ... 137 found, 69 rescued" computed from the data.
-- Internal to area_report: counts over the whole area, after area_report's reach check.
-- A device belongs to an area when its holder (owner_code) or its wearer's grid lies in it;
-- alarms are the kinds a person must answer, counted this year and timed as
-- care_response_times times them (both from care_response_event), the false-alarm share as
-- care_operations computes it; cases count person-times (人次) since records began, as the
-- report does, and so does their median time to find.
CREATE FUNCTION care_report_lines(target gridcode)
RETURNS TABLE (ordinal int, indicator text, value numeric, unit text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH bounds AS (
    SELECT (date_trunc('month', commgrid.district_today())::timestamp AT TIME ZONE 'Asia/Shanghai') AS month_start,
           (date_trunc('year', commgrid.district_today())::timestamp AT TIME ZONE 'Asia/Shanghai') AS year_start
  ),
  device AS (
    SELECT count(*) AS in_service,
           count(*) FILTER (WHERE s.last_fixed_at >= (SELECT month_start FROM bounds)) AS worn
    FROM commgrid.care_device d JOIN commgrid.care_device_state s ON s.device_id = d.device_id
    WHERE d.retired_at IS NULL AND (d.owner_code <@ target OR d.grid_code <@ target)
  ),
  alarm AS (
    SELECT count(*) AS alarms,
           count(e.resolve) AS closed,
           count(*) FILTER (WHERE e.false_alarm) AS false_alarms,
           commgrid.care_median_minutes(e.ack) AS ack,
           commgrid.care_median_minutes(e.arrive) AS arrive,
           commgrid.care_median_minutes(e.resolve) AS resolve
    FROM commgrid.care_response_event e
    WHERE e.is_alarm AND e.grid_code <@ target AND e.counted_at >= (SELECT year_start FROM bounds)
  ),
  lost AS (
    SELECT count(*) FILTER (WHERE c.found_at IS NOT NULL) AS found,
           count(*) FILTER (WHERE c.rescue_needed) AS rescued
    FROM commgrid.care_case c WHERE c.grid_code <@ target
  )
  SELECT 1, 'care devices in service', (SELECT in_service FROM device)::numeric, 'devices'
  UNION ALL SELECT 2, 'care devices worn this month', (SELECT worn FROM device), 'devices'
  UNION ALL SELECT 3, 'care alarms this year', (SELECT alarms FROM alarm), 'alarms'
  UNION ALL SELECT 4, 'lost elderly found', (SELECT found FROM lost), 'person-times'
  UNION ALL SELECT 5, 'lost elderly rescued in an emergency', (SELECT rescued FROM lost), 'person-times'
  UNION ALL SELECT 6, 'care alarms this year: median minutes to acknowledge', (SELECT ack FROM alarm), 'minutes'
  UNION ALL SELECT 7, 'care alarms this year: median minutes to arrive', (SELECT arrive FROM alarm), 'minutes'
  UNION ALL SELECT 8, 'care alarms this year: median minutes to resolve', (SELECT resolve FROM alarm), 'minutes'
  UNION ALL SELECT 9, 'care alarms this year: false alarms per closed alarm',
    (SELECT commgrid.care_false_alarm_rate(false_alarms, closed) FROM alarm), 'share'
  UNION ALL SELECT 10, 'lost elderly found: median minutes to find',
    (SELECT commgrid.care_median_minutes(e.find)
     FROM commgrid.care_response_event e WHERE NOT e.is_alarm AND e.grid_code <@ target), 'minutes'
$$;
REVOKE EXECUTE ON FUNCTION care_report_lines(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION care_report_lines(gridcode) IS
  'The wearable care lines of area_report (internal to it: counts over the whole area, after area_report''s reach check): devices in service and worn this month, alarms this year with their median minutes to acknowledge, reach and resolve and their false-alarm share, lost elderly found and rescued (person-times, all time) and the median minutes to find them';
