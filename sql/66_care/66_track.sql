-- Reading a person's track.  The positions (care_ping.location, the last known position in
-- care_device_state) are restricted columns: no role reads them from the tables.  The only
-- way to them is this staff function and care_positions (67_map.sql), which check the
-- caller's jurisdiction (the policies' reach) and write an audit row for every read.
CREATE FUNCTION care_track(resident bigint, from_at timestamptz DEFAULT now() - interval '1 day',
                           until_at timestamptz DEFAULT now())
RETURNS TABLE (fixed_at timestamptz, longitude float8, latitude float8, accuracy_m real,
               fix_source text, status text, battery smallint, alarm boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
#variable_conflict use_column
DECLARE
  area_code commgrid.gridcode;
  scopes commgrid.gridcode[] := commgrid.acting_scopes();
BEGIN
  IF from_at IS NULL OR until_at IS NULL OR until_at <= from_at
     OR until_at - from_at > interval '31 days' THEN
    RAISE EXCEPTION 'bad track period [%, %)', from_at, until_at
      USING ERRCODE = '22023', DETAIL = 'A track covers more than nothing and at most 31 days.',
            HINT = 'Give from_at before until_at, both set, at most 31 days apart.';
  END IF;
  SELECT r.grid_code INTO area_code FROM commgrid.resident r
  WHERE r.resident_id OPERATOR(pg_catalog.=) resident;
  PERFORM commgrid.check_staff_reach(area_code, format('resident %s', resident));
  PERFORM commgrid.audit_read('commgrid.care_ping',
                              jsonb_build_object('resident_id', resident, 'from', from_at, 'until', until_at),
                              'care_track', area_code);
  RETURN QUERY
  SELECT p.fixed_at, ST_X(p.location), ST_Y(p.location), p.accuracy_m, p.fix_source, p.status,
         p.battery, p.sos OR p.fall OR p.removed OR p.power_off
  FROM commgrid.care_ping p
  WHERE p.resident_id OPERATOR(pg_catalog.=) resident
    AND p.fixed_at >= from_at AND p.fixed_at < until_at
    -- a ping stays with the grid where it was taken (71_person_moves.sql): the pings of a
    -- person who moved in are shown only where the caller reaches their grid, as care_ping's
    -- policy would (the new grid's worker learnt where she was before she moved)
    AND commgrid.reaches(p.grid_code, scopes)
  ORDER BY p.fixed_at, p.ping_id;
END $$;
REVOKE EXECUTE ON FUNCTION care_track(bigint, timestamptz, timestamptz) FROM PUBLIC;
COMMENT ON FUNCTION care_track(bigint, timestamptz, timestamptz) IS
  'Staff function: the pings of a resident (any device they wore) in [from_at, until_at), at most 31 days, for staff whose jurisdiction holds the resident: those taken in a grid of that jurisdiction (a ping stays with its grid when the person moves); every call audited';

INSERT INTO staff_function VALUES
  ('care_track', 'A resident''s wearable track: positions, fix quality, battery, alarms');
