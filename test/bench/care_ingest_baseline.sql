-- The faithful baseline of test/bench/care_ingest.sh: the rules of care_ingest (src/care_ingest.c,
-- docs/guide/care.md) written the plain way in PL/pgSQL, one BEFORE INSERT row trigger on
-- public.base_ping (a partitioned copy of care_ping), each rule a query or a PostGIS call per
-- ping: the device's state row locked FOR UPDATE and updated, the open binding and its consent
-- read from care_binding, the duplicate looked up in base_ping (only when the ping is not newer
-- than any stored, the same shortcut care_ingest takes), care_setting read, the jump by
-- ST_Distance (geography) over the time since the last accepted fix, the fences by ST_DWithin
-- (geography) and ST_Covers with their active hours, the district by ST_Covers on its boundary
-- (GiST-indexed), each alarm inserted (a retransmission raises once) and sent by pg_notify with
-- care_alarm_notify's payload.  Every lookup is by an index; nothing is slower than it must be.
-- The bench checks that it raises the same alarms and stores the same statuses as care_ingest.

-- the per-device state: what care_device_state holds for care_ingest
CREATE TABLE public.base_state (
  device_id              bigint PRIMARY KEY REFERENCES commgrid.care_device,
  last_fixed_at          timestamptz,
  last_location          geometry,
  newest_fixed_at        timestamptz,
  newest_stored_at       timestamptz,
  last_seen_at           timestamptz,
  no_signal_since        timestamptz,
  outside_count          int NOT NULL DEFAULT 0,
  is_out                 boolean NOT NULL DEFAULT false,
  exit_alarm_id          bigint,
  battery_low            boolean NOT NULL DEFAULT false,
  district_outside_count int NOT NULL DEFAULT 0,
  left_district          boolean NOT NULL DEFAULT false
) WITH (fillfactor = 50);
INSERT INTO public.base_state (device_id) SELECT device_id FROM commgrid.care_device;
CREATE TABLE public.base_alarm (LIKE commgrid.care_alarm INCLUDING ALL);

-- one alarm: inserted unless it is a retransmission, and sent with care_alarm_notify's payload
CREATE FUNCTION public.base_raise(alarm_kind text, device bigint, resident bigint, grid commgrid.gridcode,
                                  ping bigint, fixed timestamptz, fix geometry, assumed boolean)
RETURNS bigint LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  a public.base_alarm;
BEGIN
  IF alarm_kind NOT IN ('fence_exit', 'fence_return') AND EXISTS (
       SELECT 1 FROM public.base_alarm x
       WHERE x.device_id = device AND x.kind = alarm_kind AND x.fixed_at = fixed) THEN
    RETURN NULL;
  END IF;
  INSERT INTO public.base_alarm (kind, device_id, resident_id, grid_code, ping_id, fixed_at, location, position_assumed)
  VALUES (alarm_kind, device, resident, grid, ping, fixed, fix, assumed)
  RETURNING * INTO a;
  PERFORM pg_notify('commgrid_care_alarm', json_build_object(
    'alarm_id', a.alarm_id, 'kind', a.kind, 'device_id', a.device_id,
    'name', (SELECT commgrid.mask_name(r.name) FROM commgrid.resident r WHERE r.resident_id = a.resident_id),
    'grid_code', a.grid_code::text, 'lon', ST_X(a.location), 'lat', ST_Y(a.location),
    'position_assumed', a.position_assumed, 'raised_at', a.raised_at)::text);
  RETURN a.alarm_id;
END $$;

CREATE FUNCTION public.base_ingest() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, commgrid, public, pg_temp AS $$
DECLARE
  cfg commgrid.care_setting;
  s public.base_state;
  resident bigint;
  grid commgrid.gridcode;
  tracking boolean;
  alarm boolean := NEW.sos OR NEW.fall OR NEW.removed OR NEW.power_off;
  has_fix boolean := false;
  loc geometry;
  status text;
  tod time;
  inside boolean;
  beyond boolean;
  pos geometry;
  assumed boolean := false;
BEGIN
  SELECT * INTO s FROM public.base_state WHERE device_id = NEW.device_id FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'device % is not registered', NEW.device_id USING ERRCODE = '23503';
  END IF;
  -- a duplicate is dropped; an alarm never is
  IF NOT alarm AND s.newest_stored_at IS NOT NULL AND NEW.fixed_at <= s.newest_stored_at AND EXISTS (
       SELECT 1 FROM public.base_ping p
       WHERE p.device_id = NEW.device_id AND p.fixed_at = NEW.fixed_at AND p.message = NEW.message
         AND NOT (p.sos OR p.fall OR p.removed OR p.power_off)) THEN
    RETURN NULL;
  END IF;
  SELECT b.resident_id, b.grid_code, b.consent_by IS NOT NULL AND b.consent_withdrawn_at IS NULL
    INTO resident, grid, tracking
  FROM commgrid.care_binding b WHERE b.device_id = NEW.device_id AND b.bound_until IS NULL;
  tracking := coalesce(tracking, false);
  SELECT * INTO cfg FROM commgrid.care_setting;

  IF NEW.location IS NOT NULL AND NOT ST_IsEmpty(NEW.location) AND NOT NEW.invalid_fix
     AND NEW.fix_source <> 'none' AND NOT (ST_X(NEW.location) = 0 AND ST_Y(NEW.location) = 0) THEN
    IF abs(ST_X(NEW.location)) > 180 OR abs(ST_Y(NEW.location)) > 90 THEN
      RAISE EXCEPTION 'ping location (% %) is not a longitude/latitude', ST_X(NEW.location), ST_Y(NEW.location)
        USING ERRCODE = '22023';
    END IF;
    has_fix := true;
    loc := CASE WHEN NEW.coord_system = 'gcj02' THEN gcj02_to_wgs84(NEW.location) ELSE NEW.location END;
    loc := ST_SetSRID(loc, 4490);
  END IF;

  -- no consent, no tracking: a plain ping is not kept; an alarm is, without position
  IF NOT tracking THEN
    IF NOT alarm THEN
      RETURN NULL;
    END IF;
    status := 'no_consent';
    has_fix := false;
    loc := NULL;
  ELSIF NOT has_fix THEN
    status := 'no_fix';
  ELSIF s.newest_fixed_at IS NOT NULL AND NEW.fixed_at <= s.newest_fixed_at THEN
    status := 'out_of_order';
  ELSIF NEW.fix_source = 'cell' THEN
    status := 'cell';
  ELSIF NEW.accuracy_m > cfg.accuracy_limit_m THEN
    status := 'inaccurate';
  ELSIF s.last_location IS NOT NULL
        AND ST_Distance(s.last_location::geography, loc::geography) * 3.6
            > cfg.jump_speed_kmh * extract(epoch FROM NEW.fixed_at - s.last_fixed_at) THEN
    status := 'jump';
  ELSE
    status := 'accepted';
  END IF;

  IF status = 'accepted' THEN
    IF resident IS NOT NULL THEN
      -- the fences active at fixed_at (district time): inside one, or beyond every outer ring
      tod := (NEW.fixed_at AT TIME ZONE 'Asia/Shanghai')::time;
      SELECT bool_or(CASE f.kind WHEN 'circle' THEN ST_DWithin(f.centre::geography, loc::geography, f.radius_m)
                                 ELSE ST_Covers(f.area, loc) END),
             bool_and(CASE f.kind
                        WHEN 'circle' THEN NOT ST_DWithin(f.centre::geography, loc::geography,
                                                          f.radius_m + greatest(0.1 * f.radius_m, 20))
                        ELSE NOT ST_DWithin(f.area::geography, loc::geography, 20) END)
        INTO inside, beyond
      FROM commgrid.care_fence f
      WHERE f.resident_id = resident
        AND (f.active_from IS NULL
             OR CASE WHEN f.active_from <= f.active_until THEN tod >= f.active_from AND tod < f.active_until
                     ELSE tod >= f.active_from OR tod < f.active_until END);
      IF inside THEN
        s.outside_count := 0;
        IF s.is_out THEN
          s.is_out := false;
          s.exit_alarm_id := NULL;
          PERFORM public.base_raise('fence_return', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, loc, false);
        END IF;
      ELSIF beyond AND NOT s.is_out THEN
        s.outside_count := s.outside_count + 1;
        IF s.outside_count >= 2 THEN
          s.is_out := true;
          s.exit_alarm_id := public.base_raise('fence_exit', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, loc, false);
        END IF;
      END IF;
      -- the district: two consecutive accepted fixes outside it raise left_district once
      IF EXISTS (SELECT 1 FROM commgrid.area a WHERE a.kind = 'district' AND ST_Covers(a.boundary, loc)) THEN
        s.district_outside_count := 0;
        s.left_district := false;
      ELSIF NOT s.left_district THEN
        s.district_outside_count := s.district_outside_count + 1;
        IF s.district_outside_count >= 2 THEN
          s.left_district := true;
          PERFORM public.base_raise('left_district', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, loc, false);
        END IF;
      END IF;
      -- (end of the district)
    END IF;
    s.last_fixed_at := NEW.fixed_at;
    s.last_location := loc;
  END IF;

  -- alarms, whatever the filters said; without a fix, the last known position
  IF alarm OR (NEW.battery IS NOT NULL AND status <> 'out_of_order') THEN
    IF has_fix THEN
      pos := loc;
    ELSIF tracking AND s.last_location IS NOT NULL THEN
      pos := s.last_location;
      assumed := true;
    END IF;
    IF NEW.sos THEN
      PERFORM public.base_raise('sos', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, pos, assumed);
    END IF;
    IF NEW.fall THEN
      PERFORM public.base_raise('fall', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, pos, assumed);
    END IF;
    IF NEW.removed THEN
      PERFORM public.base_raise('removed', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, pos, assumed);
    END IF;
    IF NEW.power_off THEN
      PERFORM public.base_raise('power_off', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, pos, assumed);
    END IF;
    IF NEW.battery IS NOT NULL AND status <> 'out_of_order' AND tracking THEN
      IF NEW.battery <= cfg.low_battery_percent AND NOT s.battery_low THEN
        s.battery_low := true;
        PERFORM public.base_raise('low_battery', NEW.device_id, resident, grid, NEW.ping_id, NEW.fixed_at, pos, assumed);
      ELSIF NEW.battery > cfg.low_battery_percent THEN
        s.battery_low := false;
      END IF;
    END IF;
  END IF;

  UPDATE public.base_state SET
    last_fixed_at = s.last_fixed_at, last_location = s.last_location,
    newest_fixed_at = CASE WHEN has_fix AND (s.newest_fixed_at IS NULL OR NEW.fixed_at > s.newest_fixed_at)
                           THEN NEW.fixed_at ELSE s.newest_fixed_at END,
    newest_stored_at = greatest(s.newest_stored_at, NEW.fixed_at),
    last_seen_at = greatest(s.last_seen_at, NEW.received_at), no_signal_since = NULL,
    outside_count = s.outside_count, is_out = s.is_out, exit_alarm_id = s.exit_alarm_id,
    battery_low = s.battery_low, district_outside_count = s.district_outside_count,
    left_district = s.left_district
  WHERE device_id = NEW.device_id;

  NEW.location := CASE WHEN has_fix THEN loc WHEN assumed THEN pos END;
  NEW.resident_id := resident;
  NEW.grid_code := grid;
  NEW.status := status;
  NEW.position_assumed := assumed;
  RETURN NEW;
END $$;
CREATE TRIGGER base_ingest BEFORE INSERT ON public.base_ping FOR EACH ROW EXECUTE FUNCTION public.base_ingest();

-- The lean baseline of the first two rounds, kept for comparison: only the state row, the
-- order check and the fences (no duplicates, consent, filters, battery, district or NOTIFY).
CREATE TABLE public.lean_state (device_id bigint PRIMARY KEY, resident_id bigint, last_fixed_at timestamptz,
  outside_count int NOT NULL DEFAULT 0, is_out boolean NOT NULL DEFAULT false);
INSERT INTO public.lean_state (device_id, resident_id)
SELECT device_id, resident_id FROM commgrid.care_binding WHERE bound_until IS NULL;
CREATE TABLE public.lean_alarm (alarm_id bigserial PRIMARY KEY, kind text, device_id bigint, fixed_at timestamptz, location geometry);
CREATE FUNCTION public.lean_ingest() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s public.lean_state; inside boolean; beyond boolean; loc geometry;
BEGIN
  SELECT * INTO s FROM public.lean_state WHERE device_id = NEW.device_id FOR UPDATE;
  loc := ST_SetSRID(NEW.location, 4490);
  NEW.location := loc;
  NEW.resident_id := s.resident_id;
  IF s.last_fixed_at IS NOT NULL AND NEW.fixed_at <= s.last_fixed_at THEN
    NEW.status := 'out_of_order'; RETURN NEW;
  END IF;
  SELECT bool_or(CASE f.kind WHEN 'circle' THEN ST_DWithin(f.centre::geography, loc::geography, f.radius_m)
                             ELSE ST_Covers(f.area, loc) END),
         bool_and(CASE f.kind WHEN 'circle' THEN NOT ST_DWithin(f.centre::geography, loc::geography, f.radius_m + greatest(0.1 * f.radius_m, 20))
                              ELSE NOT ST_DWithin(f.area::geography, loc::geography, 20) END)
    INTO inside, beyond
  FROM commgrid.care_fence f WHERE f.resident_id = s.resident_id;
  IF inside THEN
    IF s.is_out THEN INSERT INTO public.lean_alarm (kind, device_id, fixed_at, location) VALUES ('fence_return', NEW.device_id, NEW.fixed_at, loc); END IF;
    s.outside_count := 0; s.is_out := false;
  ELSIF beyond AND NOT s.is_out THEN
    s.outside_count := s.outside_count + 1;
    IF s.outside_count >= 2 THEN
      s.is_out := true;
      INSERT INTO public.lean_alarm (kind, device_id, fixed_at, location) VALUES ('fence_exit', NEW.device_id, NEW.fixed_at, loc);
    END IF;
  END IF;
  UPDATE public.lean_state SET last_fixed_at = NEW.fixed_at, outside_count = s.outside_count, is_out = s.is_out
  WHERE device_id = NEW.device_id;
  NEW.status := 'accepted';
  RETURN NEW;
END $$;
CREATE TRIGGER lean_ingest BEFORE INSERT ON public.lean_ping FOR EACH ROW EXECUTE FUNCTION public.lean_ingest();

-- For the cost breakdown only: the faithful baseline without the district check (same tables
-- under other names), to measure what ST_Covers on the district boundary costs per ping.
CREATE TABLE public.nodist_state (LIKE public.base_state INCLUDING ALL) WITH (fillfactor = 50);
INSERT INTO public.nodist_state (device_id) SELECT device_id FROM commgrid.care_device;
CREATE TABLE public.nodist_alarm (LIKE commgrid.care_alarm INCLUDING ALL);
DO $$
BEGIN
  EXECUTE replace(pg_get_functiondef('public.base_raise(text, bigint, bigint, commgrid.gridcode, bigint, timestamptz, geometry, boolean)'::regprocedure),
                  'public.base_', 'public.nodist_');
  EXECUTE regexp_replace(replace(pg_get_functiondef('public.base_ingest()'::regprocedure), 'public.base_', 'public.nodist_'),
                         '-- the district: .*-- \(end of the district\)', '');
END $$;
CREATE TRIGGER nodist_ingest BEFORE INSERT ON public.nodist_ping FOR EACH ROW EXECUTE FUNCTION public.nodist_ingest();
