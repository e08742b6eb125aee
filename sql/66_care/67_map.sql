-- The map (24 hours a day on the electronic map): the last known position of each tracked
-- person in an area, as GeoJSON, with the masked name and the open alarms.  A staff function
-- (positions are restricted columns): the area must lie in the caller's jurisdiction, and
-- each call is audited.
CREATE FUNCTION care_positions(area gridcode) RETURNS json
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
BEGIN
  PERFORM commgrid.check_staff_reach(area, format('area %s', area));
  PERFORM commgrid.audit_read('commgrid.care_device_state', jsonb_build_object('area', area::text),
                              'care_positions', area);
  RETURN (
    SELECT json_build_object('type', 'FeatureCollection',
                             'features', COALESCE(json_agg(x.feature ORDER BY x.device_id), '[]'::json))
    FROM (
      SELECT s.device_id, json_build_object(
               'type', 'Feature', 'id', s.device_id,
               'geometry', json_build_object('type', 'Point',
                                             'coordinates', json_build_array(s.last_lon, s.last_lat)),
               'properties', json_build_object(
                 'name', commgrid.mask_name(r.name), 'grid_code', s.grid_code::text,
                 'fixed_at', s.last_fixed_at, 'out_of_fence', s.is_out,
                 'alarms', to_json(ARRAY(SELECT DISTINCT a.kind FROM commgrid.care_alarm a
                                         WHERE a.device_id OPERATOR(pg_catalog.=) s.device_id
                                           AND a.resolved_at IS NULL AND a.kind <> 'fence_return'
                                           -- an alarm stays with its grid when the wearer moves
                                           AND commgrid.reaches(a.grid_code, scopes)
                                         ORDER BY a.kind)))) AS feature
      FROM commgrid.care_device_state s
      JOIN commgrid.resident r ON r.resident_id OPERATOR(pg_catalog.=) s.resident_id
      WHERE s.tracking AND s.last_lon IS NOT NULL
        AND s.grid_code OPERATOR(commgrid.<@) area) x);
END $$;
REVOKE EXECUTE ON FUNCTION care_positions(gridcode) FROM PUBLIC;
COMMENT ON FUNCTION care_positions(gridcode) IS
  'Staff function: GeoJSON FeatureCollection of the last known position of each tracked person in an area of the caller''s jurisdiction, with masked name, fence state and unresolved alarm kinds; every call audited';
INSERT INTO staff_function VALUES
  ('care_positions', 'The last known position of each tracked person in an area, with masked names');

-- BI: counts only, per grid and district hour; no device, person or position.  A grid-hour
-- is shown only when at least k devices (masking_setting bi_min_group_size, as bi_resident's
-- groups) pinged or raised an alarm in it: a grid with one wearer would otherwise tell BI
-- when that person was out, and that they pressed SOS at 09:00.
CREATE FUNCTION bi_care_activity_rows()
RETURNS TABLE (area_code text, area_name text, hour timestamp, devices int, pings int, alarms int)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
  WITH p AS (
    SELECT grid_code, date_trunc('hour', fixed_at AT TIME ZONE 'Asia/Shanghai') AS hour, device_id,
           count(*) AS pings
    FROM commgrid.care_ping WHERE grid_code IS NOT NULL GROUP BY 1, 2, 3),
  a AS (
    SELECT grid_code, date_trunc('hour', COALESCE(fixed_at, raised_at) AT TIME ZONE 'Asia/Shanghai') AS hour,
           device_id, count(*) AS alarms
    FROM commgrid.care_alarm WHERE grid_code IS NOT NULL AND kind <> 'fence_return' GROUP BY 1, 2, 3),
  -- one row per device of the grid-hour: count(*) is the group the k test counts
  d AS (
    SELECT COALESCE(p.grid_code, a.grid_code) AS grid_code, COALESCE(p.hour, a.hour) AS hour,
           count(p.device_id) AS devices, sum(p.pings) AS pings, sum(a.alarms) AS alarms,
           count(*) AS senders
    FROM p FULL JOIN a ON a.grid_code = p.grid_code AND a.hour = p.hour AND a.device_id = p.device_id
    GROUP BY 1, 2)
  SELECT g.code::text, g.name, d.hour, d.devices::int, COALESCE(d.pings, 0)::int, COALESCE(d.alarms, 0)::int
  FROM d JOIN commgrid.area g ON g.code = d.grid_code
  WHERE d.senders >= (SELECT s.value FROM commgrid.masking_setting s WHERE s.name = 'bi_min_group_size')
$$;
REVOKE EXECUTE ON FUNCTION bi_care_activity_rows() FROM PUBLIC;
COMMENT ON FUNCTION bi_care_activity_rows() IS
  'The rows of bi_care_activity, computed with the owner''s rights (for the BI reader)';
CREATE VIEW bi_care_activity AS
SELECT * FROM commgrid.bi_care_activity_rows();
COMMENT ON VIEW bi_care_activity IS
  'BI: wearable care per grid and district hour: devices reporting, pings, alarms (counts only); a grid-hour of fewer than k devices (masking_setting bi_min_group_size) pinging or alarming is left out';
COMMENT ON COLUMN bi_care_activity.area_code IS 'The grid, as text';
COMMENT ON COLUMN bi_care_activity.area_name IS 'Name of the grid';
COMMENT ON COLUMN bi_care_activity.hour IS 'The hour, district time (Asia/Shanghai)';
COMMENT ON COLUMN bi_care_activity.devices IS 'Devices that reported a ping fixed in that hour';
COMMENT ON COLUMN bi_care_activity.pings IS 'Pings fixed in that hour';
COMMENT ON COLUMN bi_care_activity.alarms IS 'Alarms of that hour (the fix of the ping that raised it, else when raised; fence returns not counted)';
